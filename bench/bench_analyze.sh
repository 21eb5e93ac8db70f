#!/bin/sh
# Time `audisp-elfwatch --analyze` against `file -b` over the same regular files (default
# /usr/bin) in the same run, warm cache, best of N rounds; print both, the ratio and the machine.
# usage: bench/bench_analyze.sh [BINARY] [DIR] [ROUNDS]
set -eu
bin=${1:-${ELFWATCH:-./audisp-elfwatch}}
dir=${2:-/usr/bin}
rounds=${3:-3}
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$dir" -xdev -type f -print0 >"$list"
nfiles=$(tr -cd '\0' <"$list" | wc -c)
xargs -0 cat <"$list" >/dev/null 2>&1 || true   # warm the page cache for both tools

now() { date +%s%N; }
best() { # best wall-clock ms of "$@" over $rounds rounds
	b=""
	i=0
	while [ "$i" -lt "$rounds" ]; do
		t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
		ms=$(( (t1 - t0) / 1000000 ))
		if [ -z "$b" ] || [ "$ms" -lt "$b" ]; then b=$ms; fi
		i=$((i + 1))
	done
	echo "$b"
}
run_analyze() { xargs -0 "$bin" --analyze <"$list"; }
run_analyze_all() { xargs -0 "$bin" --analyze --hash all <"$list"; }
run_analyze_nohash() { xargs -0 "$bin" --analyze --no-hash <"$list"; }
run_file() { xargs -0 file -b <"$list"; }

a=$(best run_analyze)
ah=$(best run_analyze_all)
an=$(best run_analyze_nohash)
f=$(best run_file)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "machine: $(uname -srm), ${cpu:-unknown cpu}, $(nproc) cpus"
echo "files:   $nfiles regular files under $dir ($(du -sh "$dir" 2>/dev/null | cut -f1) on disk), best of $rounds, warm cache"
echo "file -b:                           ${f} ms"
echo "--analyze (default, hash flagged): ${a} ms"
echo "--analyze --hash all:              ${ah} ms"
echo "--analyze --no-hash:               ${an} ms"
awk -v f="$f" -v a="$a" -v h="$ah" -v n="$an" 'BEGIN {
	if (a > 0) printf "ratio file -b / --analyze:           %.1fx faster\n", f / a;
	if (h > 0) printf "ratio file -b / --analyze --hash all: %.1fx\n", f / h;
	if (n > 0) printf "ratio file -b / --analyze --no-hash:  %.1fx faster\n", f / n }'
