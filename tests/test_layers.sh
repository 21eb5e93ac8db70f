#!/bin/sh
# tests/test_layers.sh: the folders of plugin/ draw the pipeline, and nothing points back (TAP).
# 1. Includes: a file in plugin/<folder>/ includes only "<folder>/x.h" of its own folder or of a
#    lower rank (RANKS below, the one place the order is written); folders of equal rank are peers
#    and must not include each other; every include names its folder (plugin/main.c and
#    plugin/analyze.c may include the top-level "analyze.h").
# 2. Objects: in libelfwatch.a, "A uses a symbol B defines" (nm: U in A, T/D/B/R in B) has no
#    cycle; each cycle is reported with its objects. Two files that call each other are one
#    concern split in the wrong place: move the shared part below both. And those uses, too,
#    point only to the object's own folder or a lower rank.
# docs/architecture.md explains the folders. Env (set by `make check`): top_srcdir, top_builddir.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
NM=${NM:-nm}
lib=$top_builddir/libelfwatch.a

# folder:rank, bottom to top; "." is plugin/ itself (main.c, analyze.c).
RANKS="util:0 sys:1 model:2 elf:2 intake:3 detect:3 alert:4 engine:5 .:6"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
rank() {
	for r in $RANKS; do
		if [ "${r%%:*}" = "$1" ]; then echo "${r#*:}"; return 0; fi
	done
	echo ""
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. includes ----
cd "$top_srcdir/plugin"
unknown=""
for d in */; do
	d=${d%/}
	[ -n "$(rank "$d")" ] || unknown="$unknown $d"
done
if [ -z "$unknown" ]; then ok "every folder of plugin/ has a rank"; else
	fail "every folder of plugin/ has a rank (missing:$unknown; add it to RANKS and docs/architecture.md)"; fi

: >"$tmp/bad"
for f in *.c *.h */*.c */*.h; do
	[ -f "$f" ] || continue
	case $f in */*) from=${f%%/*} ;; *) from=. ;; esac
	rfrom=$(rank "$from")
	[ -n "$rfrom" ] || continue
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
		inc=$(printf '%s\n' "$line" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
		case $inc in
		*/*/* | ../* | ./*) echo "plugin/$f:${line%%:*}: \"$inc\": not <folder>/<file>.h" ;;
		*/*)
			to=${inc%%/*}
			rto=$(rank "$to")
			if [ -z "$rto" ] || [ ! -f "$inc" ]; then
				echo "plugin/$f:${line%%:*}: \"$inc\": no such plugin header"
			elif [ "$to" != "$from" ] && [ "$rto" -ge "$rfrom" ]; then
				if [ "$rto" -eq "$rfrom" ]; then how="a peer"; else how="a higher rank"; fi
				echo "plugin/$f:${line%%:*}: \"$inc\": $from/ (rank $rfrom) includes $to/, $how ($rto)"
			fi
			;;
		*)
			if [ "$from" != . ] || [ ! -f "$inc" ]; then
				echo "plugin/$f:${line%%:*}: \"$inc\": an include without its folder"
			fi
			;;
		esac
	done >>"$tmp/bad"
done
cd "$OLDPWD"
if [ ! -s "$tmp/bad" ]; then
	ok "every plugin include names its own folder or a lower-ranked one"
else
	fail "every plugin include names its own folder or a lower-ranked one ($(wc -l <"$tmp/bad") do not)"
	sed 's/^/# /' "$tmp/bad"
fi

# ---- 2. object cycles ----
if [ ! -f "$lib" ]; then
	fail "libelfwatch.a is built ($lib missing: run make first)"
	echo "1..$n"
	exit 1
fi
if ! command -v "$NM" >/dev/null 2>&1; then
	echo "1..$n # nm missing (Debian: binutils)"
	fail "nm is installed (Debian: binutils)"
	exit 1
fi
dups=$(ar t "$lib" | sort | uniq -d | tr '\n' ' ')
if [ -z "$dups" ]; then ok "libelfwatch.a holds each object name once"; else
	fail "libelfwatch.a holds each object name once (twice: $dups)"; fi

# "lib.a:obj.o:VALUE TYPE NAME" or "lib.a:obj.o:                 U NAME"
"$NM" -A "$lib" 2>/dev/null >"$tmp/nm"
awk '
	{
		sub(/^[^:]*:/, ""); obj = $0; sub(/:.*/, "", obj); sub(/^[^:]*:/, "")
		type = $(NF - 1); sym = $NF
		objs[obj] = 1
		if (type == "U") { uses[++nu] = obj SUBSEP sym }
		else if (type ~ /^[TDBR]$/) def[sym] = obj
	}
	END {
		n = 0
		for (o in objs) { id[o] = ++n; name[n] = o }
		for (i = 1; i <= nu; i++) {
			split(uses[i], p, SUBSEP)
			if (p[2] in def && def[p[2]] != p[1]) {
				a = id[p[1]]; b = id[def[p[2]]]
				if (!((a, b) in reach)) { reach[a, b] = 1; via[a, b] = p[2] }
			}
		}
		# transitive closure (Warshall); a cycle is a set of objects that reach one another
		for (k = 1; k <= n; k++)
			for (i = 1; i <= n; i++)
				if ((i, k) in reach)
					for (j = 1; j <= n; j++)
						if ((k, j) in reach) reach[i, j] = 1
		for (i = 1; i <= n; i++) {
			if (done[i] || !((i, i) in reach)) continue
			line = ""
			for (j = 1; j <= n; j++)
				if ((i, j) in reach && (j, i) in reach) { done[j] = 1; m[++c] = name[j] }
			# sorted members, then the direct uses between them
			for (x = 1; x <= c; x++) for (y = x + 1; y <= c; y++)
				if (m[y] < m[x]) { t = m[x]; m[x] = m[y]; m[y] = t }
			for (x = 1; x <= c; x++) line = line (x > 1 ? " " : "") m[x]
			print "cycle: " line
			for (x = 1; x <= c; x++) for (y = 1; y <= c; y++)
				if ((id[m[x]], id[m[y]]) in via)
					print "  " m[x] " -> " m[y] " (" via[id[m[x]], id[m[y]]] ")"
			c = 0
		}
	}' "$tmp/nm" >"$tmp/cycles"
