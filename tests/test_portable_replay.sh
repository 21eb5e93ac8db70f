#!/bin/sh
# Replay must not depend on the machine running it: the identities (dev, inode) of the loaders,
# ldd and the trusted producers come from the recording (tests/data/identities.tsv, given with
# --identities), never from this host's files. The host is made to lie: in a private mount
# namespace (unshare -m) copies are bind-mounted over the loader and ldd, so they have other
# inodes, as on any machine not made from the recording's image. With --identities the alerts
# still match the goldens; without, they do not (the host's identities leak in).
# Skips when not root or without unshare. Env (make check): ELFWATCH, top_srcdir.
set -u
: "${top_srcdir:=.}" "${ELFWATCH:=./audisp-elfwatch}"
data="$top_srcdir/tests/data"
golden="$top_srcdir/tests/golden"
case $ELFWATCH in /*) ;; *) ELFWATCH=$(pwd)/$ELFWATCH ;; esac
case $data in /*) ;; *) data=$(pwd)/$data; golden=$(pwd)/$golden ;; esac

if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 ||
	! unshare -m true 2>/dev/null; then
	echo "1..0 # SKIP needs root and unshare -m (a private mount namespace)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# the files whose recorded identities the goldens need, as this host names them
loader=$(readlink -f /lib64/ld-linux-x86-64.so.2)
ldd=$(readlink -f /usr/bin/ldd)
if [ ! -f "$loader" ] || [ ! -f "$ldd" ]; then
	echo "1..0 # SKIP no $loader or $ldd on this machine"
	exit 0
fi
cp "$loader" "$tmp/loader-copy"
cp "$ldd" "$tmp/ldd-copy"

cat > "$tmp/run.sh" <<INNER
set -e
mount --make-rprivate /
mount --bind "$tmp/loader-copy" "$loader"
mount --bind "$tmp/ldd-copy" "$ldd"
: > "$tmp/mounted"
set +e
for fam in loader benign; do
	"$ELFWATCH" -c "$data/replay.conf" --replay "$data/\$fam-stream.log" --format json \
		--identities "$data/identities.tsv" 2>/dev/null > "$tmp/\$fam-rec.json"
	"$ELFWATCH" -c "$data/replay.conf" --replay "$data/\$fam-stream.log" --format json \
		2>/dev/null > "$tmp/\$fam-host.json"
done
stat -c '%d:%i' "$loader" > "$tmp/seen"
INNER
unshare -m sh "$tmp/run.sh" 2>"$tmp/err"
if [ ! -e "$tmp/mounted" ]; then
	echo "1..0 # SKIP cannot bind-mount in a private mount namespace: $(head -n1 "$tmp/err")"
	exit 0
fi
n=0 fail=0
norm() { sed -e 's/"host":"[^"]*"/"host":"HOST"/' "$1"; }
for fam in loader benign; do
	n=$((n + 1))
	if norm "$tmp/$fam-rec.json" | cmp -s - "$golden/$fam.json"; then
		echo "ok $n - $fam: host identities wrong, --identities given: alerts match golden/$fam.json"
	else
		fail=1
		echo "not ok $n - $fam: with --identities the alerts differ from golden/$fam.json"
		norm "$tmp/$fam-rec.json" | diff -u "$golden/$fam.json" - | sed "s/^/# /" | cut -c1-300 | head -6
	fi
done
# the setup really lies: without the recorded identities the loader family loses loader_renamed
n=$((n + 1))
if ! norm "$tmp/loader-host.json" | cmp -s - "$golden/loader.json"; then
	echo "ok $n - the bind-mounted copies change what the host resolves (test setup is effective)"
else
	fail=1
	echo "not ok $n - host identities were not changed by the bind mounts: the test proves nothing"
fi
echo "1..$n"
exit $fail
