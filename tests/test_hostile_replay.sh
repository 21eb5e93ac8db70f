#!/bin/sh
# Loader runs shaped to hide (tests/record/hostile_events.py builds them as the kernel would
# write them): floods of loader options, option values longer than max_argv_bytes, record lines
# longer than the reader keeps, an SELinux-denial-style event whose only PATH item is the
# loader, ldd's trust borrowed by a subshell. Replayed with --replay; each event's alerts are
# checked against what the generator says elfwatch must do, and every alert line must stay
# complete (rule, severity, event id, pid, uid, exe, target or target_cut, reasons) within
# max_alert_bytes, in JSON and key=value.
set -u
: "${top_srcdir:=.}" "${ELFWATCH:=./audisp-elfwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! python3 "$top_srcdir/tests/record/hostile_events.py" "$tmp/hostile.log" > "$tmp/expect.tsv"; then
	echo "1..0 # SKIP cannot build the events (python3, or no loader at /lib64/ld-linux-x86-64.so.2)"
	exit 0
fi
for fmt in json kv; do
	"$ELFWATCH" -c "$top_srcdir/tests/data/replay.conf" --replay "$tmp/hostile.log" \
		--format "$fmt" > "$tmp/alerts.$fmt" 2> "$tmp/err.$fmt"
done

python3 - "$tmp/expect.tsv" "$tmp/alerts.json" "$tmp/alerts.kv" <<'PY'
import json, re, sys

MAX = 4096          # max_alert_bytes default (tests/data/replay.conf keeps it)
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
n = 0
failed = False

def result(ok, desc, diag=()):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, desc))
    if not ok:
        failed = True
        for d in diag:
            print("# " + d[:600])

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
raw = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
alerts = {}
for line in raw:
    a = json.loads(line)
    a["_len"] = len(line)
    alerts.setdefault(a.get("event", {}).get("id"), []).append(a)
kv = {}
for line in open(sys.argv[3], "rb").read().split(b"\n")[:-1]:
    m = re.search(rb' event_id="([^"]*)"', line)
    kv.setdefault(m.group(1).decode() if m else None, []).append(line)

def complete(a):
    """What an alert must never lose, whatever its argv."""
    p, l = a.get("process", {}), a.get("loader", {})
    missing = [k for k, ok in (
        ("rule", a.get("rule") == "loader_exec"), ("severity", a.get("severity") in RANK),
        ("event.id", bool(a.get("event", {}).get("id"))), ("process.pid", "pid" in p),
        ("process.uid", "uid" in p), ("process.exe", bool(p.get("exe"))),
        ("loader.target or target_cut", bool(l.get("target")) or l.get("target_cut") is True),
        ("reasons", isinstance(a.get("reasons"), list))) if not ok]
    return missing

for eid, expect, what in rows:
    got = alerts.get(eid, [])
    desc = "%s %s: %s" % (eid, what, expect)
    briefs = [json.dumps(a)[:500] for a in got]
    if expect == "none":
        result(not got, desc, briefs)
        continue
    ok = len(got) == 1
    diag = [] if ok else ["want one alert, got %d" % len(got)] + briefs
    a = got[0] if got else {}
    words = expect.split(" ", 1)[1].split(",")
    sev = a.get("severity", "none")
    if words == ["clean"]:
        ok = ok and a["process"]["argv_truncated"] is False and "truncated" not in a
    elif words == ["complete"]:
        ok = ok and a.get("loader", {}).get("target") == "/tmp/ew/payload"
    else:
        want = set(words)
        ok = ok and want <= set(a.get("reasons", []))
        if "ldd_like" in want:
            ok = ok and sev == "medium"
        else:
            ok = ok and RANK.get(sev, -1) >= RANK["high"]
        if "argv_truncated" in want:
            ok = ok and a.get("loader", {}).get("target_cut") is True
    if got:
        diag.append("severity %s reasons %s target %r" % (sev, a.get("reasons"),
                                                          a.get("loader", {}).get("target")))
    result(ok, desc, diag)
    if got:
        miss = complete(a)
        result(not miss and a["_len"] <= MAX, "%s: complete alert within %d bytes (%d)"
               % (eid, MAX, a["_len"]), ["missing: %s" % miss] + briefs)
        k = kv.get(eid, [])
        need = [b'rule="loader_exec"', b" severity=", b" process_pid=", b" process_uid=",
                b" process_exe=", b" reasons="]
        kok = len(k) == 1 and len(k[0]) <= MAX and all(w in k[0] for w in need) and \
            (b" loader_target=\"/" in k[0] or b" loader_target_cut=true" in k[0])
        result(kok, "%s: key=value alert complete within %d bytes" % (eid, MAX),
               [x[:500].decode("utf-8", "replace") for x in k])
print("1..%d" % n)
sys.exit(1 if failed else 0)
PY
