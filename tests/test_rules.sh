#!/bin/sh
# tests/test_rules.sh: the bundled audit rule profiles (TAP). Static checks, no auditd needed:
# nothing that locks or wipes the kernel's rules (-e 2, -f 2, -D), every rule keyed, the
# plugin's never rule first with the path make install and tests/live/lib.sh rewrite, every
# b64 rule mirrored for b32, argument filters on the argument that syscall really has there,
# every syscall name known to this auditctl (augenrules stops at the first line auditctl
# rejects). Then, when this machine can drive kernel audit and no other audit daemon runs,
# each profile is loaded with auditctl -R into a private auditd (tests/live/lib.sh) and listed
# back; otherwise that part is skipped with the reason.
# Env (set by `make check`): top_srcdir.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
profiles="full:rules.d/50-elfwatch.rules lean:rules.d/extra/50-elfwatch-lean.rules"
never='-A never,exit -F exe=/usr/sbin/audisp-elfwatch -k elfwatch_self'

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }
check() { # DESCRIPTION OUTPUT: ok when OUTPUT is empty, else fail and show it
	if [ -z "$2" ]; then ok "$1"; else fail "$1"; printf '%s\n' "$2" | sed 's/^/# /' | head -n 10; fi
}
# rules FILE: the rule lines (comments and blank lines dropped)
rules() { grep -v '^[[:space:]]*\(#\|$\)' "$1" || :; }

