#!/bin/bash
# tests/test_audit_lifecycle.sh: the plugin's life under this machine's real auditd (TAP): auditd
# starts it from the stanza `make install` writes, it alerts on a loader run, auditd is reloaded
# the way this audit version does it (3.x-4.1: the plugin gets SIGHUP and keeps its pid; 4.2+:
# auditd stops every plugin, EOF, 50 ms, SIGTERM, and starts it again), it runs and alerts
# again, and when auditd stops the plugin is gone within 1 s with nothing left behind. What
# auditd says about the stanza (deprecated keys, skipped files, bad args) is a failure.
# Runs on Debian 12 (audit 3.0.9) in make check, and in the trixie and sid chroots of
# `make check-distros` (tests/distros/) with that release's auditd.
#
# Private auditd and rsyslogd (tests/live/lib.sh), live lock, cleanup on every exit path.
# Skips (1..0 # SKIP) when not root, without kernel audit, when another audit or syslog daemon
# runs, or with ELFWATCH_SKIP_LIVE=1.
# Env: ELFWATCH, top_srcdir (make check); EW_LIFECYCLE_INSTALLED=1: use the installed plugin and
# stanza (make install; its args are pointed at the test's configuration), not the build's.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=live/lib.sh
. "$top_srcdir/tests/live/lib.sh"
ew_test_begin

# audit version: x.y.z of auditctl (same package as auditd)
aver=$(auditctl -v 2>/dev/null | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p')
[ -n "$aver" ] || ew_bail "cannot read the audit version from auditctl -v"
# ver_ge A B: version A >= version B (dotted numbers)
ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }
restarts_on_reload=no
ver_ge "$aver" 4.2 && restarts_on_reload=yes

ew_test_dir /var/tmp/elfwatch-lifecycle.XXXXXX 0750; dir=$ew_dir

# ---- the plugin and the stanza as installed ----
if [ "${EW_LIFECYCLE_INSTALLED:-0}" = 1 ]; then
	stanza_src=${EW_STANZA:-/etc/audit/plugins.d/audisp-elfwatch.conf}
	[ -f "$stanza_src" ] || ew_bail "no installed stanza $stanza_src (make install first)"
	exe=$(sed -n 's/^path = //p' "$stanza_src")
	[ -x "$exe" ] || ew_bail "the installed stanza names $exe, which is not there"
	sed "s|^args = .*|args = -c $dir/elfwatch.conf|" "$stanza_src" > "$dir/audisp-elfwatch.conf"
	how="installed"
else
	[ -x "$ELFWATCH" ] || ew_bail "plugin binary $ELFWATCH not built"
	ew_plugin_install "$dir" "$ELFWATCH"   # the stanza from conf/audisp-elfwatch.conf
	exe=$dir/audisp-elfwatch
	how="built"
fi
# EW_STANZA_EXTRA: lines added to the stanza, to see what this auditd says of a key (README
# probes the `direction` of older stanzas with it); EW_STANZA_NAME: the stanza's file name
[ -z "${EW_STANZA_EXTRA:-}" ] || printf '%s\n' "$EW_STANZA_EXTRA" >> "$dir/audisp-elfwatch.conf"
chmod 0640 "$dir/audisp-elfwatch.conf"
stanza=$dir/audisp-elfwatch.conf
if [ -n "${EW_STANZA_NAME:-}" ] && [ "$EW_STANZA_NAME" != audisp-elfwatch.conf ]; then
	mkdir -p "$dir/stanza" && mv "$stanza" "$dir/stanza/$EW_STANZA_NAME" && stanza=$dir/stanza/$EW_STANZA_NAME
fi
# state kept across a restart, in this test's own directory (never the host's /run/elfwatch)
ew_plugin_config "$exe" "$dir/elfwatch.conf" <<EOF
output = "syslog";
format = "json";
log_level = "info";
state: { path = "$dir/state/state"; };
EOF
printf '%s\n' "-a always,exit -F arch=b64 -S execve,execveat -k elfwatch_lifecycle" > "$dir/test.rules"

ew_start ew_rsyslog_start "$dir/syslog"
ew_start ew_audit_start "$dir/audit" "$stanza"
ew_log "audit $aver (restarts plugins on reload: $restarts_on_reload), $how plugin $exe"

