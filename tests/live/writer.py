#!/usr/bin/python3
"""Write files the way droppers do, for the write scenarios (tests/live/scenarios.sh).

writer.py fchmod SRC DST
    open(DST, O_CREAT|O_EXCL|O_WRONLY, 0644), write SRC's bytes, fchmod(fd, 0755): the exec bit
    arrives through fchmod, whose PATH record has no name.
writer.py at SRC DIR NAME [HOLD]
    openat(dirfd(DIR), NAME, O_CREAT|O_EXCL|O_WRONLY, 0644): NAME is relative to the dirfd,
    not to the working directory. HOLD: keep the dirfd open that many seconds afterwards,
    so the plugin can read it from /proc/PID/fd.
writer.py renameat DIR1 NAME1 DIR2 NAME2
    renameat(dirfd(DIR1), NAME1, dirfd(DIR2), NAME2).
writer.py flap SRC DST SECONDS
    write SRC's bytes to DST (mode 0755), then for SECONDS keep truncating it to 0 and
    writing it back every 20 ms: a file truncated while it is being judged (a reader that
    maps it would take SIGBUS).
writer.py flip SRC DST SECONDS
    for SECONDS, keep DST flipping between 1 MiB (SRC's bytes, zero-padded) and its first
    1 KiB, rewriting it in place every few ms; every 100 ms reopen it with O_TRUNC (a new write
    event) and chmod it 0755 (an exec bit: judged at once), so it is judged while it flips.
    Ends with DST at 1 MiB.
writer.py fifo DST
    mkfifo DST, open it O_RDWR|O_CREAT (audited like a write, never blocks), chmod it 0755:
    a reader that opens it O_RDONLY without O_NONBLOCK blocks forever.
writer.py swap SRC DST TARGET
    write SRC's bytes to DST, then rename a symlink to TARGET over it: the name the write
    event gave now leads to TARGET (e.g. /dev/zero, endless).
writer.py inplace SRC DST SECONDS
    create DST empty (O_CREAT|O_EXCL, mode 0755: the audited write), wait SECONDS, then
    open it again O_WRONLY without O_CREAT|O_TRUNC (no audit record) and write SRC's bytes:
    a file that was not ELF at the first looks becomes one.
writer.py lease SRC DST SECONDS
    write SRC's bytes to DST (mode 0755), take a write lease (F_SETLEASE F_WRLCK) and hold it
    for SECONDS, ignoring the lease-break signal: every O_NONBLOCK open by another process
    fails with EWOULDBLOCK meanwhile, so the file cannot be read.
writer.py append SRC DST
    open the existing DST with O_WRONLY|O_APPEND (no O_CREAT, no O_TRUNC) and append SRC's
    bytes: a write-open that only the full profile's /tmp, /var/tmp, /dev/shm rules take.
writer.py tmpfile SRC DIR DST [proc|empty|early]
    open(DIR, O_TMPFILE|O_WRONLY, 0755) (an inode with no name; no O_CREAT|O_TRUNC, so no write
    rule takes the open), write SRC's bytes, then give it the name DST with
    linkat(AT_FDCWD, "/proc/self/fd/N", AT_FDCWD, DST, AT_SYMLINK_FOLLOW) ("proc", the default:
    needs no CAP_DAC_READ_SEARCH) or linkat(N, "", AT_FDCWD, DST, AT_EMPTY_PATH) ("empty").
    "early": link ("proc") while the file is still empty, then write through the same
    descriptor: the linkat is the only record, and it names an empty file.
"""
import ctypes
import fcntl
import signal
import os
import sys
import time


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def link_tmpfile(fd, dst, how):
    """Name an O_TMPFILE inode. os.link calls plain link(), which would link the /proc magic
    link itself (EXDEV), so linkat comes from libc."""
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow, at_empty_path = -100, 0x400, 0x1000
    if how == "empty":
        rc = libc.linkat(fd, b"", at_fdcwd, os.fsencode(dst), at_empty_path)
    else:
        rc = libc.linkat(at_fdcwd, b"/proc/self/fd/%d" % fd, at_fdcwd, os.fsencode(dst),
                         at_symlink_follow)
    if rc:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), dst)


