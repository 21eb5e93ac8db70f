#!/usr/bin/python3
"""Build audit.log text (no EOE: events end at PROCTITLE) for loader runs shaped to hide from
elfwatch, the way the kernel would write them, for tests/test_hostile_replay.sh.

hostile_events.py LOG
    Write the events to LOG and print one line per event on stdout: serial, scenario, what
    elfwatch must do. Identities of the loader, ldd and bash are this machine's (stat), so the
    replay recognises them whatever the machine.

EXECVE records follow kernel/auditsc.c audit_log_execve_info: an argument is "quoted" when it
has no quote, space, control or non-ASCII byte, hex otherwise; one longer than 7500 encoded
bytes is written as aN_len= and aN[k]= chunks; a record is closed before it would pass 7500
bytes and continuation records start with a space. The "long line" scenarios are hand-made:
the kernel never writes such lines, a replayed or forwarded log may.
"""
import os
import sys

LD = "/lib64/ld-linux-x86-64.so.2"
LD_CANON = os.path.realpath(LD)
MAX_REC = 7500
SEC = 1795400000


def ident(path):
    st = os.stat(path)
    return "%02x:%02x" % (os.major(st.st_dev), os.minor(st.st_dev)), st.st_ino


def encode(arg):
    b = arg.encode("utf-8", "surrogateescape") if isinstance(arg, str) else arg
    if all(0x20 < c < 0x7f and c != 0x22 for c in b):
        return '"%s"' % b.decode()
    return b.hex().upper()


