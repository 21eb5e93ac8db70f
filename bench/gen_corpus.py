#!/usr/bin/python3
"""Generate a large audit corpus (plugin stream format, with EOE) from real recorded events.

gen_corpus.py --mix exec|mixed (--records N | --events N) [--out FILE] [--meta FILE]

The record texts are the real ones recorded from a kernel: exec events from
tests/data/{loader,benign}-stream.log (46 events: loader runs, ldd, scripts, python, failed
execs, execveat) and, for the mixed mix, the non-exec events of bench/data/host-mix-stream.log
(openat under /etc, connect, PAM logins and USER messages; bench/record_host_mix.sh). Only three
things are rewritten so that every event is new and they increase: the event id
(msg=audit(SEC.MS:SERIAL), serial counting up from 1, 10 events per millisecond of event time),
and pid=/ppid= (shifted by 64 per round through the templates, so parent links inside a round
hold and pids grow).

Mixes, by events:
  exec   every event is an exec event (the 46 exec templates in turn)
  mixed  of every 10 events 1 exec, 5 file opens, 2 connects, 2 login/USER records: the case
         of a host whose other rule sets produce most of the traffic

Writes the corpus to FILE (default stdout) and a JSON summary (events, records, bytes,
exec_events) to --meta (default stderr).
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
EXEC_LOGS = [os.path.join(TOP, "tests/data/loader-stream.log"),
             os.path.join(TOP, "tests/data/benign-stream.log")]
HOST_LOG = os.path.join(HERE, "data/host-mix-stream.log")

REC = re.compile(rb"^(type=\S+ msg=audit\()(\d+)\.(\d+):(\d+)(\).*)$", re.S)
PID = re.compile(rb"(?<= )(pid|ppid)=(\d+)(?= )")
# records whose pid=/ppid= belong to the process (not text inside an argument or a path)
PID_TYPES = (b"type=SYSCALL ", b"type=LOGIN ", b"type=USER")

EVENTS_PER_MS = 10
PID_BASE, PID_SPAN, PID_STEP = 300, 4000000, 64


def load_events(paths):
    """[(syscall_nr or None, [line bytes])] in input order, grouped by event id."""
    events, index = [], {}
    for path in paths:
        with open(path, "rb") as f:
            for line in f:
                m = REC.match(line)
                if not m:
                    continue
                eid = m.group(2) + b"." + m.group(3) + b":" + m.group(4)
                if eid not in index:
                    index[eid] = len(events)
                    events.append([None, []])
                ev = events[index[eid]]
                ev[1].append(line)
                if line.startswith(b"type=SYSCALL "):
                    s = re.search(rb" syscall=(\d+) ", line)
                    ev[0] = int(s.group(1)) if s else None
    return events


def template(lines):
    """One %-template per event: %(id)s for the event id, %(pidN)d for the N-th distinct
    original pid (pid and ppid values share the numbering so parent links survive)."""
    pids = {}
    out = []
    for line in lines:
        m = REC.match(line)
        head, tail = m.group(1), m.group(5)
        tail = tail.replace(b"%", b"%%")
        if line.startswith(PID_TYPES):
            main, sep, rest = tail.partition(b"\x1d")

            def sub(pm):
                orig = int(pm.group(2))
                key = pids.setdefault(orig, len(pids))
                return pm.group(1) + b"=%%(p%d)d" % key

            tail = PID.sub(sub, main) + sep + rest
        out.append(head.replace(b"%", b"%%") + b"%(id)s" + tail)
    return b"".join(out), [(b"p%d" % k, p) for p, k in pids.items()]


def classify(ev):
    nr = ev[0]
    if nr in (59, 322, 11, 358):
        return "exec"
    if nr in (2, 257):
        return "file"
    if nr == 42:
        return "net"
    if nr is None:
        return "user"
    return "other"


def schedule(mix):
    """The list of event templates of one round, with their record counts."""
    execs = [e for e in load_events(EXEC_LOGS) if classify(e) == "exec"]
    if mix == "exec":
        return execs
    host = {"file": [], "net": [], "user": []}
    for e in load_events([HOST_LOG]):
        c = classify(e)
        if c in host:
            host[c].append(e)
    pick = {c: 0 for c in host}

    def take(c):
        e = host[c][pick[c] % len(host[c])]
        pick[c] += 1
        return e

    order = []
    for e in execs * 4:   # 4 passes so the host templates rotate through more of their set
        order.append(e)
        order += [take("file") for _ in range(5)]
        order += [take("net") for _ in range(2)]
        order += [take("user") for _ in range(2)]
    return order


def generate(out, mix, max_records, max_events):
    sched = [(template(lines), len(lines), classify((nr, lines)) == "exec")
             for nr, lines in schedule(mix)]
    events = records = nbytes = execs = 0
    serial = 0
    rnd = 0
    buf = []
    t0_ms = 1800000000000
    while True:
        shift = rnd * PID_STEP
        for (tmpl, pids), nrec, is_exec in sched:
            if events >= max_events or records >= max_records:
                break
            serial += 1
            ms = t0_ms + serial // EVENTS_PER_MS
            vals = {b"id": b"%d.%03d:%d" % (ms // 1000, ms % 1000, serial)}
            for key, p in pids:
                vals[key] = PID_BASE + (p + shift) % PID_SPAN
            text = tmpl % vals
            buf.append(text)
            nbytes += len(text)
            events += 1
            records += nrec
            execs += is_exec
            if len(buf) >= 2048:
                out.write(b"".join(buf))
                buf = []
        else:
            rnd += 1
            continue
        break
    out.write(b"".join(buf))
    out.flush()
    return {"mix": mix, "events": events, "records": records, "bytes": nbytes,
            "exec_events": execs}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mix", choices=("exec", "mixed"), required=True)
    ap.add_argument("--records", type=int, default=0, help="stop once N records are written")
    ap.add_argument("--events", type=int, default=0, help="stop after N events")
    ap.add_argument("--out", default="-")
    ap.add_argument("--meta")
    a = ap.parse_args()
    if (a.records > 0) == (a.events > 0):
        ap.error("give exactly one of --records N, --events N")
    big = 1 << 62
    out = sys.stdout.buffer if a.out == "-" else open(a.out, "wb")
    try:
        meta = generate(out, a.mix, a.records or big, a.events or big)
    except BrokenPipeError:
        sys.exit(1)
    if out is not sys.stdout.buffer:
        out.close()
    text = json.dumps(meta)
    if a.meta:
        with open(a.meta, "w") as f:
            f.write(text + "\n")
    else:
        print(text, file=sys.stderr)


if __name__ == "__main__":
    main()
