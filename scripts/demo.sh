#!/bin/sh
# The README's first command ends here: replay the bundled real-kernel recordings (loader runs,
# ldd and ordinary commands, dropped files and their execs) and print the alerts.
# The files the write scenarios dropped are rebuilt into a temporary directory and found by
# the identity the audit records carry (--artifacts); a generator that cannot run here (no
# ../shared samples, say) only leaves its file out.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${ELFWATCH:-$top/audisp-elfwatch}
data=$top/tests/data
SHARED_DIR=${SHARED_DIR:-$(cd "$top/.." && pwd)/shared}
export SHARED_DIR
art=$(mktemp -d)
trap 'rm -rf "$art"' EXIT INT TERM

tab=$(printf '\t')
grep -v '^#' "$data/writes-files.tsv" | while IFS=$tab read -r sc gen path dev ino size sha ev; do
	[ "$size" = "-" ] && continue
	out=$(printf '%s/%x:%x:%s' "$art" "0x${dev%%:*}" "0x${dev##*:}" "$ino")
	bash "$top/tests/record/make-artifacts.sh" "$gen" "$out" >/dev/null 2>&1 ||
		echo "demo: could not rebuild $path ($gen); its alerts are left out" >&2
done

echo "== elfwatch: replaying $(cat "$data"/loader-audit.log "$data"/benign-audit.log \
"$data"/writes-audit.log "$data"/writes-quiet-audit.log | wc -l) recorded audit records" >&2
cat "$data/loader-audit.log" "$data/benign-audit.log" "$data/writes-audit.log" \
    "$data/writes-quiet-audit.log" |
	"$bin" -c "$data/replay.conf" --replay - --artifacts "$art"
