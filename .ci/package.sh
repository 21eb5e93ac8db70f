#!/usr/bin/env bash
# CI: the Debian package. Builds it with dpkg-buildpackage -us -uc -b from a copy of the tree
# (it writes into the parent directory), runs lintian (no error or warning beyond the
# justified overrides), checks that it installs the same files with the same modes as make
# install, then installs it on this machine with dpkg -i, checks the files, modes, conffiles
# and the user, runs --check-config and --analyze with the installed binary (and
# debian/tests/smoke, the autopkgtest), upgrades it over an edited conffile, purges it and
# checks that the machine is as it was. Exit 0 pass, 77 skip (with the reason), 1 fail.
#
# Installing on the host is safe here because nothing of the package runs by itself: it
# starts no service and never reloads auditd, and the install is refused (skipped) when
# auditd runs, when elfwatch is already installed or when any file of the package already
# exists (a make install). The purge runs on every exit path. The user elfwatch is kept by
# purge (README "Uninstall"); it must exist before (scripts/setup.sh) or is removed again.
#
# Env: ELFWATCH_PACKAGE_CHECK=1 also runs make check inside the package build (off: .ci/run
# has just run it on the same tree; the build runs it without ../shared anyway).
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

failures=0
say() { echo "package: $*"; }
fail() { say "FAIL: $*"; failures=$((failures + 1)); }
skip() { say "SKIP: $*"; exit 77; }
# shellcheck source=tests/distros/package_checks.sh
. "$top/tests/distros/package_checks.sh"

for t in dpkg-buildpackage dh lintian fakeroot git hardening-check; do
	command -v "$t" >/dev/null 2>&1 || skip "$t missing (scripts/setup.sh installs it)"
done
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout (the copy is made from git ls-files)"

start=$(date +%s)
tmp=$(mktemp -d /tmp/elfwatch-package.XXXXXX)
installed=no
cleanup() {
	exec 4>&-
	if [ "$installed" = yes ]; then
		say "purging elfwatch (exit path)"
		dpkg_locked --purge elfwatch >/dev/null 2>&1 || say "purge failed: dpkg --purge elfwatch by hand"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# dpkg ARGS: dpkg, waiting (up to 5 minutes) while another dpkg or apt holds its lock.
dpkg_locked() {
	local out rc i
	for i in $(seq 60); do
		out=$(dpkg "$@" 2>&1); rc=$?
		case $out in *"dpkg frontend lock"*|*"dpkg status database is locked"*) sleep 5 ;; *)
			printf '%s\n' "$out"; return "$rc" ;; esac
	done
	printf '%s\n' "$out"; return "$rc"
}

# system_auditd: the pids of auditds that read /etc/audit (a private one a live test starts
# with -c DIR reads its own plugins.d, tests/live/lib.sh).
system_auditd() {
	local p args
	for p in $(pgrep -x auditd); do
		args=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) || continue
		case " $args " in *" -c /etc/audit "*|*" -c /etc/audit/ "*) echo "$p" ;;
		*" -c "*) ;; *) echo "$p" ;; esac
	done
}

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
upstream=${version%-*}
src=$tmp/elfwatch-$upstream
acver=$(sed -n 's/^AC_INIT(\[elfwatch\], \[\([^]]*\)\].*/\1/p' configure.ac)
[ "$acver" = "$upstream" ] || fail "debian/changelog's upstream version $upstream is not configure.ac's $acver"
mkdir "$src"
# Tracked and new files, none of what a build in place left behind.
git ls-files -z -co --exclude-standard | tar -cf - --null -T - | tar -xf - -C "$src" ||
	{ fail "copy of the tree"; exit 1; }

