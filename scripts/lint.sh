#!/bin/sh
# scripts/lint.sh [cppcheck] [clang-tidy]: static analysis of plugin/ and fuzz/ with the
# committed configuration (.cppcheck-suppressions, .clang-tidy); both when none is named.
# Exit 0 clean, 1 findings (printed), 2 a tool missing. make lint runs it; so does CI
# (.ci/lint.sh). Needs a configured tree (config.h; BUILDDIR when building elsewhere).
# LINT_JOBS (2) clang-tidy processes run at once. tests/ is not covered: it calls bad
# things on purpose (seccomp probes, mmap(-1)) and its findings are not the plugin's.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top}
jobs=${LINT_JOBS:-2}
tools=${*:-cppcheck clang-tidy}
[ -f "$builddir/config.h" ] || { echo "lint: no $builddir/config.h: run ./configure" >&2; exit 2; }
cd "$top" || exit 2
pkgs="auparse audit libelf libconfig nettle libcap-ng libseccomp"
# shellcheck disable=SC2086
cflags="-std=gnu11 -include $builddir/config.h -I$top -I$top/plugin -I$top/tests
	$(pkg-config --cflags $pkgs 2>/dev/null) '-DSYSCONFDIR=\"/etc\"'"
rc=0
for tool in $tools; do
	command -v "$tool" >/dev/null || { echo "lint: $tool not installed" >&2; exit 2; }
	case $tool in
	cppcheck)
		# one process: its cross-file (ctu) checks need every file in one run
		cppcheck --error-exitcode=1 --enable=warning,style,performance,portability \
			--std=c11 --library=posix --inline-suppr -q --template=gcc \
			--suppressions-list=.cppcheck-suppressions --include="$builddir/config.h" \
			-I plugin -I tests plugin fuzz || rc=1 ;;
	clang-tidy)
		# shellcheck disable=SC2086
		find plugin fuzz -name "*.c" | sort | xargs -P "$jobs" -n 4 sh -c \
			'clang-tidy -quiet "$@" -- '"$(echo $cflags)"' 2>/dev/null' lint || rc=1 ;;
	*) echo "lint: unknown tool '$tool' (cppcheck, clang-tidy)" >&2; exit 2 ;;
	esac
done
[ "$rc" -eq 0 ] && echo "lint: $tools clean"
exit "$rc"
