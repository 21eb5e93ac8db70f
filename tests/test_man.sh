#!/bin/sh
# tests/test_man.sh: the man pages (TAP). Each renders with man -l and groff -ww without a
# warning, and none can go stale: every option audisp-elfwatch --help and --analyze's usage
# print (with the values they list, json|kv ...) is in audisp-elfwatch(8), every setting of
# conf/elfwatch.conf (group.name for members) in elfwatch.conf(5), every rule key of the
# bundled profiles in elfwatch.rules(7), and each page's .TH names the version --version
# prints. Skips with the reason when groff or man is missing.
# Env (set by `make check`): top_srcdir, ELFWATCH.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
ELFWATCH=${ELFWATCH:-./audisp-elfwatch}
man8=$top_srcdir/man/audisp-elfwatch.8
man5=$top_srcdir/man/elfwatch.conf.5
man7=$top_srcdir/man/elfwatch.rules.7

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }

if ! command -v groff >/dev/null 2>&1 || ! command -v man >/dev/null 2>&1; then
	echo "1..0 # SKIP groff or man missing (Debian: groff-base, man-db)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for page in "$man8" "$man5" "$man7"; do
	name=$(basename "$page")
	if [ ! -r "$page" ]; then
		fail "$name: readable"
		continue
	fi
	warn=$(groff -man -ww -z -Tutf8 "$page" 2>&1 || echo "groff exit $?")
	if [ -z "$warn" ]; then ok "$name: groff -man -ww gives no warning"; else
		fail "$name: groff -man -ww gives no warning"; printf '%s\n' "$warn" | sed 's/^/# /' | head -n 10; fi
	if LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err" &&
		[ ! -s "$tmp/err" ] && [ "$(wc -l <"$tmp/out")" -gt 20 ]; then
		ok "$name: man -l renders it, without a warning"
	else
		fail "$name: man -l renders it, without a warning"; sed 's/^/# /' "$tmp/err" | head -n 10
	fi
	# plain text, one long line per paragraph, for the searches below
	groff -man -Tascii -P-c -P-b -P-u -rLL=400n -rHY=0 "$page" 2>/dev/null > "$tmp/$name.txt" || :
done

# has PAGE WORD: WORD appears in PAGE's text as a whole word (letters, digits, _ - . around it
# do not count). WORD holds only [A-Za-z0-9_.-].
has() {
	pat=$(printf '%s' "$2" | sed 's/\./\\./g')
	grep -Eq -- "(^|[^A-Za-z0-9_.-])$pat([^A-Za-z0-9_-]|\.?\$|\.[^A-Za-z0-9_])" "$tmp/$(basename "$1").txt"
}

help=$("$ELFWATCH" --help 2>&1 || :)
usage=$("$ELFWATCH" --analyze --help 2>&1 || :)
if [ -z "$help" ] || [ -z "$usage" ]; then
	fail "audisp-elfwatch --help and --analyze --help print their usage"
else
	opts=$(printf '%s\n%s\n' "$help" "$usage" |
		grep -Eo -- '(^|[][ ,|])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ ,|]//' | sort -u)
	for o in $opts; do
		if has "$man8" "$o"; then ok "audisp-elfwatch.8 documents $o"
		else fail "audisp-elfwatch.8 documents $o (from --help)"; fi
	done
	# the values the usage lists: --format json|kv, --hash all|flagged|none ...
	vals=$(printf '%s\n%s\n' "$help" "$usage" | grep -Eo -- '[a-z]+(\|[A-Za-z]+)+' | tr '|' '\n' |
		grep -v '[A-Z]' | sort -u)
	for v in $vals; do
		if has "$man8" "$v"; then ok "audisp-elfwatch.8 names the value $v"
		else fail "audisp-elfwatch.8 names the value $v (from --help)"; fi
	done
fi

# Each page's footer names the version --version prints.
ver=$("$ELFWATCH" --version 2>/dev/null | awk '{ print $2 }')
for page in "$man8" "$man5" "$man7"; do
	if head -n 1 "$page" | grep -qF "\"elfwatch $ver\""; then ok "$(basename "$page"): .TH names elfwatch $ver"
	else fail "$(basename "$page"): .TH names elfwatch $ver (--version)"; fi
done

# Settings of conf/elfwatch.conf: "name = ..." and "name: {" lines outside comments, members
# named group.name (syslog_priority's too).
keys=$(sed 's/#.*//' "$top_srcdir/conf/elfwatch.conf" | awk '
	/^[ \t]*[a-z_]+[ \t]*[:=]/ {
		name = $0; sub(/^[ \t]*/, "", name); sub(/[ \t]*[:=].*/, "", name)
		full = name; for (i = depth; i > 0; i--) full = stack[i] "." full
		print full
		if ($0 ~ /[:=][ \t]*\{[ \t]*$/) stack[++depth] = name
		next
	}
	/^[ \t]*\};?[ \t]*$/ { if (depth > 0) depth-- }')
if [ -z "$keys" ]; then
	fail "conf/elfwatch.conf lists settings"
fi
for k in $keys; do
	if has "$man5" "$k"; then ok "elfwatch.conf.5 documents $k"
	else fail "elfwatch.conf.5 documents $k (conf/elfwatch.conf)"; fi
done

rkeys=$(cat "$top_srcdir"/rules.d/*.rules "$top_srcdir"/rules.d/extra/*.rules |
	grep -v '^[[:space:]]*#' | grep -Eo -- '-k [a-z_]+' | sed 's/^-k //' | sort -u)
for k in $rkeys; do
	if has "$man7" "$k"; then ok "elfwatch.rules.7 documents the rule key $k"
	else fail "elfwatch.rules.7 documents the rule key $k (rules.d)"; fi
done

echo "1..$n"
exit "$failed"
