#!/usr/bin/env python3
"""Write the identities file (plugin/detect/identities.h) of the machine a recording is made on: every
file that loader.paths, loader.benign_parents and writes.trusted_producers of a configuration
(default conf/elfwatch.conf) name here, as PATH, MAJOR:MINOR (hex), INODE, CANONICAL. Run it on
the recording machine next to tests/record/record-scenarios.sh; replay tests pass the result
with --identities so they never compare the recording's inodes with the test machine's files.
Usage: record-identities.py [CONF] > tests/data/identities.tsv"""
import glob
import os
import re
import sys

KEYS = {"loader": ("paths", "benign_parents"), "writes": ("trusted_producers",)}


def patterns(text):
    text = re.sub(r"#[^\n]*", "", text)
    out = []
    for group, keys in KEYS.items():
        g = re.search(group + r"\s*:\s*\{(.*?)\n\}", text, re.S)
        for key in keys:
            m = re.search(r"\b" + key + r"\s*=\s*\[(.*?)\]", g.group(1), re.S)
            out += re.findall(r'"([^"]*)"', m.group(1))
    return out


def main():
    conf = sys.argv[1] if len(sys.argv) > 1 else "conf/elfwatch.conf"
    seen = set()
    print("# PATH\tMAJOR:MINOR\tINODE\tCANONICAL (tests/record/record-identities.py %s)" % conf)
    for pat in patterns(open(conf).read()):
        for path in sorted(glob.glob(pat)):
            try:
                st = os.stat(path)
            except OSError:
                continue
            if path in seen or not (st.st_mode & 0o170000) == 0o100000:
                continue
            seen.add(path)
            print("%s\t%02x:%02x\t%d\t%s" % (path, os.major(st.st_dev), os.minor(st.st_dev),
                                             st.st_ino, os.path.realpath(path)))


main()
