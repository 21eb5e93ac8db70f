#!/usr/bin/python3
"""Build tests/data/linker-audit.log: write records on the dynamic linker's files, shaped like
the recorded ones in tests/data/writes-audit.log (ENRICHED, untrusted strings hex-encoded as
the kernel does). python3 tests/record/build-linker-log.py > tests/data/linker-audit.log"""
import sys
GS = "\x1d"
ENR = 'ARCH=x86_64 SYSCALL=%s AUID="root" UID="root" GID="root" EUID="root" SUID="root" FSUID="root" EGID="root" SGID="root" FSGID="root"'
NR = {"execve": 59, "openat": 257, "renameat": 264, "fchmodat": 268}
out = []
serial = [30000]
ms = [0]


def enc(v):
    if any(c <= " " or c > "~" or c == '"' for c in v):
        return v.encode().hex().upper()
    return '"%s"' % v


def event(syscall, args, exe, comm, pid, paths, key, cwd="/root", ppid=42000, argv=None):
    serial[0] += 1
    ms[0] += 40
    eid = "1795380000.%03d:%d" % (ms[0], serial[0])
    out.append('type=SYSCALL msg=audit(%s): arch=c000003e syscall=%d success=yes exit=%s a0=%s a1=%s a2=%s a3=%s items=%d ppid=%d pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=50 comm=%s exe=%s key="%s"%s'
               % (eid, NR[syscall], "0" if syscall != "openat" else "3", args[0], args[1], args[2], args[3],
                  len(paths), ppid, pid, enc(comm), enc(exe), key, GS + ENR % syscall))
    if argv:
        out.append('type=EXECVE msg=audit(%s): argc=%d %s' % (eid, len(argv), " ".join('a%d=%s' % (i, enc(a)) for i, a in enumerate(argv))))
    out.append('type=CWD msg=audit(%s): cwd=%s' % (eid, enc(cwd)))
    for i, (name, ino, mode, nametype) in enumerate(paths):
        out.append('type=PATH msg=audit(%s): item=%d name=%s inode=%d dev=fe:00 mode=%s ouid=0 ogid=0 rdev=00:00 nametype=%s cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0%sOUID="root" OGID="root"'
                   % (eid, i, enc(name), ino, mode, nametype, GS))
    out.append('type=PROCTITLE msg=audit(%s): proctitle=%s' % (eid, (" ".join(argv or [comm])).encode().hex().upper()))


AT = "ffffff9c"
ETC = ("/etc/", 2000001, "040755", "PARENT")
CONFD = ("/etc/ld.so.conf.d/", 2000002, "040755", "PARENT")
LIBDIR = ("/usr/lib/x86_64-linux-gnu/", 2000003, "040755", "PARENT")
# K01 the attacker's shell (lineage of what follows)
event("execve", ["55d0c0de1000", "7f10", "7f20", "0"], "/usr/bin/dash", "sh", 42000,
      [("/bin/sh", 1900010, "0100755", "NORMAL")], "elfwatch_exec", ppid=40000, argv=["sh", "-i"])
# K02 echo /tmp/ew/libhook.so > /etc/ld.so.preload: created
event("openat", [AT, "7f30", "241", "1b6"], "/usr/bin/dash", "sh", 42000,
      [ETC, ("/etc/ld.so.preload", 2000010, "0100644", "CREATE")], "elfwatch_preload", ppid=40000)
# K03 mv /etc/.p.tmp /etc/ld.so.preload: renamed over
event("renameat", [AT, "7f40", AT, "7f50"], "/usr/bin/mv", "mv", 42001,
      [ETC, ETC, ("/etc/.p.tmp", 2000011, "0100644", "DELETE"), ("/etc/ld.so.preload", 2000010, "0100644", "DELETE"),
       ("/etc/ld.so.preload", 2000011, "0100644", "CREATE")], "elfwatch_preload")
# K04 chmod 666 /etc/ld.so.preload: no exec bit, kept for its key
event("fchmodat", [AT, "7f60", "1b6", "0"], "/usr/bin/chmod", "chmod", 42002,
      [("/etc/ld.so.preload", 2000011, "0100644", "NORMAL")], "elfwatch_preload")
# K05 chmod 644 /etc/ld.so.preload under another rule's key: the prefilter drops a mode change
# without an exec bit unless a linker rule logged it (its key)
event("fchmodat", [AT, "7f70", "1a4", "0"], "/usr/bin/chmod", "chmod", 42003,
      [("/etc/ld.so.preload", 2000011, "0100644", "NORMAL")], "other_rule")
# K06 cd /etc; echo >> ld.so.preload: appended, relative name, not created
event("openat", [AT, "7f80", "441", "1b6"], "/usr/bin/dash", "sh", 42000,
      [("ld.so.preload", 2000011, "0100666", "NORMAL")], "elfwatch_preload", cwd="/etc", ppid=40000)
# K07 tee /etc/ld.so.conf.d/evil.conf: an untrusted writer
event("openat", [AT, "7f90", "241", "1b6"], "/usr/bin/tee", "tee", 42004,
      [CONFD, ("/etc/ld.so.conf.d/evil.conf", 2000013, "0100644", "CREATE")], "elfwatch_ldconf")
# K08 dpkg (its exec not seen: trusted by name only) writes a conf file: low
event("openat", [AT, "7fa0", "241", "1a4"], "/usr/bin/dpkg", "dpkg", 42005,
      [CONFD, ("/etc/ld.so.conf.d/x86_64-linux-gnu.conf.dpkg-new", 2000014, "0100644", "CREATE")], "elfwatch_ldconf",
      ppid=40000)
# K09 a preload list elsewhere: not the linker's
event("openat", [AT, "7fb0", "241", "1b6"], "/usr/bin/dash", "sh", 42000,
      [("/tmp/ew/", 2000004, "041777", "PARENT"), ("/tmp/ew/ld.so.preload", 2000015, "0100644", "CREATE")],
      "elfwatch_write", ppid=40000)
# K10 cp libevil.so /usr/lib/x86_64-linux-gnu/libevil.so.1: judged when its artifact exists
event("openat", [AT, "7fc0", "241", "1a4"], "/usr/bin/cp", "cp", 42006,
      [LIBDIR, ("/usr/lib/x86_64-linux-gnu/libevil.so.1", 2000016, "0100644", "CREATE")], "elfwatch_libdir")
# K11 dpkg unpacks a library: trusted by name, a clean file stays quiet
event("openat", [AT, "7fd0", "241", "1a4"], "/usr/bin/dpkg", "dpkg", 42005,
      [LIBDIR, ("/usr/lib/x86_64-linux-gnu/libok.so.1.dpkg-new", 2000017, "0100644", "CREATE")], "elfwatch_libdir",
      ppid=40000)
# K12 a foreign-architecture ELF renamed into /lib/x86_64-linux-gnu by an untrusted writer: high
event("renameat", [AT, "7fe0", AT, "7ff0"], "/usr/bin/mv", "mv", 42007,
      [("/tmp/ew/", 2000004, "041777", "PARENT"), ("/lib/x86_64-linux-gnu/", 2000003, "040755", "PARENT"),
       ("/tmp/ew/libx.so", 2000018, "0100644", "DELETE"),
       ("/lib/x86_64-linux-gnu/libcrypt.so.1", 2000018, "0100644", "CREATE")], "elfwatch_libdir")
sys.stdout.write("\n".join(out) + "\n")
