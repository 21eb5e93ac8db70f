#!/bin/sh
# bench/rules_cost.sh: what elfwatch's audit rules cost the host. Unpacks a tarball of a tree
# (/usr/include: ~8,000 files, ~117 MB) into /tmp and removes it, once per configuration in
# each of RUNS rounds (configurations take turns, so drift on a shared machine hits all alike):
#   baseline          no audit daemon, no rules
#   PROFILE           private auditd with that rule profile, no plugin
#   PROFILE+plugin    the same plus the plugin (judging every ELF it sees written)
#   full+plugin-noself  (full profile only) the plugin with the rules' never rule for its own
#                     executable removed: the feedback loop the never rule closes
# for each PROFILE of RULES_COST_PROFILES (full = rules.d/50-elfwatch.rules, lean =
# rules.d/extra/50-elfwatch-lean.rules), and prints the median wall and CPU time of tar, the
# ratios to the baseline, the audit events per unpack, the SYSCALL records of the plugin's own
# pid (feedback loop) and the plugin's CPU time. The unpack is the write-heavy worst case for
# the /tmp dir= rules.
# usage: sh bench/rules_cost.sh ELFWATCH  (exit 77 when this machine cannot run it)
# env: RULES_COST_FILES=N     unpack only the first N files of the tree (default: all)
#      RULES_COST_TREE=DIR    the tree to unpack (default /usr/include; /usr/bin for executables)
#      RULES_COST_PROFILES="full lean"  (or a FILE.rules: named FILE)
#        (full-nolinker, lean-nolinker: the profile without its linker hijack block)
#      RULES_COST_RUNS=3  RULES_COST_NOSELF=1 (0: skip it)
#      RULES_COST_WORKLOAD=unpack|rewrite  (rewrite: O_WRONLY|O_APPEND opens of existing files)
#      RULES_COST_DEST=DIR    where to unpack (default /tmp/elfwatch-rulecost-unpack; e.g.
#                             /usr/local/lib/elfwatch-rulecost for the library-directory rules)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
elfwatch=$1
tree=${RULES_COST_TREE:-/usr/include}
profiles=${RULES_COST_PROFILES:-full lean}
runs=${RULES_COST_RUNS:-3}
workload=${RULES_COST_WORKLOAD:-unpack}
case $workload in unpack|rewrite) ;; *) echo "rules: unknown workload $workload" >&2; exit 2 ;; esac
# shellcheck source=../tests/live/lib.sh
. "$top/tests/live/lib.sh"
ew_install_traps
skip() { echo "rules: SKIP: $*"; exit 77; }

rc=0
ew_audit_check || rc=$?
[ "$rc" -eq 0 ] || skip "$ew_skip_reason"

work=$(mktemp -d /var/tmp/elfwatch-rulecost.XXXXXX)
chmod 0750 "$work"
tarball=$work/tree.tar
dest=${RULES_COST_DEST:-/tmp/elfwatch-rulecost-unpack}
cleanup_work() { rm -rf "$dest"; if [ -n "${EW_KEEP:-}" ]; then ew_log "kept $work"; else rm -rf "$work"; fi; }
ew_at_exit cleanup_work
(cd "${tree%/*}" && find "${tree##*/}" ! -type d | LC_ALL=C sort |
	head -n "${RULES_COST_FILES:-999999999}") > "$work/list"
tar -C "${tree%/*}" -cf "$tarball" -T "$work/list"
files=$(grep -c . "$work/list")
echo "rules: tarball of $tree: $files files, $(du -h "$tarball" | cut -f1); $runs rounds of $workload into $dest; load average $(cut -d" " -f1-3 /proc/loadavg)"

