#!/usr/bin/env bash
# CI: cppcheck and clang-tidy over plugin/ and fuzz/ (make lint, scripts/lint.sh), after .ci/run
# configured the tree. Exit 0 clean, 1 findings (listed; lint.log has them all), 77 skipped.
# About 2 minutes on 2 cores (clang-tidy is most of it).
cd "$(dirname "$0")/.." || exit 1
[ -f Makefile ] || { echo "lint: SKIP (the tree did not configure)"; exit 77; }
for t in cppcheck clang-tidy; do
	command -v "$t" >/dev/null 2>&1 || { echo "lint: SKIP ($t not installed)"; exit 77; }
done
if make lint >lint.log 2>&1; then
	echo "lint: PASS (cppcheck, clang-tidy)"
	exit 0
fi
echo "lint: FAIL (lint.log):"
grep -E ': (error|warning|style|performance|portability):|lint:' lint.log | head -n 30
exit 1
