#!/bin/sh
# fuzz/seed_work.sh [TARGET...]: fill the campaign's work corpora ($FUZZ_WORK/T, default
# fuzz/corpus-work/T) with real inputs too large or too many to commit, as issue 10 asks:
#   elf, elf_source  the heads (64 KiB, the targets' -max_len) of ELF files from /usr/bin,
#                    /usr/sbin and /usr/lib (every k-th, about 120) and every UPX sample of
#                    ../shared/samples/upx; elf_source with its 9-byte header (flags, sizes)
#   record, record_text, prefilter, assembly, engine
#                    the recorded 16-core streams of ../shared/corpora cut into events (single
#                    ones of every shape, runs of 8 and 32 as they interleave); engine with
#                    its two leading bytes (configuration, clock) and clock steps
# Seeds are named real-*; existing ones are replaced. A source that is absent is skipped with
# a note. fuzz/run.sh -p seeds every target whose work corpus is empty. Deterministic.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_WORK:-$top/fuzz/corpus-work}
shared=${SHARED:-$top/../shared}
targets=${*:-elf elf_source record record_text prefilter assembly engine}

elf_files() {
	# every k-th ELF, sorted, so the set is the same on the same system
	for d in /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /usr/lib; do
		[ -d "$d" ] || continue
		find "$d" -maxdepth 1 -type f -size +1k 2>/dev/null | sort | while read -r f; do
			[ "$(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$f"
		done | awk 'NR % 17 == 1' | head -n 30
	done
	if [ -d "$shared/samples/upx" ]; then
		ls "$shared"/samples/upx/*-upx-* 2>/dev/null
	else
		echo "fuzz/seed_work.sh: no $shared/samples/upx: UPX samples left out" >&2
	fi
}

logs_dir=
cleanup() { [ -z "$logs_dir" ] || rm -rf "$logs_dir"; }
trap cleanup EXIT INT TERM
logs() {
	# the first 24 MB of each recorded stream, decompressed once
	[ -z "$logs_dir" ] || return 0
	logs_dir=$(mktemp -d)
	for c in plugin-stream-16core interleaved-16core-audit; do
		if [ -f "$shared/corpora/$c.log.xz" ]; then
			xz -dc "$shared/corpora/$c.log.xz" | head -c 24000000 >"$logs_dir/$c.log" || true
		else
			echo "fuzz/seed_work.sh: no $shared/corpora/$c.log.xz: left out" >&2
		fi
	done
}

for t in $targets; do
	out=$work/$t
	mkdir -p "$out"
	rm -f "$out"/real-*
	case $t in
	elf|elf_source)
		i=0
		elf_files | while read -r f; do
			i=$((i + 1))
			name=real-$(printf '%03d' "$i")-$(printf %s "$(basename "$f")" | tr -c 'A-Za-z0-9._-' _)
			if [ "$t" = elf ]; then
				head -c 65536 "$f" >"$out/$name"
			else
				# flags 0, then sizes: whole, a half, whole again (the file shrinks and grows)
				{ printf '\000\377\200\377\377\377\377\377\377'; head -c 65536 "$f"; } >"$out/$name"
			fi
		done
		;;
	record|record_text|prefilter|assembly|engine)
		logs
		ls "$logs_dir"/*.log >/dev/null 2>&1 || continue
		python3 - "$t" "$out" "$(sh "$top/fuzz/run.sh" -m "$t")" "$logs_dir"/*.log <<'PY'
import os, re, sys
t, out, maxlen, paths = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
STAMP = re.compile(rb'msg=audit\(([0-9.]+:[0-9]+)\)')
n = 0

def put(name, body):
    global n
    if t == 'engine':
        body = bytes([(0x0c, 0x01, 0x43, 0x06)[n % 4], n % 2]) + body + b'~t 5000\n~t 60000\n'
    if len(body) <= maxlen:
        open(os.path.join(out, 'real-%s' % name), 'wb').write(body)
        n += 1

for path in paths:
    fam = os.path.basename(path)[:-4]
    lines = [l.split(b'\x1d')[0] + b'\n' for l in open(path, 'rb').read().split(b'\n')[:-1]]
    # whole events in arrival order (no EOE in audit.log: grouped by stamp)
    order, by = [], {}
    for l in lines:
        m = STAMP.search(l[:200])
        if m:
            by.setdefault(m.group(1), []).append(l)
            if len(by[m.group(1)]) == 1:
                order.append(m.group(1))
    seen = set()
    for i, k in enumerate(order):
        ev = b''.join(by[k])
        shape = (tuple(re.findall(rb'type=([A-Z_]+)', ev)), re.search(rb' syscall=([0-9]+)', ev) and
                 re.search(rb' syscall=([0-9]+)', ev).group(1))
        if shape not in seen:
            seen.add(shape)
            put('%s-ev%06d' % (fam, i), ev)
    # the stream as it arrived (records of events in flight interleaved), in runs of lines
    step = len(lines) // 40 or 1
    for j in range(0, len(lines), step):
        for size in (8, 32):
            put('%s-l%07d-%d' % (fam, j, size), b''.join(lines[j:j + size]))
print('fuzz/seed_work.sh: %s: %d inputs' % (t, n))
PY
		;;
	*)
		echo "fuzz/seed_work.sh: $t: nothing to seed (its committed corpus is the seed)" ;;
	esac
	case $t in
	elf|elf_source) echo "fuzz/seed_work.sh: $t: $(find "$out" -name 'real-*' | wc -l) inputs" ;;
	esac
done