# ---- build ----
opts="${DEB_BUILD_OPTIONS:-}"
[ "${ELFWATCH_PACKAGE_CHECK:-0}" = 1 ] || opts="$opts nocheck"
t0=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS="$opts" dpkg-buildpackage -us -uc -b -j2 >"$tmp/build.log" 2>&1); then
	fail "dpkg-buildpackage -us -uc -b (last lines of its log):"
	tail -n 40 "$tmp/build.log" | sed 's/^/  /'
	exit 1
fi
say "built $(cd "$tmp" && ls ./*.deb | tr '\n' ' ')in $(( $(date +%s) - t0 )) s (DEB_BUILD_OPTIONS='${opts# }')"
deb=$(ls "$tmp"/elfwatch_"${version}"_*.deb)
changes=$(ls "$tmp"/elfwatch_"${version}"_*.changes)

# ---- lintian: Debian's default level (errors and warnings), overrides in debian/ ----
t0=$(date +%s)
lint=$(lintian "$changes" 2>&1 | grep -v '^running with root privileges')
tags=$(printf '%s\n' "$lint" | grep -E '^[EW]: ' | grep -v ' initial-upload-closes-no-bugs ' || :)
if [ -n "$tags" ]; then
	fail "lintian: errors or warnings:"; printf '%s\n' "$tags" | sed 's/^/  /'
else
	say "lintian: clean at the default level ($(( $(date +%s) - t0 )) s; left: initial-upload-closes-no-bugs, no ITP bug)"
fi

# ---- the package and make install lay out the same files, with the same modes ----
# (the package adds files directly in /usr/share/doc/elfwatch (README, changelog, copyright) and
# its lintian overrides, and compresses the man pages, as Debian wants; examples/ is make install's)
pkglist() { dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $6 }' |
	grep -v -e ' /usr/share/doc/elfwatch/[^/]*$' -e ' /usr/share/lintian/overrides/elfwatch$' | sed -E 's|^(.* /usr/share/man/.*)\.gz$|\1|' | sort -k2; }
mi=$tmp/make-install
if ! make -C "$src" install DESTDIR="$mi" >"$tmp/install.log" 2>&1; then
	fail "make install DESTDIR= in the package's build tree:"; tail -n 20 "$tmp/install.log" | sed 's/^/  /'
else
	pkglist > "$tmp/pkg.list"
	(cd "$mi" && find . ! -type d -printf '%M /%P\n' | sort -k2) > "$tmp/mi.list"
	if d=$(diff "$tmp/mi.list" "$tmp/pkg.list"); then
		say "package and make install: the same $(wc -l < "$tmp/pkg.list") files and modes"
	else
		fail "package (>) and make install (<) differ:"; printf '%s\n' "$d" | sed 's/^/  /'
	fi
fi

# ---- install on this machine, check, purge ----
paths=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }')
why=""
if [ "$(id -u)" -ne 0 ]; then why="not root"
elif [ -n "$(system_auditd)" ]; then why="auditd is running here (a reload would start the plugin)"
elif st=$(dpkg-query -W -f='${Status}' elfwatch 2>/dev/null) && [ "${st##* }" != not-installed ]; then
	why="elfwatch is already installed (or its configuration kept) here"
else
	for p in $paths; do [ -e "$p" ] && { why="$p exists already (make install?)"; break; }; done
fi
if [ -n "$why" ]; then
	say "install check SKIPPED: $why"
	say "$( [ $failures -eq 0 ] && echo PASS || echo FAIL ) without the install check in $(( $(date +%s) - start )) s"
	[ $failures -eq 0 ] && exit 77
	exit 1
fi

