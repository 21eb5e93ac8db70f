#!/bin/sh
# fuzz/run.sh TARGET [SECONDS]: build fuzz/fuzz_TARGET.c with clang, libFuzzer, ASan and UBSan,
# then fuzz it for SECONDS (default 60) starting from fuzz/corpus/TARGET. New inputs go to
# fuzz/corpus-work/TARGET (not committed); crashes to fuzz/crash-TARGET-*: minimise one with
# `fuzz/build/fuzz_TARGET -minimize_crash=1 FILE`, fix, and add it to fuzz/corpus/TARGET so make
# check replays it forever.
# fuzz/run.sh -p SECONDS [TARGET...]: a campaign: every target (or those named) at once, one
# process each (FUZZ_FORK=N: N each, libFuzzer -fork), for SECONDS, logs in fuzz/logs/; then a
# table of executions, exec/s, coverage (cov, ft), corpus size and crashes per target.
# fuzz/run.sh -b TARGET...: only build them (fuzz/build/fuzz_TARGET). -m TARGET: its -max_len.
# fuzz/run.sh -s [TARGET...]: seed the work corpora with real inputs (fuzz/seed_work.sh: ELF
# files of this system and ../shared/samples, the recorded 16-core streams); -p does it for
# every target whose work corpus is empty.
# TARGET: record, record_text, config, alert, assembly, environ, elf, elf_source, loader,
# prefilter, mounts, writes, state, engine. Needs a configured tree (config.h).
set -eu
all="record record_text config alert assembly environ elf elf_source loader prefilter mounts writes state engine"
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top}
cc=${FUZZ_CC:-clang}

maxlen() {
	case $1 in
	# alert: one string past REC_STR_MAX and, escaped, a line past any bound (65536) fit
	alert|record|record_text|prefilter|mounts) echo 16384 ;;
	config|writes) echo 4096 ;;
	assembly|environ|elf) echo 65536 ;;
	elf_source) echo 65545 ;;
	loader|state) echo 8192 ;;
	# engine: a script of a few dozen events (fuzz_engine.c)
	engine) echo 16384 ;;
	*) echo "fuzz/run.sh: unknown target '$1' ($all)" >&2; return 2 ;;
	esac
}

# Leak checks: libFuzzer scans the whole heap after every input that allocated more than it
# freed. libauparse 3.0.9 and libconfig 1.5 leak on many malformed inputs (fuzz/lsan.supp), so
# record and config spent ~85% of their time in those scans (180 exec/s instead of 1,400).
# They fuzz without them, and every input they kept is then replayed once with leak checks on
# (record.c allocates nothing per event; config.c's error paths are what the replay checks).
# engine: events libauparse reads go through the same leaky paths.
leaks() {
	case $1 in record|record_text|config|engine) echo 0 ;; *) echo 1 ;; esac
}

build() {
	t=$1
	# Every module but main.c, as libelfwatch.a has them: the fuzzer links what the plugin
	# links, and a module split elsewhere in the tree needs no change here.
	srcs=$(cd "$top" && find plugin -name '*.c' ! -path plugin/main.c | sort)
	pkgs="auparse audit libelf libconfig nettle libcap-ng"
	# the sandbox links libseccomp only where configure found it
	grep -q "^#define HAVE_SECCOMP 1" "$builddir/config.h" && pkgs="$pkgs libseccomp"
	mkdir -p "$builddir/fuzz/build" "$builddir/fuzz/corpus-work/$t"
	# The modules are compiled once into fuzz/build/obj and shared by every target (a smoke
	# of all targets would otherwise spend its time compiling); an object is rebuilt when its
	# source, any header or config.h is newer.
	objdir=$builddir/fuzz/build/obj
	mkdir -p "$objdir"
	# shellcheck disable=SC2086
	set -- -g -O1 -std=gnu11 -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all -include "$builddir/config.h" -I"$top" -I"$top/plugin" \
		-I"$top/tests" $(pkg-config --cflags $pkgs)
	objs=
	for s in $srcs tests/linecheck.c tests/recdiff.c "fuzz/fuzz_$t.c"; do
		o=$objdir/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')
		if [ ! -f "$o" ] || [ "$top/$s" -nt "$o" ] || [ "$builddir/config.h" -nt "$o" ] ||
		   [ -n "$(find "$top/plugin" "$top/tests" -name '*.h' -newer "$o" | head -n 1)" ]; then
			$cc "$@" -c -o "$o.tmp" "$top/$s"
			mv "$o.tmp" "$o"
		fi
		objs="$objs $o"
	done
	# shellcheck disable=SC2086
	$cc -fsanitize=fuzzer,address,undefined -o "$builddir/fuzz/build/fuzz_$t" $objs \
		$(pkg-config --libs $pkgs) -pthread -lm
}

