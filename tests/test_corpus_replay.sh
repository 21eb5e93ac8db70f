#!/bin/sh
# Replay cuts of the recorded 16-core streams (../shared/corpora, never copied here; skipped
# when absent): the engine must receive every event once, whole. The interleaved cut has
# hundreds of events in flight and no EOE records; their records arrive up to 7 s of event
# time late, so any event split (by a time window, or libauparse's ageing) shows as more
# events than the cut holds.
set -u
: "${top_srcdir:=.}" "${ELFWATCH:=./audisp-elfwatch}" "${SHARED_DIR:=$top_srcdir/../shared}"
corpora="$SHARED_DIR/corpora"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fail=0

# check NAME FIRST COUNT: replay lines FIRST..FIRST+COUNT-1 of corpus NAME
check() {
	name=$1 first=$2 count=$3
	n=$((n + 1))
	if [ ! -r "$corpora/$name" ] || ! command -v xz >/dev/null 2>&1; then
		echo "ok $n # SKIP $name: $corpora/$name absent (or no xz)"
		return
	fi
	last=$((first + count - 1))
	xz -dc "$corpora/$name" | sed -n "${first},${last}p;${last}q" > "$tmp/cut.log"
	# events the cut holds: distinct stamps with a record elfwatch keeps, less those whose
	# SYSCALL is not an exec (the only syscalls these recordings keep)
	want=$(python3 - "$tmp/cut.log" <<'PY'
import re, sys
stamp = re.compile(r'^(?:node=\S+ )?type=(\S+) msg=audit\(([0-9.:]+)\)')
sysnr = re.compile(r' syscall=(\d+) ')
keep = {"SYSCALL", "EXECVE", "CWD", "PATH", "OPENAT2"}
seen, dropped = set(), set()
for line in open(sys.argv[1], errors="replace"):
    m = stamp.match(line)
    if not m or m.group(1) not in keep:
        continue
    seen.add(m.group(2))
    if m.group(1) == "SYSCALL":
        s = sysnr.search(line)
        if not s or s.group(1) not in ("59", "322"):
            dropped.add(m.group(2))
print(len(seen - dropped))
PY
)
	"$ELFWATCH" -c "$top_srcdir/tests/data/replay.conf" --replay "$tmp/cut.log" --output /dev/null \
		2> "$tmp/err"
	got=$(sed -n 's/.*info: events \([0-9]*\),.*/\1/p' "$tmp/err")
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		echo "ok $n - $name lines $first-$last: $got events, each once"
	else
		fail=1
		echo "not ok $n - $name lines $first-$last: engine saw ${got:-?} events, the cut holds ${want:-?}"
		sed 's/^/# /' "$tmp/err"
	fi
}

check interleaved-16core-audit.log.xz 400001 60000
check plugin-stream-16core.log.xz 300001 30000
echo "1..$n"
exit $fail
