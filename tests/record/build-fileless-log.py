#!/usr/bin/python3
"""Build tests/data/fileless-audit.log: exec records shaped like the recorded ones (ENRICHED,
untrusted strings hex-encoded as the kernel does). python3 tests/record/build-fileless-log.py > tests/data/fileless-audit.log"""
import sys
GS = "\x1d"
ENR = 'ARCH=x86_64 SYSCALL=%s AUID="root" UID="root" GID="root" EUID="root" SUID="root" FSUID="root" EGID="root" SGID="root" FSGID="root"'
out = []

def enc(v):
    """As the kernel logs untrusted strings: quoted, or hex when any byte is < 0x21, > 0x7e or '"'."""
    if any(c <= " " or c > "~" or c == '"' for c in v):
        return v.encode().hex().upper()
    return '"%s"' % v

serial = [20000]
ms = [0]

def ev(syscall, exe, comm, argv, paths, pid, cwd="/tmp/ew"):
    serial[0] += 1
    ms[0] += 40
    eid = "1795370000.%03d:%d" % (ms[0], serial[0])
    nr = 322 if syscall == "execveat" else 59
    a0 = "3" if syscall == "execveat" else "55d0c0de1000"
    out.append('type=SYSCALL msg=audit(%s): arch=c000003e syscall=%d success=yes exit=0 a0=%s a1=7f00000010 a2=7f00000020 a3=7f00000030 items=%d ppid=40000 pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=40 comm=%s exe=%s key="elfwatch_exec"%s'
               % (eid, nr, a0, len(paths), pid, enc(comm), enc(exe), GS + ENR % syscall))
    out.append('type=EXECVE msg=audit(%s): argc=%d %s' % (eid, len(argv), " ".join('a%d=%s' % (i, enc(a)) for i, a in enumerate(argv))))
    out.append('type=CWD msg=audit(%s): cwd=%s' % (eid, enc(cwd)))
    for i, (name, dev, ino, mode) in enumerate(paths):
        out.append('type=PATH msg=audit(%s): item=%d name=%s inode=%d dev=%s mode=%s ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0%sOUID="root" OGID="root"'
                   % (eid, i, enc(name) if name else '""', ino, dev, mode, GS))
    out.append('type=PROCTITLE msg=audit(%s): proctitle=%s' % (eid, " ".join(argv).encode().hex().upper()))

LD = ("/lib64/ld-linux-x86-64.so.2", "fe:00", 332383, "0100755")
# X01 memfd holding a header-tampered static ELF (execveat AT_EMPTY_PATH)
ev("execveat", "/memfd:ew-memfd (deleted)", "3", ["ew-memfd"], [("", "00:01", 2048, "0100777")], 41001)
# X02 memfd holding a copy of the loader, running /bin/true
ev("execveat", "/memfd:ew-ld (deleted)", "3", ["/lib64/ld-linux-x86-64.so.2", "/bin/true"], [("", "00:01", 2049, "0100777")], 41002)
# X03 a deleted file run through fexecve (no artifact: the image is not judged)
ev("execveat", "/tmp/ew/del (deleted)", "3", ["sleep", "2"], [("", "fe:00", 10960001, "0100755"), LD], 41003)
# X04 a file overwritten with O_WRONLY only (no write record), then run: UPX-packed
ev("execve", "/tmp/ew/ow", "ow", ["/tmp/ew/ow", "--version"], [("/tmp/ew/ow", "fe:00", 10960002, "0100755")], 41004)
# X05 fexecve of a system binary: nothing
ev("execveat", "/usr/bin/true", "3", ["true"], [("", "fe:00", 1900001, "0100755"), LD], 41005)
# X06, X07 a clean native binary in /tmp, run twice: judged once, then a cache hit
ev("execve", "/tmp/ew/clean", "clean", ["./clean"], [("./clean", "fe:00", 10960003, "0100755"), LD], 41006)
ev("execve", "/tmp/ew/clean", "clean", ["./clean"], [("./clean", "fe:00", 10960003, "0100755"), LD], 41007)
# X08 an image in /tmp that cannot be opened (no artifact): low, image_not_judged
ev("execve", "/tmp/ew/missing", "missing", ["/tmp/ew/missing"], [("/tmp/ew/missing", "fe:00", 10960004, "0100755"), LD], 41008)
# X09 a file literally named "... (deleted)"? no: a system binary run by name: nothing
ev("execve", "/usr/bin/ls", "ls", ["ls"], [("/usr/bin/ls", "fe:00", 1900002, "0100755"), LD], 41009)
sys.stdout.write("\n".join(out) + "\n")
