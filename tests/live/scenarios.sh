#!/bin/bash
# tests/live/scenarios.sh: the exec scenarios elfwatch must judge, shared by the live test
# (tests/test_live.sh) and the fixture recorder (tests/record/record-scenarios.sh).
#
#   scenarios.sh prepare          build payload, libraries, loader copy/links under $EW_T
#   scenarios.sh loader|benign    run one family; appends one line per scenario to $EW_T/scenarios.tsv
#   scenarios.sh clean            remove $EW_T and $EW_VT
#
# scenarios.tsv columns: family, id, pid, expected verdict, command (bash %q quoted).
# The expected verdict is "none" (no alert), "skip" (not asserted: see tests/data/README.md) or
# "SEVERITY:reason,reason" for exactly one loader_exec alert with that reason set (sorted).
#
# While a family runs, this script itself only uses bash builtins: every exec in its audit
# session belongs to a scenario. Each scenario runs as a background job so its pid is known.
set -eu

EW_T=${EW_T:-/tmp/ew}          # world-writable location: targets here are "in writable dir"
EW_VT=${EW_VT:-/var/tmp/ew}    # same file system as /usr: the hard link to the loader
LDSO=/lib64/ld-linux-x86-64.so.2
LDSO_CANON=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
LDMUSL=/lib/ld-musl-x86_64.so.1
LD32=/lib/ld-linux.so.2
PY=/usr/bin/python3                 # not a pyenv shim: no wrapper execs
W="target_in_writable_dir,target_not_executable"   # payload: in /tmp, no exec bit
PAY=$EW_T/payload
WEIRD=$EW_T/$'pay load\n\xff\xfe'

prepare() {
	local here
	here=$(cd "${0%/*}" && pwd)
	rm -rf "$EW_T" "$EW_VT"
	mkdir -p "$EW_T/lib" "$EW_VT"
	chmod 0755 "$EW_T" "$EW_VT"
	cat > "$EW_T/payload.c" <<-'EOF'
	#include <stdio.h>
	int main(int argc, char **argv)
	{
		printf("payload ran: argc=%d argv0=%s\n", argc, argc > 0 ? argv[0] : "(none)");
		return 0;
	}
	EOF
	printf '%s\n' '__attribute__((constructor)) static void hook(void) { }' > "$EW_T/hook.c"
	printf '%s\n' 'unsigned int la_version(unsigned int v) { return v; }' > "$EW_T/audit.c"
	cc -O1 -o "$PAY" "$EW_T/payload.c"
	cc -O1 -shared -fPIC -o "$EW_T/libhook.so" "$EW_T/hook.c"
	cc -O1 -shared -fPIC -o "$EW_T/libaudit.so" "$EW_T/audit.c"
	chmod 0644 "$PAY"                       # the point: no exec bit
	cp "$PAY" "$WEIRD"
	cp "$LDSO_CANON" "$EW_T/x"              # a renamed copy of the loader
	ln -s "$LDSO" "$EW_T/ldsym"
	if [ "$(stat -c %d "$EW_VT")" = "$(stat -c %d "$LDSO_CANON")" ]; then
		ln "$LDSO_CANON" "$EW_VT/ld-hard"   # same inode as the real loader
	fi
	printf '#!%s %s\n' "$LDSO" "$PAY" > "$EW_T/shebang-loader"
	printf '#!/bin/sh\necho hello from a script\n' > "$EW_T/hello.sh"
	printf '\177ELF\000truncated\n' > "$EW_T/garbage"
	chmod 0755 "$EW_T/shebang-loader" "$EW_T/hello.sh" "$EW_T/garbage"
	cp "$here/execveat.py" "$EW_T/execveat.py"
	chmod 0644 "$EW_T/execveat.py"
}

# Helpers run as the background job itself, so `exec` keeps the job's pid.
in_dir() { cd "$1" && shift && exec "$@"; }
exec_as() { local a=$1; shift; exec -a "$a" "$@"; }

family=
# run ID EXPECT CMD...: run CMD as a job, wait for it, record its pid and the expectation.
run() {
	local id=$1 expect=$2 pid desc
	shift 2
	"$@" < /dev/null >> "$EW_T/scenarios.out" 2>&1 &
	pid=$!
	wait "$pid" || :
	printf -v desc '%q ' "$@"
	[ "${#desc}" -le 300 ] || desc="${desc:0:300}..."
	printf '%s\t%s\t%s\t%s\t%s\n' "$family" "$id" "$pid" "$expect" "${desc% }" >> "$EW_T/scenarios.tsv"
}

