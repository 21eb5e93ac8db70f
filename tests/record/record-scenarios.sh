#!/bin/bash
# tests/record/record-scenarios.sh: re-record the real-kernel audit fixtures in tests/data/.
#
# Runs a private auditd (tests/live/lib.sh) with rules.d/50-elfwatch.rules and a recorder plugin
# (`cat >> stream.log`), so each event is captured twice: as auditd writes audit.log (no EOE) and
# as a plugin reads it (with EOE). Each scenario family (tests/live/scenarios.sh) runs in its own
# audit session (a write to /proc/self/loginuid), which is how its events are told from the rest
# of the machine's activity. Needs root, kernel audit and no other audit daemon.
#
# The logs are committed fixtures: `make check` never runs this. Set EW_KEEP=1 to keep the
# work directory. Usage: tests/record/record-scenarios.sh [OUTDIR]   (default tests/data)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../live/lib.sh
. "$top/tests/live/lib.sh"
ew_install_traps

out=${1:-$top/tests/data}
scen=$top/tests/live/scenarios.sh
export EW_T=/tmp/ew EW_VT=/var/tmp/ew
work=$(mktemp -d /var/tmp/elfwatch-rec.XXXXXX)
chmod 0750 "$work"

cleanup_work() {
	bash "$scen" clean
	if [ -n "${EW_KEEP:-}" ]; then ew_log "kept $work"; else rm -rf "$work"; fi
}
ew_at_exit cleanup_work

bash "$scen" prepare
: > "$EW_T/scenarios.tsv"

# The recorder plugin: auditd checks path (root, 0755) and stanza (root, 0640, name.conf).
printf '#!/bin/sh\nexec cat >> %s/stream.log\n' "$work" > "$work/recorder"
chmod 0755 "$work/recorder"
cat > "$work/recorder.conf" <<EOF
active = yes
direction = out
path = $work/recorder
type = always
format = string
EOF

rc=0
ew_audit_start "$work" "$work/recorder.conf" || rc=$?
if [ "$rc" -eq "$EW_SKIP" ]; then
	echo "record-scenarios: cannot record here: $ew_skip_reason" >&2
	exit 1
elif [ "$rc" -ne 0 ]; then
	echo "record-scenarios: $ew_error" >&2
	exit 1
fi
ew_audit_load_rules "$top/rules.d/50-elfwatch.rules"

# One audit session per family: set the loginuid (auid 0 = root), note the session and the
# driver's pid (its own exec is not a scenario), then exec the driver, which forks each job.
for fam in loader benign; do
	bash -c 'echo 0 > /proc/self/loginuid || exit 1
		read -r ses < /proc/self/sessionid
		printf "%s %s\n" "$ses" "$$" > "$1"
		exec bash "$2" "$3"' ses "$work/$fam.ses" "$scen" "$fam"
done

# Wait until the last event has reached audit.log and the plugin (auditd drops its queue at
# shutdown), using a sentinel exec outside the families' sessions.
/bin/true ew-record-sentinel
n=0
until grep -aq ew-record-sentinel "$work/audit.log" && grep -aq ew-record-sentinel "$work/stream.log"; do
	[ "$n" -lt 100 ] || { echo "record-scenarios: events did not arrive in 10 s" >&2; exit 1; }
	sleep 0.1
	n=$((n + 1))
done
sleep 0.5
ew_audit_stop

mkdir -p "$out"
ae=$top/tests/record/audit_events.py
for fam in loader benign; do
	read -r ses pid < "$work/$fam.ses"
	python3 "$ae" select --ses "$ses" --exclude-pid "$pid" < "$work/audit.log" > "$out/$fam-audit.log"
	python3 "$ae" select --ses "$ses" --exclude-pid "$pid" < "$work/stream.log" > "$out/$fam-stream.log"
done
grep -av '^type=EOE ' "$out/loader-stream.log" > "$out/loader-noeoe.log"
python3 "$ae" map "$EW_T/scenarios.tsv" "$out/loader-audit.log" "$out/benign-audit.log" \
	> "$out/scenarios.tsv"

for fam in loader benign; do
	echo "== $fam"
	python3 "$ae" list "$out/$fam-audit.log"
done
wc -c "$out"/*.log
