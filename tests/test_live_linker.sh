#!/bin/bash
# tests/test_live_linker.sh: linker hijacks (T1574.006) live (TAP). A private auditd runs the
# built plugin (alerts to a file) with rules.d/50-elfwatch.rules plus the linker block's
# preload and ld.so.conf.d rules pointed at a scratch copy of /etc. The preload scenarios run in
# a private mount namespace (unshare -m) where that copy is bind-mounted over /etc: the
# processes write "/etc/ld.so.preload", the kernel writes the scratch file, and the real
# /etc/ld.so.preload is never created (checked before and after, and in the audit log: no
# ld.so.preload record under the real /etc). A scratch library directory stands in for
# /usr/local/lib (library_dirs), since the plugin judges files by name in its own namespace.
# Quiet cases: ldconfig, dpkg installing (then removing) a one-library package into
# /usr/lib/<multiarch>, gcc building .so files in its own tree under /tmp. With
# linker.environ on, a process started with LD_PRELOAD from /tmp raises preload_env.
# Skips (1..0 # SKIP) when not root, without kernel audit, unshare, gcc or dpkg-deb, or when
# another audit daemon owns the kernel interface. Env (make check): ELFWATCH, top_srcdir.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=live/lib.sh
. "$top_srcdir/tests/live/lib.sh"
ew_test_begin

for t in unshare gcc dpkg-deb dpkg python3 ldconfig; do
	command -v "$t" >/dev/null 2>&1 || ew_skip_all "$t not installed"
done
[ -x "$ELFWATCH" ] || ew_bail "plugin binary $ELFWATCH not built"
[ ! -e /etc/ld.so.preload ] && [ ! -L /etc/ld.so.preload ] ||
	ew_skip_all "this machine has a real /etc/ld.so.preload: the test never goes near one"
pkg=elfwatch-linker-test
multiarch=$(gcc -print-multiarch 2>/dev/null || :)
[ -n "$multiarch" ] && [ -d "/usr/lib/$multiarch" ] || ew_skip_all "no /usr/lib/<multiarch> directory"
! dpkg-query -W "$pkg" >/dev/null 2>&1 || ew_skip_all "package $pkg is installed already"

ew_test_dir /var/tmp/elfwatch-linker.XXXXXX 0750; dir=$ew_dir
ew_test_dir /tmp/elfwatch-linker.XXXXXX 0755; T=$ew_dir
S=$dir/scratch
L=$dir/lib
# shellcheck disable=SC2317  # run from the EXIT trap via ew_at_exit (before the directories go)
remove_pkg() {
	if dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q ' installed'; then
		dpkg -r "$pkg" > /dev/null 2>&1 || ew_log "dpkg -r $pkg failed"
	fi
}
ew_at_exit remove_pkg

# ---- files, built before audit starts ----
mkdir -p "$S/etc" "$L" "$T/src" "$T/build" "$T/pkg/DEBIAN" "$T/pkg/usr/lib/$multiarch"
cp -a /etc/. "$S/etc/"
rm -f "$S/etc/ld.so.preload"
printf 'int ew_hook(void) { return 42; }\n' > "$T/src/hook.c"
gcc -shared -fPIC -o "$T/src/libew.so" "$T/src/hook.c"
cp "$T/src/hook.c" "$T/build/q.c"
cp "$T/src/libew.so" "$T/pkg/usr/lib/$multiarch/libelfwatch-linker-test.so.0"
cat > "$T/pkg/DEBIAN/control" <<EOF
Package: $pkg
Version: 1.0
Architecture: all
Maintainer: elfwatch tests <root@localhost>
Description: elfwatch live-test package (removed after the test)
 Installs one shared object in /usr/lib/$multiarch.
EOF
dpkg-deb --root-owner-group --build "$T/pkg" "$T/$pkg.deb" > /dev/null
chmod -R go+rX "$T"

