#!/bin/sh
# Linker hijacks (T1574.006) replayed from a built log (tests/record/build-linker-log.py):
# writes, renames over, appends by relative name and mode changes of /etc/ld.so.preload are
# critical; an untrusted ld.so.conf.d writer is high, dpkg by name low; the same path outside
# /etc and a mode change another rule logged are nothing. With files standing in for the
# written libraries: a clean shared object from an unknown writer is medium, a foreign one
# high, dpkg's clean one quiet.
set -u
# shellcheck source=replay_lib.sh
. "${top_srcdir:-.}/tests/replay_lib.sh"

# replay OUT [OPTION...]: the linker log's alerts as JSON into OUT
replay() {
	out=$1
	shift
	ew_replay "$data/linker-audit.log" json "$out" "$@"
}

replay "$tmp/linker.json"
if cmp -s "$tmp/linker.json" "$top_srcdir/tests/golden/linker.json"; then
	ok "linker-audit.log: alerts match golden/linker.json"
else
	not_ok "linker-audit.log: alerts differ from golden/linker.json"
	diff -u "$top_srcdir/tests/golden/linker.json" "$tmp/linker.json" | sed 's/^/# /' | head -40
fi

# expect FILE ID:SEVERITY:REASONS...: exactly these alerts, all linker_hijack with T1574.006
expect() {
	file=$1 name=$2
	shift 2
	if python3 - "$file" "$@" <<'PY'
import json, sys
got = []
for line in open(sys.argv[1]):
    a = json.loads(line)
    assert a["rule"] == "linker_hijack" and a["mitre"]["technique"] == "T1574.006", a
    assert a["process"]["pid"] > 0 and "file" in a and a["parent"], a
    got.append("%s:%s:%s" % (a["event"]["id"].split(":")[1], a["severity"], ",".join(a["reasons"])))
want = sys.argv[2:]
if sorted(got) != sorted(want):
    print("# got  %s\n# want %s" % (sorted(got), sorted(want)))
    sys.exit(1)
PY
	then ok "$name"; else not_ok "$name"; fi
}
files="30002:critical:ld_so_preload_write 30003:critical:ld_so_preload_write
30004:critical:ld_so_preload_write 30006:critical:ld_so_preload_write 30007:high:ld_so_conf_write
30008:low:ld_so_conf_write,trusted_producer_name"
# shellcheck disable=SC2086
expect "$tmp/linker.json" "preload write, rename over, chmod 666, relative append: critical; conf: high, dpkg by name low" $files

art="$tmp/art"
mkdir -p "$art"
lib=""
for l in /usr/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libz.so.1 /usr/lib/x86_64-linux-gnu/libc.so.6; do
	[ -f "$l" ] && { lib=$l; break; }
done
if [ -z "$lib" ] || ! bash "$top_srcdir/tests/record/make-artifacts.sh" aarch64-tiny "$art/fe:0:2000018" \
	>/dev/null 2>&1; then
	n=$((n + 1)); echo "ok $n # SKIP no x86-64 library or aarch64 binutils to stand in for the written files"
else
	cp "$lib" "$art/fe:0:2000016"           # libevil.so.1 by cp: a clean library
	cp "$lib" "$art/fe:0:2000017"           # libok.so.1 by dpkg: quiet
	replay "$tmp/art.json" --artifacts "$art"
	# shellcheck disable=SC2086
	expect "$tmp/art.json" "library by cp: medium; foreign ELF renamed into /lib: high; dpkg's: quiet" $files \
		30010:medium:library_write 30012:high:library_write,foreign_arch
fi
# A library that cannot be judged (a FIFO stands in for it: identity_changed) is never clean:
# unjudged_write at medium with library_write, though it has no exec bit.
mkdir -p "$tmp/fifo"
if mkfifo "$tmp/fifo/fe:0:2000016" 2>/dev/null; then
	replay "$tmp/fifo.json" --artifacts "$tmp/fifo"
	if python3 - "$tmp/fifo.json" <<'PY'
import json, sys
got = [(a["rule"], a["severity"], a["reasons"]) for a in map(json.loads, open(sys.argv[1]))
       if a["file"]["path"].endswith("libevil.so.1")]
sys.exit(0 if got == [("unjudged_write", "medium", ["identity_changed", "library_write"])] else
         print("# got %s" % got) or 1)
PY
	then ok "a library in a library directory that cannot be judged: unjudged_write, medium"
	else not_ok "a library in a library directory that cannot be judged: unjudged_write, medium"; fi
else
	n=$((n + 1)); echo "ok $n # SKIP mkfifo failed"
fi
echo "1..$n"
exit $fail