# fuzz TARGET SECONDS [libFuzzer option...]
fuzz() {
	t=$1 secs=$2
	shift 2
	bin=$builddir/fuzz/build/fuzz_$t
	dict=
	[ -f "$top/fuzz/$t.dict" ] && dict="-dict=$top/fuzz/$t.dict"
	# shellcheck disable=SC2086
	"$bin" $dict -max_total_time="$secs" -max_len="$(maxlen "$t")" -timeout=10 \
		-detect_leaks="$(leaks "$t")" -artifact_prefix="$builddir/fuzz/crash-$t-" "$@" \
		"$builddir/fuzz/corpus-work/$t" "$top/fuzz/corpus/$t" || return
	if [ "$(leaks "$t")" = 0 ]; then
		echo "fuzz/run.sh: $t: replaying its corpus with leak checks"
		log=$builddir/fuzz/build/leaks-$t.log
		"$bin" -runs=0 -detect_leaks=1 -max_len="$(maxlen "$t")" \
			-artifact_prefix="$builddir/fuzz/crash-$t-" \
			"$builddir/fuzz/corpus-work/$t" "$top/fuzz/corpus/$t" >"$log" 2>&1 ||
			{ r=$?; cat "$log"; return "$r"; }
		echo "fuzz/run.sh: $t: no leak in $(sed -n 's/^#\([0-9]*\).*INITED.*/\1/p' "$log") inputs"
	fi
}

# The last stats line of a libFuzzer log before any leak replay, as "execs exec/s cov ft corpus".
stats() {
	sed -n -e '/^fuzz\/run.sh: .*replaying/q' -e 's/^#\([0-9]*\).* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).* exec\/s:* \([0-9]*\).*/\1 \5 \2 \3 \4/p' "$1" |
		tail -n 1
}

[ -f "$builddir/config.h" ] || { echo "fuzz/run.sh: no $builddir/config.h: run ./configure" >&2; exit 2; }
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/fuzz/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS

if [ "${1:-}" = -m ]; then
	maxlen "${2:?usage: fuzz/run.sh -m TARGET}"
	exit
fi

if [ "${1:-}" = -b ]; then
	shift
	for t in "$@"; do
		maxlen "$t" >/dev/null
		build "$t"
	done
	exit
fi

if [ "${1:-}" = -s ]; then
	shift
	FUZZ_WORK=$builddir/fuzz/corpus-work sh "$top/fuzz/seed_work.sh" "$@"
	exit
fi

if [ "${1:-}" != -p ]; then
	target=${1:?usage: fuzz/run.sh TARGET [SECONDS] | fuzz/run.sh -p SECONDS [TARGET...]}
	maxlen "$target" >/dev/null
	build "$target"
	fuzz "$target" "${2:-60}"
	exit
fi

secs=${2:?usage: fuzz/run.sh -p SECONDS [TARGET...]}
shift 2
targets=${*:-$all}
for t in $targets; do
	maxlen "$t" >/dev/null
	build "$t"
	if [ -z "$(ls -A "$builddir/fuzz/corpus-work/$t" 2>/dev/null)" ]; then
		case $t in elf|elf_source|record|record_text|prefilter|assembly|engine)
			FUZZ_WORK=$builddir/fuzz/corpus-work sh "$top/fuzz/seed_work.sh" "$t" ;;
		esac
	fi
done
logs=$builddir/fuzz/logs
mkdir -p "$logs"
fork=
[ -n "${FUZZ_FORK:-}" ] && fork="-fork=$FUZZ_FORK"
pids=
for t in $targets; do
	# shellcheck disable=SC2086
	( fuzz "$t" "$secs" $fork >"$logs/$t.log" 2>&1 && r=0 || r=$?; echo "$r" >"$logs/$t.rc" ) &
	pids="$pids $!"
done
echo "fuzz/run.sh: $(echo "$targets" | wc -w) targets for $secs s each${fork:+ ($fork)}; logs in $logs"
# shellcheck disable=SC2086
wait $pids
failed=0
printf '%-11s %12s %8s %6s %7s %7s %7s  %s\n' target execs exec/s cov ft corpus crashes result
for t in $targets; do
	set -- $(stats "$logs/$t.log") - - - - -
	crashes=$(find "$builddir/fuzz" -maxdepth 1 -name "crash-$t-*" | wc -l)
	rc=$(cat "$logs/$t.rc" 2>/dev/null || echo 1)
	result=ok
	[ "$rc" -eq 0 ] || { result="FAILED (rc $rc, $logs/$t.log)"; failed=1; }
	printf '%-11s %12s %8s %6s %7s %7s %7s  %s\n' "$t" "$1" "$2" "$3" "$4" "$5" "$crashes" "$result"
done
exit "$failed"