# workload: "WALL_MS CPU_MS" of one run of the workload (CPU = its user + system time: the
# audit work the kernel does in its syscalls, without the wait for a CPU that auditd or other
# jobs hold). unpack: tar -x of the tarball into $dest. rewrite: append one byte to each file
# of a tree unpacked beforehand (prepare, before the audit daemon starts), opened
# O_WRONLY|O_APPEND without O_CREAT|O_TRUNC: the write-opens only the write-open rules see.
prepare() {
	rm -rf "$dest"; mkdir -p "$dest"
	[ "$workload" = unpack ] || tar -C "$dest" -xf "$tarball"
	sync
}
unpack() {
	python3 - "$dest" "$tarball" "$workload" <<-'EOS'
	import os, resource, subprocess, sys, time
	dest, tarball, workload = sys.argv[1:]
	t0 = time.monotonic()
	if workload == "unpack":
	    subprocess.run(["tar", "-C", dest, "-xf", tarball], check=True)
	else:
	    subprocess.run([sys.executable, "-c", """if True:
	        import os, sys
	        for top, dirs, files in os.walk(sys.argv[1]):
	            for f in files:
	                if os.path.islink(os.path.join(top, f)):
	                    continue
	                fd = os.open(os.path.join(top, f), os.O_WRONLY | os.O_APPEND)
	                os.write(fd, b"\\n")
	                os.close(fd)""", dest], check=True)
	wall = time.monotonic() - t0
	r = resource.getrusage(resource.RUSAGE_CHILDREN)
	print("%d %d" % (wall * 1000, (r.ru_utime + r.ru_stime) * 1000))
	EOS
	rm -rf "$dest"
	sleep 1     # let auditd and the plugin drain before the next unpack
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
records() { grep -ac "$1" "$2" 2>/dev/null || :; }

# one NAME RULES [plugin]: one unpack under one configuration, in its own private auditd
# (none for the baseline); appends "NAME WALL CPU EVENTS SYSCALLS OWN LOST PLUGIN_TICKS".
round=0
one() {
	name=$1 rules=${2:-} d=$work/$1.$round
	prepare
	if [ -z "$rules" ]; then
		printf '%s %s 0 0 0 0 -\n' "$name" "$(unpack)" >> "$work/results"
		return
	fi
	mkdir -p "$d"
	stanza=
	if [ "${3:-}" = plugin ]; then
		ew_plugin_install "$d" "$elfwatch"
		printf 'output = "%s";\n' "$d/alerts.json" > "$d/elfwatch.conf"
		chmod 0640 "$d/elfwatch.conf"
		stanza=$d/audisp-elfwatch.conf
	else
		# shellcheck disable=SC2034  # read by ew_audit_load_rules
		ew_plugin_exe=
	fi
	rc=0
	# shellcheck disable=SC2086  # no stanza: no argument
	ew_audit_start "$d/audit" $stanza || rc=$?
	[ "$rc" -eq 0 ] || skip "${ew_skip_reason:-$ew_error}"
	auditctl -b 8192 >/dev/null
	ew_audit_load_rules "$rules" || { echo "rules: $ew_error" >&2; exit 1; }
	ppid_=
	for p in $(pgrep -P "$ew_auditd_pid" || :); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = audisp-elfwatch ] && ppid_=$p
	done
	sleep 1
	log=$d/audit/audit.log
	w0=$(records 'key="elfwatch_\(write\|xbit\|libdir\|preload\|ldconf\)"' "$log"); s0=$(records '^type=SYSCALL' "$log")
	o0=0; [ -z "$ppid_" ] || o0=$(records "^type=SYSCALL .* pid=$ppid_ " "$log")
	c0=0; [ -z "$ppid_" ] || c0=$(ticks "$ppid_")
	l0=$(ew_audit_status lost)
	t=$(unpack)
	w1=$(records 'key="elfwatch_\(write\|xbit\|libdir\|preload\|ldconf\)"' "$log"); s1=$(records '^type=SYSCALL' "$log")
	o1=0; [ -z "$ppid_" ] || o1=$(records "^type=SYSCALL .* pid=$ppid_ " "$log")
	c1=0; [ -z "$ppid_" ] || c1=$(ticks "$ppid_")
	l1=$(ew_audit_status lost)
	printf '%s %s %s %s %s %s %s\n' "$name" "$t" $((w1 - w0)) $((s1 - s0)) $((o1 - o0)) \
		$((l1 - l0)) "$( [ -n "$ppid_" ] && echo $((c1 - c0)) || echo -)" >> "$work/results"
	ew_audit_stop
	[ -n "${EW_KEEP:-}" ] || rm -rf "$d"
}

# Configurations take turns, one unpack each per round, so the machine's drift (other jobs,
# the disk) spreads over all of them instead of favouring the first.
: > "$work/results"
while [ "$round" -lt "$runs" ]; do
	round=$((round + 1))
	one baseline
	for prof in $profiles; do
		case $prof in
		full) f=$top/rules.d/50-elfwatch.rules ;;
		lean) f=$top/rules.d/extra/50-elfwatch-lean.rules ;;
		*.rules) f=$prof; prof=$(basename "$prof" .rules) ;;
		full-nolinker|lean-nolinker)
			f=$work/$prof.rules
			[ "$prof" = full-nolinker ] && src=$top/rules.d/50-elfwatch.rules ||
				src=$top/rules.d/extra/50-elfwatch-lean.rules
			sed '/^## ---- linker hijacks .*: begin/,/^## ---- linker hijacks: end/d' "$src" > "$f" ;;
		*) echo "rules: unknown profile $prof" >&2; exit 2 ;;
		esac
		one "$prof" "$f"
		one "$prof+plugin" "$f" plugin
		if [ "$prof" = full ] && [ "${RULES_COST_NOSELF:-1}" != 0 ]; then
			grep -v '^-A never,exit -F exe=' "$f" > "$work/noself.rules"
			one "full+plugin-noself" "$work/noself.rules" plugin
		fi
	done
	echo "rules: round $round of $runs done, load average $(cut -d" " -f1-3 /proc/loadavg)"
done

python3 - "$work/results" "$files" "$runs" "$(getconf CLK_TCK)" <<'EOS'
import statistics, sys
files, runs, hz = map(int, sys.argv[2:])
by = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 8:
        by.setdefault(f[0], []).append(f[1:])
def med(rows, i):
    v = [float(r[i]) for r in rows if r[i] != "-"]
    return statistics.median(v) if v else None
base, basecpu = med(by["baseline"], 0), med(by["baseline"], 1)
print("rules: %-19s %7s %6s %8s %6s %8s %9s %18s %4s %10s  %s" % ("configuration", "wall ms",
      "ratio", "tar CPU", "ratio", "events", "syscalls", "plugin's own", "lost", "plugin CPU",
      "wall ms of each round"))
for name, rows in by.items():
    ms, cpu_ms, ev, sc, own, lost, pt = (med(rows, i) for i in range(7))
    ownpct = "%.0f (%.0f%%)" % (own, 100 * own / sc) if pt is not None and sc else "-"
    print("rules: %-19s %7d %5.2fx %8d %5.2fx %8.0f %9.0f %18s %4d %10s  %s" % (name, ms,
          ms / base, cpu_ms, cpu_ms / basecpu if basecpu else 0, ev, sc, ownpct, lost,
          "%.2f s" % (pt / hz) if pt is not None else "-", " ".join(r[0] for r in rows)))
print("rules: %d files; medians over %d rounds; per unpack: events = write and exec-bit events "
      "(keys elfwatch_write, _xbit, _libdir, _preload, _ldconf), syscalls = every SYSCALL record (other activity on "
      "the host included), plugin's own = SYSCALL records of the plugin's pid, plugin CPU" %
      (files, runs))
EOS
