#!/bin/sh
# fuzz/run.sh TARGET [SECONDS]: build fuzz/fuzz_TARGET.c with clang, libFuzzer, ASan and UBSan,
# then fuzz it for SECONDS (default 60) starting from fuzz/corpus/TARGET. New inputs go to
# fuzz/corpus-work/TARGET (not committed); crashes to fuzz/crash-TARGET-*: minimise one with
# `fuzz/build/fuzz_TARGET -minimize_crash=1 FILE`, fix, and add it to fuzz/corpus/TARGET so make
# check replays it forever. TARGET: record, record_text, config, alert, assembly, environ, elf, elf_source, loader, prefilter, mounts, writes, state. Needs a configured tree (config.h).
set -eu
target=${1:?usage: fuzz/run.sh record|record_text|config|alert|assembly|environ|elf|elf_source|loader|prefilter|mounts|writes|state [SECONDS]}
secs=${2:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top}
cc=${FUZZ_CC:-clang}
case $target in
record) maxlen=16384 ;;
record_text) maxlen=16384 ;;
config) maxlen=4096 ;;
alert)  maxlen=65536 ;;
assembly) maxlen=65536 ;;
environ) maxlen=65536 ;;
elf) maxlen=65536 ;;
elf_source) maxlen=65545 ;;
loader) maxlen=8192 ;;
prefilter) maxlen=16384 ;;
mounts) maxlen=16384 ;;
writes) maxlen=4096 ;;
state) maxlen=8192 ;;
*) echo "fuzz/run.sh: unknown target '$target'" >&2; exit 2 ;;
esac
# Every module but main.c, as libelfwatch.a has them: the fuzzer links what the plugin links,
# and a module split elsewhere in the tree needs no change here.
srcs=$(cd "$top" && ls plugin/*.c | grep -v '^plugin/main\.c$')
pkgs="auparse audit libelf libconfig nettle libcap-ng"
[ -f "$builddir/config.h" ] || { echo "fuzz/run.sh: no $builddir/config.h: run ./configure" >&2; exit 2; }
# the sandbox links libseccomp only where configure found it
grep -q "^#define HAVE_SECCOMP 1" "$builddir/config.h" && pkgs="$pkgs libseccomp"
mkdir -p "$builddir/fuzz/build" "$builddir/fuzz/corpus-work/$target"
bin=$builddir/fuzz/build/fuzz_$target
# The modules are compiled once into fuzz/build/obj and shared by every target (a smoke of all
# targets would otherwise spend its time compiling); an object is rebuilt when its source, any
# header or config.h is newer.
objdir=$builddir/fuzz/build/obj
mkdir -p "$objdir"
# shellcheck disable=SC2086
set -- -g -O1 -std=gnu11 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-include "$builddir/config.h" -I"$top" -I"$top/plugin" -I"$top/tests" $(pkg-config --cflags $pkgs)
objs=
for s in $srcs tests/linecheck.c tests/recdiff.c "fuzz/fuzz_$target.c"; do
	o=$objdir/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')
	if [ ! -f "$o" ] || [ "$top/$s" -nt "$o" ] || [ "$builddir/config.h" -nt "$o" ] ||
	   [ -n "$(find "$top/plugin" "$top/tests" -name '*.h' -newer "$o" | head -n 1)" ]; then
		$cc "$@" -c -o "$o.tmp" "$top/$s"
		mv "$o.tmp" "$o"
	fi
	objs="$objs $o"
done
# shellcheck disable=SC2086
$cc -fsanitize=fuzzer,address,undefined -o "$bin" $objs $(pkg-config --libs $pkgs) -pthread -lm
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/fuzz/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
dict=
[ -f "$top/fuzz/$target.dict" ] && dict="-dict=$top/fuzz/$target.dict"
# shellcheck disable=SC2086
exec "$bin" $dict -max_total_time="$secs" -max_len="$maxlen" -timeout=10 \
	-artifact_prefix="$builddir/fuzz/crash-$target-" \
	"$builddir/fuzz/corpus-work/$target" "$top/fuzz/corpus/$target"
