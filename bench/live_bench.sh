#!/bin/sh
# bench/live_bench.sh: elfwatch under a real auditd. A private rsyslogd owns /dev/log and a
# private auditd runs the plugin with the bundled rules (tests/live/lib.sh); bench/loadgen
# spawns /bin/true at a steady rate, then bursts. For each phase: CPU of auditd and of the
# plugin (utime+stime deltas from /proc/PID/stat, all threads), exec events in audit.log,
# kernel lost events (`auditctl -s` lost delta), auditd's queue-overflow messages and the
# plugin's own drop counters (its syslog). Everything stops on every exit path.
#
# usage: sh bench/live_bench.sh ELFWATCH LOADGEN [STEADY_RATE STEADY_S BURST_RATE BURST_S]
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
cat > "$dir/elfwatch.conf" <<'EOF'
output = "syslog";
log_level = "info";
EOF
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
ew_audit_load_rules "$top/rules.d/50-elfwatch.rules"
auditd_pid=$ew_auditd_pid
plugin_pid=
n=0
while [ -z "$plugin_pid" ] && [ "$n" -lt 50 ]; do
	for p in $(pgrep -P "$auditd_pid"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = audisp-elfwatch ] && plugin_pid=$p
	done
	[ -n "$plugin_pid" ] || sleep 0.1
	n=$((n + 1))
done
[ -n "$plugin_pid" ] || { echo "live: the plugin did not start under auditd" >&2; exit 1; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # utime + stime, all threads
hz=$(getconf CLK_TCK)
execs() { grep -ac '^type=SYSCALL .* syscall=59 .*comm="true"' "$dir/audit.log" || :; }

phase() {   # NAME RATE SECONDS
	a0=$(ticks "$auditd_pid"); p0=$(ticks "$plugin_pid"); l0=$(ew_audit_status lost)
	e0=$(execs); t0=$(date +%s.%N)
	gen=$("$loadgen" "$2" "$3")
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
}

echo "live: auditd pid $auditd_pid, plugin pid $plugin_pid, rules $(auditctl -l | grep -c .), backlog_limit 8192"
phase steady "$steady_rate" "$steady_s"
phase burst "$burst_rate" "$burst_s"

ew_audit_stop       # the plugin sees EOF and logs its counters to syslog
sleep 1
overflow=$(grep -ahc 'queue to plugins is full\|dropping event' "$dir/syslog/other.log" "$dir/auditd.out" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
echo "live: auditd queue-overflow messages: $overflow"
grep -ah 'queue full\|intake:\|assembly:\|queue:\|events [0-9]' "$dir/syslog/elfwatch.log" | sed 's/^/live: plugin: /' || :
ew_rsyslog_stop
