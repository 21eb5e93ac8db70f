#!/bin/sh
# Regenerate the ELF fuzz seed corpus (fuzz/corpus/elf): tiny ELFs from real toolchains and
# header-patched variants of them, every file small. Needs binutils (+ cross binutils).
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/elf
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir -p "$out"; cd "$t"
printf '.globl _start\n_start: movl $60,%%eax\n xorl %%edi,%%edi\n syscall\n.data\nx: .quad 1\n' > x.s
as x.s -o x64.o && ld -o x64 x64.o && ld -pie -o x64pie x64.o 2>/dev/null || true
as --32 -o i.o x.s 2>/dev/null && ld -m elf_i386 -o i386 i.o || true
as --x32 -o x.o x.s && ld -m elf32_x86_64 -o x32 x.o || true
printf '.global _start\n_start: mov x8,#93\n svc #0\n' > a.s
aarch64-linux-gnu-as a.s -o a64.o && aarch64-linux-gnu-ld -z max-page-size=4096 -o a64 a64.o &&
	aarch64-linux-gnu-ld -z max-page-size=4096 -shared -soname ld-linux-aarch64.so.1 -o ld64.so a64.o || true
printf '.global _start\n_start: mov r7,#1\n svc #0\n' > r.s
arm-linux-gnueabihf-as r.s -o arm.o && arm-linux-gnueabihf-ld -z max-page-size=4096 -o arm arm.o || true
for f in x64 x64pie x64.o i386 x32 a64 a64.o ld64.so arm arm.o; do
	[ -f "$f" ] || continue
	cp "$f" "$out/$f"
	python3 - "$f" "$out" <<'PY'
import sys, struct
name, out = sys.argv[1], sys.argv[2]
b = open(name, 'rb').read()
def w(tag, data): open(f"{out}/{name}.{tag}", 'wb').write(data)
def p(off, val):
    d = bytearray(b); d[off:off+len(val)] = val; return bytes(d)
w('cflip', p(4, bytes([3 - b[4]])))
w('dflip', p(5, bytes([3 - b[5]])))
w('pad', p(9, b'XXXXXXX'))
w('cut64', b[:64])
w('cut200', b[:200])
c64 = b[4] == 2
w('shoff', p(0x28 if c64 else 0x20, b'\xff' * (8 if c64 else 4)))
w('shnum', p(0x3c if c64 else 0x30, b'\xff\xff'))
w('phoff', p(0x20 if c64 else 0x1c, (b'\x10' + b'\0' * 7) if c64 else b'\x10\0\0\0'))
w('upx', b + b'\0' * 8 + b'UPX!' + b'\0' * 28)
PY
done
ls "$out" | wc -l