# skip ID WHY: a scenario this machine cannot run (recorded so the gap is visible).
skip() { printf '%s\t%s\t-\tskip\t# not run: %s\n' "$family" "$1" "$2" >> "$EW_T/scenarios.tsv"; }

loader_family() {
	family=loader
	local big
	printf -v big '%9000s' ''
	big=${big// /B}                         # > 8 KiB: split EXECVE records, aN_len / aN[k]
	run L00 high:                    "$LDSO" /bin/true
	run L01 "critical:$W"            "$LDSO" "$PAY"
	run L02 "critical:$W"            "$LDSO_CANON" "$PAY"
	run L03 "critical:relative_target,$W" in_dir "$EW_T" "$LDSO" ./payload
	run L04 "critical:preload_injection,$W" "$LDSO" --preload "$EW_T/libhook.so" "$PAY"
	run L05 "critical:audit_injection,$W" "$LDSO" --audit "$EW_T/libaudit.so" "$PAY"
	run L06 "critical:library_path_override,$W" "$LDSO" --library-path "$EW_T/lib" "$PAY"
	run L07 "critical:argv0_option,$W" "$LDSO" --argv0 sshd "$PAY"
	run L08 "critical:$W"            "$LDSO" --inhibit-cache "$PAY"
	run L09 "critical:argv0_option,library_path_override,preload_injection,$W" \
		"$LDSO" --inhibit-cache --argv0 kworker --library-path "$EW_T/lib" \
		--preload "$EW_T/libhook.so" "$PAY" --verify
	run L10 "critical:audit_injection,preload_injection,$W" \
		"$LDSO" --preload "$EW_T/libhook.so" --inhibit-cache --audit "$EW_T/libaudit.so" "$PAY" --list
	run L11 "critical:argv0_mismatch,$W" exec_as sshd "$LDSO" "$PAY"
	run L12 critical:loader_copy     "$EW_T/x" /bin/true
	if [ -e "$EW_VT/ld-hard" ]; then
		run L13 critical:loader_renamed "$EW_VT/ld-hard" /bin/true
	else
		skip L13 "$EW_VT is on another file system than the loader"
	fi
	run L14 "critical:loader_renamed,$W" "$EW_T/ldsym" "$PAY"
	if [ -e "$LDMUSL" ]; then
		run L15 "critical:$W"    "$LDMUSL" "$PAY"
	else
		skip L15 "musl not installed"
	fi
	if [ -e "$LD32" ]; then
		run L16 skip             "$LD32" "$PAY"
	else
		skip L16 "no i386 loader"
	fi
	run L17 "critical:$W,via_shebang" "$EW_T/shebang-loader"
	run L18 "critical:$W"            "$PY" "$EW_T/execveat.py" "$LDSO" "$LDSO" "$PAY"
	run L19 "critical:$W"            in_dir /tmp "$PY" "$EW_T/execveat.py" --dirfd \
		"${LDSO_CANON%/*}" ld-linux-x86-64.so.2 "$LDSO" "$PAY"
	run L20 "critical:$W"            "$LDSO" "$WEIRD"
	run L21 "critical:$W"            "$LDSO" "$PAY" "$big"
}

benign_family() {
	family=benign
	run B01 none ldd /bin/true
	run B02 none "$LDSO" --verify /bin/true
	run B03 none "$LDSO" --list /bin/true
	run B04 none "$LDSO" --help
	run B05 none "$LDSO" --version
	run B06 none "$LDSO" --list-tunables
	run B07 none "$LDSO" --list-diagnostics
	run B08 none "$LDSO"
	run B09 none exec_as "$LDSO" /bin/true
	run B10 none ls /
	run B11 none sh -c 'echo hi; true'
	run B12 none "$EW_T/hello.sh"
	run B13 none "$PY" -c pass
	run B14 none "$PY" "$EW_T/execveat.py" /bin/true /bin/true
	run B15 none "$EW_T/no-such-program"
	run B16 none "$EW_T/garbage"
	run B17 none "$PAY"
}

case ${1:-} in
prepare) prepare ;;
loader) loader_family ;;
benign) benign_family ;;
clean) rm -rf "$EW_T" "$EW_VT" ;;
*) echo "usage: $0 prepare|loader|benign|clean" >&2; exit 2 ;;
esac
