#!/bin/bash
# tests/test_live_restart.sh: the plugin restarted by this host's auditd keeps its state
# (issue 10; TAP). A private auditd runs the built plugin; a UPX-packed file is written into a
# watched directory and judged; then the plugin is restarted the way auditd restarts it (3.x:
# a reload after its binary changed, SIGTERM from auditd; 4.2 does it on every reload); the
# file is run, and the new process must tie the exec to the write the old one judged. Runs
# the plugin with the installed privileges and seccomp list, so the save at exit and the
# load as root are tested as they run. Skips like tests/test_live.sh (tests/live/lib.sh).
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED_DIR=${SHARED_DIR:-$(cd "$top_srcdir/.." && pwd)/shared}
# shellcheck source-path=SCRIPTDIR source=live/lib.sh
. "$top_srcdir/tests/live/lib.sh"
ew_test_begin

# wait_for FILE PATTERN: up to 10 s for an extended regex in FILE
wait_for() {
	for _ in $(seq 100); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
plugin_pid() {
	for p in $(pgrep -P "$ew_auditd_pid" || :); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null || :)" != "$dir/audisp-elfwatch" ] || echo "$p"
	done
	return 0
}

sample=$SHARED_DIR/samples/upx/amd64-upx-3.95
[ -r "$sample" ] || ew_skip_all "no $sample"
[ -x "$ELFWATCH" ] || ew_bail "plugin binary $ELFWATCH not built"

ew_test_dir /var/tmp/elfwatch-restart.XXXXXX 0750; dir=$ew_dir
ew_test_dir /tmp/elfwatch-restart.XXXXXX 0755; drop=$ew_dir

ew_plugin_install "$dir" "$ELFWATCH"
cat > "$dir/elfwatch.conf" <<EOF
output = "$dir/alerts.json";
log_level = "info";
state: { path = "$dir/state/state"; };
EOF
chmod 0640 "$dir/elfwatch.conf"
cat > "$dir/test.rules" <<EOF
-a always,exit -F arch=b64 -S execve -F dir=$drop -F success=1 -k elfwatch_exec
-a always,exit -F arch=b64 -S openat,open,creat -F dir=$drop -F success=1 -k elfwatch_write
EOF

ew_start ew_rsyslog_start "$dir/syslog"
ew_start ew_audit_start "$dir/audit" "$dir/audisp-elfwatch.conf"
log=$dir/syslog/alerts.log
wait_for "$log" 'no saved state at' || ew_bail "plugin did not start: $(tail -n 3 "$log" 2>/dev/null)"
first=$(plugin_pid)
ew_audit_load_rules "$dir/test.rules" || ew_bail "$ew_error"

# ---- a packed file written and judged by the first process ----
cp "$sample" "$drop/payload"
chmod 0755 "$drop/payload"
if wait_for "$dir/alerts.json" '"rule":"suspicious_elf_write".*elfwatch-restart'; then
	ew_tap ok "first process ($first): the written file is judged (suspicious_elf_write)"
else
	ew_tap fail "no suspicious_elf_write for $drop/payload"
fi
write_id=$(sed -n 's/^{"rule":"suspicious_elf_write".*"event":{"id":"\([0-9.:]*\)".*/\1/p' "$dir/alerts.json" | head -n 1)

# ---- restart, as auditd does it: 3.x on a reload after the binary changed ----
cp -p "$dir/audisp-elfwatch" "$dir/audisp-elfwatch.new"
mv -f "$dir/audisp-elfwatch.new" "$dir/audisp-elfwatch"
kill -HUP "$ew_auditd_pid"
second=
for _ in $(seq 100); do
	second=$(plugin_pid)
	[ -n "$second" ] && [ "$second" != "$first" ] && break
	sleep 0.1
done
if [ -n "$second" ] && [ "$second" != "$first" ]; then
	ew_tap ok "auditd restarted the plugin ($first -> $second)"
else
	ew_tap fail "the plugin was not restarted (pid $second)"
fi
wait_for "$log" 'state saved to .*: [0-9]+ processes, [0-9]+ followed files.*[1-9][0-9]* verdicts' &&
	ew_tap ok "the first process saved its state at its end, as user elfwatch under seccomp" ||
	ew_tap fail "no save: $(grep -E 'stopping|state' "$log" | tail -n 3 | tr '\n' ' ')"
# auditd closes the socket and sends SIGTERM: whichever the plugin notices first
grep -Eq "stopping: (end of input|SIGTERM from pid $ew_auditd_pid)\$" "$log" &&
	ew_tap ok "it stopped on its input's end or auditd's ($ew_auditd_pid) SIGTERM" ||
	ew_tap fail "stop: $(grep stopping "$log" | tr '\n' ' ')"
wait_for "$log" 'state restored from .*[1-9][0-9]* of [1-9][0-9]* verdicts' &&
	ew_tap ok "the second process restored it" ||
	ew_tap fail "no restore: $(grep -E 'saved state|state restored' "$log" | tr '\n' ' ')"

# ---- the exec, seen only by the second process ----
"$drop/payload" --version > /dev/null 2>&1 || :
if wait_for "$dir/alerts.json" "\"rule\":\"dropped_exec\".*\"written\":\\{\"event_id\":\"$write_id\""; then
	ew_tap ok "second process: the exec is tied to the write the first one judged ($write_id)"
else
	ew_tap fail "no dropped_exec tied to $write_id: $(grep -o '"rule":"[a-z_]*"' "$dir/alerts.json" | tr '\n' ' ')"
fi
seccomp=$(grep -c 'type=SECCOMP.*audisp-elfwatch' "$dir/audit/audit.log" || :)
[ "$seccomp" = 0 ] && ew_tap ok "no SECCOMP record of the plugin" ||
	ew_tap fail "$seccomp SECCOMP records: $(grep 'type=SECCOMP' "$dir/audit/audit.log" | head -n 2)"
if [ -e /run/elfwatch ] && [ -n "$(find /run/elfwatch -newer "$dir/elfwatch.conf" 2>/dev/null)" ]; then
	ew_tap fail "the host's /run/elfwatch was written"
else
	ew_tap ok "the host's /run/elfwatch is untouched"
fi

ew_tap_done
