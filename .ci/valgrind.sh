#!/usr/bin/env bash
# CI: the test suite again under valgrind memcheck (make check-valgrind, tests/valgrind.sh:
# every unit test and every plugin run by the replay and --analyze tests; the live tests and
# the seccomp test are skipped there, with the reason), after .ci/run built the tree. The live
# parts already ran in the plain make check. Exit 0 clean, 1 errors (listed), 77 skipped.
# About 4 minutes on 2 cores.
cd "$(dirname "$0")/.." || exit 1
[ -f Makefile ] || { echo "valgrind: SKIP (the tree did not configure)"; exit 77; }
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: SKIP (valgrind not installed)"; exit 77; }
if ELFWATCH_SKIP_LIVE=1 make -j2 check-valgrind >valgrind.log 2>&1; then
	echo "valgrind: PASS ($(sed -n 's/^# PASS: *//p' test-suite-valgrind.log) checks under memcheck)"
	exit 0
fi
echo "valgrind: FAIL (valgrind.log, test-suite-valgrind.log, tests/*.log):"
grep -E '^(FAIL|ERROR|XPASS):' test-suite-valgrind.log 2>/dev/null | head -n 20
grep -h -A12 -E '^# ==[0-9]+== [A-Z]' tests/*.log 2>/dev/null | head -n 40
exit 1