if [ ! -s "$tmp/nm" ]; then
	fail "nm lists the symbols of libelfwatch.a"
elif ! grep -q '^cycle' "$tmp/cycles"; then
	ok "no cycle between the objects of libelfwatch.a"
else
	fail "no cycle between the objects of libelfwatch.a ($(grep -c '^cycle' "$tmp/cycles") cycles)"
	sed 's/^/# /' "$tmp/cycles"
fi

# The same uses, against the ranks: an object calls into its own folder or a lower one only
# (an extern declaration without the header would pass check 1, not this).
(cd "$top_srcdir/plugin" && find . -name '*.c' | sed 's|^\./||') >"$tmp/sources"
awk -v ranks="$RANKS" '
	FILENAME == ARGV[1] {
		f = $0; sub(/.*\//, "", f); sub(/\.c$/, ".o", f)
		folder[f] = $0 ~ /\// ? substr($0, 1, index($0, "/") - 1) : "."
		next
	}
	{
		sub(/^[^:]*:/, ""); obj = $0; sub(/:.*/, "", obj); sub(/^[^:]*:/, "")
		type = $(NF - 1); sym = $NF
		if (type == "U") { uses[++nu] = obj SUBSEP sym }
		else if (type ~ /^[TDBR]$/) def[sym] = obj
	}
	END {
		nr = split(ranks, rs, " ")
		for (i = 1; i <= nr; i++) { split(rs[i], kv, ":"); rank[kv[1]] = kv[2] }
		for (i = 1; i <= nu; i++) {
			split(uses[i], p, SUBSEP)
			if (!(p[2] in def) || def[p[2]] == p[1]) continue
			a = folder[p[1]]; b = folder[def[p[2]]]
			if (a == "" || b == "") { print p[1] " -> " def[p[2]] ": no source under plugin/"; continue }
			if (a != b && rank[b] >= rank[a])
				print p[1] " (" a "/) uses " p[2] " of " def[p[2]] " (" b "/)"
		}
	}' "$tmp/sources" "$tmp/nm" | sort -u >"$tmp/upward"
if [ ! -s "$tmp/upward" ]; then
	ok "objects use symbols of their own folder or a lower-ranked one only"
else
	fail "objects use symbols of their own folder or a lower-ranked one only ($(wc -l <"$tmp/upward") do not)"
	sed 's/^/# /' "$tmp/upward"
fi

echo "1..$n"
exit "$failed"
