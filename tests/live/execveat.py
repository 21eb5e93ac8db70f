#!/usr/bin/python3
"""Exec a program through execveat(2), the way fexecve and memfd launchers do.

execveat.py PATH ARGV0 [ARG...]
    fexecve: open PATH, then execveat(fd, "", argv, envp, AT_EMPTY_PATH) (glibc fexecve).
execveat.py --dirfd DIR NAME ARGV0 [ARG...]
    execveat(open(DIR), NAME, argv, envp, 0): NAME is relative to DIR, not to the cwd.
"""
import ctypes
import os
import sys

SYS_EXECVEAT = 322  # x86_64


def cstrings(items):
    arr = (ctypes.c_char_p * (len(items) + 1))()
    arr[:-1] = [os.fsencode(s) for s in items]
    arr[-1] = None
    return arr


def main(args):
    if len(args) >= 3 and args[0] == "--dirfd":
        dirfd = os.open(args[1], os.O_RDONLY | os.O_DIRECTORY)
        name, argv = args[2], args[3:]
        libc = ctypes.CDLL(None, use_errno=True)
        env = [k + "=" + v for k, v in os.environ.items()]
        libc.syscall(ctypes.c_long(SYS_EXECVEAT), ctypes.c_int(dirfd), os.fsencode(name),
                     cstrings(argv), cstrings(env), ctypes.c_int(0))
        err = ctypes.get_errno()
        sys.exit("execveat: " + os.strerror(err))
    if len(args) < 2:
        sys.exit(__doc__)
    fd = os.open(args[0], os.O_RDONLY)
    os.execve(fd, args[1:], dict(os.environ))


if __name__ == "__main__":
    main(sys.argv[1:])
