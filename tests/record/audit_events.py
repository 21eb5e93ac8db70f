#!/usr/bin/python3
"""Select and describe audit events for elfwatch's recorded fixtures.

audit_events.py select --ses N [--key K]... [--exclude-pid P]... < LOG > OUT
    Copy every record (EOE included) of the events whose SYSCALL record has ses=N and one of
    the keys K (default elfwatch_exec), in input order. LOG may be audit.log text or a plugin
    stream.
audit_events.py map SCENARIOS.tsv LOG...
    Print scenarios.tsv with a column of event ids added: an event belongs to the scenario
    whose job pid executed it, or else to the scenario running at the time (ldd's children).
audit_events.py list LOG
    One line per event: id, pid, ppid, syscall, success/exit, items, exe, argv (decoded); for
    other syscalls the key and each PATH item (item:name:nametype:inode).
audit_events.py files PLAN [LOG...]
    The write manifest: for each PLAN row (scenario, generator, final path or "-", created
    path) print scenario, generator, path, dev (audit's MAJ:MIN hex), inode, size, sha256 and
    the id of the event that created the inode. The file is stat'ed where it still is; a
    deleted one is identified by the CREATE PATH item whose name ends like its created path.
"""
import hashlib
import os
import re
import sys

REC = re.compile(rb"^type=(\w+) msg=audit\((\d+\.\d+:\d+)\): ?(.*)$")
FIELD = re.compile(rb'(\w+(?:\[\d+\])?)=("[^"]*"|\S*)')
SYSCALLS = {b"59": "execve", b"322": "execveat", b"11": "execve(b32)", b"358": "execveat(b32)",
            b"2": "open", b"257": "openat", b"85": "creat", b"437": "openat2", b"82": "rename",
            b"264": "renameat", b"316": "renameat2", b"86": "link", b"265": "linkat",
            b"90": "chmod", b"91": "fchmod", b"268": "fchmodat", b"452": "fchmodat2"}
EXECS = (b"59", b"322", b"11", b"358")


def records(stream):
    for line in stream:
        m = REC.match(line.rstrip(b"\n"))
        if m:
            yield line, m.group(1), m.group(2), m.group(3)


def fields(body):
    body = body.split(b"\x1d", 1)[0]  # drop ENRICHED translations
    return {k.decode(): v for k, v in FIELD.findall(body)}


def events(paths):
    """Ordered {id: {"lines": [...], "syscall": fields, "execve": [fields...], ...}}."""
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            for line, rtype, eid, body in records(f):
                ev = out.setdefault(eid, {"lines": [], "types": [], "execve": [], "path": []})
                ev["lines"].append(line)
                ev["types"].append(rtype)
                if rtype == b"SYSCALL":
                    ev["syscall"] = fields(body)
                elif rtype == b"EXECVE":
                    ev["execve"].append(fields(body))
                elif rtype == b"PATH":
                    ev["path"].append(fields(body))
    return out


def unquote(v):
    if v.startswith(b'"'):
        return v.strip(b'"')
    try:
        return bytes.fromhex(v.decode())
    except ValueError:
        return v


def argv(ev):
    f = {}
    for rec in ev["execve"]:
        f.update(rec)
    n = int(f.get("argc", b"0"))
    out = []
    for i in range(n):
        if "a%d" % i in f:
            out.append(unquote(f["a%d" % i]))
        else:
            chunks, k = [], 0
            while "a%d[%d]" % (i, k) in f:
                chunks.append(bytes.fromhex(f["a%d[%d]" % (i, k)].decode()))
                k += 1
            out.append(b"".join(chunks))
    return out


def show(b, limit=60):
    s = b.decode("utf-8", "backslashreplace").encode("unicode_escape").decode()
    return s if len(s) <= limit else s[:limit] + "...(%d bytes)" % len(b)


def cmd_select(args):
    ses = None
    keys, excl = set(), set()
    it = iter(args)
    for a in it:
        if a == "--ses":
            ses = next(it).encode()
        elif a == "--key":
            keys.add(b'"%s"' % next(it).encode())
        elif a == "--exclude-pid":
            excl.add(next(it).encode())
    if ses is None:
        sys.exit("select: --ses is required")
    keys = keys or {b'"elfwatch_exec"'}
    lines = list(records(sys.stdin.buffer))
    keep = set()
    for _, rtype, eid, body in lines:
        if rtype == b"SYSCALL":
            f = fields(body)
            if f.get("ses") == ses and f.get("key") in keys and f.get("pid") not in excl:
                keep.add(eid)
    for line, _, eid, _ in lines:
        if eid in keep:
            sys.stdout.buffer.write(line)


