#!/bin/bash
# tests/test_live.sh: live end-to-end test (TAP). A private rsyslogd owns /dev/log, a private
# auditd runs the built plugin from a private plugins.d with rules.d/50-elfwatch.rules, the
# scenarios of tests/live/scenarios.sh run (loader, benign, writes with a loopback
# http.server for the download, writes-quiet including a dpkg install that is removed again,
# and hostile files that must not stall the plugin: the probes after them must alert within
# 5 s), and the alerts rsyslog wrote are judged by tests/live/check_alerts.py. Everything is
# stopped on every exit path (tests/live/lib.sh). Needs SHARED_DIR (../shared) for the UPX
# scenarios; without it they are reported as skipped.
# Skips (1..0 # SKIP) when not root, without kernel audit, or when another audit or syslog
# daemon owns the kernel interface or /dev/log.
# Env (set by `make check`): ELFWATCH, top_srcdir, top_builddir.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
live=$top_srcdir/tests/live
# shellcheck source-path=SCRIPTDIR source=live/lib.sh
. "$live/lib.sh"
ew_test_begin

# ---- prerequisites: decide skip before printing any result ----
command -v python3 >/dev/null 2>&1 || ew_skip_all "python3 not installed"
command -v cc >/dev/null 2>&1 || ew_skip_all "no C compiler for the scenario payload"
[ -x "$ELFWATCH" ] || ew_bail "plugin binary $ELFWATCH not built"

ew_test_dir /var/tmp/elfwatch-live.XXXXXX 0750; dir=$ew_dir
EW_T=$(mktemp -d /tmp/elfwatch-live.XXXXXX)
EW_VT=$(mktemp -d /var/tmp/elfwatch-live-vt.XXXXXX)
EW_SHM=$(mktemp -d /dev/shm/elfwatch-live.XXXXXX)
EW_NW=$(mktemp -d /var/opt/elfwatch-live.XXXXXX)
SHARED_DIR=${SHARED_DIR:-$(cd "$top_srcdir/.." && pwd)/shared}
EW_LIVE=1
export EW_T EW_VT EW_SHM EW_NW SHARED_DIR EW_LIVE
chmod 0755 "$EW_T" "$EW_VT" "$EW_SHM" "$EW_NW"
# shellcheck disable=SC2317  # run from the EXIT trap via ew_at_exit
scenarios_clean() {
	# also removes the quiet family's test package (dpkg -r) and the 5 GB sparse file
	bash "$live/scenarios.sh" clean || ew_log "scenario clean-up failed"
}
ew_at_exit scenarios_clean

# ---- plugin, its configuration and its plugins.d stanza ----
ew_plugin_install "$dir" "$ELFWATCH"
# the state kept across restarts: the test's own, never the host's /run/elfwatch
ew_plugin_config "$dir/audisp-elfwatch" "$dir/elfwatch.conf" <<EOF
output = "syslog";
format = "json";
syslog_facility = "auth";
log_level = "info";
loader: { benign_alerts = false; };
state: { path = "$dir/state/state"; };
EOF

# Build the scenario files before audit starts: the compiler's execs are not of interest.
bash "$live/scenarios.sh" prepare > "$dir/prepare.out" 2>&1 || ew_bail "scenario preparation failed"

# ---- daemons: rsyslogd first so the plugin's syslog() finds /dev/log ----
ew_start ew_rsyslog_start "$dir/syslog"
ew_start ew_audit_start "$dir/audit" "$dir/audisp-elfwatch.conf"

plugin_pid=
for _ in $(seq 50); do
	for p in $(pgrep -P "$ew_auditd_pid" || :); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null || :)" = "$dir/audisp-elfwatch" ] && plugin_pid=$p
	done
	[ -z "$plugin_pid" ] || break
	sleep 0.1
done
if [ -n "$plugin_pid" ]; then
	ew_tap ok "auditd ($ew_auditd_pid) runs the plugin ($plugin_pid) from a private plugins.d"
else
	ew_tap fail "auditd ($ew_auditd_pid) runs the plugin from a private plugins.d"
	ew_bail "plugin not running; syslog: $(tail -n 5 "$dir/syslog/other.log" "$dir/syslog/alerts.log" 2>/dev/null | tr '\n' ' ')"
fi
ew_audit_load_rules "$top_srcdir/rules.d/50-elfwatch.rules" || ew_bail "$ew_error"
ew_tap ok "rules.d/50-elfwatch.rules loaded"

