#!/usr/bin/env bash
# CI: make check-distros (tests/distros/check-distros.sh): build, make check, make install and the
# plugin's lifecycle under the real auditd of Debian 13 trixie (audit 4.0.2) and sid (4.2.x), each
# in a cached debootstrap chroot, then the Debian package built, installed, run under that auditd
# and purged there. Exit 0 pass, 77 skip (reason printed), other = fail.
# Adds about 8 minutes on a fresh machine (two debootstraps, 147 s and 132 s, then the runs) and
# 3 to 4 minutes with both chroots cached (187-232 s; measured on a 2-core VM shared with other jobs).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
[ -f Makefile ] || { echo "distros: SKIP (the tree did not configure)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "distros: SKIP (not root)"; exit 77; }
command -v debootstrap >/dev/null 2>&1 || { echo "distros: SKIP (no debootstrap)"; exit 77; }
start=$(date +%s)
make check-distros > distros.log 2>&1
rc=$?
sed -n '/^== check-distros summary/,$p' distros.log
case $rc in
0) echo "distros: PASS in $(( $(date +%s) - start )) s" ;;
77) echo "distros: SKIP ($(grep -m1 -E ': SKIP \(' distros.log | sed 's/^[^(]*(//; s/)$//'))" ;;
*) echo "distros: FAIL in $(( $(date +%s) - start )) s (distros.log, distros-out/):"; grep -E 'FAIL' distros.log | head -n 10 ;;
esac
exit "$rc"