def cmd_map(args):
    scen = [l.rstrip("\n").split("\t") for l in open(args[0], encoding="utf-8", errors="replace")]
    by_pid = {row[2]: row for row in scen if row[2] != "-"}
    ids = {row[1]: [] for row in scen}
    for path in args[1:]:
        current = None  # families are recorded one per file
        for eid, ev in events([path]).items():
            pid = ev.get("syscall", {}).get("pid", b"").decode()
            if pid in by_pid:
                current = by_pid[pid]
            if current is not None:
                ids[current[1]].append(eid.decode())
    for row in scen:
        print("\t".join(row[:2] + [",".join(ids[row[1]]) or "-"] + row[3:]))


def cmd_list(args):
    for eid, ev in events(args).items():
        sc = ev.get("syscall", {})
        g = lambda k: sc.get(k, b"?").decode(errors="replace")
        if sc.get("syscall") in EXECS:
            tail = "argv=[%s]" % " ".join(show(a) for a in argv(ev))
        else:
            tail = "%s a0=%s a1=%s a2=%s %s" % (g("key"), g("a0"), g("a1"), g("a2"), " ".join(
                "%s:%s:%s:%s" % (p.get("item", b"?").decode(), show(unquote(p.get("name", b"?")), 40),
                                 p.get("nametype", b"?").decode(), p.get("inode", b"-").decode())
                for p in ev["path"]))
        print("%s pid=%s ppid=%s %s %s/%s items=%s exe=%s %s" % (
            eid.decode(), g("pid"), g("ppid"), SYSCALLS.get(sc.get("syscall"), g("syscall")),
            g("success"), g("exit"), g("items"), g("exe"), tail))


def cmd_files(args):
    plan = [l.rstrip("\n").split("\t") for l in open(args[0], encoding="utf-8") if l.strip()]
    evs = events(args[1:])
    creates = []  # (event id, name, dev, inode, made by an open/creat)
    touched = []  # (event id, dev, inode): any item, e.g. fchmod's nameless one
    for eid, ev in evs.items():
        opened = ev.get("syscall", {}).get("syscall") in (b"2", b"257", b"85", b"437")
        execd = ev.get("syscall", {}).get("syscall") in EXECS
        for p in ev["path"]:
            if p.get("inode") and not execd:
                touched.append((eid.decode(), p.get("dev", b"").decode(), p["inode"].decode()))
            if p.get("nametype") == b"CREATE" and p.get("inode"):
                creates.append((eid.decode(), unquote(p.get("name", b"")), p.get("dev", b"").decode(),
                                p["inode"].decode(), opened))
    print("# scenario\tgenerator\tpath\tdev\tinode\tsize\tsha256\tcreate_event")
    for sid, gen, final, created in plan:
        dev = ino = size = digest = "-"
        if final != "-" and os.path.lexists(final):
            st = os.stat(final, follow_symlinks=False)
            dev = "%02x:%02x" % (os.major(st.st_dev), os.minor(st.st_dev))
            ino, size = str(st.st_ino), str(st.st_size)
            with open(final, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        base = os.path.basename(created).encode()
        ev = "-"
        if ino != "-":
            # The latest open that created this inode (an inode number freed earlier may be
            # reused; rename and link create names, not inodes), else the latest event naming
            # it (fchmod of a file created outside the watched directories).
            for eid, name, cdev, cino, opened in reversed(creates):
                if opened and (cdev, cino) == (dev, ino):
                    ev = eid
                    break
            else:
                for eid, cdev, cino in reversed(touched):
                    if (cdev, cino) == (dev, ino):
                        ev = eid + " (no CREATE)"
                        break
        else:
            for eid, name, cdev, cino, _ in creates:
                if name == created.encode() or name.endswith(b"/" + base) or name == base:
                    dev, ino, ev = cdev, cino, eid
                    break
        print("\t".join([sid, gen, final if final != "-" else created + " (deleted)", dev, ino,
                         size, digest, ev]))


if __name__ == "__main__":
    cmds = {"select": cmd_select, "map": cmd_map, "list": cmd_list, "files": cmd_files}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])