ew_plugin_install "$dir" "$ELFWATCH"
ew_plugin_config "$dir/audisp-elfwatch" "$dir/elfwatch.conf" <<EOF
output = "$dir/alerts.json";
format = "json";
log_level = "info";
linker: {
	library_dirs = [ "/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64",
			 "/usr/lib32", "/usr/libx32", "/usr/local/lib", "/usr/local/lib64",
			 "/lib/*-linux-gnu*", "/usr/lib/*-linux-gnu*", "/usr/local/lib/*-linux-gnu*",
			 "$L" ];
	environ = true;
};
state: { path = "$dir/state/state"; };
EOF
# the bundled rules, and the linker block's watches on the scratch copy and library dir
{
	cat "$top_srcdir/rules.d/50-elfwatch.rules"
	for a in b64 b32; do
		echo "-a always,exit -F arch=$a -F path=$S/etc/ld.so.preload -F perm=wa -k elfwatch_preload"
		echo "-a always,exit -F arch=$a -F dir=$S/etc/ld.so.conf.d -F perm=wa -k elfwatch_ldconf"
		echo "-a always,exit -F arch=$a -S openat -F a2&01100 -F dir=$L -F success=1 -k elfwatch_libdir"
		echo "-a always,exit -F arch=$a -S rename,renameat,renameat2,link,linkat -F dir=$L -F success=1 -k elfwatch_libdir"
	done
} > "$dir/linker.rules"

ew_start ew_audit_start "$dir/audit" "$dir/audisp-elfwatch.conf"
ew_audit_load_rules "$dir/linker.rules" || ew_bail "$ew_error"
ew_tap ok "private auditd ($ew_auditd_pid) with the bundled rules and scratch watches"

# ---- scenarios, in their own audit session so other work on the machine is left out ----
cat > "$dir/scenarios.sh" <<'SCEN'
set -eu
S=$1 L=$2 T=$3 pkg=$4
# The preload list and ld.so.conf.d in a private mount namespace: /etc is the scratch copy.
unshare -m --propagation private bash -eu -c '
	mount --bind "$1/etc" /etc
	printf "\n" > /etc/ld.so.preload                           # write (created)
	printf "\n" > /etc/.ew-preload.tmp
	mv /etc/.ew-preload.tmp /etc/ld.so.preload                  # rename over
	chmod 0666 /etc/ld.so.preload                               # chmod, no exec bit
	cd /etc && printf "\n" >> ld.so.preload                     # append by relative name
	printf "%s\n" "$2" > /etc/ld.so.conf.d/elfwatch-test.conf   # conf by an untrusted writer
	ldconfig                                                    # quiet
	rm -f /etc/ld.so.preload /etc/ld.so.conf.d/elfwatch-test.conf
' linker "$S" "$T/src"
# A shared object copied into a library directory by cp: judged, clean, medium.
cp "$T/src/libew.so" "$L/libew.so.1"
# Quiet: gcc builds .so files in its own tree; dpkg installs and removes a library.
(cd "$T/build" && gcc -shared -fPIC -o libq.so q.c && gcc -shared -fPIC -o libq2.so.1 q.c)
dpkg -i "$T/$pkg.deb" > "$T/dpkg.out" 2>&1
dpkg -r "$pkg" >> "$T/dpkg.out" 2>&1
# The environment: LD_PRELOAD from /tmp (alert), LD_LIBRARY_PATH of system dirs (none).
LD_PRELOAD=$T/src/libew.so sleep 1
LD_LIBRARY_PATH=/usr/lib/$(gcc -print-multiarch) sleep 1
SCEN
: > "$dir/ses"
bash -c 'echo 0 > /proc/self/loginuid 2>/dev/null && { read -r s < /proc/self/sessionid || [ -n "$s" ]; } &&
	printf "%s\n" "$s" > "$1"; shift; exec bash "$@"' ses "$dir/ses" "$dir/scenarios.sh" "$S" "$L" "$T" "$pkg" ||
	ew_bail "scenarios failed: $(tail -n 3 "$T/dpkg.out" 2>/dev/null)"
# written files settle (settle_ms twice), then stop: the plugin flushes at EOF
sleep 2
apid=$ew_auditd_pid
ew_audit_stop

# ---- judge ----
python3 - "$dir/alerts.json" "$dir/audit/audit.log" "$S/etc" "$L" "$T" "$(cat "$dir/ses")" \
	> "$dir/judged" <<'PY' || echo "fail|the judge failed" >> "$dir/judged"
