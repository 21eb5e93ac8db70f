#!/bin/bash
# tests/distros/check-distros.sh [RELEASE...]: build elfwatch and run its tests on other Debian
# releases (default: trixie sid), each in a cached debootstrap chroot (tests/distros/chroot.sh),
# in a throw-away overlay: the clean project tree (git's tracked and unignored files) is copied in,
#   1. ./configure --enable-werror && make && ELFWATCH_SKIP_LIVE=1 make check (unit, replay,
#      ELF engine and corpus tests; the live parts need a kernel audit of their own),
#   2. make install, and the installed stanza checked against that release's audit rules,
#   3. tests/test_audit_lifecycle.sh with the installed plugin and stanza under that release's real
#      auditd (start, alert, reload as that version reloads, stop), holding this machine's
#      live-test lock; skipped with the reason when the kernel's audit is taken or with
#      ELFWATCH_SKIP_LIVE=1.
#   4. the Debian package, in a fresh overlay (tests/distros/package.sh): dpkg-buildpackage -us -uc
#      -b from a clean copy (nocheck; no build warning; the same files and modes as make install),
#      dpkg -i without the user elfwatch (files, modes, conffiles, the user the postinst makes,
#      --check-config, --analyze), the installed stanza checked as in 2, the lifecycle of 3 with
#      the package's plugin and stanza (running as elfwatch), dpkg --remove, dpkg --purge
#      (nothing left but the user). EW_DISTROS_PACKAGE=0 leaves it out.
# Logs: DISTROS_OUT (default ./distros-out)/RELEASE/. Exit 0 all passed, 77 nothing could run
# (reason printed), 1 a failure. Run as root from the source tree: make check-distros.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=chroot.sh
. "$src/tests/distros/chroot.sh"
ewc_install_traps
live_locked=no
# after a run interrupted while it held the live lock: the kernel's audit must be left as found
# (no rules, disabled) once no daemon is registered; never touched while another one is
# shellcheck disable=SC2317  # run from the EXIT trap
audit_safety_net() {
	[ "$live_locked" = yes ] || return 0
	command -v auditctl >/dev/null 2>&1 || return 0
	if [ "$(auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2 }')" = 0 ]; then
		auditctl -D >/dev/null 2>&1 || :
		auditctl -e 0 >/dev/null 2>&1 || :
	fi
}
trap 'rc=$?; trap - EXIT; trap "" INT TERM HUP; ewc_teardown; audit_safety_net; exit "$rc"' EXIT

releases=${*:-trixie sid}
out=${DISTROS_OUT:-$PWD/distros-out}
mkdir -p "$out"
shared=$(cd "$src/.." && pwd)/shared

# Packages: scripts/setup.sh's list without the fuzzing, memcheck, lint and package-lint tools (CI runs
# those on the host), with adduser, which the package depends on (priority important: on every
# installed Debian, but not in a minbase chroot).
pkgs=$( { sh "$src/scripts/setup.sh" --list | tr ' ' '\n'; echo adduser; } |
	grep -vxE 'clang|libclang-rt-dev|llvm|valgrind|cppcheck|clang-tidy|python3-venv|debootstrap|devscripts|lintian|' | sort -u)

# copy_tree DEST: tracked and unignored files of the working tree (never its build outputs)
copy_tree() {
	mkdir -p "$1"
	if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$src" ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$src/$f" ] && printf '%s\0' "$f"; done |
			tar -C "$src" --null -T - -cf - | tar -C "$1" -xf -
	else
		# a tarball: take what make dist would (no build outputs there)
		tar -C "$src" --exclude=.git --exclude='*.o' --exclude='*.a' --exclude=autom4te.cache \
			--exclude=distros-out -cf - . | tar -C "$1" -xf -
	fi
}

