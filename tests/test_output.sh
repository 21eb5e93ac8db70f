#!/bin/sh
# Output formats of a replay: ECS alerts against golden files (and each line an ECS document
# with the fields docs/ecs.md promises), text for a person against a golden file, JSON by
# default into a pipe, text with colour on a terminal (a pty from script(1)), NO_COLOR honoured.
set -u
# shellcheck source=replay_lib.sh
. "${top_srcdir:-.}/tests/replay_lib.sh"

same() {
	if cmp -s "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3 (differs from ${2#"$top_srcdir"/})"
		diff -u "$2" "$1" | sed 's/^/# /' | head -40
	fi
}

for fam in loader fileless; do
	case $fam in loader) log="$data/loader-stream.log" ;; *) log="$data/fileless-audit.log" ;; esac
	ew_replay "$log" ecs "$tmp/$fam.ecs"
	same "$tmp/$fam.ecs" "$golden/$fam.ecs" "$fam: ECS alerts match golden/$fam.ecs"
done

# Every ECS line: one JSON object with @timestamp, event.kind alert, rule.name, log.level,
# the MITRE technique, the process and the elfwatch namespace; same alerts as the JSON format.
ew_replay "$data/loader-stream.log" json "$tmp/loader.json"
if python3 - "$tmp/loader.ecs" "$tmp/loader.json" "$tmp/fileless.ecs" <<'PY'
import json, sys
ecs = [json.loads(l) for l in open(sys.argv[1])]
js = [json.loads(l) for l in open(sys.argv[2])]
assert len(ecs) == len(js) > 0, (len(ecs), len(js))
for e, j in zip(ecs, js):
    assert e["@timestamp"] == j["event"]["time"], e["@timestamp"]
    assert e["event"]["kind"] == "alert" and e["event"]["id"] == j["event"]["id"]
    assert e["rule"]["name"] == e["event"]["action"] == j["rule"]
    assert e["log"]["level"] == j["severity"]
    assert e["threat"]["technique"]["id"] == j["mitre"]["technique"].split(".")[0]
    assert e["process"]["pid"] == j["process"]["pid"]
    assert e["process"]["executable"] == j["process"]["exe"]
    assert e["process"]["args"] == j["process"]["argv"]
    assert e["process"]["parent"]["pid"] == j["process"]["ppid"]
    assert e["elfwatch"]["reasons"] == j["reasons"]
    assert e["elfwatch"]["loader"] == j["loader"]
    assert e["message"] == j["summary"]
for l in open(sys.argv[3]):
    e = json.loads(l)
    assert e["file"]["path"] == e["process"]["executable"] and e["elfwatch"]["image"]["judged"], e
PY
then ok "ECS lines carry the JSON alert's facts under ECS names"
else not_ok "ECS lines do not match the JSON alerts"; fi

ew_replay "$data/loader-stream.log" text "$tmp/loader.txt"
same "$tmp/loader.txt" "$golden/loader.txt" "loader: text lines and summary match golden/loader.txt"
if grep -q "$(printf '\033')" "$tmp/loader.txt"; then not_ok "text into a file has no colour"
else ok "text into a file has no colour"; fi

# Without --format: JSON into a pipe or a file, text on a terminal.
if "$ELFWATCH" -c "$data/replay.conf" --identities "$data/identities.tsv" --replay \
	"$data/loader-stream.log" 2>/dev/null | head -1 | grep -q '^{"rule":"loader_exec"'; then
	ok "no --format: JSON into a pipe"
else not_ok "no --format: not JSON into a pipe"; fi

run_pty() { # run_pty OUT ENV...: the replay on a pseudo-terminal, its output in OUT
	out=$1
	shift
	env "$@" script -qec "'$ELFWATCH' -c '$data/replay.conf' --identities '$data/identities.tsv' --replay '$data/loader-stream.log' 2>/dev/null" /dev/null > "$out" 2>&1
}
if ! command -v script >/dev/null 2>&1; then
	for _ in 1 2 3; do n=$((n + 1)); echo "ok $n # SKIP script(1) is missing (bsdutils)"; done
