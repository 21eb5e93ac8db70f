#!/bin/bash
# tests/test_live.sh: live end-to-end test (TAP). A private rsyslogd owns /dev/log, a private
# auditd runs the built plugin from a private plugins.d with rules.d/50-elfwatch.rules, the
# scenarios of tests/live/scenarios.sh run, and the alerts rsyslog wrote are judged by
# tests/live/check_alerts.py. Everything is stopped on every exit path (tests/live/lib.sh).
# Skips (1..0 # SKIP) when not root, without kernel audit, or when another audit or syslog
# daemon owns the kernel interface or /dev/log.
# Env (set by `make check`): ELFWATCH, top_srcdir, top_builddir.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
ELFWATCH=${ELFWATCH:-$top_builddir/audisp-elfwatch}
live=$top_srcdir/tests/live
# shellcheck source-path=SCRIPTDIR source=live/lib.sh
. "$live/lib.sh"
ew_install_traps

n=0
failed=0
tap() {
	n=$((n + 1))
	case $1 in
	ok) printf 'ok %d - %s\n' "$n" "$2" ;;
	skip) printf 'ok %d - %s # SKIP\n' "$n" "$2" ;;
	*) printf 'not ok %d - %s\n' "$n" "$2"; failed=1 ;;
	esac
}
skip_all() { printf '1..0 # SKIP %s\n' "$*"; exit 0; }
bail() { printf 'Bail out! %s\n' "$*"; exit 1; }

# ---- prerequisites: decide skip before printing any result ----
rc=0
ew_audit_check || rc=$?
[ "$rc" -eq 0 ] || skip_all "$ew_skip_reason"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
command -v cc >/dev/null 2>&1 || skip_all "no C compiler for the scenario payload"
[ -x "$ELFWATCH" ] || bail "plugin binary $ELFWATCH not built"

dir=$(mktemp -d /var/tmp/elfwatch-live.XXXXXX)
EW_T=$(mktemp -d /tmp/elfwatch-live.XXXXXX)
EW_VT=$(mktemp -d /var/tmp/elfwatch-live-vt.XXXXXX)
export EW_T EW_VT
chmod 0750 "$dir"
# shellcheck disable=SC2317  # run from the EXIT trap via ew_at_exit
remove_dirs() {
	if [ "$failed" -ne 0 ] || [ -n "${EW_KEEP:-}" ]; then
		ew_log "kept $dir for inspection"
	else
		rm -rf "$dir"
	fi
	rm -rf "$EW_T" "$EW_VT"
}
ew_at_exit remove_dirs

# ---- plugin, its configuration and its plugins.d stanza ----
install -o root -g root -m 0755 "$ELFWATCH" "$dir/audisp-elfwatch"
cat > "$dir/elfwatch.conf" <<'EOF'
output = "syslog";
format = "json";
syslog_facility = "auth";
log_level = "info";
loader: { benign_alerts = false; };
EOF
chmod 0640 "$dir/elfwatch.conf"
"$dir/audisp-elfwatch" --check-config -c "$dir/elfwatch.conf" > "$dir/check-config.out" 2>&1 ||
	bail "--check-config rejects the test configuration: $(head -n 3 "$dir/check-config.out")"
cat > "$dir/audisp-elfwatch.conf" <<EOF
active = yes
direction = out
path = $dir/audisp-elfwatch
type = always
args = -c $dir/elfwatch.conf
format = string
EOF

# Build the scenario files before audit starts: the compiler's execs are not of interest.
bash "$live/scenarios.sh" prepare > "$dir/prepare.out" 2>&1 || bail "scenario preparation failed"

# ---- daemons: rsyslogd first so the plugin's syslog() finds /dev/log ----
rc=0
ew_rsyslog_start "$dir/syslog" || rc=$?
[ "$rc" -ne "$EW_SKIP" ] || skip_all "$ew_skip_reason"
[ "$rc" -eq 0 ] || bail "$ew_error"
rc=0
ew_audit_start "$dir/audit" "$dir/audisp-elfwatch.conf" || rc=$?
[ "$rc" -ne "$EW_SKIP" ] || skip_all "$ew_skip_reason"
[ "$rc" -eq 0 ] || bail "$ew_error"

