#!/bin/sh
# bench/run.sh: every elfwatch benchmark (issue #5), one command:   sh bench/run.sh
#   1. replay throughput, exec-heavy and mixed corpora (>= 1M records each), against the
#      libauparse floor (bench/auparse_floor.c) and Laurel, measured here with hyperfine;
#      1b. the recorded 16-core streams of ../shared/corpora (bench/corpus_bench.sh)
#   2. peak RSS (VmHWM via /usr/bin/time) on 1M and 10M events streamed through a pipe
#   3. live: private auditd + plugin + bench/loadgen at 1,000/s, then a 5,000/s burst (root)
#   4. --analyze over /usr/bin against file -b (bench/bench_analyze.sh, when present)
# Never part of `make check`. Needs the packages of `scripts/setup.sh bench` (hyperfine, laurel, time).
# Env: ELFWATCH (binary; default ./audisp-elfwatch, built with make if missing),
#      BENCH_QUICK=1 (small sizes: checks the scripts, figures mean nothing),
#      BENCH_SKIP="corpora live analyze memory laurel" (any of them), EW_KEEP=1 (keep the work dir).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bench=$top/bench
quick=${BENCH_QUICK:-}
skipping=" ${BENCH_SKIP:-} "
wants() { case $skipping in *" $1 "*) return 1 ;; *) return 0 ;; esac; }

for c in hyperfine python3 cc pkg-config /usr/bin/time; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench: $c missing: run sh scripts/setup.sh bench" >&2; exit 1; }
done

work=$(mktemp -d /tmp/elfwatch-bench.XXXXXX)
cleanup() { if [ -n "${EW_KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- machine ----
echo "== machine"
echo "nproc $(nproc); CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
	"kernel $(uname -r); memory $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "libauparse $(pkg-config --modversion auparse); laurel $(dpkg-query -W -f='${Version}' laurel 2>/dev/null || echo none);" \
	"elfwatch $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')"
load=$(cut -d' ' -f1 /proc/loadavg)
echo "load average at start: $load"
if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
	echo "WARNING: the machine is busy (load $load on $(nproc) CPUs): figures are pessimistic and noisy"
fi

# ---- binaries ----
elfwatch=${ELFWATCH:-$top/audisp-elfwatch}
if [ ! -x "$elfwatch" ]; then
	echo "bench: building $elfwatch" >&2
	make -C "$top" -j2 audisp-elfwatch >/dev/null
fi
echo "binary: $elfwatch ($($elfwatch --version))"
auparse_flags=$(pkg-config --cflags --libs auparse)
# shellcheck disable=SC2086
cc -std=gnu11 -O2 -Wall -Wextra -o "$work/auparse_floor" "$bench/auparse_floor.c" $auparse_flags
cc -std=gnu11 -O2 -Wall -Wextra -o "$work/loadgen" "$bench/loadgen.c"
printf 'inspect_files = false;\n' > "$work/replay.conf"
if wants laurel; then
	mkdir "$work/laurel"
	# Laurel as Debian ships it (/etc/laurel/config.toml), writing JSON into the work dir as root.
	sed -e "s|^directory = .*|directory = \"$work/laurel\"|" -e '/^user = /d' \
		-e 's|^size = .*|size = 1000000000000|' /etc/laurel/config.toml > "$work/laurel.toml"
fi

# ---- 1. replay throughput ----
records=1000000 runs=3 laurel_runs=1
[ -z "$quick" ] || { records=50000 runs=1; }
for mix in exec mixed; do
	corpus=$work/$mix.log
	python3 "$bench/gen_corpus.py" --mix "$mix" --records "$records" --out "$corpus" --meta "$work/$mix.meta"
	echo "== replay $mix ($(cat "$work/$mix.meta"))"
	hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/$mix-ew.json" \
		--prepare "rm -f $work/alerts.json" --command-name elfwatch \
		"$elfwatch --replay $corpus -c $work/replay.conf --output $work/alerts.json" >&2
	hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/$mix-floor.json" \
		--command-name floor "$work/auparse_floor $corpus" >&2
	json="$work/$mix-ew.json $work/$mix-floor.json"
	if wants laurel; then
		hyperfine --style basic --runs "$laurel_runs" --export-json "$work/$mix-laurel.json" \
			--prepare "rm -f $work/laurel/audit.log $work/laurel/audit.log.1" \
			--command-name laurel "laurel -c $work/laurel.toml < $corpus" >&2
		json="$json $work/$mix-laurel.json"
	fi
	# shellcheck disable=SC2086
	python3 "$bench/throughput_report.py" "$mix" "$work/$mix.meta" $json
	"$elfwatch" --replay "$corpus" -c "$work/replay.conf" --output /dev/null 2>&1 |
		grep -v 'started:' | sed 's/^/  /'
	rm -f "$corpus"
done

# ---- 1b. recorded 16-core streams (../shared/corpora; skipped when absent) ----
if wants corpora; then
	if [ -n "$quick" ]; then
		RUNS=1 ELFWATCH=$elfwatch sh "$bench/corpus_bench.sh"
	else
		ELFWATCH=$elfwatch sh "$bench/corpus_bench.sh"
	fi
fi

# ---- 2. memory ----
if wants memory; then
	echo "== memory (peak RSS, VmHWM; mixed mix streamed through a pipe in replay mode)"
	for events in 1000000 10000000; do
		[ -z "$quick" ] || events=$((events / 100))
		python3 "$bench/gen_corpus.py" --mix mixed --events "$events" --meta "$work/mem.meta" |
			/usr/bin/time -f '%M %e' -o "$work/mem.time" \
				"$elfwatch" --replay - -c "$work/replay.conf" --output /dev/null 2>/dev/null
		read -r kb secs < "$work/mem.time"
		echo "memory $events events: peak RSS $kb KiB ($(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB) in $secs s: $(cat "$work/mem.meta")"
		eval "rss_$events=$kb"
	done
	# shellcheck disable=SC2154
	if [ -z "$quick" ]; then
		awk -v a="$rss_1000000" -v b="$rss_10000000" 'BEGIN {
			printf "memory: 10M/1M = %.2f; target <= 16 MiB and flat: %s\n", b / a,
			    (b <= 16384 && b <= a * 1.10) ? "met" : "MISSED" }'
	fi
fi

# ---- 3. live ----
if wants live; then
	echo "== live (private auditd, bundled rules, plugin with its default configuration)"
	if [ "$(id -u)" -ne 0 ]; then
		echo "live: SKIP: not root"
	else
		rc=0
		if [ -n "$quick" ]; then
			sh "$bench/live_bench.sh" "$elfwatch" "$work/loadgen" 200 3 500 2 || rc=$?
		else
			sh "$bench/live_bench.sh" "$elfwatch" "$work/loadgen" || rc=$?
		fi
		[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || echo "live: FAILED (exit $rc)"
	fi
fi

# ---- 4. --analyze ----
if wants analyze; then
	echo "== analyze (--analyze over /usr/bin against file -b)"
	if [ -f "$bench/bench_analyze.sh" ]; then
		ELFWATCH=$elfwatch sh "$bench/bench_analyze.sh" || echo "analyze: FAILED (exit $?)"
	else
		echo "analyze: SKIP: bench/bench_analyze.sh not present"
	fi
fi
echo "load average at end: $(cut -d' ' -f1 /proc/loadavg)"