else
	esc=$(printf '\033')
	run_pty "$tmp/pty.txt" TERM=xterm NO_COLOR=
	if grep -q "^2026-11-22 16:31:13 ${esc}\[1;31mCRITICAL${esc}\[0m loader_exec" "$tmp/pty.txt"; then
		ok "terminal: text with colour by default"
	else
		not_ok "terminal: no coloured text"; head -3 "$tmp/pty.txt" | cat -v | sed 's/^/# /'
	fi
	run_pty "$tmp/pty-nocolor.txt" TERM=xterm NO_COLOR=1
	if grep -q "^2026-11-22 16:31:13 CRITICAL loader_exec" "$tmp/pty-nocolor.txt" &&
	   ! grep -q "$esc" "$tmp/pty-nocolor.txt"; then
		ok "terminal with NO_COLOR: text without colour"
	else
		not_ok "NO_COLOR not honoured"; head -3 "$tmp/pty-nocolor.txt" | cat -v | sed 's/^/# /'
	fi
	# the hostile target name (a newline, invalid UTF-8) reaches the terminal escaped
	if grep -q 'pay load\\x0a\\xff\\xfe' "$tmp/pty.txt"; then
		ok "terminal: control bytes in a name shown escaped"
	else
		not_ok "terminal: a hostile name was not escaped"
	fi
fi

# text is for a person: not a plugin-mode format, never into syslog
if "$ELFWATCH" --check-config -c "$data/replay.conf" --format text >/dev/null 2>&1; then
	not_ok "--format text accepted outside --replay"
else ok "--format text refused outside --replay"; fi
if "$ELFWATCH" -c "$data/replay.conf" --replay /dev/null --format text --output syslog >/dev/null 2>&1; then
	not_ok "--format text --output syslog accepted"
else ok "--format text refused for syslog"; fi

# --analyze: text (one line per ELF file, then the summary), ECS, JSON by default into a pipe.
mkdir -p "$tmp/az"
cp /bin/true "$tmp/az/true"
python3 -c '
import sys
b = bytearray(open("/bin/true", "rb").read()); b[0x12:0x14] = (183).to_bytes(2, "little")
open(sys.argv[1], "wb").write(b)' "$tmp/az/arm$(printf '\033')[2J"
"$ELFWATCH" --analyze --format text "$tmp/az" > "$tmp/az.txt" 2>/dev/null
if grep -q "^HIGH     $tmp/az/arm\\\\x1b\\[2J  AArch64 dyn foreign \\[foreign_arch\\]\$" "$tmp/az.txt" &&
   grep -q "^INFO     $tmp/az/true  x86-64 dyn\$" "$tmp/az.txt" &&
   grep -q '^summary: 2 ELF files shown: critical 0, high 1, medium 0, low 0, info 1$' "$tmp/az.txt" &&
   grep -q '^  findings: foreign_arch 1$' "$tmp/az.txt" && ! grep -q "$(printf '\033')" "$tmp/az.txt"; then
	ok "--analyze --format text: a line per file, ESC in a name escaped, summary"
else
	not_ok "--analyze --format text"; cat -v "$tmp/az.txt" | sed 's/^/# /'
fi
"$ELFWATCH" --analyze --format ecs "$tmp/az" > "$tmp/az.ecs" 2>/dev/null
if python3 - "$tmp/az.ecs" <<'PY'
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
assert len(ls) == 2
for e in ls:
    assert e["event"]["kind"] == "event" and e["event"]["dataset"] == "elfwatch.analyze"
    assert e["log"]["level"] == e["elfwatch"]["severity"]
    assert e["file"]["elf"]["architecture"] == e["elfwatch"]["elf"]["machine_name"]
    assert e["@timestamp"].endswith("Z")
arm = [e for e in ls if e["file"]["path"].endswith("[2J")][0]
assert arm["file"]["name"] == "arm\x1b[2J" and arm["event"]["severity"] == 4 and arm["file"]["hash"]["sha256"]
PY
then ok "--analyze --format ecs: ECS documents"; else not_ok "--analyze --format ecs"; fi
# kv: one well-formed key=value line per file, the ESC in the name as \x1b
"$ELFWATCH" --analyze --format kv "$tmp/az" > "$tmp/az.kv" 2>/dev/null
if python3 - "$tmp/az.kv" <<'PY'
import re, sys
pair = r'[a-z0-9_]+=("(?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\x[0-9a-f]{2})*"|[A-Za-z0-9_.:+-]+)'
lines = open(sys.argv[1], "rb").read().decode("ascii").split("\n")
assert lines[-1] == "" and len(lines) == 3, lines
for l in lines[:-1]:
    assert re.fullmatch(pair + "( " + pair + ")*", l), l
assert any('path="' in l and '\\x1b[2J" severity="high"' in l and 'findings="foreign_arch"' in l for l in lines)
PY
then ok "--analyze --format kv: well-formed lines, hostile name escaped"; else not_ok "--analyze --format kv"; fi
if "$ELFWATCH" --analyze "$tmp/az" 2>/dev/null | head -1 | grep -q '^{"path":'; then
	ok "--analyze without --format: JSON into a pipe"
else not_ok "--analyze: not JSON into a pipe"; fi

echo "1..$n"
exit "$fail"