plugin_pid=
for _ in $(seq 50); do
	for p in $(pgrep -P "$ew_auditd_pid" || :); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null || :)" = "$dir/audisp-elfwatch" ] && plugin_pid=$p
	done
	[ -z "$plugin_pid" ] || break
	sleep 0.1
done
if [ -n "$plugin_pid" ]; then
	tap ok "auditd ($ew_auditd_pid) runs the plugin ($plugin_pid) from a private plugins.d"
else
	tap fail "auditd ($ew_auditd_pid) runs the plugin from a private plugins.d"
	bail "plugin not running; syslog: $(tail -n 5 "$dir/syslog/other.log" "$dir/syslog/alerts.log" 2>/dev/null | tr '\n' ' ')"
fi
ew_audit_load_rules "$top_srcdir/rules.d/50-elfwatch.rules" || bail "$ew_error"
tap ok "rules.d/50-elfwatch.rules loaded"

# ---- scenarios: each family in its own audit session so alerts can be attributed ----
: > "$EW_T/scenarios.tsv"
ses_args=()
for fam in loader benign; do
	bash -c 'echo 0 > /proc/self/loginuid 2>/dev/null && read -r s < /proc/self/sessionid &&
		printf "%s\n" "$s" > "$1"; exec bash "$2" "$3"' ses "$dir/$fam.ses" "$live/scenarios.sh" "$fam"
	if [ -s "$dir/$fam.ses" ]; then
		ses_args+=(--ses "$fam=$(cat "$dir/$fam.ses")")
	fi
done
[ "${#ses_args[@]}" -eq 4 ] || ses_args=()   # loginuid locked: attribute by pid only

# A last loader run marks the end: alerts come out in event order.
/lib64/ld-linux-x86-64.so.2 /bin/true ew-live-sentinel &
sentinel=$!
wait "$sentinel" || :
arrived=no
for _ in $(seq 300); do
	if grep -q ew-live-sentinel "$dir/syslog/alerts.log"; then arrived=yes; break; fi
	sleep 0.1
done
if [ "$arrived" = yes ]; then
	tap ok "alerts reached rsyslog (sentinel alert seen)"
else
	tap fail "alerts reached rsyslog within 30 s (sentinel alert missing)"
fi

# ---- judge ----
while IFS= read -r line; do
	case $line in
	'#'*) printf '%s\n' "$line" ;;
	'ok|'*) tap ok "${line#ok|}" ;;
	'skip|'*) tap skip "${line#skip|}" ;;
	*) tap fail "${line#*|}" ;;
	esac
done < <(python3 "$live/check_alerts.py" --scenarios "$EW_T/scenarios.tsv" \
	--alerts "$dir/syslog/alerts.log" --pri "$dir/syslog/elfwatch.log" \
	--audit-log "$dir/audit/audit.log" --ignore-pid "$sentinel" "${ses_args[@]}" ||
	echo "fail|check_alerts.py failed")

# ---- stop and prove nothing is left behind ----
apid=$ew_auditd_pid
rpid=$ew_rsyslog_pid
ew_audit_stop
ew_rsyslog_stop
left=
for p in "$apid" "$plugin_pid" "$rpid"; do
	! ew__alive "$p" || left="$left $p"
done
if [ -z "$left" ] && [ "$(auditctl -l 2>&1)" = "No rules" ] && [ "$(ew_audit_status pid)" = 0 ]; then
	tap ok "auditd, plugin and rsyslogd stopped; no rules left; kernel audit pid 0"
else
	tap fail "clean stop (left running:${left:- none}; rules: $(auditctl -l 2>&1 | head -n 1))"
fi
printf '1..%d\n' "$n"
exit "$failed"
