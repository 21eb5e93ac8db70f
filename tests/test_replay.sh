#!/bin/sh
# Replay recorded real audit logs and compare the alerts with the golden files, byte for byte
# (host name normalised). The same events in audit.log form (no EOE), plugin stream form (EOE)
# and stream-without-EOE form must give the same alerts.
set -u
# shellcheck source=replay_lib.sh
. "${top_srcdir:-.}/tests/replay_lib.sh"

# replay LOG FORMAT OUT [OPTION...]: alerts into OUT, host field normalised
replay() { ew_replay "$@"; }

# same GOT GOLDEN NAME: one TAP line, the first differences as comments
same() {
	if cmp -s "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3 (differs from ${2#"$top_srcdir"/})"
		diff -u "$2" "$1" | sed 's/^/# /' | head -40
	fi
}

for fam in loader benign; do
	for form in stream audit; do
		log="$data/$fam-$form.log"
		replay "$log" json "$tmp/$fam-$form.json"
		same "$tmp/$fam-$form.json" "$golden/$fam.json" "$fam-$form.log: alerts match golden/$fam.json"
	done
done

replay "$data/loader-noeoe.log" json "$tmp/noeoe.json"
same "$tmp/noeoe.json" "$golden/loader.json" "stream without EOE records gives the same alerts"

replay "$data/loader-stream.log" kv "$tmp/loader.kv"
same "$tmp/loader.kv" "$golden/loader.kv" "key=value alerts match golden/loader.kv"

# Every alert is one valid JSON object on one line.
if python3 - "$tmp/loader-stream.json" <<'PY'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "output must end with a newline"
for raw in lines[:-1]:
    json.loads(raw)
PY
then ok "each alert line parses as JSON"; else not_ok "an alert line is not valid JSON"; fi

# ldd's tracing run comes from a subshell that never exec'd: nothing proves it is ldd's own, so
# it is the one alert of the benign family, at medium, with only the ldd_like reason.
if python3 - "$tmp/benign-stream.json" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
assert [(a["severity"], a["reasons"], a["event"]["id"]) for a in alerts] == \
    [("medium", ["ldd_like"], "1795365073.901:1456")], alerts
PY
then ok "benign family: only ldd's trace run alerts, medium, ldd_like"
else not_ok "benign family raised other alerts than ldd's trace run (medium, ldd_like)"; fi

# A replay that is cut mid-event still flushes what it has and exits 0.
head -c 3000 "$data/loader-stream.log" > "$tmp/cut.log"
if "$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay "$tmp/cut.log" >/dev/null 2>&1; then
	ok "truncated log replays without error"
else
	not_ok "truncated log made the replay fail"
fi

# Write families: the files they wrote are rebuilt from tests/data/writes-files.tsv by
# tests/record/make-artifacts.sh and looked up by (dev, inode) with --artifacts. The golden
# alerts hold SHA-256 sums, so they are compared only when every rebuilt file is
# byte-identical to the recorded one (same toolchain and package versions as the recording).
skip_reason=""
art="$tmp/artifacts"
mkdir -p "$art"
if [ ! -f "${SHARED_DIR:-/nonexistent}/samples/upx/amd64-upx-3.95" ]; then
	skip_reason="../shared/samples is absent (the UPX scenarios need it)"
else
	mismatched=""
	while IFS="$(printf '\t')" read -r sc gen path dev ino size sha ev; do
		case "$sc" in ''|'#'*) continue ;; esac
		[ "$size" = "-" ] && continue
		out=$(printf '%s/%x:%x:%s' "$art" "0x${dev%%:*}" "0x${dev##*:}" "$ino")
		if ! SHARED_DIR="$SHARED_DIR" bash "$top_srcdir/tests/record/make-artifacts.sh" "$gen" "$out" \
			>/dev/null 2>&1; then
			mismatched="$mismatched $gen(build failed)"
			continue
		fi
		got=$(sha256sum "$out" | cut -c1-64)
		[ "$got" = "$sha" ] || mismatched="$mismatched $gen"
	done < "$data/writes-files.tsv"
	[ -z "$mismatched" ] ||
		skip_reason="rebuilt artifacts differ from the recording machine's:$mismatched"
fi

for fam in writes writes-quiet; do
	for form in stream audit; do
		if [ -n "$skip_reason" ]; then
			n=$((n + 1)); echo "ok $n # SKIP $fam-$form.log golden: $skip_reason"
			continue
		fi
		replay "$data/$fam-$form.log" json "$tmp/$fam-$form.json" --artifacts "$art"
		same "$tmp/$fam-$form.json" "$golden/$fam.json" \
			"$fam-$form.log with artifacts: alerts match golden/$fam.json"
	done
done
if [ -z "$skip_reason" ]; then
	high=$(python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["severity"] in ("medium","high","critical")))' \
		"$tmp/writes-quiet-stream.json")
	if [ "$high" -eq 0 ]; then ok "quiet write family: nothing at medium or above"
	else not_ok "quiet write family raised $high alerts at medium or above"; fi
fi
# The write family in ECS (docs/ecs.md): file.*, hash and elf from the judged artifacts.
if [ -n "$skip_reason" ]; then
	n=$((n + 1)); echo "ok $n # SKIP writes-stream.log in ECS: $skip_reason"
else
	replay "$data/writes-stream.log" ecs "$tmp/writes.ecs" --artifacts "$art"
	same "$tmp/writes.ecs" "$golden/writes.ecs" "writes-stream.log with artifacts in ECS: alerts match golden/writes.ecs"
fi

# Exec-time judgement (built log, tests/data/README.md): fileless execs alert from the record
# alone; with the rebuilt files standing in for the images, a memfd holding a tampered ELF or
# a loader, and a packed file no write record named, are judged when they run.
replay "$data/fileless-audit.log" json "$tmp/fileless.json"
same "$tmp/fileless.json" "$golden/fileless.json" "fileless-audit.log: alerts match golden/fileless.json"
if [ -n "$skip_reason" ]; then
	n=$((n + 1)); echo "ok $n # SKIP fileless-audit.log with artifacts: $skip_reason"
	n=$((n + 1)); echo "ok $n # SKIP clean image run twice is judged once: $skip_reason"
else
	# the images of tests/data/fileless-audit.log are files the write families rebuilt
	cp "$art/fe:0:10954689" "$art/0:1:2048"         # shoff-static in a memfd
	cp "$art/fe:0:10954743" "$art/0:1:2049"         # the loader copy in a memfd
	cp "$art/0:1a:13" "$art/fe:0:10960002"          # upx-sample overwritten in place
	cp "$art/fe:0:10954779" "$art/fe:0:10960003"    # gcc-hello, clean
	replay "$data/fileless-audit.log" json "$tmp/fileless-art.json" --artifacts "$art"
	same "$tmp/fileless-art.json" "$golden/fileless-artifacts.json" \
		"fileless-audit.log with artifacts: alerts match golden/fileless-artifacts.json"
	if grep -q 'exec judge: checks 7, cache hits 1, misses 4, judged 4' "$tmp/fileless-art.json.err"; then
		ok "clean image run twice is judged once (second run a cache hit)"
	else
		not_ok "clean image run twice is judged once: $(grep 'exec judge' "$tmp/fileless-art.json.err")"
	fi
fi

echo "1..$n"
exit $fail
