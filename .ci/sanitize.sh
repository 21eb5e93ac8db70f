#!/usr/bin/env bash
# CI: the test suite again built with AddressSanitizer and UndefinedBehaviorSanitizer
# (./configure --enable-asan --enable-ubsan; any report aborts its test), in a copy of the
# tracked tree so the plain build beside it stays as it is. The live tests are skipped there
# with the reason (they ran in the plain make check; sanitizer builds install no seccomp
# filter, tests/test_sandbox says so). Exit 0 clean, 1 failures (listed), 77 skipped.
# About 6 minutes on 2 cores.
cd "$(dirname "$0")/.." || exit 1
src=$(pwd)
command -v git >/dev/null 2>&1 || { echo "sanitize: SKIP (no git to list the tracked tree)"; exit 77; }
echo 'int main(void) { return 0; }' | ${CC:-cc} -x c -fsanitize=address,undefined -o /dev/null - \
	>/dev/null 2>&1 || { echo "sanitize: SKIP (the compiler cannot link ASan+UBSan)"; exit 77; }
tmp=$(mktemp -d /tmp/elfwatch-sanitize.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
git ls-files -z | xargs -0 cp -a --parents -t "$tmp" || exit 1
shared=${SHARED_DIR:-$(cd "$src/.." && pwd)/shared}
(
	cd "$tmp" &&
	./autogen.sh &&
	./configure --enable-werror --enable-asan --enable-ubsan &&
	make -j2 &&
	SHARED_DIR=$shared ELFWATCH_SKIP_LIVE=1 make -j2 check
) >"$src/sanitize.log" 2>&1
rc=$?
cp "$tmp/test-suite.log" "$src/test-suite-sanitize.log" 2>/dev/null
if [ "$rc" -eq 0 ]; then
	echo "sanitize: PASS ($(sed -n 's/^# PASS: *//p' "$src/test-suite-sanitize.log") checks under ASan+UBSan)"
	exit 0
fi
echo "sanitize: FAIL (sanitize.log, test-suite-sanitize.log):"
grep -E '^(FAIL|ERROR|XPASS):' "$src/test-suite-sanitize.log" 2>/dev/null | head -n 20
for f in $(grep -lE 'ERROR: AddressSanitizer|runtime error|ERROR: LeakSanitizer' "$tmp"/tests/*.log 2>/dev/null | head -n 5); do
	echo "== $(basename "$f")"
	grep -h -A8 -E 'ERROR: AddressSanitizer|runtime error|ERROR: LeakSanitizer' "$f" | head -n 20
done
tail -n 20 "$src/sanitize.log"
exit 1
