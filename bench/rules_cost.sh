#!/bin/sh
# bench/rules_cost.sh: what elfwatch's audit rules cost the host. Unpacks a large tarball
# (/usr/include: ~8,000 files, ~130 MB) into /tmp and removes it, three times each:
#   baseline  no audit daemon, no rules
#   rules     private auditd with rules.d/50-elfwatch.rules, no plugin
#   plugin    the same plus the plugin (judging every ELF it sees written)
# and prints the median wall time of each, the ratio to the baseline and the audit events the
# rules produced. The unpack is the write-heavy worst case for the /tmp dir= rules.
# usage: sh bench/rules_cost.sh ELFWATCH  (exit 77 when this machine cannot run it)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
elfwatch=$1
# shellcheck source=../tests/live/lib.sh
. "$top/tests/live/lib.sh"
ew_install_traps
skip() { echo "rules: SKIP: $*"; exit 77; }

rc=0
ew_audit_check || rc=$?
[ "$rc" -eq 0 ] || skip "$ew_skip_reason"

work=$(mktemp -d /var/tmp/elfwatch-rulecost.XXXXXX)
chmod 0750 "$work"
tarball=$work/include.tar
cleanup_work() { rm -rf "$work" /tmp/elfwatch-rulecost-unpack; }
ew_at_exit cleanup_work
tar -C /usr -cf "$tarball" include
files=$(tar -tf "$tarball" | grep -vc '/$')
echo "rules: tarball of /usr/include: $files files, $(du -h "$tarball" | cut -f1)"

unpack_ms() {
	dest=/tmp/elfwatch-rulecost-unpack
	rm -rf "$dest"; mkdir -p "$dest"
	sync
	t0=$(date +%s%N)
	tar -C "$dest" -xf "$tarball"
	t1=$(date +%s%N)
	rm -rf "$dest"
	echo $(( (t1 - t0) / 1000000 ))
}
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
run3() { a=$(unpack_ms); b=$(unpack_ms); c=$(unpack_ms); median3 "$a" "$b" "$c"; }

# baseline: no audit daemon and no rules (the kernel's enabled flag is left as it is)
base=$(run3)

# rules, no plugin
rc=0
ew_audit_start "$work/a1" || rc=$?
[ "$rc" -eq 0 ] || skip "${ew_skip_reason:-$ew_error}"
auditctl -b 8192 >/dev/null
ew_audit_load_rules "$top/rules.d/50-elfwatch.rules"
before=$(grep -ac 'key="elfwatch_write"' "$work/a1/audit.log" || :)
rules=$(run3)
sleep 1
events=$(( $(grep -ac 'key="elfwatch_write"' "$work/a1/audit.log" || :) - before ))
lost=$(ew_audit_status lost)
ew_audit_stop

# rules and the plugin
ew_plugin_install "$work" "$elfwatch"
printf 'output = "%s";\n' "$work/alerts.json" > "$work/elfwatch.conf"
chmod 0640 "$work/elfwatch.conf"
mkdir -p "$work/a2"
rc=0
ew_audit_start "$work/a2" "$work/audisp-elfwatch.conf" || rc=$?
[ "$rc" -eq 0 ] || skip "${ew_skip_reason:-$ew_error}"
auditctl -b 8192 >/dev/null
ew_audit_load_rules "$top/rules.d/50-elfwatch.rules"
plugin=$(run3)
sleep 1
ew_audit_stop

python3 - "$files" "$base" "$rules" "$plugin" "$events" "$lost" <<'EOS'
import sys
files, base, rules, plugin, events, lost = map(int, sys.argv[1:])
print("rules: unpack %d files into /tmp, median of 3: baseline %d ms; with rules %d ms (%.2fx);"
      " with rules and plugin %d ms (%.2fx); %d write events per unpack (%.2f per file); "
      "kernel lost events %d" % (files, base, rules, rules / base, plugin, plugin / base,
                                 events / 3, events / 3 / files, lost))
EOS