# The postinst on a machine without the user: run in a private mount namespace whose /etc is
# an overlay over the real one, so the user it creates never reaches this machine.
mkdir "$tmp/ctrl" "$tmp/up" "$tmp/work" && dpkg-deb -e "$deb" "$tmp/ctrl"
cat > "$tmp/fresh.sh" <<'EOS'
set -e
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc
# (userdel refuses while a plugin of a live test runs as elfwatch: edit the overlay's files)
sed -i '/^elfwatch:/d' /etc/passwd /etc/shadow /etc/group /etc/gshadow
if getent passwd elfwatch || getent group elfwatch; then echo "user elfwatch still there"; exit 1; fi
"$1/ctrl/postinst" configure "" >/dev/null
a=$(getent passwd elfwatch)
"$1/ctrl/postinst" configure "" >/dev/null
b=$(getent passwd elfwatch)
[ "$a" = "$b" ] || echo "second run changed the user: $a -> $b"
echo "$a"; id elfwatch
EOS
if out=$(unshare -m sh "$tmp/fresh.sh" "$tmp" 2>&1); then
	u=$(printf '%s\n' "$out" | grep '^elfwatch:')
	g=$(printf '%s\n' "$out" | grep '^uid=')
	uid=$(printf '%s' "$u" | cut -d: -f3)
	case $u in elfwatch:x:*:*:*:/nonexistent:/usr/sbin/nologin) ;; *) fail "postinst made '$u'" ;; esac
	[ -n "$uid" ] && [ "$uid" -lt 1000 ] || fail "postinst made a non-system uid '$uid'"
	case $g in *"groups=$(printf '%s' "$u" | cut -d: -f4)(elfwatch)") ;; *) fail "user's groups: $g" ;; esac
	printf '%s\n' "$out" | grep -q 'second run' && fail "$(printf '%s\n' "$out" | grep 'second run')"
	say "postinst without the user (in an /etc overlay): made '$u', its own group only; again: no change"
elif [ "$(id -u)" -ne 0 ]; then
	say "postinst without the user: not checked (not root)"
else
	fail "postinst without the user (in an /etc overlay): $out"
fi

# What the machine looks like before, to compare after the purge.
snapshot() {
	find /etc/audit /usr/share/elfwatch /usr/share/doc/elfwatch /usr/sbin/audisp-elfwatch \
		/usr/share/man/man5/elfwatch.conf.5.gz /usr/share/man/man7/elfwatch.rules.7.gz \
		/usr/share/man/man8/audisp-elfwatch.8.gz -printf '%M %u %g %s %p\n' 2>/dev/null | sort -k6
	getent passwd elfwatch; getent group elfwatch
	dpkg-query -W -f='${Status}\n' elfwatch 2>/dev/null || echo "elfwatch not known to dpkg"
}
snapshot > "$tmp/before"
user_before=$(getent passwd elfwatch || :)

t0=$(date +%s)
installed=yes
if ! out=$(dpkg_locked -i "$deb"); then
	fail "dpkg -i:"; printf '%s\n' "$out" | sed 's/^/  /'
	exit 1
fi
say "installed in $(( $(date +%s) - t0 )) s; postinst said:"; printf '%s\n' "$out" | grep '^elfwatch\|^  ' | sed 's/^/  | /'
case $out in *"augenrules --load"*) ;; *) fail "postinst does not say how to load the rules" ;; esac
[ -n "$(system_auditd)" ] && fail "auditd runs after the install: the package must not start it"

pkgcheck_files
getent passwd elfwatch >/dev/null || fail "user elfwatch missing after the install"
pkgcheck_runs env PATH=/usr/sbin:/usr/bin:/sbin:/bin sh debian/tests/smoke

# A plugin that runs as root from the installed binary (auditd started it before the user
# existed): the postinst says to restart auditd. Played by --replay of a FIFO we hold open.
mkfifo "$tmp/fifo"
/usr/sbin/audisp-elfwatch --replay "$tmp/fifo" --output stdout >/dev/null 2>&1 &
rp=$!
exec 4>"$tmp/fifo"
out=$(/var/lib/dpkg/info/elfwatch.postinst configure "$version" 2>&1)
exec 4>&-
wait "$rp"
case $out in *"runs as root"*"systemctl restart auditd"*) ;;
*) fail "postinst with a root plugin running does not say to restart auditd: $out" ;; esac