for pf in $profiles; do
	name=${pf%%:*} file=$top_srcdir/${pf#*:}
	[ -r "$file" ] || { fail "$name: $file readable"; continue; }

	check "$name: no -e 2, -f 2 or -D (never lock, panic or wipe the host's rules)" \
		"$(rules "$file" | grep -E -- '^[[:space:]]*-(e[[:space:]]+2|f[[:space:]]+2|D)([[:space:]]|$)' || :)"
	check "$name: every line is a rule (-a/-A), with an elfwatch_ key" \
		"$(rules "$file" | grep -Ev -- '^-[aA] [^ ]+ .* -k elfwatch_[a-z_]+$' || :)"
	check "$name: the first rule is the plugin's own never rule, exactly" \
		"$(rules "$file" | head -n 1 | grep -vxF -- "$never" || :)"
	check "$name: no other never rule, no other -A" \
		"$(rules "$file" | sed 1d | grep -E -- '^-A|never' || :)"
	check "$name: every always rule names its ABI" \
		"$(rules "$file" | grep -- '^-a always' | grep -Ev -- ' -F arch=b(64|32) ' || :)"
	b64=$(rules "$file" | grep -- ' -F arch=b64 ' | sed 's/ -F arch=b64 / -F arch=bXX /' | sort)
	b32=$(rules "$file" | grep -- ' -F arch=b32 ' | sed 's/ -F arch=b32 / -F arch=bXX /' | sort)
	check "$name: every b64 rule has its b32 twin and the other way round" \
		"$(printf '%s\n' "$b64" > "${TMPDIR:-/tmp}/ew-rules-64.$$"; printf '%s\n' "$b32" |
			diff "${TMPDIR:-/tmp}/ew-rules-64.$$" - || :; rm -f "${TMPDIR:-/tmp}/ew-rules-64.$$")"
	for want in 'execve,execveat -k elfwatch_exec' 'fchmodat,452 -F a2&0111 -F success=1 -k elfwatch_xbit' \
		'chmod,fchmod -F a1&0111 -F success=1 -k elfwatch_xbit'; do
		check "$name: has '$want' for both ABIs" "$(for a in b64 b32; do
			rules "$file" | grep -qF -- "-F arch=$a -S $want" || echo "missing for $a"; done)"
	done
	dirs=$(rules "$file" | grep -- ' -k elfwatch_write$' | grep -o -- ' -F dir=[^ ]*' | sort -u | tr -d '\n')
	check "$name: watches /tmp /var/tmp /dev/shm /run /home /root" \
		"$(printf '%s' "$dirs" | grep -vxF -- ' -F dir=/dev/shm -F dir=/home -F dir=/root -F dir=/run -F dir=/tmp -F dir=/var/tmp' || :)"
	# Linker hijacks (T1574.006): the preload list and ld.so.conf by path with perm=wa (no
	# syscall list: every call that writes or changes attributes), ld.so.conf.d and the
	# library trees by dir=, creations and truncations (01100) whatever their mode.
	for want in '-F path=/etc/ld.so.preload -F perm=wa -k elfwatch_preload' \
		'-F path=/etc/ld.so.conf -F perm=wa -k elfwatch_ldconf' \
		'-F dir=/etc/ld.so.conf.d -F perm=wa -k elfwatch_ldconf' \
		'-S open -F a1&01100 -F dir=/usr/lib -F success=1 -k elfwatch_libdir' \
		'-S openat -F a2&01100 -F dir=/usr/lib -F success=1 -k elfwatch_libdir' \
		'-S creat,openat2,rename,renameat,renameat2,link,linkat -F dir=/usr/lib -F success=1 -k elfwatch_libdir' \
		'-S openat -F a2&01100 -F dir=/usr/local/lib -F success=1 -k elfwatch_libdir' \
		'-S creat,openat2,rename,renameat,renameat2,link,linkat -F dir=/usr/local/lib -F success=1 -k elfwatch_libdir'; do
		check "$name: has '$want' for both ABIs" "$(for a in b64 b32; do
			rules "$file" | grep -qxF -- "-a always,exit -F arch=$a $want" || echo "missing for $a"; done)"
	done
	check "$name: perm= rules name no syscalls (auditctl takes them over all of them)" \
		"$(rules "$file" | grep -- ' -F perm=' | grep -- ' -S ' || :)"
	check "$name: the linker rules sit in their own delimited block" \
		"$(awk '/^## ---- linker hijacks .*: begin/ { inb = 1; next } /^## ---- linker hijacks: end/ { inb = 0 }
			/ -k elfwatch_(preload|ldconf|libdir)$/ && !inb { print "outside the block: " $0 }' "$file")"
	# Argument filters (-F aN&MASK) must sit on the argument that every syscall of the rule
	# has there: flags and mode of open are a1/a2, of openat a2/a3, creat's mode a1, chmod's
	# and fchmod's mode a1, fchmodat's and fchmodat2's (452) a2.
	check "$name: argument filters sit on flags or mode of each syscall they filter" \
		"$(rules "$file" | awk '
		BEGIN { ok["open","a1"] = "flags"; ok["open","a2"] = "mode"; ok["openat","a2"] = "flags"
			ok["openat","a3"] = "mode"; ok["creat","a1"] = "mode"; ok["chmod","a1"] = "mode"
			ok["fchmod","a1"] = "mode"; ok["fchmodat","a2"] = "mode"; ok["452","a2"] = "mode" }
		{
			sc = ""
			for (i = 1; i <= NF; i++) if ($i == "-S") sc = sc (sc == "" ? "" : ",") $(i + 1)
			for (i = 1; i <= NF; i++) {
				if ($i != "-F" || $(i + 1) !~ /^a[0-3]&/) continue
				arg = substr($(i + 1), 1, 2); mask = substr($(i + 1), 4)
				k = split(sc, s, ",")
				for (j = 1; j <= k; j++) {
					what = ok[s[j], arg]
					if (what == "") { print "no " arg " filter for " s[j] ": " $0; continue }
					if (what == "mode" && mask !~ /^0?111$/) print "mode mask " mask ": " $0
					if (what == "flags" && mask !~ /^0?(1100|1103|100)$/) print "flags mask " mask ": " $0
				}
			}
		}')"
	if command -v ausyscall >/dev/null 2>&1; then
		check "$name: every syscall name is known to this auditctl's libaudit (others by number)" \
			"$(rules "$file" | grep -o -- '-S [^ ]*' | cut -c4- | tr ',' '\n' | sort -u |
				while read -r sc; do
					case $sc in *[!0-9]*) ;; *) continue ;; esac
					for m in x86_64 i386; do
						ausyscall "$m" "$sc" --exact >/dev/null 2>&1 || echo "$sc unknown ($m)"
					done
				done)"
	else
		skip "$name: syscall names against libaudit (ausyscall not installed)"
	fi