class Log:
    def __init__(self):
        self.lines = []
        self.serial = 100
        self.ms = 0
        self.expect = []

    def stamp(self):
        return "%d.%03d:%d" % (SEC + self.ms // 1000, self.ms % 1000, self.serial)

    def execve_records(self, argv, one_record=False):
        """The EXECVE records' bodies."""
        fields = ["argc=%d" % len(argv)]
        for i, a in enumerate(argv):
            enc = encode(a)
            if len(enc) <= MAX_REC or one_record:
                fields.append("a%d=%s" % (i, enc))
                continue
            enc = (a.encode() if isinstance(a, str) else a).hex().upper()
            fields.append("a%d_len=%d" % (i, len(enc)))
            for k in range(0, len(enc), MAX_REC):
                fields.append("a%d[%d]=%s" % (i, k // MAX_REC, enc[k:k + MAX_REC]))
        if one_record:
            return [" ".join(fields)]
        recs, cur = [], ""
        for f in fields:
            if cur and len(cur) + 1 + len(f) > MAX_REC:
                recs.append(cur)
                cur = " " + f      # continuation records start with a space
            else:
                cur = f if not cur else cur + " " + f
        recs.append(cur)
        return recs

    def event(self, scenario, expect, argv, exe, comm, paths, pid, ppid, ses=9, uid=0,
              success=True, one_record=False, extra=()):
        self.serial += 1
        self.ms += 100
        s = self.stamp()
        hdr = lambda t: "type=%s msg=audit(%s): " % (t, s)
        out = [hdr("SYSCALL") + "arch=c000003e syscall=59 success=%s exit=%d a0=1 a1=2 a2=3 "
               "a3=4 items=%d ppid=%d pid=%d auid=%d uid=%d gid=0 euid=%d suid=0 fsuid=0 "
               "egid=0 sgid=0 fsgid=0 tty=(none) ses=%d comm=%s exe=%s key=\"elfwatch_exec\""
               % ("yes" if success else "no", 0 if success else -13, len(paths), ppid, pid,
                  uid, uid, uid, ses, encode(comm), encode(exe))]
        out += [hdr(t) + body for t, body in extra]
        out += [hdr("EXECVE") + r for r in self.execve_records(argv, one_record)]
        out.append(hdr("CWD") + 'cwd="/root"')
        for i, (name, path_for_id) in enumerate(paths):
            dev, ino = ident(path_for_id)
            out.append(hdr("PATH") + "item=%d name=%s inode=%d dev=%s mode=0100755 ouid=0 "
                       "ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
                       "cap_frootid=0" % (i, encode(name), ino, dev))
        title = b"\0".join(a.encode("utf-8", "surrogateescape") if isinstance(a, str) else a
                           for a in argv)[:128]
        out.append(hdr("PROCTITLE") + "proctitle=" + title.hex().upper())
        self.lines += out
        self.expect.append((s, scenario, expect))
        return s


def main():
    log = Log()
    pay = "/tmp/ew/payload"
    loader = [(LD, LD_CANON)]
    # Item 2: the program lies beyond what elfwatch keeps.
    log.event("H01 300 loader options before the program", "alert argv_truncated",
              [LD] + ["--inhibit-cache"] * 300 + [pay], LD_CANON, "ld-linux-x86-64", loader,
              pid=5001, ppid=5000)
    log.event("H02 --preload value longer than max_argv_bytes (kernel chunks)",
              "alert argv_truncated,preload_injection",
              [LD, "--preload", "/tmp/ew/" + "A" * 9000 + ".so", pay], LD_CANON,
              "ld-linux-x86-64", loader, pid=5002, ppid=5000)
    log.event("H03 plain run right after a cut one", "alert clean",
              [LD, "/bin/true"], LD_CANON, "ld-linux-x86-64", loader, pid=5003, ppid=5000)
    log.event("H04 EXECVE line longer than the reader keeps (hand-made, 80 KB)",
              "alert argv_truncated",
              [LD, "--argv0", "x" * 40000 + " ", pay], LD_CANON, "ld-linux-x86-64", loader,
              pid=5004, ppid=5000, one_record=True)
    log.event("H05 --library-path value in one 30 KB record (hand-made)",
              "alert argv_truncated,library_path_override",
              [LD, "--library-path", "L" * 15000, pay], LD_CANON, "ld-linux-x86-64", loader,
              pid=5005, ppid=5000, one_record=True)
    log.event("H06 --verify --list --audit: the last mode wins, the audit module runs",
              "alert audit_injection",
              [LD, "--verify", "--list", "--audit", "/tmp/ew/a.so", pay], LD_CANON,
              "ld-linux-x86-64", loader, pid=5006, ppid=5000)
    log.event("H07 255 control-character arguments after the program", "alert complete",
              [LD, pay] + ["\x1b[2J\x01\x7f" * 8] * 254, LD_CANON, "ld-linux-x86-64", loader,
              pid=5007, ppid=5000)
    # Item 6: PATH item 0 must agree with exe.
    log.event("H08 SELinux-denial-style event: one PATH item (the loader), exe bash",
              "none", ["bash", "-c", "true"], "/usr/bin/bash", "bash", loader,
              pid=5008, ppid=5000,
              extra=[("AVC", 'avc:  denied  { read } for  pid=5008 comm="bash" '
                      'name="ld-linux-x86-64.so.2" dev="vda1" ino=1 '
                      'scontext=system_u:system_r:httpd_t:s0 '
                      'tcontext=system_u:object_r:ld_so_t:s0 tclass=file permissive=1')])
    log.event("H09 hard-linked loader run through a symlink (name differs from exe)",
              "alert loader_renamed",
              ["/tmp/ew/ldlink", "/bin/true"], "/var/tmp/ew/ld-hard", "ldlink",
              [("/tmp/ew/ldlink", LD_CANON)], pid=5009, ppid=5000)
    # Item 4: ldd's trust is not borrowed.
    ldd = [("/usr/bin/ldd", "/usr/bin/ldd"), ("/bin/bash", "/usr/bin/bash"), (LD, LD_CANON)]
    log.event("H10 ldd /tmp/ew/tool", "none", ["/bin/bash", "/usr/bin/ldd", "/tmp/ew/tool"],
              "/usr/bin/bash", "ldd", ldd, pid=6000, ppid=5999)
    log.event("H11 ldd's own --verify (parent ldd)", "none",
              [LD, "--verify", "/tmp/ew/tool"], LD_CANON, "ld-linux-x86-64", loader,
              pid=6002, ppid=6000)
    log.event("H12 ld.so /tmp/ew/tool from a subshell: ldd's trace or (ld.so X; :)",
              "alert ldd_like", [LD, "/tmp/ew/tool"], LD_CANON, "ld-linux-x86-64", loader,
              pid=6005, ppid=6004)
    log.event("H13 ld.so /tmp/ew/tool with ldd itself as parent", "none",
              [LD, "/tmp/ew/tool"], LD_CANON, "ld-linux-x86-64", loader, pid=6006, ppid=6000)
    with open(sys.argv[1], "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n".join(log.lines) + "\n")
    for s, scenario, expect in log.expect:
        print("%s\t%s\t%s" % (s, expect, scenario))


if __name__ == "__main__":
    main()
