#!/bin/sh
# fuzz/coverage.sh [TARGET...] (make fuzz-coverage): what the fuzz corpora reach. Builds each
# target (every one by default) with clang source-based coverage and fuzz/cov_driver.c as its
# main (no libFuzzer, no sanitizer), replays fuzz/corpus/TARGET and $FUZZ_WORK/TARGET (default
# fuzz/corpus-work; e.g. FUZZ_WORK=/work/fuzzcamp/fuzz/corpus-work) cut to the target's
# -max_len, and prints per target the line and function coverage of each plugin file it
# reaches, then the functions of interest (issue 10) and every target's corpora together.
# Profiles and reports stay in fuzz/build/cov/. Needs clang and llvm-profdata / llvm-cov
# (Debian: llvm). Needs a configured tree (config.h).
set -eu
all="record record_text config alert assembly environ elf elf_source loader prefilter mounts writes state engine"
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top}
cc=${FUZZ_CC:-clang}
work=${FUZZ_WORK:-$builddir/fuzz/corpus-work}
out=$builddir/fuzz/build/cov
# functions of interest: the write path, the engine's clock and reload, the ELF engine's file
# path, the mountinfo parser, the early filter
interest="resolve_name engine_tick engine_reload elf_inspect_fd mounts_parse prefilter_keep prefilter_syscall_class"

tool() {
	for c in "$1" $(ls /usr/bin/"$1"-[0-9]* 2>/dev/null | sort -t- -k3 -n -r); do
		command -v "$c" >/dev/null 2>&1 && { echo "$c"; return; }
	done
	echo "fuzz/coverage.sh: $1 not found (Debian: apt-get install llvm)" >&2
	exit 2
}
profdata=$(tool llvm-profdata)
llvmcov=$(tool llvm-cov)
[ -f "$builddir/config.h" ] || { echo "fuzz/coverage.sh: no $builddir/config.h: run ./configure" >&2; exit 2; }

srcs=$(cd "$top" && find plugin -name '*.c' ! -path plugin/main.c | sort)
pkgs="auparse audit libelf libconfig nettle libcap-ng"
grep -q "^#define HAVE_SECCOMP 1" "$builddir/config.h" && pkgs="$pkgs libseccomp"
objdir=$out/obj
mkdir -p "$objdir"
# shellcheck disable=SC2086
set -- "$@"
targets=${*:-$all}

compile() {
	s=$1
	o=$objdir/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')
	if [ ! -f "$o" ] || [ "$top/$s" -nt "$o" ] || [ "$builddir/config.h" -nt "$o" ] ||
	   [ -n "$(find "$top/plugin" "$top/tests" -name '*.h' -newer "$o" | head -n 1)" ]; then
		# shellcheck disable=SC2046
		$cc -g -O1 -std=gnu11 -fprofile-instr-generate -fcoverage-mapping \
			-include "$builddir/config.h" -I"$top" -I"$top/plugin" -I"$top/tests" \
			$(pkg-config --cflags $pkgs) -c -o "$o.tmp" "$top/$s"
		mv "$o.tmp" "$o"
	fi
	echo "$o"
}

# report BINARY PROFDATA TITLE [all]: files under plugin/ (named from there) with any function
# run, then the functions of interest (those reached; with "all", every one)
report() {
	bin=$1 prof=$2 every=${4:-}
	echo "== $3"
	# shellcheck disable=SC2086
	"$llvmcov" report "$bin" -instr-profile="$prof" $(cd "$top" && for s in $srcs; do echo "$top/$s"; done) |
		awk -v top="$top/" '
		$1 ~ /\.c$/ && $7 != "0.00%" && $7 != "-" {
			f = $1; sub(top, "", f)
			printf "  %-34s functions %7s of %3s   lines %7s of %5s\n", f, $7, $5, $10, $8 }
		$1 == "TOTAL" { printf "  %-34s functions %7s of %3s   lines %7s of %5s\n", "all plugin files", $7, $5, $10, $8 }'
	files=
	for fn in $interest; do
		files="$files $(cd "$top" && grep -l "^[a-z].*[ *]$fn(" $srcs | sed "s|^|$top/|")"
	done
	# shellcheck disable=SC2086
	"$llvmcov" report -show-functions "$bin" -instr-profile="$prof" $(echo $files | tr ' ' '\n' | sort -u) |
		awk -v want=" $interest " -v every="$every" '
		{ n = $1; sub(/^.*:/, "", n) } index(want, " " n " ") && NF >= 7 && (every != "" || $7 != "0.00%") { printf "  %-34s lines %7s (%s of %s missed)\n", n "()", $7, $6, $5 }'
}

profs=
for t in $targets; do
	maxlen=$(sh "$top/fuzz/run.sh" -m "$t")
	objs=
	for s in $srcs tests/linecheck.c tests/recdiff.c "fuzz/fuzz_$t.c" fuzz/cov_driver.c; do
		objs="$objs $(compile "$s")"
	done
	bin=$out/cov_$t
	# shellcheck disable=SC2086
	$cc -fprofile-instr-generate -o "$bin" $objs $(pkg-config --libs $pkgs) -pthread -lm
	rm -f "$out/$t".*.profraw
	dirs="$top/fuzz/corpus/$t"
	[ -d "$work/$t" ] && dirs="$dirs $work/$t"
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE="$out/$t.%p.profraw" "$bin" "$maxlen" $dirs 2>"$out/$t.log" ||
		echo "fuzz/coverage.sh: $t: replay exited $? ($out/$t.log)" >&2
	"$profdata" merge -sparse -o "$out/$t.profdata" "$out/$t".*.profraw
	profs="$profs $out/$t.profdata"
	report "$bin" "$out/$t.profdata" "$t: $(tail -n 1 "$out/$t.log") from $dirs"
done
# shellcheck disable=SC2086
set -- $targets
if [ $# -gt 1 ]; then
	# shellcheck disable=SC2086
	"$profdata" merge -sparse -o "$out/all.profdata" $profs
	report "$bin" "$out/all.profdata" "all $# targets together" all
fi