# ---- the privileges the installed plugin runs with (README "Security") ----
ew_user=$("$dir/audisp-elfwatch" --help | sed -n 's/.*--user NAME.*(default \([^;]*\);.*/\1/p')
want_seccomp=2
grep -q '^#define HAVE_SECCOMP 1' "$top_builddir/config.h" || want_seccomp=0
! grep -q '^#define ELFWATCH_SANITIZED 1' "$top_builddir/config.h" || want_seccomp=0
if want_uid=$(id -u "$ew_user" 2>/dev/null) && want_gid=$(id -g "$ew_user"); then
	# the drop comes after start-up (loaders resolved, outputs open)
	for _ in $(seq 50); do
		grep -q "^Uid:[[:space:]]*$want_uid[[:space:]]" "/proc/$plugin_pid/status" && break
		sleep 0.1
	done
	st=$(cat "/proc/$plugin_pid/status")
	got=$(printf '%s\n' "$st" | awk '/^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Umask):/ {
		$1 = $1; printf "%s;", $0 }')
	want="Umask: 0077;Uid: $want_uid $want_uid $want_uid $want_uid;Gid: $want_gid $want_gid $want_gid $want_gid;Groups:;CapInh: 0000000000000000;CapPrm: 0000000000080004;CapEff: 0000000000080004;CapBnd: 0000000000000000;CapAmb: 0000000000000000;NoNewPrivs: 1;Seccomp: $want_seccomp;"
	if [ "$got" = "$want" ]; then
		ew_tap ok "plugin runs as $ew_user with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE only, no_new_privs, seccomp $want_seccomp, umask 077"
	else
		ew_tap fail "plugin privileges: got '$got'"
		ew_log "wanted '$want'"
	fi
else
	ew_tap fail "user '$ew_user' exists (scripts/setup.sh creates it): the plugin keeps uid 0"
fi

# The download scenario's loopback server (serves the scenario sources; stopped on exit).
if ew_httpd_start "$EW_T/src"; then
	export EW_HTTP_PORT=$ew_httpd_port
else
	ew_log "no loopback http.server ($ew_error): the download scenario is skipped"
fi

# ---- scenarios: each family in its own audit session so alerts can be attributed ----
: > "$EW_T/scenarios.tsv"
ses_args=()
families="loader benign writes writes-quiet fileless hostile"
for fam in $families; do
	if [ "$fam" = hostile ]; then
		# Nothing may stall the plugin: after the hostile files the probes must alert at once.
		probe_start=$(date +%s%N)
	fi
	# (sessionid has no trailing newline: read fails at EOF but still sets s)
	bash -c 'echo 0 > /proc/self/loginuid 2>/dev/null && { read -r s < /proc/self/sessionid || [ -n "$s" ]; } &&
		printf "%s\n" "$s" > "$1"; exec bash "$2" "$3"' ses "$dir/$fam.ses" "$live/scenarios.sh" "$fam"
	if [ -s "$dir/$fam.ses" ]; then
		ses_args+=(--ses "$fam=$(cat "$dir/$fam.ses")")
	fi
done
[ "${#ses_args[@]}" -eq 12 ] || ses_args=()   # loginuid locked: attribute by pid only

# ---- hostile files must not stall the plugin ----
probe_end=$(date +%s%N)
got_exec=no got_write=no
for _ in $(seq 100); do
	grep -q '"rule":"loader_exec".*ew-hostile-probe' "$dir/syslog/alerts.log" && got_exec=yes
	grep -q '"rule":"suspicious_elf_write".*ew-hostile-probe' "$dir/syslog/alerts.log" && got_write=yes
	[ "$got_exec" = no ] || [ "$got_write" = no ] || break
	sleep 0.1
done
waited=$((($(date +%s%N) - probe_end) / 1000000))
family_ms=$(((probe_end - probe_start) / 1000000))
desc="after a FIFO, a symlink swapped to /dev/zero, a 5 GB sparse ELF, a file truncated while judged and one flipping 1 MiB <-> 1 KiB"
if [ "$got_exec" = yes ] && [ "$got_write" = yes ] && [ "$waited" -le 5000 ]; then
	ew_tap ok "$desc: loader_exec and suspicious_elf_write probes alerted ${waited} ms after the family ended"
else
	ew_tap fail "$desc: probes alerted within 5 s (loader_exec $got_exec, suspicious_elf_write $got_write, waited ${waited} ms; hostile family took ${family_ms} ms)"
fi
if ew__alive "$plugin_pid"; then
	ew_tap ok "plugin ($plugin_pid) still running after the hostile files"
else
	ew_tap fail "plugin ($plugin_pid) still running after the hostile files (died: see $dir/syslog)"
