#!/usr/bin/python3
"""Select and describe audit events for elfwatch's recorded fixtures.

audit_events.py select --ses N [--key K] [--exclude-pid P] < LOG > OUT
    Copy every record (EOE included) of the events whose SYSCALL record has ses=N and key K,
    in input order. LOG may be audit.log text or a plugin stream.
audit_events.py map SCENARIOS.tsv LOG...
    Print scenarios.tsv with a column of event ids added: an event belongs to the scenario
    whose job pid executed it, or else to the scenario running at the time (ldd's children).
audit_events.py list LOG
    One line per event: id, pid, ppid, syscall, success/exit, items, exe, argv (decoded).
"""
import re
import sys

REC = re.compile(rb"^type=(\w+) msg=audit\((\d+\.\d+:\d+)\): ?(.*)$")
FIELD = re.compile(rb'(\w+(?:\[\d+\])?)=("[^"]*"|\S*)')
SYSCALLS = {b"59": "execve", b"322": "execveat", b"11": "execve(b32)", b"358": "execveat(b32)"}


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
    ses = key = excl = None
    it = iter(args)
    for a in it:
        if a == "--ses":
            ses = next(it).encode()
        elif a == "--key":
            key = next(it).encode()
        elif a == "--exclude-pid":
            excl = next(it).encode()
    if ses is None:
        sys.exit("select: --ses is required")
    key = b'"%s"' % (key or b"elfwatch_exec")
    lines = list(records(sys.stdin.buffer))
    keep = set()
    for _, rtype, eid, body in lines:
        if rtype == b"SYSCALL":
            f = fields(body)
            if f.get("ses") == ses and f.get("key") == key and f.get("pid") != excl:
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
        av = " ".join(show(a) for a in argv(ev))
        print("%s pid=%s ppid=%s %s %s/%s items=%s exe=%s argv=[%s]" % (
            eid.decode(), g("pid"), g("ppid"), SYSCALLS.get(sc.get("syscall"), g("syscall")),
            g("success"), g("exit"), g("items"), g("exe"), av))


if __name__ == "__main__":
    cmds = {"select": cmd_select, "map": cmd_map, "list": cmd_list}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])
