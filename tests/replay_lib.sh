# shellcheck shell=sh
# tests/replay_lib.sh: what the replay tests share. Source it from a test script; it sets
# data, golden and tmp (removed on exit), counts TAP results, and replays with the recorded
# identities (tests/data/identities.tsv), never the host's.
#   ok TEXT / not_ok TEXT / is GOT WANT TEXT   TAP lines; $fail is 1 after any failure
#   ew_replay LOG FORMAT OUT [OPTION...]       alerts into OUT (stderr OUT.err), host normalised
: "${top_srcdir:=.}" "${ELFWATCH:=./audisp-elfwatch}"
data="$top_srcdir/tests/data"
golden="$top_srcdir/tests/golden"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
is() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3 (got '$1', want '$2')"; fi; }

ew_replay() {
	ew_log=$1 ew_fmt=$2 ew_out=$3
	shift 3
	"$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay "$ew_log" \
		--format "$ew_fmt" "$@" 2>"$ew_out.err" |
		sed -e 's/"host":"[^"]*"/"host":"HOST"/' -e 's/ host="[^"]*"/ host="HOST"/' \
		    -e 's/"host":{"hostname":"[^"]*","name":"[^"]*"}/"host":{"hostname":"HOST","name":"HOST"}/' \
		    > "$ew_out"
}
