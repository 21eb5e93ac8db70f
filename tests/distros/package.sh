#!/bin/bash
# tests/distros/package.sh PHASE: the Debian package on this machine's Debian release, run as root
# inside a throw-away chroot of `make check-distros` (tests/distros/check-distros.sh runs the
# phases in order, and the plugin's lifecycle under this release's auditd between install and
# remove). Never on a machine you care about: install removes the user elfwatch first.
#   build DIR      dpkg-buildpackage -us -uc -b (nocheck: make check ran) in DIR, a clean copy
#                  of the tree; no warning from the build (compilers, debhelper, dpkg tools);
#                  the package and make install DESTDIR= of its build tree hold the same files
#                  and modes. Writes the .deb's path to WORK/deb.
#   install        as on a fresh machine (no user elfwatch, no auditd running): dpkg -i, nothing
#                  said but what the postinst means to say; files, modes, owners, conffiles,
#                  stanza, rules, the user it made, man page; --check-config, --analyze and
#                  debian/tests/smoke with the installed binary; auditd not started.
#   remove         dpkg --remove: the program gone, the conffiles kept.
#   purge          dpkg --purge: every path of the package gone, no dpkg backup file, the
#                  machine as before install but for the user elfwatch (kept, README "Uninstall").
# Output: "package: ..." lines, "package: FAIL: ..." for each failure. Exit 0 or 1.
# Env: EW_PKG_WORK (default /build/pkg-work): the .deb and what the phases pass on.
# shellcheck disable=SC2015  # "A && B || fail ...": a failure when either is false
set -uo pipefail
export LC_ALL=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
work=${EW_PKG_WORK:-/build/pkg-work}
failures=0
say() { echo "package: $*"; }
fail() { say "FAIL: $*"; failures=$((failures + 1)); }
finish() { [ "$failures" -eq 0 ] || { say "$1: $failures failure(s)"; exit 1; }; say "$1: ok"; exit 0; }
# noise TEXT: lines a tool should not have printed (warnings, deprecations, errors)
noise() { printf '%s\n' "$1" | grep -iE 'warn|deprecat|error|unknown option|not found' || :; }
# shellcheck source=tests/distros/package_checks.sh
. "$(dirname "$0")/package_checks.sh"

# auditd_here: auditds whose root is this chroot's (the chroot shares the machine's pids: a live
# test's auditd outside it is none of the package's doing)
auditd_here() {
	local p here
	here=$(stat -c %d:%i /)
	for p in $(pgrep -x auditd); do
		[ "$(stat -L -c %d:%i "/proc/$p/root/" 2>/dev/null)" = "$here" ] && echo "$p"
	done
}