fi

# A last loader run marks the end: alerts come out in event order.
/lib64/ld-linux-x86-64.so.2 /bin/true ew-live-sentinel &
sentinel=$!
wait "$sentinel" || :
arrived=no
for _ in $(seq 300); do
	if grep -q ew-live-sentinel "$dir/syslog/alerts.log"; then arrived=yes; break; fi
	sleep 0.1
done
# Write verdicts come when a file settles (settle_ms twice), after the exec alerts before them.
sleep 2
if [ "$arrived" = yes ]; then
	ew_tap ok "alerts reached rsyslog (sentinel alert seen)"
else
	ew_tap fail "alerts reached rsyslog within 30 s (sentinel alert missing)"
fi

# ---- SIGHUP re-reads the configuration under the seccomp filter and as the plugin's user ----
reloads() { grep -c 'configuration reloaded' "$dir/syslog/alerts.log" || :; }
before=$(reloads)
kill -HUP "$plugin_pid" 2>/dev/null || :
for _ in $(seq 50); do
	[ "$(reloads)" -gt "$before" ] && break
	sleep 0.1
done
if [ "$(reloads)" -gt "$before" ] && ew__alive "$plugin_pid"; then
	ew_tap ok "SIGHUP: configuration reloaded, same plugin ($plugin_pid) still running"
else
	ew_tap fail "SIGHUP: configuration reloaded ($(reloads) reloads logged; $(tail -n 2 "$dir/syslog/alerts.log" | tr '\n' ' '))"
fi

# ---- judge ----
while IFS= read -r line; do
	case $line in
	'#'*) printf '%s\n' "$line" ;;
	'ok|'*) ew_tap ok "${line#ok|}" ;;
	'skip|'*) ew_tap skip "${line#skip|}" ;;
	*) ew_tap fail "${line#*|}" ;;
	esac
done < <(python3 "$live/check_alerts.py" --scenarios "$EW_T/scenarios.tsv" \
	--alerts "$dir/syslog/alerts.log" --pri "$dir/syslog/elfwatch.log" \
	--audit-log "$dir/audit/audit.log" --ignore-pid "$sentinel" "${ses_args[@]}" ||
	echo "fail|check_alerts.py failed")

# ---- no feedback loop: the plugin's own looks at files must not be audited events ----
own=$(grep '^type=SYSCALL' "$dir/audit/audit.log" | grep -cF "exe=\"$dir/audisp-elfwatch\"" || :)
total=$(grep -c '^type=SYSCALL' "$dir/audit/audit.log" || :)
if [ "${own:-0}" -eq 0 ]; then
	ew_tap ok "the plugin's own file access raised no audit events (0 of $total syscall records)"
else
	ew_tap fail "the plugin's own file access raised no audit events ($own of $total syscall records are its own)"
fi

# ---- stop and prove nothing is left behind ----
apid=$ew_auditd_pid
rpid=$ew_rsyslog_pid
ew_httpd_stop
ew_audit_stop
ew_rsyslog_stop
# The plugin's closing counters (writes followed, judged, gone, unresolved names...).
grep -v '^ *{' "$dir/syslog/alerts.log" | tail -n 4 | sed 's/^ */# plugin log at exit: /' || :
# Every call the seccomp filter refused or killed leaves a SECCOMP record (filter flag LOG).
refused=$(grep "^type=SECCOMP .* pid=$plugin_pid " "$dir/audit/audit.log" |
	sed -n 's/.* syscall=\([0-9]*\) .*/\1/p' | sort -n | uniq -c | tr -s ' \n' '  ' || :)
if [ -z "$refused" ]; then
	ew_tap ok "seccomp: no system call of the plugin refused (no type=SECCOMP record)"
else
	ew_tap fail "seccomp refused plugin calls (count syscall):$refused"
fi
grep -E "^type=ANOM_ABEND .* pid=$plugin_pid " "$dir/audit/audit.log" | sed 's/^/# /' || :
left=
for p in "$apid" "$plugin_pid" "$rpid"; do
	! ew__alive "$p" || left="$left $p"
done
if [ -z "$left" ] && [ "$(auditctl -l 2>&1)" = "No rules" ] && [ "$(ew_audit_status pid)" = 0 ]; then
	ew_tap ok "auditd, plugin and rsyslogd stopped; no rules left; kernel audit pid 0"
else
	ew_tap fail "clean stop (left running:${left:- none}; rules: $(auditctl -l 2>&1 | head -n 1))"
fi
ew_tap_done
