# tests/distros/package_checks.sh: the checks of an installed elfwatch package, shared by the host
# CI step (.ci/package.sh) and the chroot step (tests/distros/package.sh). Source it (bash); the
# caller defines fail MESSAGE (counts a failure and goes on).
# shellcheck shell=bash disable=SC2015  # "A && B || fail ...": a failure when either is false

expect() { # PATH MODE OWNER
	local got; got=$(stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing)
	[ "$got" = "$2 $3" ] || fail "$1 is '$got', want '$2 $3'"
}

# pkgcheck_files: the installed files' modes and owners, the conffiles, the plugin stanza and
# the never rule of the installed rules
pkgcheck_files() {
	local m conff
	expect /usr/sbin/audisp-elfwatch 750 root:root
	expect /etc/audit/elfwatch.conf 640 root:root
	expect /etc/audit/plugins.d/audisp-elfwatch.conf 640 root:root
	expect /etc/audit/rules.d/50-elfwatch.rules 640 root:root
	expect /etc/audit/plugins.d 750 root:root
	expect /usr/share/elfwatch/50-elfwatch-full.rules 644 root:root
	expect /usr/share/elfwatch/50-elfwatch-lean.rules 644 root:root
	for m in man5/elfwatch.conf.5 man7/elfwatch.rules.7 man8/audisp-elfwatch.8; do
		expect "/usr/share/man/$m.gz" 644 root:root
	done
	conff=$(dpkg-query -W -f='${Conffiles}\n' elfwatch | awk 'NF { print $1 }' | sort | tr '\n' ' ')
	[ "$conff" = "/etc/audit/elfwatch.conf /etc/audit/plugins.d/audisp-elfwatch.conf /etc/audit/rules.d/50-elfwatch.rules " ] ||
		fail "conffiles are '$conff'"
	grep -qx 'path = /usr/sbin/audisp-elfwatch' /etc/audit/plugins.d/audisp-elfwatch.conf &&
		grep -qx 'args = -c /etc/audit/elfwatch.conf' /etc/audit/plugins.d/audisp-elfwatch.conf ||
		fail "the stanza does not name /usr/sbin/audisp-elfwatch -c /etc/audit/elfwatch.conf"
	grep -q -- '^-A never,exit -F exe=/usr/sbin/audisp-elfwatch ' /etc/audit/rules.d/50-elfwatch.rules ||
		fail "the installed rules' never rule does not name /usr/sbin/audisp-elfwatch"
}

# pkgcheck_runs SMOKE...: the installed man page, then the installed binary: --check-config,
# --analyze /bin/true, and the package's autopkgtest (debian/tests/smoke) run by the command SMOKE
pkgcheck_runs() {
	local out rc
	[ "$(MANPAGER=cat MANWIDTH=80 man 8 audisp-elfwatch 2>/dev/null | grep -c 'check-config')" -gt 0 ] ||
		fail "man 8 audisp-elfwatch does not show the installed page"
	out=$(/usr/sbin/audisp-elfwatch --check-config 2>&1) && [ "$out" = "/etc/audit/elfwatch.conf: configuration OK" ] ||
		fail "audisp-elfwatch --check-config: $out"
	out=$(/usr/sbin/audisp-elfwatch --analyze /bin/true 2>/dev/null); rc=$?
	case "$rc:$out" in 0:*'"path":"/bin/true"'*'"arch":"native"'*) ;;
	*) fail "audisp-elfwatch --analyze /bin/true: exit $rc: $out" ;; esac
	out=$("$@" 2>&1) || fail "debian/tests/smoke: $out"
}
