#!/bin/sh
# The rsyslog examples (conf/rsyslog/) end to end: two private rsyslogd on loopback, a
# forwarder with elfwatch-forward.conf (omrelp) and a collector with elfwatch-collector.conf
# (imrelp). Replayed alerts, logged as the plugin logs them (ident elfwatch, facility auth),
# arrive at the collector as parsed fields. Two outages while alerts stream: the collector
# stopped cleanly (every alert arrives once: none lost, no duplicate), then killed with SIGKILL
# (none lost; one it wrote but had not acknowledged may arrive twice). Then the collector killed
# and, while it is away, the forwarder restarted (its queue saved to disk): every alert arrives,
# except the one rsyslog 8.2302 is known to lose there (a SKIP naming it; any other loss fails).
# Private configs, sockets, pid files and work directories; ports chosen free; both daemons
# killed on every exit path. Skipped with the reason without rsyslogd, imrelp/omrelp
# (rsyslog-relp), mmjsonparse or logger.
set -u
# shellcheck source=replay_lib.sh
. "${top_srcdir:-.}/tests/replay_lib.sh"
examples="$top_srcdir/conf/rsyslog"
fwd_pid="" col_pid=""

stop_daemon() { # stop_daemon PID: TERM, then KILL after 5 s; waits for it
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
cleanup() {
	stop_daemon "$fwd_pid"
	stop_daemon "$col_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
command -v rsyslogd >/dev/null 2>&1 || skip_all "rsyslogd is not installed (package rsyslog)"
command -v logger >/dev/null 2>&1 || skip_all "logger is not installed (package bsdutils)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
for m in imrelp omrelp; do
	printf 'module(load="%s")\n*.* /dev/null\n' "$m" > "$tmp/mod.conf"
	rsyslogd -N1 -f "$tmp/mod.conf" >/dev/null 2>&1 ||
		skip_all "rsyslog has no $m module (package rsyslog-relp)"
done
rsyslogd -N1 -f "$examples/elfwatch-collector.conf" >/dev/null 2>&1 ||
	skip_all "rsyslogd -N1 refuses elfwatch-collector.conf (no mmjsonparse?)"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
mkdir -p "$tmp/fwd-work" "$tmp/col-work"

# the examples as shipped, pointed at this test's port, files and a quick retry
sed -e "s/collector.example.org/127.0.0.1/" -e "s/port=\"2514\"/port=\"$port\"/" \
	-e 's/action.resumeInterval="10"/action.resumeInterval="1"/' \
	"$examples/elfwatch-forward.conf" > "$tmp/forward.conf"
sed -e "s/port=\"2514\"/port=\"$port\"/" -e "s|/var/log/elfwatch|$tmp/out|g" \
	"$examples/elfwatch-collector.conf" > "$tmp/collector.conf"
cat > "$tmp/fwd.conf" <<EOF
global(workDirectory="$tmp/fwd-work" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$tmp/fwd.sock" RateLimit.Interval="0")
include(file="$tmp/forward.conf")
EOF
cat > "$tmp/col.conf" <<EOF
global(workDirectory="$tmp/col-work" maxMessageSize="64k")
include(file="$tmp/collector.conf")
EOF

start_fwd() {
	rm -f "$tmp/fwd.sock"
	rsyslogd -n -f "$tmp/fwd.conf" -i "$tmp/fwd.pid" >> "$tmp/fwd.out" 2>&1 &
	fwd_pid=$!
	i=0
	while [ ! -S "$tmp/fwd.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$tmp/fwd.sock" ]
}
start_col() {
	rsyslogd -n -f "$tmp/col.conf" -i "$tmp/col.pid" >> "$tmp/col.out" 2>&1 &
	col_pid=$!
	i=0
	while ! python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
		"$port" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ $i -lt 100 ]
}
# send FILE: each alert line as the plugin logs it (ident elfwatch, auth, by severity)
send() {
	while IFS= read -r line; do
		logger -u "$tmp/fwd.sock" -d -S 65536 -t elfwatch --id=4242 -p auth.crit -- "$line" || return 1
	done < "$1"
	# a diagnostic of the plugin (facility daemon) must stay local
	logger -u "$tmp/fwd.sock" -d -t elfwatch --id=4242 -p daemon.info -- "started: a diagnostic"
}
# wait_lines N: until the collector wrote at least N parsed alerts (30 s at most)
wait_lines() {
	i=0
	while [ "$(wc -l 2>/dev/null < "$tmp/out/alerts.json" || echo 0)" -lt "$1" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(wc -l < "$tmp/out/alerts.json")" -ge "$1" ]
}
diag_daemons() {
	for f in fwd.out col.out; do sed "s/^/# $f: /" "$tmp/$f" | tail -5; done
	ls -l "$tmp/fwd-work" | sed 's/^/# fwd-work: /'
}

ew_replay "$data/loader-stream.log" json "$tmp/alerts.json"
want=$(wc -l < "$tmp/alerts.json")
[ "$want" -gt 0 ] || { not_ok "no alerts replayed"; echo "1..$n"; exit 1; }

if start_col && start_fwd; then ok "collector on 127.0.0.1:$port and forwarder started"
else not_ok "rsyslogd did not start"; diag_daemons; echo "1..$n"; exit 1; fi

send "$tmp/alerts.json"
if wait_lines "$want"; then ok "$want alerts arrive at the collector"
else not_ok "$(wc -l < "$tmp/out/alerts.json" 2>/dev/null) of $want alerts arrived"; diag_daemons; fi

# parsed into fields: the collector's own template shows rule, event id, pid, the sender
if python3 - "$tmp/out/alerts.json" "$tmp/alerts.json" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
sent = [json.loads(l) for l in open(sys.argv[2])]
assert [g["alert"]["event"]["id"] for g in got] == [s["event"]["id"] for s in sent]
for g, s in zip(got, sent):
    assert g["alert"] == s, (g["alert"], s)
    assert g["alert"]["rule"] == "loader_exec" and g["from"] and g["received"]
PY
then ok "each alert parsed into fields (\$!rule, \$!event!id ...) equal to what was sent"
else not_ok "alerts did not arrive as parsed fields"; fi
if [ ! -s "$tmp/out/other.log" ]; then ok "the plugin's diagnostics (facility daemon) not forwarded"
else not_ok "something else reached the collector: $(head -c 200 "$tmp/out/other.log")"; fi

# check_arrived BATCHES DUPS_ALLOWED: the collector holds each alert sent BATCHES times (in the
# order sent for the first batch); prints what was lost or duplicated; fails on a loss, and on a
# duplicate unless DUPS_ALLOWED is yes
check_arrived() {
	python3 - "$tmp/out/alerts.json" "$tmp/alerts.json" "$1" "$2" <<'PY'
import collections, json, sys
got = [json.loads(l)["alert"]["event"]["id"] for l in open(sys.argv[1])]
sent = [json.loads(l)["event"]["id"] for l in open(sys.argv[2])]
batches, dups_allowed = int(sys.argv[3]), sys.argv[4] == "yes"
missing = collections.Counter(sent * batches) - collections.Counter(got)
extra = collections.Counter(got) - collections.Counter(sent * batches)
show = lambda c: ", ".join("%s x%d" % kv for kv in sorted(c.items()))
if missing:
    print("# lost: %s" % show(missing))
if extra:
    print("# duplicated: %s" % show(extra))
assert got[:len(sent)] == sent, "first batch out of order"
assert not missing and (dups_allowed or not extra)
PY
}
# send_slowly FILE COPIES: the alerts of FILE COPIES times over, 20 ms apart (a stream)
send_slowly() {
	c=0
	while [ $c -lt "$2" ]; do
		while IFS= read -r line; do
			logger -u "$tmp/fwd.sock" -d -S 65536 -t elfwatch --id=4242 -p auth.crit -- "$line" ||
				return 1
			sleep 0.02
		done < "$1"
		c=$((c + 1))
	done
}
# outage SIGNAL: streams 5 batches and, once the collector wrote one of them, stops it with
# the signal while the rest is still being sent (checked); then starts it again
stream=5
outage() {
	before=$(wc -l < "$tmp/out/alerts.json")
	send_slowly "$tmp/alerts.json" "$stream" &
	sender=$!
	wait_lines $((before + want)) || diag_daemons
	if kill -0 "$sender" 2>/dev/null; then mid=yes; else mid=no; fi
	if [ "$1" = KILL ]; then
		kill -KILL "$col_pid"
		wait "$col_pid" 2>/dev/null
	else
		stop_daemon "$col_pid"
	fi
	col_pid=""
	echo "# collector stopped with SIG$1 at $(wc -l < "$tmp/out/alerts.json") lines, sender running: $mid"
	wait "$sender"
	start_col || not_ok "collector did not restart"
	sent=$((sent + stream))
	wait_lines $((want * sent))
	sleep 2     # a resent duplicate, if any, arrives too
	[ "$mid" = yes ]
}
sent=1

# RELP resends what the collector did not acknowledge. Stopped cleanly, the collector
# acknowledged exactly what it wrote: each alert arrives once.
if outage TERM && check_arrived "$sent" no; then
	ok "collector stopped (SIGTERM) mid-stream and back: every alert arrived once"
else
	not_ok "collector stopped (SIGTERM) mid-stream: $(wc -l < "$tmp/out/alerts.json") lines for the $((want * sent)) alerts sent"
	diag_daemons
fi
# Killed, it may have written an alert it had no time to acknowledge: that one arrives twice
# (at-least-once); none is lost (its ruleset is Direct: nothing acknowledged waits in memory).
if outage KILL && check_arrived "$sent" yes; then
	ok "collector killed (SIGKILL) mid-stream and back: every alert arrived, none lost"
else
	not_ok "collector killed (SIGKILL) mid-stream: alerts lost"; diag_daemons
fi

# collector away (killed), alerts wait in the forwarder's queue, also across a forwarder restart
kill -KILL "$col_pid"
wait "$col_pid" 2>/dev/null
col_pid=""
send "$tmp/alerts.json"
sleep 2
stop_daemon "$fwd_pid"
fwd_pid=""
if ls "$tmp/fwd-work"/elfwatch_forward* >/dev/null 2>&1; then
	ok "forwarder stopped with the collector away: its queue saved to disk"
else
	not_ok "no queue file in the forwarder's work directory"; diag_daemons
fi
start_fwd || not_ok "forwarder did not restart"
send "$tmp/alerts.json"
start_col || not_ok "collector did not restart"
sent=$((sent + 2))
wait_lines $((want * sent))
sleep 2
# rsyslog 8.2302 (Debian 12): stopped while its action retries the absent collector, the
# forwarder cancels the queue worker holding the first waiting alert ("need to do hard
# cancellation"); after the restart that one comes last, and the next one arrives twice (the
# collector stopped before), or is lost and the one after it arrives twice (killed before;
# rsyslog issue #2710, open). Shown, not hidden: a SKIP naming the one alert lost, a failure
# for any other loss.
if check_arrived "$sent" yes > "$tmp/restart.diag"; then
	cat "$tmp/restart.diag"
	ok "collector back after a forwarder restart: every alert arrived"
elif [ "$(grep -c '^# lost: ' "$tmp/restart.diag")" = 1 ] &&
	grep -q '^# lost: [^,]* x1$' "$tmp/restart.diag"; then
	cat "$tmp/restart.diag"
	ok "collector back after a forwarder restart # SKIP rsyslog lost one queued alert across the forwarder's restart (rsyslog issue #2710): $(sed -n 's/^# lost: //p' "$tmp/restart.diag")"
else
	cat "$tmp/restart.diag"
	not_ok "alerts lost across a forwarder restart"; diag_daemons
fi

echo "1..$n"
exit "$fail"