def flip(data, path, seconds):
    big = (data + bytes(1 << 20))[:1 << 20]
    end = time.monotonic() + seconds
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o644)
    last = 0.0
    while time.monotonic() < end:
        if time.monotonic() - last >= 0.1:
            os.close(fd)
            fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0))
            os.pwrite(fd, big, 0)
            os.chmod(path, 0o755)
            last = time.monotonic()
        os.ftruncate(fd, 1024)
        time.sleep(0.0005)
        os.pwrite(fd, big, 0)
        time.sleep(0.0005)
    os.close(fd)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
    if cmd == "fchmod" and len(args) == 2:
        data = slurp(args[0])
        fd = os.open(args[1], flags, 0o644)
        write_all(fd, data)
        os.fchmod(fd, 0o755)
        os.close(fd)
    elif cmd == "at" and len(args) in (3, 4):
        data = slurp(args[0])
        dfd = os.open(args[1], os.O_RDONLY | os.O_DIRECTORY)
        fd = os.open(args[2], flags, 0o644, dir_fd=dfd)
        write_all(fd, data)
        os.close(fd)
        if len(args) == 4:
            time.sleep(float(args[3]))
        os.close(dfd)
    elif cmd == "renameat" and len(args) == 4:
        d1 = os.open(args[0], os.O_RDONLY | os.O_DIRECTORY)
        d2 = os.open(args[2], os.O_RDONLY | os.O_DIRECTORY)
        os.rename(args[1], args[3], src_dir_fd=d1, dst_dir_fd=d2)
        os.close(d1)
        os.close(d2)
    elif cmd == "flap" and len(args) == 3:
        data = slurp(args[0])
        end = time.monotonic() + float(args[2])
        fd = os.open(args[1], flags, 0o755)
        write_all(fd, data)
        while time.monotonic() < end:
            time.sleep(0.02)
            os.ftruncate(fd, 0)
            time.sleep(0.02)
            os.lseek(fd, 0, os.SEEK_SET)
            write_all(fd, data)
        os.close(fd)
    elif cmd == "flip" and len(args) == 3:
        flip(slurp(args[0]), args[1], float(args[2]))
    elif cmd == "fifo" and len(args) == 1:
        os.mkfifo(args[0], 0o644)
        fd = os.open(args[0], os.O_RDWR | os.O_CREAT)
        os.close(fd)
        os.chmod(args[0], 0o755)
    elif cmd == "inplace" and len(args) == 3:
        data = slurp(args[0])
        os.close(os.open(args[1], flags, 0o755))
        time.sleep(float(args[2]))
        fd = os.open(args[1], os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        write_all(fd, data)
        os.close(fd)
    elif cmd == "lease" and len(args) == 3:
        data = slurp(args[0])
        signal.signal(signal.SIGIO, signal.SIG_IGN)
        fd = os.open(args[1], flags, 0o755)
        write_all(fd, data)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
        time.sleep(float(args[2]))
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        os.close(fd)
    elif cmd == "append" and len(args) == 2:
        data = slurp(args[0])
        fd = os.open(args[1], os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        write_all(fd, data)
        os.close(fd)
    elif cmd == "tmpfile" and len(args) in (3, 4):
        data = slurp(args[0])
        how = args[3] if len(args) == 4 else "proc"
        fd = os.open(args[1], os.O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o755)
        if how == "early":
            link_tmpfile(fd, args[2], how)
        write_all(fd, data)
        if how != "early":
            link_tmpfile(fd, args[2], how)
        os.close(fd)
    elif cmd == "swap" and len(args) == 3:
        data = slurp(args[0])
        fd = os.open(args[1], flags, 0o755)
        write_all(fd, data)
        os.close(fd)
        tmp = args[1] + ".swap"
        os.symlink(args[2], tmp)
        os.rename(tmp, args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