count_of() { sed -n "s/^# $1: *\([0-9]*\)$/\1/p" "$2" 2>/dev/null | head -n 1; }
# counts LOG: "P passed, F failed, S skipped" from an automake test-suite.log
counts() {
	local p f s e
	p=$(count_of PASS "$1"); f=$(count_of FAIL "$1"); s=$(count_of SKIP "$1"); e=$(count_of ERROR "$1")
	printf '%s passed, %s failed, %s skipped' "${p:-0}" "$(( ${f:-0} + ${e:-0} ))" "${s:-0}"
}

# check_stanza FILE VERSION: the installed stanza as this audit version reads it
check_stanza() {
	local f=$1 v=$2 bad=""
	case $(basename "$f") in *.*.*) bad="$bad name has two dots (skipped as a backup file);" ;; *.conf) ;;
		*) bad="$bad name does not end in .conf (4.0.3+ skips it);" ;; esac
	[ "$(stat -c %u "$f")" = 0 ] || bad="$bad not root-owned;"
	[ $(( 0$(stat -c %a "$f") & 022 )) -eq 0 ] || bad="$bad group/world writable (4.x refuses it);"
	grep -qE '^[[:space:]]*direction[[:space:]]*=' "$f" && bad="$bad has 'direction' (deprecated since 4.1.2);"
	awk 'length($0) >= 159 { exit 1 }' "$f" || bad="$bad a line of 159+ characters (3.0.x skips it);"
	[ "$(sed -n 's/^args = //p' "$f" | wc -w)" -le 2 ] || bad="$bad args has more than 2 tokens (3.0.x drops the rest);"
	grep -qx 'active = yes' "$f" || bad="$bad not active;"
	grep -qx 'format = string' "$f" || bad="$bad format is not string;"
	if [ -n "$bad" ]; then echo "audit $v: ${f#"$ewc_root"}:$bad"; return 1; fi
	echo "audit $v: ${f#"$ewc_root"}: name, owner, mode, keys and args fit"
}

# lifecycle TOPSRC LOGDIR: tests/test_audit_lifecycle.sh in the run root with the installed plugin
# and stanza under this release's auditd, holding this machine's live lock (the chroot's own
# /run/lock is not this machine's); sets lres, and fail=1 on a failure
lifecycle() {
	local top=$1 dir=$2 lrc nok nnot
	mkdir -p "$dir"
	if [ "${ELFWATCH_SKIP_LIVE:-0}" = 1 ]; then
		lres="lifecycle SKIP (ELFWATCH_SKIP_LIVE=1)"; return 0
	fi
	if { exec 8> "${EW_LIVE_LOCK:-/run/lock/elfwatch-live.lock}" && flock -w 1800 8; }; then
		live_locked=yes
	else
		ewc_log "could not take the live-test lock; going on"
	fi
	ewc_in EW_LIFECYCLE_INSTALLED=1 top_srcdir="$top" EW_KEEP=1 \
		bash "$top/tests/test_audit_lifecycle.sh" > "$dir/lifecycle.tap" 2>&1 8>&- 7>&-
	lrc=$?
	live_locked=no
	exec 8>&-
	cp -a "$ewc_root"/var/tmp/elfwatch-lifecycle.* "$dir/" 2>/dev/null || :
	rm -rf "$ewc_root"/var/tmp/elfwatch-lifecycle.*
	nok=$(grep -c '^ok ' "$dir/lifecycle.tap" || :)
	nnot=$(grep -c '^not ok ' "$dir/lifecycle.tap" || :)
	if grep -q '^1\.\.0 # SKIP' "$dir/lifecycle.tap"; then
		lres="lifecycle SKIP ($(sed -n 's/^1\.\.0 # SKIP //p' "$dir/lifecycle.tap"))"
	elif [ "$lrc" -eq 0 ] && [ "$nnot" -eq 0 ]; then
		lres="lifecycle ok ($nok checks)"
	else
		lres="lifecycle FAIL ($nnot of $((nok + nnot)) checks: $(grep -E '^(not ok|Bail)' "$dir/lifecycle.tap" | head -n 3 | tr '\n' ' '))"
		fail=1
	fi
}

