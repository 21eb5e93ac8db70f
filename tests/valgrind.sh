#!/bin/sh
# tests/valgrind.sh: `make check-valgrind` runs every test through this (LOG_COMPILER).
#   tests/valgrind.sh TEST [ARG...]  a test program runs under memcheck; a shell test runs as is,
#     with ELFWATCH pointing back here, so each plugin it starts runs under memcheck.
# Any memcheck error or definite leak, in any process, fails the test: the report is printed as
# TAP comments and a "Bail out!" line. Not run under memcheck (TAP skip, reason given):
#   the live tests: auditd starts the plugin, which installs its seccomp allow-list, and that
#     list would judge memcheck's own system calls, not the plugin's; they also wait on real
#     time that memcheck's slowdown (20-50x) breaks;
#   test_sandbox: it checks that the kernel refuses or kills calls after the list is installed,
#     and memcheck issues its own calls in the guest's name.
# The plugin runs with --no-sandbox here for the same reason (replay and --analyze only).
set -u
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
vg() {   # exec_vg set: valgrind replaces this shell (the plugin keeps this pid and parent)
	set -- -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --num-callers=30 --track-origins=yes --vgdb=no \
		--suppressions="$(dirname "$self")/valgrind.supp" \
		--log-file="$EW_VALGRIND_LOGS/vg.%p" "$@"
	[ -z "${exec_vg:-}" ] || exec valgrind "$@"
	valgrind "$@"
}

# Called as the plugin by a shell test.
if [ -n "${EW_VALGRIND_BINARY:-}" ]; then
	# exec: memcheck runs the plugin in this process, so the plugin's parent is the test's
	# (plugin mode honours SIGTERM from its parent only); EW_SLOWDOWN scales the tests'
	# real-time bounds (memcheck runs code 20-50x slower)
	case " $* " in
	*" --analyze "*|*" --help "*|*" --version "*) exec_vg=1 vg "$EW_VALGRIND_BINARY" "$@" ;;
	*) exec_vg=1 vg "$EW_VALGRIND_BINARY" --no-sandbox "$@" ;;
	esac
	exit
fi

name=$(basename "$1")
case $name in
test_live.sh|test_live_linker.sh|test_sandbox)
	echo "1..0 # SKIP under valgrind: the seccomp allow-list would filter memcheck's own calls"
	exit 0 ;;
esac

EW_VALGRIND_LOGS=$(mktemp -d) || exit 99
export EW_VALGRIND_LOGS
case $name in
*.sh)
	EW_VALGRIND_BINARY=${ELFWATCH:?tests/valgrind.sh: ELFWATCH unset}
	ELFWATCH=$self EW_SLOWDOWN=10
	export EW_VALGRIND_BINARY ELFWATCH EW_SLOWDOWN
	"$@" ;;
*)	vg "$@" ;;
esac
rc=$?
bad=0
for f in "$EW_VALGRIND_LOGS"/vg.*; do
	[ -s "$f" ] || continue
	bad=1
	sed 's/^/# /' "$f"
done
rm -rf "$EW_VALGRIND_LOGS"
if [ "$bad" -eq 1 ]; then
	echo "Bail out! memcheck found errors or definite leaks (above)"
	exit 99
fi
exit "$rc"