done

lean=$top_srcdir/rules.d/extra/50-elfwatch-lean.rules
check "lean: every drop-location open/openat/creat rule asks for an exec mode" \
	"$(rules "$lean" | grep -- ' -k elfwatch_write$' | grep -E -- '-S (open|openat|creat) ' |
		grep -Ev -- '-F a[123]&0111 ' || :)"
full=$top_srcdir/rules.d/50-elfwatch.rules
check "full: every open/openat rule takes O_CREAT|O_TRUNC (every creation and truncation)" \
	"$(rules "$full" | grep -E -- '-S (open|openat) ' | grep -Ev -- '-F a[12]&0110[03] ' || :)"
check "full: write-opens (O_WRONLY|O_RDWR, 01103) in /tmp, /var/tmp, /dev/shm only, both ABIs" \
	"$(for a in b64 b32; do for d in /tmp /var/tmp /dev/shm; do
		rules "$full" | grep -qF -- "-F arch=$a -S open -F a1&01103 -F dir=$d " ||
			echo "no write-open rule for open in $d ($a)"
		rules "$full" | grep -qF -- "-F arch=$a -S openat -F a2&01103 -F dir=$d " ||
			echo "no write-open rule for openat in $d ($a)"
	done; done
	rules "$full" | grep -F -- '&01103 ' | grep -E -- '-F dir=/(run|home|root) ' || :)"
check "Makefile.am rewrites the never rule's path as the rules spell it" \
	"$(grep -qF "exe=/usr/sbin/audisp-elfwatch |exe=\$(sbindir)/audisp-elfwatch |" "$top_srcdir/Makefile.am" ||
		echo "RULES_SED does not match the rules' exe= text")"
check "tests/live/lib.sh rewrites the never rule's path as the rules spell it" \
	"$(grep -qF 's|exe=/usr/sbin/audisp-elfwatch |exe=$ew_plugin_exe |' "$top_srcdir/tests/live/lib.sh" ||
		echo "ew_audit_load_rules does not match the rules' exe= text")"

# ---- live: auditctl -R of each profile into a private auditd (only when it is free) ----
# shellcheck source=live/lib.sh
. "$top_srcdir/tests/live/lib.sh"
rc=0
ew_install_traps        # first: takes the live-test lock, so a parallel live test is waited for
ew_audit_check || rc=$?
if [ "$rc" -ne 0 ]; then
	for pf in $profiles; do skip "${pf%%:*}: auditctl -R loads it ($ew_skip_reason)"; done
else
	dir=$(mktemp -d /var/tmp/elfwatch-rules.XXXXXX)
	# shellcheck disable=SC2317  # run from the EXIT trap via ew_at_exit
	remove_dir() { rm -rf "$dir"; }
	ew_at_exit remove_dir
	for pf in $profiles; do
		name=${pf%%:*} file=$top_srcdir/${pf#*:}
		rc=0
		ew_audit_start "$dir/$name" || rc=$?
		if [ "$rc" -eq "$EW_SKIP" ]; then skip "$name: auditctl -R loads it ($ew_skip_reason)"; continue; fi
		[ "$rc" -eq 0 ] || { fail "$name: private auditd started: $ew_error"; continue; }
		if ew_audit_load_rules "$file"; then
			want=$(rules "$file" | grep -c .)
			# path= rules with perm= over all syscalls list back as -w PATH -p wa
			got=$(auditctl -l | grep -c -- '^-[aw] ')
			first=$(auditctl -l | head -n 1)
			if [ "$got" -eq "$want" ] && printf '%s' "$first" | grep -q '^-a never,exit .*exe=/usr/sbin/audisp-elfwatch'; then
				ok "$name: auditctl -R loads all $want rules, the never rule first"
			else
				fail "$name: auditctl -R loads all $want rules, the never rule first (got $got; first: $first)"
			fi
		else
			fail "$name: auditctl -R loads it: $ew_error"
		fi
		ew_audit_stop
	done
	check "no rules left behind" "$(auditctl -l 2>&1 | grep -vx 'No rules' || :)"
fi

echo "1..$n"
exit "$failed"