# package_step RELEASE LOGDIR: tests/distros/package.sh's phases in a fresh run root (build,
# install, the lifecycle with the package's plugin and stanza, remove, purge), each timed;
# sets pres, and fail=1 on a failure
package_step() {
	local rel=$1 dir=$2 ph t tb prc times="" ok=yes top=/build/pkg/elfwatch
	lres=""
	mkdir -p "$dir"
	if ! ewc_run_root "$rel-pkg"; then
		pres="package FAIL ($ewc_error)"; fail=1; return 0
	fi
	copy_tree "$ewc_root$top"
	for ph in build install lifecycle remove purge; do
		tb=$(date +%s)
		if [ "$ph" = lifecycle ]; then
			t=$(check_stanza "$ewc_root/etc/audit/plugins.d/audisp-elfwatch.conf" "$aver") || ok=no
			echo "$t" > "$dir/stanza.log"
			lifecycle "$top" "$dir"
			case $lres in *FAIL*) ok=no ;; esac
			times="$times $ph $(( $(date +%s) - tb )) s,"
			continue
		fi
		if [ "$ph" = build ]; then
			ewc_in bash "$top/tests/distros/package.sh" build "$top" > "$dir/$ph.log" 2>&1
		else
			ewc_in bash "$top/tests/distros/package.sh" "$ph" > "$dir/$ph.log" 2>&1
		fi
		prc=$?
		if [ "$prc" -eq 0 ]; then
			times="$times $ph $(( $(date +%s) - tb )) s,"
		else
			ok=no
			times="$times $ph FAIL ($(grep -m 3 'FAIL' "$dir/$ph.log" | sed 's/^package: FAIL: //' | tr '\n' ' '| cut -c1-300)),"
			case $ph in build|install) break ;; esac
		fi
	done
	cp "$ewc_root"/build/pkg-work/*.log "$ewc_root"/build/pkg-work/*.list "$ewc_root"/build/pkg-work/*.out \
		"$ewc_root"/build/pkg-work/*.txt "$dir/" 2>/dev/null || :
	ewc_teardown
	if [ "$ok" = yes ]; then
		pres="package ok:${times%,}; stanza fits; $lres"
	else
		pres="package FAIL:${times%,}; $(cat "$dir/stanza.log" 2>/dev/null); ${lres:-lifecycle not run}"; fail=1
	fi
}

fail=0 ran=0
summary=""
t_all=$(date +%s)
for rel in $releases; do
	log=$out/$rel
	rm -rf "$log"; mkdir -p "$log"
	echo "== $rel"
	# one run per release chroot at a time (creation, refresh and use)
	mkdir -p "$EW_CHROOT_CACHE" && exec 7> "$EW_CHROOT_CACHE/$rel.lock"
	flock -w 3600 7 || ewc_log "could not lock the $rel chroot; going on"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	ewc_ensure "$rel" $pkgs
	rc=$?
	if [ "$rc" -eq "$EWC_SKIP" ]; then
		echo "$rel: SKIP ($ewc_skip)"; summary="$summary\n$rel: SKIP ($ewc_skip)"; exec 7>&-; continue
	elif [ "$rc" -ne 0 ]; then
		echo "$rel: FAIL ($ewc_error)"; summary="$summary\n$rel: FAIL ($ewc_error)"; fail=1; exec 7>&-; continue
	fi
	ran=$((ran + 1))
	chroot_note="cached chroot $(cat "$ewc_base/.elfwatch-chroot")"
	[ "$ewc_created" = yes ] && chroot_note="chroot created in ${ewc_create_s} s"
	aver=$(awk -F'\t' '$1 == "auditd" { print $2 }' "$ewc_base/.elfwatch-packages")
	gccv=$(awk -F'\t' '$1 == "gcc" { print $2 }' "$ewc_base/.elfwatch-packages")
	echo "$rel: $chroot_note; auditd $aver, gcc $gccv"
	if ! ewc_run_root "$rel"; then
		echo "$rel: FAIL ($ewc_error)"; summary="$summary\n$rel: FAIL ($ewc_error)"; fail=1
		ewc_teardown; exec 7>&-; continue
	fi
	copy_tree "$ewc_root/build/elfwatch"
	if [ -d "$shared" ]; then mkdir -p "$ewc_root/build/shared" && cp -a "$shared/." "$ewc_root/build/shared/"; fi

	# 1. build, unit and replay tests
	t1=$(date +%s)
	res=""
	ewc_in ELFWATCH_SKIP_LIVE=1 bash -c 'cd /build/elfwatch && ./autogen.sh && ./configure --enable-werror \
		--prefix=/usr --sysconfdir=/etc && make -j2' > "$log/build.log" 2>&1
	brc=$?
	if [ "$brc" -ne 0 ]; then
		res="build FAIL ($(grep -E 'error|Error' "$log/build.log" | head -n 2 | tr '\n' ' '))"; fail=1
	else
		ewc_in ELFWATCH_SKIP_LIVE=1 bash -c 'cd /build/elfwatch && make -j2 check' > "$log/check.log" 2>&1
		crc=$?
		cp "$ewc_root/build/elfwatch/test-suite.log" "$log/" 2>/dev/null || :
		res="build and make check in $(( $(date +%s) - t1 )) s: $(counts "$log/test-suite.log")"
		if [ "$crc" -ne 0 ] && [ -f "$log/test-suite.log" ]; then
			res="$res: FAIL $(grep -E '^(FAIL|ERROR):' "$log/test-suite.log" | tr '\n' ' ')"; fail=1
		elif [ "$crc" -ne 0 ]; then
			res="$res: FAIL (the tests did not build: $(grep -m 2 -E 'error:|Error [0-9]' "$log/check.log" | tr '\n' ' '))"; fail=1
		fi
	fi
	echo "$rel: $res"

	# 2. make install into the chroot; the stanza as this audit version reads it
	ires=""
	if [ "$brc" -eq 0 ]; then
		if ewc_in bash -c 'cd /build/elfwatch && make install' > "$log/install.log" 2>&1; then
			if ires=$(check_stanza "$ewc_root/etc/audit/plugins.d/audisp-elfwatch.conf" "$aver"); then
				ires="install ok; $ires"
			else
				ires="install FAIL: $ires"; fail=1
			fi
		else
			ires="install FAIL ($(tail -n 2 "$log/install.log" | tr '\n' ' '))"; fail=1
		fi
		echo "$rel: $ires"
	fi

	# 3. the plugin's lifecycle under this release's auditd (this machine's live lock held)
	lres=""
	if [ "$brc" -eq 0 ] && [ -f "$ewc_root/usr/sbin/audisp-elfwatch" ]; then
		lifecycle /build/elfwatch "$log"
		echo "$rel: $lres"
	fi

	# 4. the Debian package: built from a clean copy in a fresh overlay, installed as on a new
	# machine, its lifecycle under this release's auditd, removed and purged
	pres=""
	if [ "$brc" -eq 0 ] && [ "${EW_DISTROS_PACKAGE:-1}" = 1 ]; then
		ewc_teardown
		package_step "$rel" "$log/package"
		echo "$rel: $pres"
	fi
	ewc_teardown
	exec 7>&-
	summary="$summary\n$rel (auditd $aver, $chroot_note): $res; ${ires:-install not run}; ${lres:-lifecycle not run}; ${pres:-package not run}; $(( $(date +%s) - t0 )) s in all"
done

left=$(ewc_mounts_left)
if [ -n "$left" ]; then
	echo "mounts left behind: $left"; fail=1
fi
printf '== check-distros summary (%s s)%b\n' "$(( $(date +%s) - t_all ))" "$summary"
[ "$fail" -eq 0 ] || exit 1
[ "$ran" -gt 0 ] || exit 77
exit 0
