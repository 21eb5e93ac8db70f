#!/bin/sh
# bench/record_host_mix.sh: record the real non-exec audit events that make up the "host mix"
# of the replay benchmark (bench/data/host-mix-stream.log): file opens under /etc (openat),
# network connects (connect: TCP accepted, TCP refused, unix socket) and PAM logins (su,
# runuser: USER_AUTH/ACCT, CRED_*, USER_START/END) plus an auditctl -m USER message.
#
# A private auditd (tests/live/lib.sh) with a recorder plugin (`cat >> stream.log`) captures
# them as a plugin reads them (with EOE). The activity runs in its own audit session (a write
# to /proc/self/loginuid); only records of that session's events are kept. Needs root, kernel
# audit and no other audit daemon. The log is a committed fixture: bench/run.sh only reads it.
# Usage: sh bench/record_host_mix.sh [OUT]   (default bench/data/host-mix-stream.log)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/live/lib.sh
. "$top/tests/live/lib.sh"
ew_install_traps

out=${1:-$top/bench/data/host-mix-stream.log}
work=$(mktemp -d /var/tmp/elfwatch-mix.XXXXXX)
chmod 0750 "$work"
remove_work() { if [ -n "${EW_KEEP:-}" ]; then ew_log "kept $work"; else rm -rf "$work"; fi; }
ew_at_exit remove_work

printf '#!/bin/sh\nexec cat >> %s/stream.log\n' "$work" > "$work/recorder"
chmod 0755 "$work/recorder"
cat > "$work/recorder.conf" <<EOC
active = yes
direction = out
path = $work/recorder
type = always
format = string
EOC
cat > "$work/mix.rules" <<'EOC'
-a always,exit -F arch=b64 -S open,openat -F dir=/etc -F key=bench_file
-a always,exit -F arch=b64 -S connect -F key=bench_net
EOC

rc=0
ew_audit_start "$work" "$work/recorder.conf" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "record_host_mix: cannot record here: ${ew_skip_reason:-$ew_error}" >&2
	exit 1
fi
ew_audit_load_rules "$work/mix.rules"

# The activity, in a fresh audit session whose number is written to $work/ses.
sh -c 'echo 0 > /proc/self/loginuid && cat /proc/self/sessionid > "$1" && exec sh -c "
	for i in 1 2 3; do
		cat /etc/hostname /etc/os-release > /dev/null
		ls /etc > /dev/null
		getent passwd root > /dev/null
		su -c true root
		runuser -u nobody -- true
		python3 -c \"
import socket
srv = socket.socket(); srv.bind((\\\"127.0.0.1\\\", 0)); srv.listen(1)
c = socket.socket(); c.connect(srv.getsockname()); c.close()
r = socket.socket()
try: r.connect((\\\"127.0.0.1\\\", 1))
except OSError: pass
u = socket.socket(socket.AF_UNIX)
try: u.connect(\\\"/run/elfwatch-bench-nonexistent.sock\\\")
except OSError: pass
\"
		auditctl -m \"elfwatch bench host mix \$i\"
	done"' mix "$work/ses"

sleep 1
ew_audit_stop
ses=$(cat "$work/ses")
python3 - "$ses" "$work/stream.log" > "$out" <<'EOP'
import re, sys
ses = sys.argv[1].encode()
rec = re.compile(rb"^type=\w+(?:\[\d+\])? msg=audit\((\d+\.\d+:\d+)\)")
keep, lines = set(), []
with open(sys.argv[2], "rb") as f:
    for line in f:
        m = rec.match(line)
        if not m:
            continue
        lines.append((m.group(1), line))
        if re.search(rb" ses=" + ses + rb"[ \x1d\n]", line.split(b"\x1d")[0] + b"\n"):
            keep.add(m.group(1))
sys.stdout.buffer.writelines(l for eid, l in lines if eid in keep)
EOP
echo "record_host_mix: $(grep -c . "$out") records in $out" >&2
awk '{print $1}' "$out" | sort | uniq -c >&2