# PIE, stack protector, fortify, relro, bind now (Debian 12's dpkg-buildflags adds no
# -fcf-protection, so control-flow integrity is not asked for)
out=$(hardening-check --nocfprotection -q /usr/sbin/audisp-elfwatch 2>&1) || fail "hardening-check: $out"
# a copy of /bin/true whose e_machine says AArch64 (183): foreign, exit 1
cp /bin/true "$tmp/foreign" && printf '\267\000' | dd of="$tmp/foreign" bs=1 seek=18 conv=notrunc 2>/dev/null
out=$(/usr/sbin/audisp-elfwatch --analyze "$tmp/foreign" 2>/dev/null); rc=$?
case "$rc:$out" in 1:*'"code":"foreign_arch"'*) ;;
*) fail "audisp-elfwatch --analyze on an AArch64-marked copy: exit $rc: $out" ;; esac

# Upgrade: the same package under a higher version (repacked), over an edited conffile.
up=$tmp/upgrade
if dpkg-deb -R "$deb" "$up" && sed -i "s/^Version: .*/Version: ${version}+ciupgrade1/" "$up/DEBIAN/control" &&
	dpkg-deb --root-owner-group -b "$up" "$tmp/upgrade.deb" >/dev/null; then
	echo '# edited by .ci/package.sh' >> /etc/audit/elfwatch.conf
	if out=$(dpkg_locked -i "$tmp/upgrade.deb" </dev/null); then
		case $out in *"systemctl reload auditd"*) ;; *) fail "the upgrade's postinst does not say to reload auditd: $out" ;; esac
		tail -n 1 /etc/audit/elfwatch.conf | grep -qx '# edited by .ci/package.sh' ||
			fail "the upgrade lost an edit of /etc/audit/elfwatch.conf"
		expect /usr/sbin/audisp-elfwatch 750 root:root
		say "upgrade to ${version}+ciupgrade1: edited configuration kept, modes kept, postinst says to reload"
	else
		fail "dpkg -i of the upgrade:"; printf '%s\n' "$out" | sed 's/^/  /'
	fi
else
	fail "repacking the package for the upgrade check"
fi

t0=$(date +%s)
if out=$(dpkg_locked --purge elfwatch); then
	installed=no
	say "purged in $(( $(date +%s) - t0 )) s; postrm said:"; printf '%s\n' "$out" | grep '^elfwatch\|^  ' | sed 's/^/  | /'
else
	fail "dpkg --purge elfwatch:"; printf '%s\n' "$out" | sed 's/^/  /'
fi
if [ -z "$user_before" ] && getent passwd elfwatch >/dev/null; then
	# purge keeps the user the postinst made; this machine did not have it before
	deluser --quiet --system elfwatch >/dev/null 2>&1 || fail "deluser --system elfwatch"
	getent group elfwatch >/dev/null && { delgroup --quiet --system --only-if-empty elfwatch >/dev/null 2>&1 ||
		fail "delgroup --system elfwatch"; }
	say "removed user elfwatch again (the postinst made it; scripts/setup.sh had not)"
fi
snapshot > "$tmp/after"
if d=$(diff "$tmp/before" "$tmp/after"); then
	say "after the purge the machine is as before (files, /etc/audit, user, dpkg)"
else
	fail "left behind by install + purge (< before, > after):"; printf '%s\n' "$d" | sed 's/^/  /'
fi
for p in $paths; do [ -e "$p" ] && fail "$p left after the purge"; done
ls /etc/audit/*.dpkg-* /etc/audit/*/*.dpkg-* >/dev/null 2>&1 && fail "dpkg backup files left in /etc/audit"

if [ $failures -eq 0 ]; then
	say "PASS in $(( $(date +%s) - start )) s"
	exit 0
fi
say "FAIL ($failures) in $(( $(date +%s) - start )) s"
exit 1
