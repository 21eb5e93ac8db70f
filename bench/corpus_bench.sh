#!/bin/sh
# bench/corpus_bench.sh: replay the recorded 16-core streams (../shared/corpora, issue 9)
# through elfwatch and through the bare libauparse walk (bench/auparse_floor.c), same run,
# same machine:
#   interleaved-16core-audit.log.xz  auditd's log once a plugin fell behind: no EOE, records
#                                    of up to ~950 events interleaved. Target: elfwatch >= 8x
#                                    faster than the walk in arrival order.
#   plugin-stream-16core.log.xz      what a plugin that keeps up receives (EOE, <= 6 events in
#                                    flight). Target: elfwatch >= 1.0x the walk.
# The walk is also timed on the same records grouped by event (what assembly buys libauparse).
# Each corpus is decompressed at run time into a temporary directory, never into the tree;
# skipped with a reason when ../shared is absent. Timings are figures, never a test.
# Env: ELFWATCH (binary; default ./audisp-elfwatch), RUNS (default 3; the minimum is kept),
#      SHARED_DIR (default ../shared from the tree), EW_KEEP=1 (keep the work directory).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$top/../shared}
runs=${RUNS:-3}
elfwatch=${ELFWATCH:-$top/audisp-elfwatch}
for c in xz cc pkg-config python3 /usr/bin/time; do
	command -v "$c" >/dev/null 2>&1 || { echo "corpus_bench: SKIP: $c missing"; exit 0; }
done
[ -d "$shared/corpora" ] || { echo "corpus_bench: SKIP: $shared/corpora absent"; exit 0; }
[ -x "$elfwatch" ] || make -C "$top" -j2 audisp-elfwatch >/dev/null
work=$(mktemp -d /tmp/elfwatch-corpus.XXXXXX)
cleanup() { if [ -n "${EW_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== corpus replay: nproc $(nproc); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
	"libauparse $(pkg-config --modversion auparse); elfwatch $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?');" \
	"load $(cut -d' ' -f1 /proc/loadavg)"
# shellcheck disable=SC2046
cc -std=gnu11 -O2 -Wall -Wextra -o "$work/floor" "$top/bench/auparse_floor.c" $(pkg-config --cflags --libs auparse)
printf 'inspect_files = false;\n' > "$work/replay.conf"

# timeit NAME CMD...: RUNS runs, "NAME wall user sys maxrss_kib" of the fastest (by user+sys)
timeit() {
	name=$1
	shift
	best=
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
			{ echo "corpus_bench: $name failed:"; cat "$work/err"; exit 1; }
		line=$(tail -n 1 "$work/t")
		best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF == 4' |
			sort -k2,2g | awk 'NR == 1 { print }')    # by user CPU: least disturbed by load
		i=$((i + 1))
	done
	echo "$name $best" >> "$work/results"
}

for corpus in interleaved-16core-audit plugin-stream-16core; do
	src=$shared/corpora/$corpus.log.xz
	if [ ! -r "$src" ]; then
		echo "$corpus: SKIP: $src absent"
		continue
	fi
	log=$work/$corpus.log
	xz -dc "$src" > "$log"
	python3 - "$log" "$work/$corpus.grouped.log" <<'PY'
import re, sys
stamp = re.compile(rb'msg=audit\(([0-9.:]+)\)')
groups, order, loose = {}, [], []
with open(sys.argv[1], 'rb') as f:
    for line in f:
        m = stamp.search(line)
        key = m.group(1) if m else None
        if key is None:
            order.append(line)
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(line)
with open(sys.argv[2], 'wb') as out:
    for k in order:
        out.write(b''.join(groups[k]) if isinstance(k, bytes) and k in groups else k)
PY
	: > "$work/results"
	timeit floor "$work/floor" "$log"
	timeit floor_grouped "$work/floor" "$work/$corpus.grouped.log"
	timeit elfwatch "$elfwatch" --replay "$log" -c "$work/replay.conf" --output "$work/alerts.json"
	"$work/floor" "$log" > "$work/floor.json"
	"$elfwatch" --replay "$log" -c "$work/replay.conf" --output /dev/null 2>&1 |
		grep -E 'assembly:|events [0-9]' | sed 's/^/  /' > "$work/ew.txt"
	python3 - "$corpus" "$work/results" "$work/floor.json" "$log" <<'PY'
import json, os, sys
corpus, results, floor_json, log = sys.argv[1:5]
r = {}
for line in open(results):
    name, wall, user, sys_, rss = line.split()
    r[name] = (float(wall), float(user) + float(sys_), int(rss))
meta = json.load(open(floor_json))
mb = os.path.getsize(log) / 1e6
target = {"interleaved-16core-audit": 8.0, "plugin-stream-16core": 1.0}[corpus]
print("%s: %d events, %d records (floor's count), %.1f MB" % (corpus, meta["events"], meta["records"], mb))
for name in ("floor", "floor_grouped", "elfwatch"):
    wall, cpu, rss = r[name]
    print("  %-14s wall %6.2f s  cpu %6.2f s  peak RSS %6.1f MiB  %8.0f events/s (cpu)"
          % (name, wall, cpu, rss / 1024, meta["events"] / cpu if cpu else 0))
fw, fc = r["floor"][0], r["floor"][1]
ew, ec = r["elfwatch"][0], r["elfwatch"][1]
ratio = fc / ec if ec else float("inf")
print("  elfwatch vs bare walk (arrival order): %.1fx by CPU time, %.1fx by wall time; "
      "target >= %.1fx: %s" % (ratio, fw / ew if ew else float("inf"), target,
                                "met" if ratio >= target else "MISSED"))
print("  grouping alone speeds the walk up %.1fx" % (fc / r["floor_grouped"][1]))
PY
	cat "$work/ew.txt"
	rm -f "$log" "$work/$corpus.grouped.log"
done
echo "load average at end: $(cut -d' ' -f1 /proc/loadavg)"
