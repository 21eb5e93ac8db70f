#!/bin/sh
# bench/live_bench.sh: elfwatch under a real auditd. A private rsyslogd owns /dev/log and a
# private auditd runs the plugin with the bundled rules (tests/live/lib.sh); bench/loadgen
# spawns /bin/true at a steady rate, then bursts. For each phase: CPU of auditd and of the
# plugin (utime+stime deltas from /proc/PID/stat, all threads), exec events in audit.log,
# kernel lost events (`auditctl -s` lost delta), auditd's queue-overflow messages and the
# plugin's own drop counters (its syslog). Every half second a sampler records the kernel
# backlog and lost counter (`auditctl -s`) and the CPU share of auditd and the plugin, so the
# timeline shows where the backlog starts to build. Everything stops on every exit path.
#
# usage: sh bench/live_bench.sh ELFWATCH LOADGEN [STEADY_RATE STEADY_S BURST_RATE BURST_S]
# env: LIVE_BENCH_RULES=FILE  rules to load (default rules.d/50-elfwatch.rules, the full profile)
#      LIVE_BENCH_CONF=TEXT  settings appended to the plugin's configuration
#      LIVE_BENCH_GENERATORS=N  N loadgen processes share each phase's rate (default 1; one
#                            loadgen forks from one core, so many-core top rates need several)
#      LIVE_BENCH_PLUGIN=none  auditd alone (the stanza is inactive): the baseline to set the
#                            plugin's figures beside, measured the same way
# On a machine without auditd or rsyslogd, bench/carry.sh packs them with the plugin.
# Exit 77 with a message when this machine cannot run it (not root, no kernel audit, another
# audit or syslog daemon owns the kernel interface or /dev/log).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
elfwatch=$1
loadgen=$2
steady_rate=${3:-1000} steady_s=${4:-20} burst_rate=${5:-5000} burst_s=${6:-10}
# shellcheck source=../tests/live/lib.sh
. "$top/tests/live/lib.sh"
ew_install_traps

skip() { echo "live: SKIP: $*"; exit 77; }

rc=0
ew_audit_check || rc=$?
[ "$rc" -eq 0 ] || skip "$ew_skip_reason"

dir=$(mktemp -d /var/tmp/elfwatch-livebench.XXXXXX)
chmod 0750 "$dir"
saved_backlog=$(ew_audit_status backlog_limit)
restore() {
	[ -z "$saved_backlog" ] || auditctl -b "$saved_backlog" >/dev/null 2>&1 || :
	if [ -n "${EW_KEEP:-}" ]; then ew_log "kept $dir"; else rm -rf "$dir"; fi
}
ew_at_exit restore

ew_plugin_install "$dir" "$elfwatch"
with_plugin=yes
if [ "${LIVE_BENCH_PLUGIN:-}" = none ]; then
	with_plugin=
	sed -i 's/^active = yes$/active = no/' "$dir/audisp-elfwatch.conf"
fi
generators=${LIVE_BENCH_GENERATORS:-1}
cat > "$dir/elfwatch.conf" <<'EOF'
output = "syslog";
log_level = "info";
EOF
# the state kept across restarts: the benchmark's own, never the host's /run/elfwatch
printf 'state: { path = "%s/state/state"; };\n' "$dir" >> "$dir/elfwatch.conf"
# LIVE_BENCH_CONF: extra settings, e.g. 'linker: { environ = true; };'
printf '%s\n' "${LIVE_BENCH_CONF:-}" >> "$dir/elfwatch.conf"
chmod 0640 "$dir/elfwatch.conf"

rc=0
ew_rsyslog_start "$dir/syslog" || rc=$?
if [ "$rc" -eq "$EW_SKIP" ]; then skip "$ew_skip_reason"; elif [ "$rc" -ne 0 ]; then
	echo "live: $ew_error" >&2; exit 1; fi
