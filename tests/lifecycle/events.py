#!/usr/bin/env python3
"""Audit events as auditd hands them to a plugin (records + EOE), naming real files by their
identity, for the lifecycle tests (tests/test_lifecycle.sh).

events.py SERIAL KIND ARGS... : one event on stdout, stamped now (+ OFFSET seconds env).
  exec PID PPID EXE [ARGS...]   a successful execve of EXE (its identity from the file)
  write PID PPID EXE FILE       an openat(O_CREAT) of FILE by a process running EXE
  loader PID PPID TARGET        the dynamic loader run with TARGET as its program
"""
import os, sys, time


def ident(path):
    st = os.stat(path)
    return "inode=%d dev=%02x:%02x mode=0%o" % (st.st_ino, os.major(st.st_dev), os.minor(st.st_dev), st.st_mode)


def main():
    serial, kind = int(sys.argv[1]), sys.argv[2]
    a = sys.argv[3:]
    t = time.time() + float(os.environ.get("OFFSET", "0"))
    stamp = "msg=audit(%d.%03d:%d):" % (int(t), int(t * 1000) % 1000, serial)
    ids = 'auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3'
    out = []
    if kind in ("exec", "loader"):
        pid, ppid, exe = a[0], a[1], a[2]
        argv = a[2:] if kind == "exec" else [exe, a[3]]
        comm = os.path.basename(argv[0])[:15]
        out.append('type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 '
                   'items=1 ppid=%s pid=%s %s comm="%s" exe="%s" key="elfwatch_exec"'
                   % (stamp, ppid, pid, ids, comm, os.path.realpath(exe)))
        out.append('type=EXECVE %s argc=%d %s' % (stamp, len(argv), " ".join(
            'a%d="%s"' % (i, x) for i, x in enumerate(argv))))
        out.append('type=CWD %s cwd="/"' % stamp)
        out.append('type=PATH %s item=0 name="%s" %s ouid=0 ogid=0 rdev=00:00 nametype=NORMAL'
                   % (stamp, exe, ident(exe)))
    elif kind == "write":
        pid, ppid, exe, f = a
        d = os.path.dirname(f)
        out.append('type=SYSCALL %s arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 '
                   'a2=241 a3=1ed items=2 ppid=%s pid=%s %s comm="%s" exe="%s" key="elfwatch_write"'
                   % (stamp, ppid, pid, ids, os.path.basename(exe)[:15], exe))
        out.append('type=CWD %s cwd="/"' % stamp)
        out.append('type=PATH %s item=0 name="%s/" %s ouid=0 ogid=0 rdev=00:00 nametype=PARENT'
                   % (stamp, d, ident(d)))
        out.append('type=PATH %s item=1 name="%s" %s ouid=0 ogid=0 rdev=00:00 nametype=CREATE'
                   % (stamp, f, ident(f)))
    else:
        sys.exit("unknown kind " + kind)
    out.append('type=EOE %s' % stamp)
    sys.stdout.write("\n".join(out) + "\n")


main()
