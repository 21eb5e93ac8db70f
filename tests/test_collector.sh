#!/bin/sh
# The rsyslog examples (conf/rsyslog/) end to end: two private rsyslogd on loopback, a
# forwarder with elfwatch-forward.conf and a collector with elfwatch-collector.conf. Replayed
# alerts, logged as the plugin logs them (ident elfwatch, facility auth), arrive at the
# collector as parsed fields; the collector stopped, alerts sent, the forwarder itself
# restarted (its queue saved to disk), the collector back: every alert arrives, in order.
# Private configs, sockets, pid files and work directories; ports chosen free; both daemons
# killed on every exit path. Skipped with the reason without rsyslogd, mmjsonparse or logger.
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
rsyslogd -N1 -f "$examples/elfwatch-collector.conf" >/dev/null 2>&1 ||
	skip_all "rsyslogd -N1 refuses elfwatch-collector.conf (no mmjsonparse or imtcp?)"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
mkdir -p "$tmp/fwd-work" "$tmp/col-work"

# the examples as shipped, pointed at this test's port, files and a quick retry
sed -e "s/collector.example.org/127.0.0.1/" -e "s/port=\"514\"/port=\"$port\"/" \
	-e 's/action.resumeInterval="10"/action.resumeInterval="1"/' \
	"$examples/elfwatch-forward.conf" > "$tmp/forward.conf"
sed -e "s/port=\"514\"/port=\"$port\"/" -e "s|/var/log/elfwatch|$tmp/out|g" \
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

# collector away: alerts wait in the forwarder's queue, also across a forwarder restart
stop_daemon "$col_pid"
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
if wait_lines $((want * 3)); then
	sleep 1     # a resent duplicate, if any, arrives too
	ok "collector back: $(wc -l < "$tmp/out/alerts.json") alerts for the $((want * 3)) sent"
else
	not_ok "$(wc -l < "$tmp/out/alerts.json") of $((want * 3)) alerts arrived"; diag_daemons
fi
# Plain TCP syslog is at-least-once across an outage: the alert written into the connection
# as the collector went away is resent (and may arrive twice, or after later ones). Lost
# would be a failure; duplicates are shown. RELP (omrelp/imrelp) acknowledges each message.
if python3 - "$tmp/out/alerts.json" "$tmp/alerts.json" <<'PY'
import collections, json, sys
got = [json.loads(l)["alert"]["event"]["id"] for l in open(sys.argv[1])]
sent = [json.loads(l)["event"]["id"] for l in open(sys.argv[2])]
missing = collections.Counter(sent * 3) - collections.Counter(got)
extra = collections.Counter(got) - collections.Counter(sent * 3)
assert got[:len(sent)] == sent, "first batch out of order"
assert not missing, "lost: %s" % dict(missing)
if extra:
    print("# resent after the outage (duplicates): %s" % ", ".join(sorted(extra)))
PY
then ok "every alert sent while the collector was away arrived, none lost"
else not_ok "alerts lost across the outage"; fi

echo "1..$n"
exit "$fail"
