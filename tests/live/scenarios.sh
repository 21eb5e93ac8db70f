#!/bin/bash
# tests/live/scenarios.sh: the exec scenarios elfwatch must judge, shared by the live test
# (tests/test_live.sh) and the fixture recorder (tests/record/record-scenarios.sh).
#
#   scenarios.sh prepare          build payload, libraries, loader copy/links under $EW_T
#                                 and the write families' sources under $EW_T/src
#   scenarios.sh loader|benign|writes|writes-quiet|hostile|fileless
#                                 run one family; appends one line per scenario to $EW_T/scenarios.tsv
#   scenarios.sh manifest         after the write families: $EW_T/writes-files.plan -> the
#                                 files written, with dev/inode/size/sha256, on stdout
#   scenarios.sh clean            remove $EW_T, $EW_VT, $EW_SHM and $EW_NW
#
# scenarios.tsv columns: family, id, pid, expected verdict, command (bash %q quoted).
# The expected verdict of a loader/benign scenario is "none" (no alert), "skip" (not asserted:
# see tests/data/README.md) or "SEVERITY:reason,reason" for exactly one loader_exec alert with
# that reason set (sorted). Write scenarios use tests/live/check_alerts.py's spec language:
# "quiet" (nothing at medium or higher), or ";"-separated RULE>=SEVERITY:reason,reason#TECHNIQUE
# items (reasons are a subset, "a|b" either; a trailing "?" makes the item optional).
# The writes family needs $EW_HTTP_PORT: a loopback http.server serving $EW_T/src
# (tests/live/lib.sh ew_httpd_start).
#
# While a family runs, this script itself only uses bash builtins: every exec in its audit
# session belongs to a scenario. Each scenario runs as a background job so its pid is known.
set -eu

EW_T=${EW_T:-/tmp/ew}          # world-writable location: targets here are "in writable dir"
EW_VT=${EW_VT:-/var/tmp/ew}    # same file system as /usr: the hard link to the loader
EW_SHM=${EW_SHM:-/dev/shm/ew}  # tmpfs drop location
EW_NW=${EW_NW:-/var/opt/ew}    # outside every write rule's dir=: only exec-time judgement sees it
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
	prepare_writes "$here"
}

# The write families' sources: every file a scenario drops is one of these generator outputs
# (tests/record/make-artifacts.sh), so a replay can rebuild it. Modes matter: 0644 sources get
# their exec bit from a chmod scenario, 0755 ones keep it through cp.
prepare_writes() {
	local here=$1 gen mk
	mk=$here/../record/make-artifacts.sh
	rm -rf "$EW_SHM"
	mkdir -p "$EW_T/src" "$EW_T/sub" "$EW_T/sub2" "$EW_SHM"
	chmod 0755 "$EW_T/src" "$EW_T/sub" "$EW_T/sub2" "$EW_SHM"
	for gen in aarch64-tiny static-hello classflip-static shoff-static gcc-hello \
		elfwatch-test-hello.deb upx-sample upx-sample-scrubbed; do
		# a missing tool (cross binutils, static libc, the UPX sample) skips the scenarios
		# that need the file: see have()
		bash "$mk" "$gen" "$EW_T/src/$gen" ||
			echo "scenarios: generator $gen failed; its scenarios are skipped" >&2
	done
	[ ! -e "$EW_T/src/shoff-static" ] || chmod 0755 "$EW_T/src/shoff-static"
	[ ! -e "$EW_T/src/classflip-static" ] || chmod a+r "$EW_T/src/classflip-static"
	# W40's non-root writer (nobody) writes here
	mkdir -p "$EW_T/nr/a/b/c/d/e"
	chmod -R 0755 "$EW_T/nr"
	chown 65534:65534 "$EW_T/nr/a/b/c/d/e"
	bash "$mk" hello-c "$EW_T/hello.c"
	cp "$here/writer.py" "$EW_T/writer.py"
	cp "$here/memexec.py" "$EW_T/memexec.py"
	chmod 0644 "$EW_T/writer.py" "$EW_T/memexec.py"
	# existing files the fileless family overwrites with O_WRONLY only, where no write rule
	# looks (the full profile takes write-opens in /tmp, /var/tmp and /dev/shm)
	rm -rf "$EW_NW"
	mkdir -p "$EW_NW"
	chmod 0755 "$EW_NW"
	printf 'placeholder\n' > "$EW_NW/ow-shoff"
	printf 'placeholder\n' > "$EW_NW/ow-upx"
	cp /bin/sleep "$EW_T/clean-sleep"
	chmod 0755 "$EW_NW/ow-shoff" "$EW_NW/ow-upx" "$EW_T/clean-sleep"
	# existing files the writes family rewrites in place / appends to in drop locations
	printf 'placeholder\n' > "$EW_T/ow-arm"
	: > "$EW_SHM/append"
	chmod 0755 "$EW_T/ow-arm" "$EW_SHM/append"
}

