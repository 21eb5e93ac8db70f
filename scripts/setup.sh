#!/bin/sh
# Install every Debian package elfwatch needs to build and test (the man pages' test, and the
# Debian package's build and lintian run of .ci/package.sh, included); "setup.sh bench" adds
# what the benchmarks compare against (Laurel, whose package also activates its own auditd plugin
# stanza: keep it off hosts you care about). Idempotent: installs only what is missing.
# Creates the system user the plugin runs as after start-up (elfwatch, README "Security").
# "setup.sh --list" prints the package list (tests/distros/ builds its chroots from it).
# Run as root on Debian 12.
set -eu

PKGS="build-essential autoconf automake pkg-config
libaudit-dev libauparse-dev libelf-dev libconfig-dev nettle-dev libcap-ng-dev libseccomp-dev
auditd rsyslog rsyslog-relp python3 util-linux passwd python3-venv clang libclang-rt-dev llvm valgrind cppcheck clang-tidy
binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf
curl file musl groff-base man-db xz-utils procps debootstrap
debhelper dh-autoreconf devscripts lintian dpkg-dev fakeroot"
if [ "${1:-}" = bench ]; then
	PKGS="$PKGS laurel hyperfine time"
fi
if [ "${1:-}" = --list ]; then
	# shellcheck disable=SC2086  # one line, words split on purpose
	echo $PKGS
	exit 0
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "setup: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# auditd's and rsyslog's postinst may try to start services; policy-rc.d stops that
	# so a test machine is left without a running daemon we did not ask for.
	policy=/usr/sbin/policy-rc.d
	created_policy=no
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' > "$policy"
		chmod 0755 "$policy"
		created_policy=yes
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?
	[ "$created_policy" = yes ] && rm -f "$policy"
	[ "${rc:-0}" -eq 0 ] || exit "$rc"
fi

# The plugin's own user: no home, no shell, no password; its group holds nobody else.
if ! getent passwd elfwatch >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: user elfwatch missing (run as root to create it)" >&2
		exit 1
	fi
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin --comment "elfwatch audit plugin" elfwatch
fi