snapshot() {
	find /etc/audit /usr/share/elfwatch /usr/share/doc/elfwatch /usr/sbin/audisp-elfwatch \
		/usr/share/man/man5/elfwatch.conf.5.gz /usr/share/man/man7/elfwatch.rules.7.gz \
		/usr/share/man/man8/audisp-elfwatch.8.gz /usr/share/lintian/overrides/elfwatch \
		-printf '%M %u %g %s %p\n' 2>/dev/null | sort -k5
	dpkg-query -W -f='${Status}\n' elfwatch 2>/dev/null || echo "elfwatch not known to dpkg"
}
phase_build() {
	local dir=$1 t0 opts out mi deps so pkg
	mkdir -p "$work" && rm -f "$work"/*.deb
	cd "$dir" || { fail "no tree $dir"; finish build; }
	opts="${DEB_BUILD_OPTIONS:-} nocheck"
	t0=$(date +%s)
	if ! DEB_BUILD_OPTIONS="${opts# }" dpkg-buildpackage -us -uc -b -j2 > "$work/dpkg-buildpackage.log" 2>&1; then
		fail "dpkg-buildpackage -us -uc -b: $(grep -E 'error|rror:' "$work/dpkg-buildpackage.log" | tail -n 3 | tr '\n' ' ')"
		finish build
	fi
	cp ../elfwatch_*.deb "$work/" && ls "$work"/elfwatch_*.deb > "$work/deb" || fail "no .deb built"
	say "built $(basename "$(cat "$work/deb")") in $(( $(date +%s) - t0 )) s with dpkg-buildpackage $(dpkg-query -W -f='${Version}' dpkg-dev), debhelper $(dpkg-query -W -f='${Version}' debhelper)"
	# every warning of the build, from the compiler as from debhelper and the dpkg tools, but
	# one: on 13 and sid, libc6 and libauparse0t64 divert their libraries' old /lib paths (the
	# /usr merge, DEP 17), so dpkg-shlibdeps says it of every program linking them; the
	# Depends it wrote is checked below instead
	out=$(grep -E 'warning|[Dd]eprecat' "$work/dpkg-buildpackage.log" | grep -vE -- '-W[a-z-]*warning|^checking ' |
		grep -vx 'dpkg-shlibdeps: warning: diversions involved - output may be incorrect' | sort -u)
	if [ -n "$out" ]; then
		fail "the build warns:"; printf '%s\n' "$out" | head -n 20 | sed 's/^/  /'
	else
		say "the build says no warning ($(wc -l < "$work/dpkg-buildpackage.log") lines of log$(
			grep -q 'diversions involved' "$work/dpkg-buildpackage.log" && echo '; dpkg-shlibdeps: diversions involved'))"
	fi
	dpkg-deb -I "$(cat "$work/deb")" > "$work/control.txt"
	# Depends names the package of every library the binary needs
	deps=$(dpkg-deb -f "$(cat "$work/deb")" Depends)
	for so in $(objdump -p debian/elfwatch/usr/sbin/audisp-elfwatch | awk '$1 == "NEEDED" { print $2 }'); do
		pkg=$(dpkg -S "*/$so" 2>/dev/null | grep -v '^diversion' | grep -E "/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/$so\$" | head -n 1 | cut -d: -f1)
		case ", $deps" in *", $pkg "*|*", $pkg,"*|*"| $pkg "*) ;; *) fail "Depends lacks ${pkg:-the package} of $so: $deps" ;; esac
	done
	say "Depends: $deps"
	# the package and make install lay out the same files and modes (but the package's own
	# files in /usr/share/doc/elfwatch and its lintian overrides, and its compressed man pages)
	mi=$work/make-install
	rm -rf "$mi"
	if ! make -C "$dir" install DESTDIR="$mi" > "$work/make-install.log" 2>&1; then
		fail "make install DESTDIR= in the package's build tree: $(tail -n 2 "$work/make-install.log" | tr '\n' ' ')"
	else
		dpkg-deb -c "$(cat "$work/deb")" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $6 }' |
			grep -v -e ' /usr/share/doc/elfwatch/[^/]*$' -e ' /usr/share/lintian/overrides/elfwatch$' |
			sed -E 's|^(.* /usr/share/man/.*)\.gz$|\1|' | sort -k2 > "$work/pkg.list"
		(cd "$mi" && find . ! -type d -printf '%M /%P\n' | sort -k2) > "$work/mi.list"
		if out=$(diff "$work/mi.list" "$work/pkg.list"); then
			say "package and make install: the same $(wc -l < "$work/pkg.list") files and modes"
		else
			fail "package (>) and make install (<) differ:"; printf '%s\n' "$out" | sed 's/^/  /'
		fi
	fi
	finish build
}

