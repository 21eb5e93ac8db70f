#!/bin/sh
# Alert storms end to end (issue 10): built logs replayed with event time.
#  - a program run through the loader 50 times a second for 3 s: one alert at once, then one
#    alert_repeats line with the other 149 when the replay ends;
#  - a fuzzer-like burst of 300 different loader targets in 3 s: the rule's burst of 60 alerts
#    and one more for each second (rate_per_minute 60), then one alerts_suppressed line with
#    the other 238;
#  - with fold_window and rate_per_minute 0, every event is its own alert again.
set -u
# shellcheck source=replay_lib.sh
. "${top_srcdir:-.}/tests/replay_lib.sh"

# build SERIAL TARGETS OUT: one recorded loader run (event 1426 of loader-audit.log, critical:
# ld.so /tmp/ew/payload) or a high one (1425: ld.so /bin/true) repeated 150 / 300 times, 20 / 10 ms
# apart, each with its own serial and pid. TARGETS "same" keeps the target, "distinct" gives
# each run its own /opt/f/N.
build() {
	python3 - "$data/loader-audit.log" "$@" <<'PY'
import re, sys
log, serial, mode, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ev = [l for l in open(log) if ":%s):" % serial in l]
assert ev, "event %s not found" % serial
count, step = (150, 20) if mode == "same" else (300, 10)
with open(out, "w") as f:
    for i in range(count):
        ms = 1795365100000 + i * step
        stamp = "msg=audit(%d.%03d:%d)" % (ms // 1000, ms % 1000, 50000 + i)
        for l in ev:
            l = re.sub(r"msg=audit\([0-9.:]+\)", stamp, l)
            l = re.sub(r" pid=[0-9]+", " pid=%d" % (20000 + i), l)
            if mode == "distinct":
                if l.startswith("type=PROCTITLE"):
                    continue
                l = l.replace('a1="/bin/true"', 'a1="/opt/f/%d"' % i)
            f.write(l)
PY
}

# count FILE RULE: lines of that rule
count() { grep -c "^{\"rule\":\"$2\"" "$1"; }

build 1426 same "$tmp/same.log" || exit 1
build 1425 distinct "$tmp/distinct.log" || exit 1

"$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay "$tmp/same.log" --format json > "$tmp/same.json" 2>"$tmp/err"
is "$(wc -l < "$tmp/same.json")" 2 "150 identical loader runs in 3 s: two lines"
is "$(sed -n 1p "$tmp/same.json" | grep -c '"rule":"loader_exec".*"id":"1795365100.000:50000"')" 1 \
	"the first run is alerted in full, first"
line=$(sed -n 2p "$tmp/same.json")
case $line in
*'"rule":"alert_repeats","severity":"critical","repeats":{"rule":"loader_exec","count":149,"first_event":"1795365100.000:50000","last_event":"1795365102.980:50149","span_ms":2980,'*'"identity":{"name":"/tmp/ew/payload"}'*)
	ok "then one alert_repeats line: count 149, first and last event, target" ;;
*)	not_ok "alert_repeats line: $line" ;;
esac
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/same.json" &&
	ok "both lines parse as JSON" || not_ok "a line is not JSON"

"$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay "$tmp/same.log" --format kv > "$tmp/same.kv" 2>"$tmp/err"
is "$(grep -c 'rule="alert_repeats" severity="critical" repeats_rule="loader_exec" repeats_count=149 ' "$tmp/same.kv")" 1 \
	"key=value: the same repeats line"

"$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay "$tmp/distinct.log" --format json > "$tmp/distinct.json" 2>"$tmp/err"
is "$(count "$tmp/distinct.json" loader_exec)" 62 \
	"300 different targets in 3 s: a burst of 60 alerts, one more a second"
is "$(wc -l < "$tmp/distinct.json")" 63 "and one more line"
is "$(tail -n 1 "$tmp/distinct.json" | grep -c '^{"rule":"alerts_suppressed","severity":"high","suppressed":{"rule":"loader_exec","count":238,"first_event":"1795365100.600:50060","last_event":"1795365102.990:50299",')" 1 \
	"last, the line that says 238 loader_exec alerts suppressed"
is "$(grep -c 'alert storms: emitted 62, folded 0 (repeat lines 0), rate-capped 238 (suppressed lines 1)' "$tmp/err")" 1 \
	"the exit statistics count them"

{ cat "$data/replay.conf"; printf 'alerts: { fold_window = 0; rate_per_minute = 0; };\n'; } > "$tmp/off.conf"
"$ELFWATCH" -c "$tmp/off.conf" --replay "$tmp/same.log" --format json > "$tmp/off.json" 2>"$tmp/err"
is "$(count "$tmp/off.json" loader_exec)" 150 "folding and cap off: 150 alerts"
"$ELFWATCH" -c "$tmp/off.conf" --replay "$tmp/distinct.log" --format json > "$tmp/off2.json" 2>"$tmp/err"
is "$(count "$tmp/off2.json" loader_exec)" 300 "folding and cap off: 300 alerts"

# The issue's own case, a file rewritten 50 times a second (curl's write of W01 and a chmod +x,
# 150 times in 3 s): in replay the artifact's size and mtime never change, so the write tracker
# already drops the 149 rewrites as unchanged before any alert; live, each new mtime is judged
# and the alerts fold as above. Checked so a change to either keeps the line count at one.
if bash "$top_srcdir/tests/record/make-artifacts.sh" aarch64-tiny "$tmp/fe:0:10954564" >/dev/null 2>&1; then
	python3 - "$data/writes-audit.log" "$tmp/rewrite.log" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines(True)
pick = lambda s: [l for l in lines if ":%s):" % s in l]
with open(sys.argv[2], "w") as f:
    f.writelines(pick("15127"))             # curl's exec
    for i in range(150):
        ms = 1795366100000 + i * 20
        for k, s in enumerate(("15249", "15262", "15263")):    # openat, chmod's exec, fchmodat
            for l in pick(s):
                f.write(re.sub(r"msg=audit\([0-9.:]+\)", "msg=audit(%d.%03d:%d)" %
                               (ms // 1000, ms % 1000, 60000 + 3 * i + k), l))
PY
	"$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay "$tmp/rewrite.log" --artifacts "$tmp" \
		--format json > "$tmp/rewrite.json" 2>"$tmp/err"
	is "$(wc -l < "$tmp/rewrite.json")" 1 "a file rewritten 50 times a second for 3 s: one line"
	is "$(grep -c 'unchanged 149' "$tmp/err")" 1 "the 149 rewrites counted as unchanged"
else
	n=$((n + 1)); echo "ok $n # SKIP no aarch64 binutils for the rewritten file"
fi

echo "1..$n"
exit $fail
