#!/bin/bash
# tests/test_fileless_proc.sh: exec-time judgement against real processes and files, without
# auditd: programs are run from a memfd (a copy of sleep, a copy of the loader), from an
# unlinked file, and a header-tampered ELF is written over an existing file with O_WRONLY;
# exec records naming those pids and identities are built and replayed with file access on,
# so the plugin reaches the images through /proc/PID/exe and the file system as it does live.
# Needs python3 and /proc; x86_64 (execveat = 322).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
ELFWATCH=${ELFWATCH:-$top_srcdir/audisp-elfwatch}
[ "$(uname -m)" = x86_64 ] || { echo "1..0 # SKIP not x86_64"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 not installed"; exit 0; }
[ -r /proc/self/exe ] || { echo "1..0 # SKIP /proc not mounted"; exit 0; }
ldso=$(readlink -f /lib64/ld-linux-x86-64.so.2)
tmp=$(mktemp -d) || exit 1
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mx="$top_srcdir/tests/live/memexec.py"

# start NAME CMD...: run CMD in the background; its pid in $NAME once it has exec'd its image
start() {
	local name=$1 p
	shift
	"$@" > /dev/null 2>&1 &
	p=$!
	pids+=("$p")
	for _ in $(seq 50); do
		case $(readlink "/proc/$p/exe" 2>/dev/null) in /memfd:*|*' (deleted)'|"$tmp"/*) break ;; esac
		sleep 0.1
	done
	printf -v "$name" %s "$p"
}
memfd_pid='' ld_pid='' del_pid=''
start memfd_pid python3 "$mx" memfd /bin/sleep ew-memfd sleep 30
start ld_pid python3 "$mx" memfd "$ldso" ew-ld /lib64/ld-linux-x86-64.so.2 /bin/sleep 30
start del_pid python3 "$mx" deleted /bin/sleep "$tmp/del" sleep 30
# a header-tampered copy of sleep (section headers past the end), written over an existing
# file with O_WRONLY only, and a clean copy run twice
printf 'placeholder\n' > "$tmp/ow"
chmod 0755 "$tmp/ow"
python3 - /bin/sleep "$tmp/tampered" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<Q", b, 0x28, len(b) + 0x100000)     # e_shoff beyond EOF
open(sys.argv[2], "wb").write(b)
PY
python3 "$mx" overwrite "$tmp/tampered" "$tmp/ow"
cp /bin/sleep "$tmp/clean"
gone_pid=$(sh -c 'echo $$')     # a process that has exited

python3 - "$tmp/log" "$memfd_pid" "$ld_pid" "$del_pid" "$gone_pid" "$tmp" <<'PY'
import os, sys
log, memfd_pid, ld_pid, del_pid, gone_pid, tmp = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
out, serial = [], [30000]

def ident(path):
    st = os.stat(path)
    return "%02x:%02x" % (os.major(st.st_dev), os.minor(st.st_dev)), st.st_ino

def enc(v):
    if any(c <= " " or c > "~" or c == '"' for c in v):
        return v.encode().hex().upper()
    return '"%s"' % v

def ev(syscall, pid, exe, argv, paths):
    serial[0] += 1
    eid = "1795390000.%03d:%d" % (serial[0] % 1000, serial[0])
    out.append('type=SYSCALL msg=audit(%s): arch=c000003e syscall=%d success=yes exit=0 a0=3 a1=1 a2=2 a3=3 items=%d ppid=1 pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=50 comm="x" exe=%s key="t"'
               % (eid, 322 if syscall == "execveat" else 59, len(paths), pid, enc(exe)))
    out.append('type=EXECVE msg=audit(%s): argc=%d %s' % (eid, len(argv), " ".join("a%d=%s" % (i, enc(a)) for i, a in enumerate(argv))))
    out.append('type=CWD msg=audit(%s): cwd="/"' % eid)
    for i, (name, (dev, ino)) in enumerate(paths):
        out.append('type=PATH msg=audit(%s): item=%d name=%s inode=%d dev=%s mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0'
                   % (eid, i, enc(name) if name else '""', ino, dev))
    out.append('type=PROCTITLE msg=audit(%s): proctitle=78' % eid)

ld = ("/lib64/ld-linux-x86-64.so.2", ident("/lib64/ld-linux-x86-64.so.2"))
for pid in (memfd_pid, ld_pid, del_pid):
    exe = os.readlink("/proc/%d/exe" % pid)
    argv = ["/lib64/ld-linux-x86-64.so.2", "/bin/sleep", "30"] if pid == ld_pid else ["sleep", "30"]
    paths = [("", ident("/proc/%d/exe" % pid))] + ([] if pid == ld_pid else [ld])
    ev("execveat", pid, exe, argv, paths)
ev("execveat", gone_pid, "/memfd:gone (deleted)", ["gone"], [("", ("00:01", 999999))])
ev("execve", 1, tmp + "/ow", [tmp + "/ow"], [(tmp + "/ow", ident(tmp + "/ow")), ld])
for _ in range(2):
    ev("execve", 1, tmp + "/clean", [tmp + "/clean"], [(tmp + "/clean", ident(tmp + "/clean")), ld])
open(log, "w").write("\n".join(out) + "\n")
PY
printf 'inspect_files = true;\n' > "$tmp/conf"
"$ELFWATCH" -c "$tmp/conf" --replay "$tmp/log" > "$tmp/alerts" 2> "$tmp/err"
python3 - "$tmp/alerts" "$memfd_pid" "$ld_pid" "$del_pid" "$gone_pid" "$tmp" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
memfd_pid, ld_pid, del_pid, gone_pid = map(int, sys.argv[2:6])
tmp = sys.argv[6]
n = 0
def check(cond, desc, got=()):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, desc))
    if not cond:
        for a in got:
            print("# got: %s %s %s %s" % (a.get("rule"), a.get("severity"), a.get("reasons"), a.get("image")))
def of(pid, rule=None):
    return [a for a in alerts if a["process"]["pid"] == pid and (rule is None or a["rule"] == rule)]
a = of(memfd_pid)
check(len(a) == 1 and a[0]["rule"] == "fileless_exec" and a[0]["severity"] == "high"
      and a[0]["image"]["judged"] == "now" and a[0]["image"]["via"] == "proc_exe"
      and "memfd" in a[0]["reasons"] and a[0]["file"].get("sha256"),
      "sleep run from a memfd: fileless_exec high, image judged through /proc/PID/exe", a)
a = of(ld_pid)
lx = [x for x in a if x["rule"] == "loader_exec"]
fx = [x for x in a if x["rule"] == "fileless_exec"]
check(len(lx) == 1 and lx[0]["severity"] == "critical"
      and {"loader_copy", "fileless_memfd"} <= set(lx[0]["reasons"])
      and lx[0]["loader"]["matched_by"] == "content",
      "the loader run from a memfd is a loader run: loader_exec critical, loader_copy, fileless_memfd", a)
check(len(fx) == 1 and fx[0]["severity"] == "critical" and "loader" in fx[0]["reasons"],
      "and fileless_exec critical (loader)", a)
a = of(del_pid)
check(len(a) == 1 and a[0]["rule"] == "fileless_exec" and "deleted_file" in a[0]["reasons"]
      and a[0]["image"]["judged"] == "now",
      "sleep run from an unlinked file: fileless_exec, judged through /proc/PID/exe", a)
a = of(gone_pid)
check(len(a) == 1 and a[0]["rule"] == "fileless_exec" and a[0]["severity"] == "high"
      and a[0]["image"].get("error") == "process_gone" and "image_not_judged" in a[0]["reasons"],
      "process gone before the look: still alerted, image_not_judged, process_gone", a)
a = [x for x in of(1) if x["file"]["path"] == tmp + "/ow"]
check(len(a) == 1 and a[0]["rule"] == "suspicious_elf_exec" and a[0]["severity"] == "high"
      and "sht_beyond_eof" in a[0]["reasons"] and a[0]["image"]["judged"] == "now",
      "tampered ELF written with O_WRONLY then run: suspicious_elf_exec high (sht_beyond_eof)", a)
a = [x for x in of(1) if x["file"]["path"] == tmp + "/clean"]
check(not a, "a clean copy of sleep run from a temporary directory: no alert", a)
PY
if grep -q 'exec judge: checks 7, cache hits 1,' "$tmp/err"; then
	echo "ok 8 - the clean copy run twice is judged once (second run a cache hit)"
else
	echo "not ok 8 - the clean copy run twice is judged once: $(grep 'exec judge' "$tmp/err")"
fi

# A file the write path judged, then hard-linked (its ctime changes, its content does not),
# then run by the link: dropped_exec speaks for it; no second alert for the same content.
cp "$tmp/tampered" "$tmp/w"
python3 - "$ELFWATCH" "$tmp" <<'PY'
import os, subprocess, sys, time
elfwatch, tmp = sys.argv[1], sys.argv[2]
st = os.stat(tmp + "/w")
dev = "%02x:%02x" % (os.major(st.st_dev), os.minor(st.st_dev))
d = os.stat(tmp)
n = [0]
def event(sec, records):
    n[0] += 1
    eid = "1795399%03d.000:%d" % (sec, 60000 + n[0])
    return "".join("type=%s msg=audit(%s): %s\n" % (t, eid, body) for t, body in records + [("EOE", "")])
def exec_ev(sec, path, ino, pdev):
    return event(sec, [("SYSCALL", 'arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=60 comm="x" exe="%s" key="t"' % (70000 + sec, path)),
                       ("EXECVE", 'argc=1 a0="%s"' % path), ("CWD", 'cwd="/"'),
                       ("PATH", 'item=0 name="%s" inode=%d dev=%s mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % (path, ino, pdev))])
tru = os.stat("/usr/bin/true")
tdev = "%02x:%02x" % (os.major(tru.st_dev), os.minor(tru.st_dev))
write = event(0, [("SYSCALL", 'arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=1ed items=2 ppid=1 pid=69999 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=60 comm="cp" exe="/usr/bin/cp" key="w"'),
                  ("CWD", 'cwd="/"'),
                  ("PATH", 'item=0 name="%s/" inode=%d dev=%s mode=040700 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % (tmp, d.st_ino, dev)),
                  ("PATH", 'item=1 name="%s/w" inode=%d dev=%s mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=CREATE cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % (tmp, st.st_ino, dev))])
conf = tmp + "/conf"
with open(tmp + "/alerts2", "w") as out, open(tmp + "/err2", "w") as err:
    p = subprocess.Popen([elfwatch, "-c", conf, "--replay", "-"], stdin=subprocess.PIPE, stdout=out, stderr=err, text=True)
    p.stdin.write(write)
    for sec in (1, 2, 3):    # time passes: the file settles and is judged
        p.stdin.write(exec_ev(sec, "/usr/bin/true", tru.st_ino, tdev))
    p.stdin.flush()
    for _ in range(50):
        time.sleep(0.1)
        if '"suspicious_elf_write"' in open(tmp + "/alerts2").read():
            break
    os.link(tmp + "/w", tmp + "/w-link")
    p.stdin.write(exec_ev(4, tmp + "/w-link", st.st_ino, dev))
    p.stdin.close()
    p.wait()
PY
rules=$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["rule"] for l in open(sys.argv[1])))' "$tmp/alerts2")
if [ "$rules" = "suspicious_elf_write dropped_exec" ]; then
	echo "ok 9 - judged by the write path, hard-linked, run by the link: dropped_exec only"
else
	echo "not ok 9 - judged by the write path, hard-linked, run by the link: dropped_exec only (got: $rules)"
fi
echo "1..9"
