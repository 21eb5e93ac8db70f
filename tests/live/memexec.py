#!/usr/bin/python3
"""Run a program without a file name on disk, the way fileless loaders do (tests/live/scenarios.sh).

memexec.py memfd SRC NAME ARGV0 [ARG...]
    memfd_create(NAME), write SRC's bytes into it, execveat(memfd, "", argv, envp,
    AT_EMPTY_PATH): the exec record's exe is "/memfd:NAME (deleted)".
memexec.py deleted SRC DST ARGV0 [ARG...]
    write SRC's bytes to a new DST (0755), open it, unlink it, then fexecve: exe "DST (deleted)".
memexec.py overwrite SRC DST
    open the existing DST with O_WRONLY only (no O_CREAT, no O_TRUNC: no write rule sees it)
    and write SRC's bytes over it.
"""
import ctypes
import os
import sys

SYS_EXECVEAT = 322  # x86_64
AT_EMPTY_PATH = 0x1000


def cstrings(items):
    arr = (ctypes.c_char_p * (len(items) + 1))()
    arr[:-1] = [os.fsencode(s) for s in items]
    arr[-1] = None
    return arr


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def execveat_empty(fd, argv):
    libc = ctypes.CDLL(None, use_errno=True)
    env = [k + "=" + v for k, v in os.environ.items()]
    libc.syscall(ctypes.c_long(SYS_EXECVEAT), ctypes.c_int(fd), b"", cstrings(argv),
                 cstrings(env), ctypes.c_int(AT_EMPTY_PATH))
    sys.exit("execveat: " + os.strerror(ctypes.get_errno()))


def main(args):
    if len(args) >= 4 and args[0] == "memfd":
        fd = os.memfd_create(args[2], 0)
        write_all(fd, slurp(args[1]))
        execveat_empty(fd, args[3:])
    elif len(args) >= 4 and args[0] == "deleted":
        fd = os.open(args[2], os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o755)
        write_all(fd, slurp(args[1]))
        os.close(fd)
        fd = os.open(args[2], os.O_RDONLY)
        os.unlink(args[2])
        execveat_empty(fd, args[3:])
    elif len(args) == 3 and args[0] == "overwrite":
        fd = os.open(args[2], os.O_WRONLY | os.O_CLOEXEC)
        write_all(fd, slurp(args[1]))
        os.close(fd)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