import json, os, sys
alerts_path, audit_path, setc, libdir, tdir, ses = sys.argv[1:]
alerts = []
for line in open(alerts_path):
    line = line.strip()
    if line.startswith("{"):
        a = json.loads(line)
        # only this test's session (when the kernel let it start one)
        if not ses or str(a.get("process", {}).get("ses")) == ses:
            alerts.append(a)
def res(ok, what):
    print(("ok|" if ok else "fail|") + what)
lh = [a for a in alerts if a["rule"] == "linker_hijack"]
pre = [a for a in lh if a["file"]["path"] == "/etc/ld.so.preload"]
ops = sorted(a["event"]["settled_by"] for a in pre)
res(ops == ["chmod", "rename", "write", "write"] and all(a["severity"] == "critical" and
    a["reasons"][0] == "ld_so_preload_write" and a["mitre"]["technique"] == "T1574.006" for a in pre),
    "preload list: write, rename over, chmod 666, relative append: four critical alerts (got %s)" % ops)
conf = [a for a in lh if a["file"]["path"].startswith("/etc/ld.so.conf")]
res([(a["severity"], a["reasons"], a["process"]["comm"]) for a in conf] ==
    [("high", ["ld_so_conf_write"], "bash")],
    "ld.so.conf.d by an untrusted writer: high (got %s)" % [(a["severity"], a["file"]["path"]) for a in conf])
lib = [a for a in lh if a["file"]["path"].startswith(libdir + "/")]
res([(a["severity"], a["reasons"][0], a["process"]["comm"]) for a in lib] == [("medium", "library_write", "cp")],
    "a clean library copied into a library directory by cp: medium (got %s)" % [(a["severity"], a["reasons"]) for a in lib])
quiet = [a for a in alerts if a["severity"] in ("medium", "high", "critical") and a not in pre + conf + lib
         and a["rule"] != "preload_env"]
res(not quiet, "ldconfig, dpkg installing a library, gcc building .so files: nothing at medium or above (got %s)"
    % [(a["rule"], a.get("file", {}).get("path"), a.get("process", {}).get("comm")) for a in quiet])
env = [a for a in alerts if a["rule"] == "preload_env" and a["process"]["comm"] == "sleep"]
res(len(env) == 1 and env[0]["severity"] == "high" and env[0]["environ"]["LD_PRELOAD"] == tdir + "/src/libew.so"
    and env[0]["reasons"] == ["ld_preload_writable"],
    "LD_PRELOAD from /tmp: one high preload_env; LD_LIBRARY_PATH of system dirs: none (got %s)"
    % [(a["severity"], a.get("environ")) for a in env])
# The real /etc never held an ld.so.preload: no audited event names one with the real /etc as
# its parent directory, and it does not exist now.
real_etc, copy_etc = os.stat("/etc").st_ino, os.stat(setc).st_ino
events = {}
for line in open(audit_path, errors="replace"):
    if "type=PATH" not in line:
        continue
    f = dict(kv.split("=", 1) for kv in line.split("\x1d")[0].split() if "=" in kv)
    events.setdefault(line.split("msg=audit(")[1].split(")")[0], []).append(f)
seen = bad = 0
for items in events.values():
    if not any("ld.so.preload" in i.get("name", "") for i in items):
        continue
    seen += 1
    if any(i.get("nametype") == "PARENT" and i.get("inode") == str(real_etc) for i in items):
        bad += 1
res(seen >= 4 and bad == 0 and copy_etc != real_etc and not os.path.lexists("/etc/ld.so.preload"),
    "the real /etc/ld.so.preload was never written (%d audited ld.so.preload events, %d under the real /etc) and does not exist" % (seen, bad))
PY
while IFS= read -r line; do
	case $line in
	'ok|'*) ew_tap ok "${line#ok|}" ;;
	*) ew_tap fail "${line#*|}" ;;
	esac
done < "$dir/judged"
if [ "$(auditctl -l 2>&1)" = "No rules" ] && ! ew__alive "$apid" && [ ! -e /etc/ld.so.preload ] &&
	! dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q ' installed'; then
	ew_tap ok "auditd stopped, no rules left, no /etc/ld.so.preload, test package removed"
else
	ew_tap fail "clean stop (rules: $(auditctl -l 2>&1 | head -n 1); /etc/ld.so.preload: $(ls -l /etc/ld.so.preload 2>&1))"
fi
ew_tap_done
