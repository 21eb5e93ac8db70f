#!/bin/bash
# tests/record/make-artifacts.sh: build the files the write scenarios drop, by generator name.
#
#   make-artifacts.sh GEN OUT      write generator GEN's bytes to OUT (mode 0644)
#   make-artifacts.sh list         print the generator names, one a line
#
# The same script creates the files the recorder's scenarios write (tests/live/scenarios.sh
# prepare) and rebuilds them at test time, so a replay can look a recorded (dev, inode) up in a
# directory of regenerated artifacts (tests/data/writes-files.tsv). Determinism:
#   aarch64-tiny, x86_64-tiny         GNU as/ld only: identical for the same binutils version
#   static-hello, classflip-static,   gcc -static: identical for the same gcc, binutils and
#   shoff-static, gcc-hello             glibc (Debian 12: gcc 12.2.0, binutils 2.40, glibc 2.36);
#                                       not across distributions or versions
#   upx-sample, upx-sample-scrubbed   copies of ../shared/samples/upx/amd64-upx-3.95
#                                       ($SHARED_DIR): identical everywhere
#   ldso-copy, bin-ls                 this machine's /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
#                                       and /bin/ls: identical only for the same package versions
#   hello-c                           the C source the quiet family compiles (text, identical)
#   elfwatch-test-hello.deb           dpkg-deb package installing x86_64-tiny as
#                                       /usr/local/bin/elfwatch-test-hello (SOURCE_DATE_EPOCH set)
# Needs nothing but the toolchain; writes only OUT and a private temporary directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
SHARED_DIR=${SHARED_DIR:-$(cd "$here/../../.." && pwd)/shared}
UPX_SAMPLE=$SHARED_DIR/samples/upx/amd64-upx-3.95
LDSO_CANON=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
GENS="aarch64-tiny x86_64-tiny static-hello classflip-static shoff-static gcc-hello hello-c
upx-sample upx-sample-scrubbed ldso-copy bin-ls elfwatch-test-hello.deb"

die() { printf 'make-artifacts: %s\n' "$*" >&2; exit 1; }

tmp=
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT

# The C source the static and gcc generators compile. Do not change it: recorded inodes map
# to its compiled bytes.
hello_c() {
	cat <<-'EOF'
	#include <stdio.h>

	int main(void)
	{
		puts("hello from elfwatch's write scenarios");
		return 0;
	}
	EOF
}

# patch FILE OFFSET HEXBYTES: overwrite bytes in place (python stdlib only).
patch() {
	python3 - "$@" <<-'EOF'
	import sys
	path, off, data = sys.argv[1], int(sys.argv[2], 0), bytes.fromhex(sys.argv[3])
	with open(path, "r+b") as f:
	    b = f.read(64)
	    if b[:4] != b"\x7fELF":
	        sys.exit("patch: %s is not ELF" % path)
	    f.seek(off)
	    f.write(data)
	EOF
}

build() {
	local gen=$1 out=$2
	case $gen in
	aarch64-tiny)
		# exit(0) via the aarch64 exit syscall (93): a foreign-architecture static executable.
		printf '.globl _start\n_start:\n\tmov x0, #0\n\tmov x8, #93\n\tsvc #0\n' > "$tmp/a.s"
		aarch64-linux-gnu-as -o "$tmp/a.o" "$tmp/a.s"
		aarch64-linux-gnu-ld -o "$tmp/out" "$tmp/a.o"
		;;
	x86_64-tiny)
		printf '.globl _start\n_start:\n\tmovl $60, %%eax\n\txorl %%edi, %%edi\n\tsyscall\n' > "$tmp/x.s"
		as --64 -o "$tmp/x.o" "$tmp/x.s"
		ld -m elf_x86_64 -o "$tmp/out" "$tmp/x.o"
		;;
	hello-c)
		hello_c > "$tmp/out"
		;;
	static-hello | classflip-static | shoff-static | gcc-hello)
		hello_c > "$tmp/hello.c"
		if [ "$gen" = gcc-hello ]; then
			# exactly what the quiet family runs in its directory
			(cd "$tmp" && gcc -o hello hello.c)
		else
			(cd "$tmp" && gcc -O1 -static -o hello hello.c)
		fi
		mv "$tmp/hello" "$tmp/out"
		case $gen in
		classflip-static) patch "$tmp/out" 4 01 ;;               # EI_CLASS = ELFCLASS32
		shoff-static) patch "$tmp/out" 0x28 f0ffffffffffff7f ;;  # e_shoff = 0x7ffffffffffffff0
		esac
		;;
	upx-sample | upx-sample-scrubbed)
		[ -r "$UPX_SAMPLE" ] || die "$UPX_SAMPLE not readable (set SHARED_DIR)"
		cp "$UPX_SAMPLE" "$tmp/out"
		chmod 0644 "$tmp/out"
		if [ "$gen" = upx-sample-scrubbed ]; then
			python3 - "$tmp/out" <<-'EOF'
			import sys
			with open(sys.argv[1], "rb") as f:
			    b = f.read()
			n = b.count(b"UPX!")
			if n < 2:
			    sys.exit("upx-sample-scrubbed: only %d UPX! marks" % n)
			with open(sys.argv[1], "wb") as f:
			    f.write(b.replace(b"UPX!", b"ABCD"))
			EOF
		fi
		;;
	ldso-copy) cp "$LDSO_CANON" "$tmp/out" ;;
	bin-ls) cp /bin/ls "$tmp/out" ;;
	elfwatch-test-hello.deb)
		local p=$tmp/pkg
		mkdir -p "$p/DEBIAN" "$p/usr/local/bin"
		build x86_64-tiny "$p/usr/local/bin/elfwatch-test-hello"
		chmod 0755 "$p/usr/local/bin/elfwatch-test-hello"
		cat > "$p/DEBIAN/control" <<-'EOF'
		Package: elfwatch-test-hello
		Version: 1.0
		Architecture: all
		Maintainer: elfwatch tests <root@localhost>
		Description: elfwatch live-test package (removed after the test)
		 Installs one tiny static executable in /usr/local/bin.
		EOF
		find "$p" -exec touch -h -d @1700000000 {} +
		SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zxz --build "$p" "$tmp/out" >/dev/null
		;;
	*) die "unknown generator '$gen' (try: $0 list)" ;;
	esac
	[ "$out" = "$tmp/out" ] || { mv "$tmp/out" "$out"; chmod 0644 "$out"; }
}

case ${1:-} in
list) printf '%s\n' $GENS ;;
'' | -h | --help) echo "usage: $0 GEN OUT | list" >&2; exit 2 ;;
*)
	[ $# -eq 2 ] || die "usage: $0 GEN OUT"
	tmp=$(mktemp -d)
	build "$1" "$2"
	;;
esac
