#!/bin/sh
# The plugin's lifecycle without auditd (issue 10): plugin mode fed through a pipe with events
# that name real files (tests/lifecycle/events.py), as audit 4.2 treats it on every reload:
#  - end of input with a followed file pending and a folded alert storm: exit within a second,
#    the file judged, the storm's repeat line written (state off);
#  - state kept across a restart: the second process ties an exec to the first one's write
#    and knows its writer; a stale, corrupt or symlinked state file is refused and says so;
#  - SIGUSR1 logs the counters and only that, SIGHUP reloads the configuration and only that;
#  - SIGTERM honoured from the parent (a shell standing in for audisp-filter), ignored and
#    logged from anyone else.
set -u
# shellcheck source=replay_lib.sh
. "${top_srcdir:-.}/tests/replay_lib.sh"

ev() { python3 "$top_srcdir/tests/lifecycle/events.py" "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
# real-time bounds, scaled where the plugin runs slower on purpose (tests/valgrind.sh)
slow=${EW_SLOWDOWN:-1} bound=$((1000 * ${EW_SLOWDOWN:-1}))
# run CONF IN OUT: the plugin in plugin mode (stdin IN), alerts to OUT, messages to OUT.err
run() { "$ELFWATCH" -c "$1" --output stdout --log-stderr < "$2" > "$3" 2> "$3.err"; }
rules() { sed -n 's/^{"rule":"\([a-z_]*\)".*/\1/p' "$1" | tr '\n' ' '; }

if ! command -v python3 > /dev/null; then
	echo "1..0 # SKIP python3 is missing"
	exit 0
fi
sample=${SHARED_DIR:-$top_srcdir/../shared}/samples/upx/amd64-upx-3.95
if [ ! -r "$sample" ]; then
	echo "1..0 # SKIP $sample is absent (the followed file is a real UPX-packed binary)"
	exit 0
fi
mkdir -p "$tmp/drop" && chmod 755 "$tmp" "$tmp/drop"
cp "$sample" "$tmp/drop/payload" || exit 1
chmod 755 "$tmp/drop/payload"
printf 'state: { enabled = false; };\n' > "$tmp/off.conf"
printf 'state: { path = "%s/st/state"; max_age = 60; };\n' "$tmp" > "$tmp/on.conf"

# curl runs and writes the payload; the loader runs /bin/true five times (one alert, then a
# repeat line for four)
{
	ev 100 exec 5000 1 /usr/bin/curl -o "$tmp/drop/payload" http://example.invalid/p
	ev 101 write 5000 1 /usr/bin/curl "$tmp/drop/payload"
} > "$tmp/write.log"
for i in 1 2 3 4 5; do ev $((200 + i)) loader $((6000 + i)) 1 /lib64/ld-linux-x86-64.so.2 /bin/true; done \
	> "$tmp/storm.log"

# ---- end of input, state off ----
{ cat "$tmp/write.log" "$tmp/storm.log"; sleep 0.3; ms > "$tmp/eof"; } |
	"$ELFWATCH" -c "$tmp/off.conf" --output stdout --log-stderr > "$tmp/eof.json" 2> "$tmp/eof.err"
end=$(ms)
took=$((end - $(cat "$tmp/eof")))
[ "$took" -lt "$bound" ] && ok "end of input: exit $took ms after it (< $bound)" ||
	not_ok "end of input: exit took $took ms"
is "$(rules "$tmp/eof.json")" "loader_exec suspicious_elf_write alert_repeats " \
	"the loader alert, the pending file judged at the end, the storm's repeat line"
grep -q '"rule":"suspicious_elf_write".*"settled_by":"end_of_input"' "$tmp/eof.json" &&
	ok "the file was judged because input ended (settled_by end_of_input)" ||
	not_ok "settled_by: $(grep -o '"settled_by":"[a-z_]*"' "$tmp/eof.json")"
grep -q '"rule":"alert_repeats".*"count":4' "$tmp/eof.json" &&
	ok "the folded storm's count (4) is written at exit" || not_ok "no repeat line with count 4"
grep -q 'stopping: end of input' "$tmp/eof.err" && ok "logs why it stops" || not_ok "no stop message"
[ ! -e "$tmp/st" ] && ok "state off: nothing written" || not_ok "state off wrote $tmp/st"

# ---- state across a restart ----
{ cat "$tmp/write.log"; sleep 0.3; ms > "$tmp/eof"; } |
	"$ELFWATCH" -c "$tmp/on.conf" --output stdout --log-stderr > "$tmp/r1.json" 2> "$tmp/r1.json.err"
took=$(($(ms) - $(cat "$tmp/eof")))
[ "$took" -lt "$bound" ] && ok "state on: exit $took ms after the end of input (< $bound)" ||
	not_ok "state on: exit took $took ms"
is "$(rules "$tmp/r1.json")" "" "first run: the file is still being followed at the end (no alert)"
grep -q 'state saved to .*: 1 processes, 1 followed files' "$tmp/r1.json.err" &&
	ok "its state is saved: 1 process, 1 followed file" || not_ok "save: $(grep state "$tmp/r1.json.err")"
perm=$(stat -c '%a %F' "$tmp/st" "$tmp/st/state" | tr '\n' ' ')
is "$perm" "700 directory 600 regular file " "state directory 0700, file 0600"
OFFSET=1 ev 102 exec 5001 4000 "$tmp/drop/payload" > "$tmp/exec.log"
run "$tmp/on.conf" "$tmp/exec.log" "$tmp/r2.json"
grep -q 'state restored from .*: 1 processes, 1 of 1 followed files' "$tmp/r2.json.err" &&
	ok "second run: state restored" || not_ok "restore: $(grep state "$tmp/r2.json.err")"
is "$(rules "$tmp/r2.json")" "suspicious_elf_write dropped_exec " \
	"the followed file is judged at its exec, and the exec is tied to the write"
grep -q '"rule":"dropped_exec".*"written":{"event_id":"[0-9.]*:101".*"writer":{"pid":5000.*"comm":"curl".*"cmdline":"/usr/bin/curl -o ' \
	"$tmp/r2.json" && ok "with the first run's writer: curl, its command line from the process table" ||
	not_ok "dropped_exec lacks the writer"
grep -q 'state saved to .*: 2 processes, 0 followed files.*1 verdicts' "$tmp/r2.json.err" &&
	ok "second run saves 2 processes and the verdict" || not_ok "second save: $(grep 'state saved' "$tmp/r2.json.err")"

# ---- refused state files ----
run "$tmp/on.conf" "$tmp/write.log" "$tmp/r3.json"
touch -d '-2 minutes' "$tmp/st/state"
run "$tmp/on.conf" "$tmp/exec.log" "$tmp/r4.json"
grep -q 'saved state .* ignored: older than max_age.*1 followed files .* are not used' "$tmp/r4.json.err" &&
	ok "a state file older than max_age is ignored, and says what is lost" ||
	not_ok "stale: $(grep 'saved state' "$tmp/r4.json.err")"
grep -q '"rule":"dropped_exec"' "$tmp/r4.json" && not_ok "a stale state was used" ||
	ok "nothing of it is used"
run "$tmp/on.conf" "$tmp/write.log" "$tmp/r5.json"
printf 'X' | dd of="$tmp/st/state" bs=1 seek=100 conv=notrunc 2>/dev/null
run "$tmp/on.conf" "$tmp/exec.log" "$tmp/r6.json"
grep -q 'saved state .* ignored: checksum mismatch' "$tmp/r6.json.err" &&
	ok "a damaged state file is refused (checksum)" || not_ok "corrupt: $(grep 'saved state' "$tmp/r6.json.err")"
rm -f "$tmp/st/state"
echo secret > "$tmp/target"
ln -s "$tmp/target" "$tmp/st/state"
run "$tmp/on.conf" "$tmp/exec.log" "$tmp/r7.json"
grep -q 'saved state .* ignored and removed: a symlink' "$tmp/r7.json.err" && [ -f "$tmp/target" ] &&
	ok "a symlink in its place is not followed, and removed" ||
	not_ok "symlink: $(grep 'saved state' "$tmp/r7.json.err")"
rm -f "$tmp/st/state"
: > "$tmp/st/state"
chmod 600 "$tmp/st/state"
run "$tmp/on.conf" "$tmp/exec.log" "$tmp/r8.json"
grep -q 'ignored and removed: empty: the last run did not end in order' "$tmp/r8.json.err" &&
	ok "an empty file (the last run was killed) is reported" || not_ok "empty: $(grep 'saved state' "$tmp/r8.json.err")"

# ---- SIGTERM: from the parent only ----
mkfifo "$tmp/in"
(
	"$ELFWATCH" -c "$tmp/off.conf" --output stdout --log-stderr < "$tmp/in" > "$tmp/term.out" 2> "$tmp/term.err" &
	echo $! > "$tmp/term.pid"
	exec 3> "$tmp/in"
	i=0
	while [ ! -e "$tmp/go" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	ms > "$tmp/term.sent"
	kill -TERM "$(cat "$tmp/term.pid")"
	wait "$(cat "$tmp/term.pid")"
	echo $? > "$tmp/term.rc"
	ms > "$tmp/term.exit"
) &
parent=$!
i=0
while ! grep -q 'started:' "$tmp/term.err" 2>/dev/null && [ $i -lt $((50 * slow)) ]; do sleep 0.1; i=$((i + 1)); done
pid=$(cat "$tmp/term.pid")
# wait_log PATTERN: up to 5 s (scaled) for a line of term.err
wait_log() {
	i=0
	while ! grep -q "$1" "$tmp/term.err" && [ $i -lt $((50 * slow)) ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "$1" "$tmp/term.err"
}
kill -USR1 "$pid"
wait_log 'events [0-9]*, exec [0-9]*' && ! grep -q 'configuration reloaded' "$tmp/term.err" &&
	ok "SIGUSR1 logs the counters, and does not reload" || not_ok "SIGUSR1: $(tail -n 3 "$tmp/term.err")"
kill -HUP "$pid"
wait_log 'configuration reloaded' && [ "$(grep -c 'events [0-9]*, exec [0-9]*' "$tmp/term.err")" = 1 ] &&
	ok "SIGHUP reloads the configuration, and logs no counters" || not_ok "SIGHUP: $(tail -n 3 "$tmp/term.err")"
kill -TERM "$pid"
sleep 0.8
kill -0 "$pid" 2>/dev/null && ok "a SIGTERM from the test (not its parent, not auditd) does not stop it" ||
	not_ok "stopped by a SIGTERM from a stranger"
grep -q "SIGTERM or SIGINT from pid $$ ignored (1 so far): only the parent (pid $parent, " "$tmp/term.err" &&
	ok "and is logged with the sender and the parent" || not_ok "log: $(grep SIGTERM "$tmp/term.err")"
touch "$tmp/go"
wait "$parent"
is "$(cat "$tmp/term.rc" 2>/dev/null)" 0 "a SIGTERM from its parent stops it (exit 0)"
grep -q "stopping: SIGTERM from pid $parent" "$tmp/term.err" && ok "and says who sent it" ||
	not_ok "stop log: $(grep stopping "$tmp/term.err")"
took=$(($(cat "$tmp/term.exit") - $(cat "$tmp/term.sent")))
[ "$took" -lt $((1500 * slow)) ] && ok "within $took ms" || not_ok "SIGTERM to exit took $took ms"

echo "1..$n"
exit $fail