phase_install() {
	local deb out u uid gid
	deb=$(cat "$work/deb" 2>/dev/null) && [ -f "$deb" ] || { fail "no .deb (build first)"; finish install; }
	# a fresh machine: no user elfwatch (the chroot made one for make install), no auditd
	if getent passwd elfwatch >/dev/null; then userdel elfwatch || fail "userdel elfwatch"; fi
	getent group elfwatch >/dev/null && { groupdel elfwatch || fail "groupdel elfwatch"; }
	[ -n "$(auditd_here)" ] && { fail "an auditd runs in the chroot before the install"; finish install; }
	snapshot > "$work/before"
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' > "$work/paths"
	if ! out=$(dpkg -i "$deb" 2>&1 < /dev/null); then
		fail "dpkg -i:"; printf '%s\n' "$out" | sed 's/^/  /'; finish install
	fi
	printf '%s\n' "$out" > "$work/install.out"
	say "installed with dpkg $(dpkg-query -W -f='${Version}' dpkg), adduser $(dpkg-query -W -f='${Version}' adduser); the postinst said:"
	printf '%s\n' "$out" | grep -E '^elfwatch|^  ' | sed 's/^/  | /'
	[ -z "$(noise "$out")" ] || fail "dpkg -i printed: $(noise "$out" | head -n 3 | tr '\n' ' ')"
	case $out in *"augenrules --load && systemctl reload auditd"*) ;; *) fail "the postinst does not say how to load the rules" ;; esac
	[ -n "$(auditd_here)" ] && fail "auditd runs after the install: the package must not start it"
	out=$(dpkg -V elfwatch 2>&1) && [ -z "$out" ] || fail "dpkg -V elfwatch: $out"

	pkgcheck_files
	# the user the postinst made: a system user, its own group only, no home, no shell
	u=$(getent passwd elfwatch || :)
	uid=$(printf '%s' "$u" | cut -d: -f3) gid=$(printf '%s' "$u" | cut -d: -f4)
	case $u in elfwatch:x:*:*:*:/nonexistent:/usr/sbin/nologin) ;; *) fail "the postinst made user '$u'" ;; esac
	[ -n "$uid" ] && [ "$uid" -lt 1000 ] || fail "the postinst made a non-system uid '$uid'"
	[ "$(id -Gn elfwatch 2>&1)" = elfwatch ] && [ "$(getent group elfwatch | cut -d: -f3)" = "$gid" ] ||
		fail "user elfwatch's groups: $(id elfwatch 2>&1)"
	say "the postinst made user '$u'"
	pkgcheck_runs sh "$(dirname "$0")/../../debian/tests/smoke"
	[ "$failures" -eq 0 ] && say "--check-config, --analyze /bin/true and debian/tests/smoke pass with the installed binary"
	finish install
}

phase_remove() {
	local out f
	out=$(dpkg --remove elfwatch 2>&1 < /dev/null) || { fail "dpkg --remove: $out"; finish remove; }
	[ -z "$(noise "$out")" ] || fail "dpkg --remove printed: $(noise "$out" | head -n 3 | tr '\n' ' ')"
	[ -e /usr/sbin/audisp-elfwatch ] && fail "/usr/sbin/audisp-elfwatch left after remove"
	for f in /etc/audit/elfwatch.conf /etc/audit/plugins.d/audisp-elfwatch.conf /etc/audit/rules.d/50-elfwatch.rules; do
		[ -f "$f" ] || fail "remove took the conffile $f (purge's job)"
	done
	[ "$(dpkg-query -W -f='${Status}' elfwatch 2>&1)" = "deinstall ok config-files" ] ||
		fail "after remove dpkg says: $(dpkg-query -W -f='${Status}' elfwatch 2>&1)"
	[ "$failures" -eq 0 ] && say "removed: program gone, conffiles kept"
	finish remove
}

phase_purge() {
	local out p d
	out=$(dpkg --purge elfwatch 2>&1 < /dev/null) || { fail "dpkg --purge: $out"; finish purge; }
	say "purged; the postrm said:"; printf '%s\n' "$out" | grep -E '^elfwatch|^  ' | sed 's/^/  | /'
	[ -z "$(noise "$out")" ] || fail "dpkg --purge printed: $(noise "$out" | head -n 3 | tr '\n' ' ')"
	snapshot > "$work/after"
	if d=$(diff "$work/before" "$work/after"); then
		say "after the purge the machine is as before the install (files, /etc/audit, dpkg)"
	else
		fail "left behind by install + purge (< before, > after):"; printf '%s\n' "$d" | sed 's/^/  /'
	fi
	while read -r p; do [ -e "$p" ] && fail "$p left after the purge"; done < "$work/paths"
	ls /etc/audit/*.dpkg-* /etc/audit/*/*.dpkg-* >/dev/null 2>&1 && fail "dpkg backup files left in /etc/audit"
	getent passwd elfwatch >/dev/null || fail "purge removed user elfwatch (README: it is kept)"
	[ -n "$(auditd_here)" ] && fail "auditd runs after the purge"
	finish purge
}

case ${1:-} in
build) phase_build "${2:?build DIR}" ;;
install) phase_install ;;
remove) phase_remove ;;
purge) phase_purge ;;
*) echo "usage: $0 build DIR | install | remove | purge" >&2; exit 2 ;;
esac