# Helpers run as the background job itself, so `exec` keeps the job's pid.
in_dir() { cd "$1" && shift && exec "$@"; }
exec_as() { local a=$1; shift; exec -a "$a" "$@"; }
mx() { exec "$PY" -B "$EW_T/memexec.py" "$@"; }

family=
# begin FAMILY: open the driver's output files once (fd 3: scenario output, fd 4: scenarios.tsv,
# fd 5: the write plan), so jobs inherit descriptors and never open a file of their own: with
# the write rules loaded, every `>>` would be an O_CREAT open in a watched directory.
begin() {
	family=$1
	exec 3>> "$EW_T/scenarios.out" 4>> "$EW_T/scenarios.tsv" 5>> "$EW_T/writes-files.plan"
}

# run ID EXPECT CMD...: run CMD as a job, wait for it, record its pid and the expectation.
run() {
	local id=$1 expect=$2 pid desc
	shift 2
	"$@" < /dev/null >&3 2>&3 &
	pid=$!
	wait "$pid" || :
	printf -v desc '%q ' "$@"
	[ "${#desc}" -le 300 ] || desc="${desc:0:300}..."
	printf '%s\t%s\t%s\t%s\t%s\n' "$family" "$id" "$pid" "$expect" "${desc% }" >&4
}

# skip ID WHY: a scenario this machine cannot run (recorded so the gap is visible).
skip() { printf '%s\t%s\t-\tskip\t# not run: %s\n' "$family" "$1" "$2" >&4; }

# have ID... -- GEN...: true when every source GEN was built; else skip scenarios ID... .
have() {
	local ids=() g i
	while [ "$1" != -- ]; do ids+=("$1"); shift; done
	shift
	for g in "$@"; do
		if [ ! -e "$EW_T/src/$g" ]; then
			for i in "${ids[@]}"; do skip "$i" "source $g could not be built (see prepare)"; done
			return 1
		fi
	done
}

# wrote ID GEN FINAL [CREATED]: scenario ID wrote generator GEN's bytes, created as CREATED
# (default FINAL) and found at FINAL afterwards ("-" when deleted); for the manifest.
wrote() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-$3}" >&5; }