rc=0
ew_audit_start "$dir" "$dir/audisp-elfwatch.conf" || rc=$?
if [ "$rc" -eq "$EW_SKIP" ]; then skip "$ew_skip_reason"; elif [ "$rc" -ne 0 ]; then
	echo "live: $ew_error" >&2; exit 1; fi
# Debian's default rules use -b 8192; the kernel's own default (64) loses events at any burst.
auditctl -b 8192 >/dev/null
rules=${LIVE_BENCH_RULES:-$top/rules.d/50-elfwatch.rules}
ew_audit_load_rules "$rules" || { echo "live: $ew_error" >&2; exit 1; }
auditd_pid=$ew_auditd_pid
plugin_pid=
n=0
while [ -n "$with_plugin" ] && [ -z "$plugin_pid" ] && [ "$n" -lt 50 ]; do
	for p in $(pgrep -P "$auditd_pid"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = audisp-elfwatch ] && plugin_pid=$p
	done
	[ -n "$plugin_pid" ] || sleep 0.1
	n=$((n + 1))
done
[ -z "$with_plugin" ] || [ -n "$plugin_pid" ] ||
	{ echo "live: the plugin did not start under auditd" >&2; exit 1; }

ticks() {   # utime + stime, all threads; 0 for no process (auditd alone)
	if [ -n "$1" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi
}
hz=$(getconf CLK_TCK)
execs() { grep -ac '^type=SYSCALL .* syscall=59 .*comm="true"' "$dir/audit.log" || :; }

# sampler: every 0.5 s one line "ms phase backlog lost auditd_ticks plugin_ticks" to
# $dir/samples; the phase is what phase() last wrote to $dir/phase.
echo idle > "$dir/phase"
sampler() {
	t0=$(date +%s%N)
	while :; do
		s=$(auditctl -s 2>/dev/null | awk '$1 == "backlog" || $1 == "lost" { v[$1] = $2 }
			END { print v["backlog"] + 0, v["lost"] + 0 }')
		printf '%s %s %s %s %s\n' $(( ($(date +%s%N) - t0) / 1000000 )) "$(cat "$dir/phase")" \
			"$s" "$(ticks "$auditd_pid")" "$(ticks "$plugin_pid")" >> "$dir/samples"
		sleep 0.5
	done
}
sampler > /dev/null 2>&1 9>&- &
sampler_pid=$!
stop_sampler() {
	[ -z "$sampler_pid" ] || { kill "$sampler_pid" 2>/dev/null || :; wait "$sampler_pid" 2>/dev/null || :; }
	sampler_pid=
}
ew_at_exit stop_sampler

generate() {   # RATE SECONDS: $generators loadgens in parallel, their JSON lines summed into one
	g=0 pids=
	while [ "$g" -lt "$generators" ]; do
		"$loadgen" "$(awk -v r="$1" -v n="$generators" 'BEGIN { printf "%.0f", r / n }')" "$2" \
			> "$dir/gen.$g" &
		pids="$pids $!"
		g=$((g + 1))
	done
	for p in $pids; do wait "$p"; done   # not a bare wait: the sampler runs in the background
	python3 - "$1" "$dir"/gen.* <<-'EOF'
	import json, sys
	runs = [json.loads(open(f).read()) for f in sys.argv[2:]]
	print(json.dumps({"rate_wanted": float(sys.argv[1]),
	                  "rate_achieved": sum(r["rate_achieved"] for r in runs),
	                  "seconds": max(r["seconds"] for r in runs),
	                  "spawned": sum(r["spawned"] for r in runs),
	                  "failed": sum(r["failed"] for r in runs),
	                  "behind": sum(r["behind"] for r in runs)}))
	EOF
	rm -f "$dir"/gen.*
}

phase() {   # NAME RATE SECONDS
	echo "$1" > "$dir/phase"
	a0=$(ticks "$auditd_pid"); p0=$(ticks "$plugin_pid"); l0=$(ew_audit_status lost)
	e0=$(execs); t0=$(date +%s.%N)
	gen=$(generate "$2" "$3")
	sleep 2     # let auditd and the plugin drain what the phase queued
	t1=$(date +%s.%N); a1=$(ticks "$auditd_pid"); p1=$(ticks "$plugin_pid")
	l1=$(ew_audit_status lost); e1=$(execs)
	python3 - "$1" "$gen" "$t0" "$t1" "$a0" "$a1" "$p0" "$p1" "$hz" "$l0" "$l1" "$e0" "$e1" <<-'EOF'
	import json, sys
	name, gen = sys.argv[1], json.loads(sys.argv[2])
	t0, t1, a0, a1, p0, p1, hz, l0, l1, e0, e1 = map(float, sys.argv[3:])
	wall = t1 - t0
	acpu, pcpu = (a1 - a0) / hz, (p1 - p0) / hz
	print("live %-6s wanted %5d/s achieved %7.1f/s (%d spawned in %.1f s); window %.1f s: "
	      "auditd CPU %.2f s (%.1f%%), plugin CPU %.2f s (%.1f%%), plugin/auditd %.1f%%; "
	      "exec events in audit.log %d; kernel lost %d"
	      % (name, gen["rate_wanted"], gen["rate_achieved"], gen["spawned"], gen["seconds"], wall,
	         acpu, 100 * acpu / wall, pcpu, 100 * pcpu / wall,
	         100 * pcpu / acpu if acpu else 0, e1 - e0, l1 - l0))
	EOF
	echo drain > "$dir/phase"
}

echo "live: auditd pid $auditd_pid, plugin pid ${plugin_pid:-none (auditd alone)}, $generators generator(s), rules $(auditctl -l | grep -c .) from ${rules#"$top"/}, backlog_limit 8192"
phase steady "$steady_rate" "$steady_s"
phase burst "$burst_rate" "$burst_s"
stop_sampler

# The timeline: one line per half-second sample (CPU as % of one CPU over the interval), then
# where the kernel backlog first rose above 0 and above 10% of its limit, and its peak.
python3 - "$dir/samples" "$hz" <<'EOF'
import sys
hz = float(sys.argv[2])
rows = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 6:
        rows.append((int(f[0]) / 1000.0, f[1], int(f[2]), int(f[3]), float(f[4]), float(f[5])))
print("live: sample    t/s  phase   backlog   lost  auditd%  plugin%")
prev = None
for t, ph, bl, lost, a, p in rows:
    if prev and t > prev[0]:
        ac = "%7.0f%%" % (100 * (a - prev[4]) / hz / (t - prev[0]))
        pc = "%7.0f%%" % (100 * (p - prev[5]) / hz / (t - prev[0]))
    else:
        ac = pc = "%8s" % "-"
    print("live: sample %6.1f  %-6s %8d %6d %s %s" % (t, ph, bl, lost, ac, pc))
    prev = (t, ph, bl, lost, a, p)
def first(cond, what):
    for t, ph, bl, lost, a, p in rows:
        if cond(bl):
            return "%s at %.1f s (%s)" % (what, t, ph)
    return "%s never" % what
peak = max(rows, key=lambda r: r[2]) if rows else None
print("live: backlog: %s; %s; peak %d at %.1f s (%s); lost %d over the run" % (
      first(lambda b: b > 0, "first above 0"), first(lambda b: b > 819, "first above 10% of 8192"),
      peak[2] if peak else 0, peak[0] if peak else 0, peak[1] if peak else "-",
      rows[-1][3] - rows[0][3] if rows else 0))
EOF

ew_audit_stop       # the plugin sees EOF and logs its counters to syslog
sleep 1
overflow=$(grep -ahc 'queue to plugins is full\|dropping event' "$dir/syslog/other.log" "$dir/auditd.out" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
echo "live: auditd queue-overflow messages: $overflow"
grep -ah 'queue full\|intake:\|assembly:\|queue:\|events [0-9]' "$dir/syslog/elfwatch.log" 2>/dev/null | sed 's/^/live: plugin: /' || :
ew_rsyslog_stop