alerts=$dir/syslog/alerts.log
# plugin_pid: the child of our auditd running $exe, waiting up to 5 s (empty if none)
plugin_pid() {
	for _ in $(seq 50); do
		for p in $(pgrep -P "$ew_auditd_pid" || :); do
			[ "$(readlink "/proc/$p/exe" 2>/dev/null || :)" = "$exe" ] && { echo "$p"; return 0; }
		done
		sleep 0.1
	done
}
# count PATTERN: lines of the plugin's syslog (alerts and its own log) matching PATTERN
count() { grep -c -- "$1" "$alerts" 2>/dev/null || :; }
# wait_count PATTERN N: up to 10 s for at least N matching lines
wait_count() {
	for _ in $(seq 100); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# loader_alerts MARK: run the loader with MARK as argument and wait for its loader_exec alert
loader_alerts() {
	/lib64/ld-linux-x86-64.so.2 /bin/true "$1"
	wait_count "\"rule\":\"loader_exec\".*$1" 1
}

# ---- start ----
pid1=$(plugin_pid)
if [ -n "$pid1" ]; then
	ew_tap ok "audit $aver: auditd ($ew_auditd_pid) starts the $how plugin ($pid1) from its stanza"
else
	ew_tap fail "audit $aver: auditd starts the $how plugin"
	kids=""
	for p in $(pgrep -P "$ew_auditd_pid" || :); do kids="$kids $p:$(readlink "/proc/$p/exe" 2>&1)"; done
	ew_bail "plugin not running (auditd's children:${kids:- none}); auditd said: $(grep -h auditd "$dir/syslog/other.log" 2>/dev/null | tail -n 5 | tr '\n' ' ')"
fi
wait_count 'started: ' 1 || :
ew_audit_load_rules "$dir/test.rules" || ew_bail "$ew_error"
if loader_alerts ew-lifecycle-start; then
	ew_tap ok "the plugin alerts on a loader run"
else
	ew_tap fail "the plugin alerts on a loader run (no loader_exec alert in 10 s)"
fi

# ---- the user it runs as: elfwatch once started (README "Security"), where that user exists ----
if want=$(id -u elfwatch 2>/dev/null); then
	got=$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$pid1/status" 2>/dev/null)
	if [ "$got" = "$want $want $want $want" ]; then
		ew_tap ok "the plugin runs as user elfwatch (uid $want) under auditd $aver"
	else
		ew_tap fail "the plugin runs as user elfwatch (uid $want) under auditd $aver: its uids are '$got'"
	fi
else
	ew_tap skip "the plugin runs as user elfwatch (no such user here: it keeps uid 0)"
fi

# ---- what auditd said about the stanza ----
# auditd logs through syslog (other.log): anything about our stanza but its start is a complaint
grep -h 'auditd' "$dir/syslog/other.log" > "$dir/auditd-said.log" 2>/dev/null || :
complaints=$(grep -iE 'deprecat|skipping|wrong number|unknown keyword|too long|invalid|not found|permissions should|error' \
	"$dir/auditd-said.log" | grep -iE 'audisp-elfwatch|plugin|line [0-9]' || :)
if [ -z "$complaints" ]; then
	ew_tap ok "auditd $aver has nothing to say against the stanza ($(grep -c . "$dir/auditd-said.log" || :) auditd lines read)"
else
	ew_tap fail "auditd $aver complains about the stanza: $(printf '%s' "$complaints" | head -n 3 | tr '\n' ' ')"
fi

# ---- reload ----
# Checks run after each reload with pid_before and pid_after set; add one per feature that must
# survive a reload (e.g. state kept across a 4.2 restart), as a function appended here.
reload_checks="check_reload_alerts check_reload_state"
# shellcheck disable=SC2317  # called through $reload_checks
check_reload_alerts() {
	if loader_alerts "ew-lifecycle-reload$1"; then
		ew_tap ok "after reload $1 the plugin still alerts on a loader run"
	else
		ew_tap fail "after reload $1 the plugin still alerts on a loader run (no alert in 10 s)"
	fi
}
# 4.2+: the restarted plugin restores what the old one saved at its end (README "Lifecycle")
# shellcheck disable=SC2317  # called through $reload_checks
check_reload_state() {
	[ "$restarts_on_reload" = yes ] || return 0
	saved=$(count 'state saved to') restored=$(count 'state restored from')
	if [ "$saved" -ge "$1" ] && [ "$restored" -ge "$1" ]; then
		ew_tap ok "reload $1: the old plugin saved its state and the new one restored it ($saved saves, $restored restores)"
	else
		ew_tap fail "reload $1: state kept across the restart ($saved saves, $restored restores; want $1 each)"
	fi
}
# how this version reloads: auditctl --signal reload where auditctl has it, else SIGHUP to auditd
reload_auditd() {
	if auditctl --signal reload >/dev/null 2>&1; then
		reload_how="auditctl --signal reload"
	else
		kill -HUP "$ew_auditd_pid"
		reload_how="SIGHUP to auditd"
	fi
}
pid_before=$pid1
for r in 1 2; do
	reloads_before=$(count 'configuration reloaded')
	starts_before=$(count 'started: ')
	reload_auditd
	if [ "$restarts_on_reload" = yes ]; then
		# 4.2+: the old plugin ends (EOF, then SIGTERM) and a new one starts
		gone=no
		ew__wait_gone "$pid_before" 20 && gone=yes
		wait_count 'started: ' $((starts_before + 1)) || :
		pid_after=$(plugin_pid)
		if [ "$gone" = yes ] && [ -n "$pid_after" ] && [ "$pid_after" != "$pid_before" ]; then
			ew_tap ok "reload $r ($reload_how): auditd $aver restarted the plugin ($pid_before ended within 2 s, $pid_after runs)"
		else
			ew_tap fail "reload $r ($reload_how): auditd $aver restarts the plugin (old $pid_before gone: $gone, new: '${pid_after:-none}')"
		fi
	else
		# 3.x-4.1: the same plugin gets SIGHUP and re-reads its configuration
		wait_count 'configuration reloaded' $((reloads_before + 1)) || :
		pid_after=$(plugin_pid)
		if [ "$pid_after" = "$pid_before" ] && [ "$(count 'configuration reloaded')" -gt "$reloads_before" ]; then
			ew_tap ok "reload $r ($reload_how): auditd $aver sent the plugin ($pid_after) SIGHUP; it reloaded and kept running"
		else
			ew_tap fail "reload $r ($reload_how): the plugin reloads in place (pid $pid_before -> '${pid_after:-none}', reloads $reloads_before -> $(count 'configuration reloaded'))"
		fi
	fi
	[ -n "$pid_after" ] || ew_bail "no plugin after reload $r"
	for c in $reload_checks; do "$c" "$r"; done
	pid_before=$pid_after
done

# ---- stop: the plugin ends with auditd, within 1 s ----
plugin=$pid_before
apid=$ew_auditd_pid
t0=$(date +%s%N)
kill -TERM "$apid"
ew__wait_gone "$plugin" 100 || :
plugin_ms=$((($(date +%s%N) - t0) / 1000000))
ew__wait_gone "$apid" 100 || :
if ! ew__alive "$plugin" && [ "$plugin_ms" -le 1000 ]; then
	ew_tap ok "auditd stopped: the plugin exited ${plugin_ms} ms after auditd's SIGTERM"
else
	ew_tap fail "auditd stopped: the plugin exited within 1 s (alive: $(ew__alive "$plugin" && echo yes || echo no), ${plugin_ms} ms)"
fi
ew_audit_stop
left=""
for p in $(pgrep -x auditd || :); do left="$left auditd:$p"; done
for p in $(pgrep -f "^$exe( |$)" || :); do left="$left plugin:$p"; done
[ "$(auditctl -l 2>/dev/null)" = "No rules" ] || left="$left rules:$(auditctl -l | head -n 1)"
[ "$(ew_audit_status pid)" = 0 ] || left="$left kernel-audit-pid:$(ew_audit_status pid)"
if [ -z "$left" ]; then
	ew_tap ok "nothing left: no auditd, no plugin, no audit rules, no registered audit daemon"
else
	ew_tap fail "nothing left behind:$left"
fi
crash='segfault|general protection|core dumped|assertion|SIGABRT|\babort(ed)?\b'
if grep -hiE "$crash" "$alerts" "$dir/syslog/other.log" 2>/dev/null | grep -v 'rsyslogd:' > "$dir/crash.log"; then
	ew_tap fail "no crash in the logs: $(head -n 2 "$dir/crash.log")"
fi

ew_tap_done