loader_family() {
	begin loader
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
	begin benign
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

# Each write is followed by what a dropper does next (chmod +x, rename into place, run). The
# sources are in $EW_T/src (prepare_writes); expectations use check_alerts.py's spec language.
writes_family() {
	begin writes
	local S=$EW_T/src T=$EW_T M=$EW_SHM sw="suspicious_elf_write>=medium" dl
	dl="loader_exec>=high"
	if [ -z "${EW_HTTP_PORT:-}" ]; then
		skip W01 "no loopback http.server (EW_HTTP_PORT unset)"
		skip W02 "follows W01"
	elif have W01 W02 -- aarch64-tiny; then
		run W01 "$sw:foreign_arch,download_tool#T1105" \
			curl -s -o "$T/dropbear" "http://127.0.0.1:$EW_HTTP_PORT/aarch64-tiny"
		wrote W01 aarch64-tiny "$T/dropbear"
		run W02 none chmod +x "$T/dropbear"
	fi
	if have W03 W04 W05 W06 W07 W08 -- upx-sample upx-sample-scrubbed; then
		run W03 "$sw:upx_packed#T1027.002" cp "$S/upx-sample" "$M/packed"
		wrote W03 upx-sample "$M/packed"
		run W04 none chmod +x "$M/packed"
		run W05 "dropped_exec>=medium" "$M/packed" --version
		run W06 "$sw:upx_magic_scrubbed#T1027.002" cp "$S/upx-sample-scrubbed" "$M/scrubbed"
		wrote W06 upx-sample-scrubbed "$M/scrubbed"
		run W07 none chmod +x "$M/scrubbed"
		run W08 "dropped_exec>=medium" "$M/scrubbed" --version
	fi
	if have W09 -- aarch64-tiny; then
		run W09 "$sw:foreign_arch" "$PY" -B "$T/writer.py" fchmod "$S/aarch64-tiny" "$T/fchmod-elf"
		wrote W09 aarch64-tiny "$T/fchmod-elf"
	fi
	if have W10 W11 -- classflip-static; then
		run W10 "$sw:class_flip#T1027" in_dir / "$PY" -B "$T/writer.py" at "$S/classflip-static" \
			"$T/sub" at-elf
		run W11 none in_dir / "$PY" -B "$T/writer.py" renameat "$T/sub" at-elf "$T/sub2" at-elf-moved
		wrote W10 classflip-static "$T/sub2/at-elf-moved" "$T/sub/at-elf"
	fi
	if have W12 W13 W14 W17 W18 -- shoff-static; then
		run W12 "$sw:sht_beyond_eof#T1027" cp "$S/shoff-static" "$T/.tmp.x"
		run W13 none mv "$T/.tmp.x" "$T/x"
		wrote W12 shoff-static "$T/x" "$T/.tmp.x"
		run W14 "dropped_exec>=medium" "$T/x"
	fi
	if have W15 W16 -- aarch64-tiny; then
		run W15 "$sw:foreign_arch" cp "$S/aarch64-tiny" "$T/tool.dpkg-new"
		run W16 none mv "$T/tool.dpkg-new" "$T/tool"
		wrote W15 aarch64-tiny "$T/tool" "$T/tool.dpkg-new"
	fi
	if [ -e "$S/shoff-static" ]; then
		run W17 none ln "$T/x" "$T/x-link"
		run W18 "dropped_exec>=medium" "$T/x-link"
	fi
	run W19 skip cp "$LDSO" "$T/ldcopy"
	wrote W19 ldso-copy "$T/ldcopy"
	run W20 "$dl:loader_copy,loader_recently_written|target_recently_written|recently_written;dropped_exec>=medium?" \
		"$T/ldcopy" /bin/true
	if have W21 W22 -- gcc-hello; then
		run W21 quiet cp "$S/gcc-hello" "$T/pay2"
		wrote W21 gcc-hello "$T/pay2"
		run W22 "$dl:target_recently_written,target_in_writable_dir;dropped_exec>=medium?" \
			"$LDSO" "$T/pay2"
	fi
	if have W23 W24 -- aarch64-tiny; then
		run W23 none cp "$S/aarch64-tiny" "$T/gone"
		run W24 none rm -f "$T/gone"
		wrote W23 aarch64-tiny - "$T/gone"
	fi
	if have W25 W26 W27 -- classflip-static; then
		run W25 "$sw:class_flip#T1027" cp "$S/classflip-static" "$T/flip"
		wrote W25 classflip-static "$T/flip"
		run W26 none chmod +x "$T/flip"
		run W27 "dropped_exec>=medium" "$T/flip"
	fi
	# Blinding the judge. W28: created empty (the only audited write), the ELF written in
	# place 1.5 s later with O_WRONLY and no O_TRUNC: not ELF at the first looks, followed
	# until it is. W30: a write lease held past max_wait_ms (10 s) keeps every O_NONBLOCK
	# open out: reported as not judged; the exec (after the lease) judges it after all.
	if have W28 W29 W30 W31 -- shoff-static; then
		run W28 "$sw:sht_beyond_eof#T1027" "$PY" -B "$T/writer.py" inplace "$S/shoff-static" \
			"$T/inplace" 1.5
		wrote W28 shoff-static "$T/inplace"
		run W29 "dropped_exec>=medium" "$T/inplace"
		run W30 "unjudged_write>=medium:lease,exec_bit;$sw:sht_beyond_eof#T1027" \
			"$PY" -B "$T/writer.py" lease "$S/shoff-static" "$T/leased" 12
		wrote W30 shoff-static "$T/leased"
		run W31 "dropped_exec>=medium" "$T/leased"
	fi
	# O_TMPFILE then linkat: the open names only the directory and has no O_CREAT|O_TRUNC
	# (no write rule takes it); the linkat into a watched directory is the only record. W32:
	# linkat("/proc/self/fd/N", AT_SYMLINK_FOLLOW); W33: linkat(fd, "", AT_EMPTY_PATH) in the
	# tmpfs drop location; W35: linked while still empty, written afterwards through the fd.
	if have W32 -- aarch64-tiny; then
		run W32 "$sw:foreign_arch" "$PY" -B "$T/writer.py" tmpfile "$S/aarch64-tiny" "$T" \
			"$T/tmplinked" proc
		wrote W32 aarch64-tiny "$T/tmplinked"
	fi
	if have W33 W34 -- upx-sample; then
		run W33 "$sw:upx_packed#T1027.002" "$PY" -B "$T/writer.py" tmpfile "$S/upx-sample" "$M" \
			"$M/tmplinked" empty
		wrote W33 upx-sample "$M/tmplinked"
		run W34 "dropped_exec>=medium" "$M/tmplinked" --version
	fi
	if have W35 W36 -- shoff-static; then
		run W35 "$sw:sht_beyond_eof#T1027" "$PY" -B "$T/writer.py" tmpfile "$S/shoff-static" \
			"$T" "$T/tmpearly" early
		wrote W35 shoff-static "$T/tmpearly"
		run W36 "dropped_exec>=medium" "$T/tmpearly"
	fi
	# Write-opens of existing files (no O_CREAT|O_TRUNC), made before the audit session: only
	# the full profile's 01103 rules in /tmp, /var/tmp and /dev/shm record them. W37: O_WRONLY
	# over a placeholder; W38: O_WRONLY|O_APPEND onto an empty file.
	if have W37 -- aarch64-tiny; then
		run W37 "$sw:foreign_arch" mx overwrite "$S/aarch64-tiny" "$T/ow-arm"
		wrote W37 aarch64-tiny "$T/ow-arm"
	fi
	if have W38 W39 -- shoff-static; then
		run W38 "$sw:sht_beyond_eof#T1027" "$PY" -B "$T/writer.py" append "$S/shoff-static" \
			"$M/append"
		wrote W38 shoff-static "$M/append"
		run W39 "dropped_exec>=medium" "$M/append"
	fi
	# A writer that is not root: its dirfd can only be read through /proc/PID/fd of another
	# user's process (the plugin's CAP_SYS_PTRACE), and the directory is too deep for the
	# search_dirs fallback to find it.
	if have W40 -- classflip-static; then
		run W40 "$sw:class_flip#T1027" in_dir / setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$PY" -B "$T/writer.py" at "$S/classflip-static" "$T/nr/a/b/c/d/e" \
			nr-elf 2
		wrote W40 classflip-static "$T/nr/a/b/c/d/e/nr-elf"
	fi
}

# Everyday writes of executables that must stay below medium: compilers, venv, a copy of a
# system binary, a package manager.
quiet_family() {
	begin writes-quiet
	local T=$EW_T
	run Q01 quiet in_dir "$T" gcc -o hello hello.c
	wrote Q01 gcc-hello "$T/hello"
	run Q02 quiet "$T/hello"
	run Q03 quiet "$PY" -m venv --without-pip "$T/venv"
	run Q04 quiet cp /bin/ls "$T/ls"
	wrote Q04 bin-ls "$T/ls"
	run Q05 quiet "$T/ls" -d "$T"
	if have Q06 Q07 -- elfwatch-test-hello.deb; then
		run Q06 quiet dpkg -i "$T/src/elfwatch-test-hello.deb"
		wrote Q06 x86_64-tiny /usr/local/bin/elfwatch-test-hello
		run Q07 quiet /usr/local/bin/elfwatch-test-hello
	fi
	# With pip: ensurepip writes ~750 files (and runs lsb_release, rustc --version): live only,
	# too many events for a committed fixture.
	if [ -n "${EW_LIVE:-}" ]; then
		run Q08 quiet "$PY" -m venv "$T/venv-pip"
	fi
}

# Files built to stall a careless judge, in a watched directory, then the probes: a loader
# run and a download-like drop that must still alert promptly (tests/test_live.sh times them
# by their "ew-hostile-probe" names). Live only: a 5 GB sparse file is not a fixture.
hostile_family() {
	begin hostile
	local S=$EW_T/src H=$EW_T/hostile
	mkdir -p "$H"
	run H01 skip "$PY" -B "$EW_T/writer.py" fifo "$H/fifo"
	if have H02 -- static-hello; then
		run H02 skip "$PY" -B "$EW_T/writer.py" swap "$S/static-hello" "$H/zero" /dev/zero
	fi
	if have H03 H04 -- aarch64-tiny; then
		run H03 skip cp "$S/aarch64-tiny" "$H/sparse"
		run H04 skip truncate -s 5G "$H/sparse"
	fi
	run H05 skip chmod +x "$H/sparse"
	if have H06 -- static-hello; then
		run H06 skip "$PY" -B "$EW_T/writer.py" flap "$S/static-hello" "$H/flap" 3
	fi
	# a file flipping between 1 MiB and 1 KiB while it is judged (reopened with O_TRUNC and
	# given +x every 100 ms): the judge must survive it (it crashed the plugin once)
	if have H09 -- static-hello; then
		run H09 skip "$PY" -B "$EW_T/writer.py" flip "$S/static-hello" "$H/flip" 4
	fi
	run H07 "loader_exec>=high" "$LDSO" "$PAY" ew-hostile-probe
	if have H08 -- aarch64-tiny; then
		run H08 "suspicious_elf_write>=medium:foreign_arch" cp "$S/aarch64-tiny" "$H/ew-hostile-probe"
	fi
}

# Images run without a name on disk, and ELF files written where no write rule looks, then
# run: exec-time judgement must see them (fileless_exec, suspicious_elf_exec). The programs
# sleep so their /proc/PID/exe can still be read when the plugin sees the exec.
fileless_family() {
	begin fileless
	local S=$EW_T/src T=$EW_T
	run F01 "fileless_exec>=high:memfd" mx memfd /bin/sleep ew-memfd sleep 2
	run F02 "loader_exec>=critical:loader_copy,fileless_memfd;fileless_exec>=critical:memfd,loader" \
		mx memfd "$LDSO_CANON" ew-ld "$LDSO" /bin/sleep 2
	run F03 "fileless_exec>=high:deleted_file" mx deleted /bin/sleep "$T/del-sleep" sleep 2
	run F04 none "$T/clean-sleep" 0
	if have F05 F06 -- shoff-static; then
		run F05 none mx overwrite "$S/shoff-static" "$EW_NW/ow-shoff"
		run F06 "suspicious_elf_exec>=high:judged_at_exec,sht_beyond_eof#T1027" "$EW_NW/ow-shoff"
	fi
	if have F07 F08 -- upx-sample; then
		run F07 none mx overwrite "$S/upx-sample" "$EW_NW/ow-upx"
		run F08 "suspicious_elf_exec>=high:judged_at_exec,upx_packed#T1027.002" "$EW_NW/ow-upx" --version
	fi
}

# Remove what the scenarios put outside their directories (the quiet family's package).
clean() {
	if command -v dpkg-query >/dev/null 2>&1 &&
		dpkg-query -W -f '${Status}' elfwatch-test-hello 2>/dev/null | grep -q ' installed'; then
		dpkg -r elfwatch-test-hello > /dev/null
	fi
	rm -rf "$EW_T" "$EW_VT" "$EW_SHM" "$EW_NW"
}

case ${1:-} in
prepare) prepare ;;
loader) loader_family ;;
benign) benign_family ;;
writes) writes_family ;;
writes-quiet) quiet_family ;;
hostile) hostile_family ;;
fileless) fileless_family ;;
manifest)
	"$PY" -B "${0%/*}/../record/audit_events.py" files "$EW_T/writes-files.plan" "${@:2}"
	for d in "$EW_T" "$EW_T/sub" "$EW_T/sub2" "$EW_SHM"; do
		printf '# dir\t%s\t%s\n' "$d" "$(stat -c %i "$d")"
	done
	;;
clean) clean ;;
*) echo "usage: $0 prepare|loader|benign|writes|writes-quiet|hostile|fileless|manifest [LOG...]|clean" >&2; exit 2 ;;
esac
