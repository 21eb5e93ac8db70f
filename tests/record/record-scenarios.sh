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
# work directory, EW_FAMILIES to record only some families (default: all four; loader and
# benign go together, as do writes and writes-quiet, since they share a scenarios file).
# Usage: tests/record/record-scenarios.sh [OUTDIR]   (default tests/data)
#
# Families: loader, benign (key elfwatch_exec -> loader-*.log, benign-*.log, scenarios.tsv);
# writes, writes-quiet (every elfwatch_* key -> writes-*.log, writes-quiet-*.log,
# writes-scenarios.tsv and the manifest writes-files.tsv). The writes family downloads from a
# loopback http.server (tests/live/lib.sh) and needs ../shared/samples/upx ($SHARED_DIR).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../live/lib.sh
. "$top/tests/live/lib.sh"
ew_install_traps

out=${1:-$top/tests/data}
scen=$top/tests/live/scenarios.sh
export EW_T=/tmp/ew EW_VT=/var/tmp/ew EW_SHM=/dev/shm/ew
export SHARED_DIR=${SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
families=${EW_FAMILIES:-loader benign writes writes-quiet}
has() { case " $families " in *" $1 "*) return 0 ;; esac; return 1; }
work=$(mktemp -d /var/tmp/elfwatch-rec.XXXXXX)
chmod 0750 "$work"

cleanup_work() {
	bash "$scen" clean
	if [ -n "${EW_KEEP:-}" ]; then ew_log "kept $work"; else rm -rf "$work"; fi
}
ew_at_exit cleanup_work

bash "$scen" prepare
: > "$EW_T/scenarios.tsv"
if has writes; then
	ew_httpd_start "$EW_T/src" || { echo "record-scenarios: $ew_error" >&2; exit 1; }
	export EW_HTTP_PORT=$ew_httpd_port
fi

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
for fam in $families; do
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
ew_httpd_stop
lost=$(ew_audit_status lost)
ew_audit_stop
[ "${lost:-0}" = 0 ] || echo "record-scenarios: warning: the kernel lost $lost audit records" >&2

mkdir -p "$out"
ae=$top/tests/record/audit_events.py
for fam in $families; do
	read -r ses pid < "$work/$fam.ses"
	keys=(--key elfwatch_exec)
	case $fam in writes*) keys+=(--key elfwatch_write --key elfwatch_xbit) ;; esac
	python3 "$ae" select --ses "$ses" "${keys[@]}" --exclude-pid "$pid" < "$work/audit.log" > "$out/$fam-audit.log"
	python3 "$ae" select --ses "$ses" "${keys[@]}" --exclude-pid "$pid" < "$work/stream.log" > "$out/$fam-stream.log"
done
if has loader; then
	grep -av '^type=EOE ' "$out/loader-stream.log" > "$out/loader-noeoe.log"
	grep -a '^loader\|^benign' "$EW_T/scenarios.tsv" > "$work/lb.tsv" || :
	python3 "$ae" map "$work/lb.tsv" "$out/loader-audit.log" "$out/benign-audit.log" > "$out/scenarios.tsv"
fi
if has writes; then
	grep -a '^writes' "$EW_T/scenarios.tsv" > "$work/w.tsv" || :
	python3 "$ae" map "$work/w.tsv" "$out/writes-audit.log" "$out/writes-quiet-audit.log" \
		> "$out/writes-scenarios.tsv"
	bash "$scen" manifest "$out/writes-audit.log" "$out/writes-quiet-audit.log" > "$out/writes-files.tsv"
fi

for fam in $families; do
	echo "== $fam"
	python3 "$ae" list "$out/$fam-audit.log"
done
wc -c "$out"/*.log
