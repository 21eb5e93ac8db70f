#!/bin/sh
# Regenerate the record-level fuzz seeds from recorded logs: tests/data/*-stream.log and
# *-audit.log (loader runs, writes, fileless execs, linker hijacks, a benign host) and
# bench/data/host-mix-stream.log (opens, connects, PAM). Deterministic; small.
#  - fuzz/corpus/record, record_text: one event per distinct shape (record types and syscall),
#    as assembly hands it on (ENRICHED interpretations cut off), and runs of 8 events as the
#    log has them; the audit.log forms keep their lack of EOE.
#  - fuzz/corpus/alert: the exec events' own strings and numbers (comm, exe, cwd, key, argv,
#    ids) in fuzz_alert.c's input layout, with the event's loader and its parent as lineage.
# Seeds made here are named real-*; hand-made and regression seeds are left alone.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$top" <<'PY'
import os, re, struct, sys
top = sys.argv[1]
corpus = os.path.join(top, 'fuzz', 'corpus')
for t in ('record', 'record_text', 'alert'):
    d = os.path.join(corpus, t)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith('real-'):
            os.unlink(os.path.join(d, f))

sources = sorted(os.path.join(top, 'tests', 'data', f) for f in os.listdir(os.path.join(top, 'tests', 'data'))
                 if f.endswith('-stream.log') or f.endswith('-audit.log'))
sources.append(os.path.join(top, 'bench', 'data', 'host-mix-stream.log'))

STAMP = re.compile(rb'msg=audit\(([0-9.]+:[0-9]+)\)')

def events_of(path):
    """Events in arrival order, grouped by stamp (audit.log has no EOE), ENRICHED cut off."""
    order, by = [], {}
    for line in open(path, 'rb').read().split(b'\n'):
        if not line:
            continue
        m = STAMP.search(line[:200])
        if not m:
            continue
        if m.group(1) not in by:
            by[m.group(1)] = []
            order.append(m.group(1))
        by[m.group(1)].append(line.split(b'\x1d')[0] + b'\n')
    return [b''.join(by[k]) for k in order]

def shape(ev):
    types = tuple(re.findall(rb'type=([A-Z_]+)', ev))
    sc = re.search(rb' syscall=([0-9]+)', ev)
    return types, sc.group(1) if sc else b''

def field(ev, rtype, name):
    m = re.search(rb'type=' + rtype + rb' [^\n]*? ' + name + rb'=("[^"]*"|\S+)', ev)
    if not m:
        return None
    v = m.group(1)
    if v.startswith(b'"'):
        return v[1:-1]
    if re.fullmatch(rb'[0-9A-F]+', v) and len(v) % 2 == 0 and name not in (b'pid', b'ppid', b'uid', b'euid', b'auid', b'ses', b'exit'):
        return bytes.fromhex(v.decode())
    return v

def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0xffffffff

def s(b):
    return struct.pack('>H', min(len(b), 6000)) + b[:6000]

def alert_input(ev, k):
    comm, exe = field(ev, b'SYSCALL', b'comm') or b'', field(ev, b'SYSCALL', b'exe') or b''
    cwd, key = field(ev, b'CWD', b'cwd') or b'/', field(ev, b'SYSCALL', b'key') or b''
    args = []
    for i in range(16):
        a = field(ev, b'EXECVE', b'a%d' % i)
        if a is None:
            break
        args.append(a)
    stamp = STAMP.search(ev).group(1)
    sec, rest = stamp.split(b'.')
    msec, serial = rest.split(b':')
    flags = 1 | (4 if b'success=yes' in ev else 0) | (128 if k % 2 else 0) | (32 | 64 if k % 3 else 0)
    b = bytes([flags]) + struct.pack('>H', (k * 977) % 65536)
    b += struct.pack('>Q', int(sec)) + bytes([int(msec) // 4]) + struct.pack('>Q', int(serial))
    for name in (b'exit', b'pid', b'ppid', b'uid', b'euid', b'auid', b'ses'):
        b += struct.pack('>q', num(field(ev, b'SYSCALL', name)) & 0x7fffffffffffffff)
    b += s(field(ev, b'SYSCALL', b'tty') or b'(none)') + s(comm) + s(exe) + s(cwd) + s(key)
    b += bytes([len(args)]) + b''.join(s(a) for a in args) + struct.pack('>Q', len(args))
    target = args[1] if len(args) > 1 else exe
    b += bytes([3 + k % 3]) + struct.pack('>Q', 1 << (k % 12))
    b += s(exe) + s(b'ld-linux-x86-64.so.2') + s(target)
    b += b''.join(struct.pack('>Q', v) for v in (0o100755, 4096 * (k + 1), 0, 254, 0, 1000 + k))
    b += s(target)
    opts = [a for a in args if a.startswith(b'--')]
    for i in range(4):
        b += s(opts[i]) if i < len(opts) else b'\xff\xff'
    b += bytes([len(opts)]) + s(b'build-host-%d' % k) + bytes([1 + k % 3])
    b += bytes([2])                     # lineage: the event's process and its parent
    for pid, exe_, comm_ in ((field(ev, b'SYSCALL', b'pid'), exe, comm),
                             (field(ev, b'SYSCALL', b'ppid'), b'/usr/bin/bash', b'bash')):
        b += struct.pack('>q', num(pid)) + struct.pack('>q', 1) + struct.pack('>q', 0) * 2
        b += s(exe_) + s(exe_) + s(comm_) + s(b' '.join(args))
    b += bytes([1 + k % 4]) + bytes([1]) + s(b'loader run of ' + target)
    return b + bytes([k % 4])           # the last byte picks the format

n = {'record': 0, 'alert': 0}
for path in sources:
    fam = os.path.basename(path).rsplit('.', 1)[0]
    evs = events_of(path)
    seen = set()
    for i, ev in enumerate(evs):
        sh = shape(ev)
        if sh in seen or len(ev) > 16000:
            continue
        seen.add(sh)
        for t in ('record', 'record_text'):
            open(os.path.join(corpus, t, 'real-%s-%03d' % (fam, i)), 'wb').write(ev)
        n['record'] += 1
        if b' syscall=59 ' in ev or b' syscall=322 ' in ev:
            open(os.path.join(corpus, 'alert', 'real-%s-%03d' % (fam, i)), 'wb').write(
                alert_input(ev, n['alert']))
            n['alert'] += 1
    for j in range(0, min(len(evs), 32), 8):
        run = b''.join(evs[j:j + 8])
        if len(run) <= 16000:
            for t in ('record', 'record_text'):
                open(os.path.join(corpus, t, 'real-%s-run%02d' % (fam, j // 8)), 'wb').write(run)
print('record/record_text: %d events by shape; alert: %d' % (n['record'], n['alert']))
PY
