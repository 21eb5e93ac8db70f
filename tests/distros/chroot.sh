# shellcheck shell=bash
# tests/distros/chroot.sh: cached debootstrap chroots of Debian releases, and throw-away run roots
# on top of them, for tests/distros/check-distros.sh. Source it (bash), then:
#   ewc_ensure RELEASE PKGS...    the cached chroot for RELEASE with PKGS (created or refreshed
#                                 when missing or older than EW_CHROOT_MAX_AGE_DAYS); sets
#                                 ewc_base, ewc_created (yes/no) and ewc_create_s
#   ewc_run_root NAME             an overlay of ewc_base at a new run root (writes go to a
#                                 throw-away upper dir), with its own /proc, /dev, /dev/shm and
#                                 /dev/pts mounted; sets ewc_root
#   ewc_in CMD...                 run CMD in ewc_root with a clean environment (add VAR=value
#                                 words first for the environment)
#   ewc_teardown                  stop what still runs in the root, unmount everything under it
#                                 and remove it (idempotent; also run by ewc_install_traps)
#   ewc_install_traps             teardown on EXIT/INT/TERM/HUP
#   ewc_mounts_left               print mounts left under the directories made here (none expected)
# Functions return 0, 77 with $ewc_skip set when this machine cannot make chroots (not root,
# no debootstrap, the Debian registry unreachable), or 1 with $ewc_error set.
# Cache: EW_CHROOT_CACHE (default /var/cache/elfwatch-chroots), one directory per release and
# package list (RELEASE-HASH; another list's chroot unused that long is removed),
# EW_CHROOT_MAX_AGE_DAYS (default 7), EW_DEBIAN_MIRROR (default
# http://deb.debian.org/debian). Never a mount left behind: every exit path unmounts.

# shellcheck disable=SC2034  # ewc_* results are read by the sourcing script
EWC_SKIP=77
: "${EW_CHROOT_CACHE:=/var/cache/elfwatch-chroots}" "${EW_CHROOT_MAX_AGE_DAYS:=7}"
: "${EW_DEBIAN_MIRROR:=http://deb.debian.org/debian}"
ewc_skip="" ewc_error="" ewc_base="" ewc_root="" ewc_run_dir="" ewc_created=no ewc_create_s=0
ewc_staging="" ewc_made=""

ewc_log() { printf '# %s\n' "$*" >&2; }

# ewc__umount_under DIR: unmount every mount at or below DIR, deepest first.
ewc__umount_under() {
	local m
	[ -n "$1" ] || return 0
	findmnt -rn -o TARGET 2>/dev/null | awk -v d="$1" '$0 == d || index($0, d "/") == 1' |
		sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || ewc_log "cannot unmount $m"
	done
}

# ewc__in_root ROOT: pids of the processes whose root directory is ROOT (all started by us there)
ewc__in_root() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$1" ] && echo "${p#/proc/}"
	done
}

# ewc__kill_in ROOT: end what still runs in ROOT: SIGTERM, up to 15 s for their own clean-up (a
# test's trap stops its auditd and removes its rules), then SIGKILL.
ewc__kill_in() {
	local p n=0 sig=TERM
	[ -n "$1" ] || return 0
	for p in $(ewc__in_root "$1"); do
		ewc_log "process $p ($(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-60)) still runs in $1: SIGTERM"
		kill -TERM "$p" 2>/dev/null || :
	done
	while [ -n "$(ewc__in_root "$1")" ]; do
		if [ "$n" -ge 150 ]; then
			[ "$sig" = KILL ] && break
			sig=KILL
			for p in $(ewc__in_root "$1"); do ewc_log "SIGKILL $p"; kill -KILL "$p" 2>/dev/null || :; done
			n=140
		fi
		sleep 0.1
		n=$((n + 1))
	done
}

ewc_teardown() {
	if [ -n "$ewc_root" ]; then
		ewc__kill_in "$ewc_root"
		ewc__umount_under "$ewc_root"
	fi
	if [ -n "$ewc_run_dir" ]; then
		ewc__umount_under "$ewc_run_dir"
		if findmnt -rn -o TARGET | grep -qF "$ewc_run_dir"; then
			ewc_log "mounts left under $ewc_run_dir: not removing it"
		else
			rm -rf "$ewc_run_dir"
		fi
	fi
	if [ -n "$ewc_staging" ]; then
		ewc__kill_in "$ewc_staging"
		ewc__umount_under "$ewc_staging"
		findmnt -rn -o TARGET | grep -qF "$ewc_staging" || rm -rf "$ewc_staging"
	fi
	ewc_root="" ewc_run_dir="" ewc_staging=""
	return 0
}

# ewc_mounts_left: mounts still under any directory this shell made (none, after ewc_teardown)
ewc_mounts_left() {
	local d
	for d in $ewc_made; do
		findmnt -rn -o TARGET | awk -v d="$d" '$0 == d || index($0, d "/") == 1'
	done
}

ewc__on_exit() {
	local rc=$?
	trap - EXIT
	trap '' INT TERM HUP
	ewc_teardown
	exit "$rc"
}

ewc_install_traps() {
	trap ewc__on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

# ewc__reachable RELEASE: is the mirror's Release file for RELEASE there (20 s)?
ewc__reachable() {
	python3 - "$EW_DEBIAN_MIRROR/dists/$1/Release" <<-'EOF' 2>/dev/null
	import sys, urllib.request
	try:
	    urllib.request.urlopen(sys.argv[1], timeout=20).read(64)
	except Exception as e:
	    print(e)
	    sys.exit(1)
	EOF
}

ewc_ensure() {
	local rel=$1 key base now age stamp log t0 out
	shift
	ewc_created=no ewc_create_s=0
	[ "$(id -u)" -eq 0 ] || { ewc_skip="not root (chroots need root)"; return $EWC_SKIP; }
	command -v debootstrap >/dev/null 2>&1 ||
		{ ewc_skip="debootstrap not installed (scripts/setup.sh installs it)"; return $EWC_SKIP; }
	[ -e "/usr/share/debootstrap/scripts/$rel" ] ||
		{ ewc_skip="this debootstrap does not know $rel"; return $EWC_SKIP; }
	key=$(printf '%s\n' "$rel" "$EW_DEBIAN_MIRROR" "$@" | sort | sha256sum | cut -c1-12)
	base=$EW_CHROOT_CACHE/$rel-$key
	stamp=$base/.elfwatch-chroot
	mkdir -p "$EW_CHROOT_CACHE" || { ewc_error="cannot create $EW_CHROOT_CACHE"; return 1; }
	now=$(date +%s)
	age=-1
	[ -f "$stamp" ] && age=$(( (now - $(stat -c %Y "$stamp")) / 86400 ))
	if [ "$age" -ge 0 ] && [ "$age" -lt "$EW_CHROOT_MAX_AGE_DAYS" ]; then
		ewc_base=$base
		return 0
	fi
	if ! out=$(ewc__reachable "$rel"); then
		if [ "$age" -ge 0 ]; then
			ewc_log "$rel chroot is $age days old and $EW_DEBIAN_MIRROR is unreachable ($out): using it"
			ewc_base=$base
			return 0
		fi
		ewc_skip="Debian registry unreachable ($EW_DEBIAN_MIRROR/dists/$rel: $out)"
		return $EWC_SKIP
	fi
	ewc_staging=$(mktemp -d "$EW_CHROOT_CACHE/.new-$rel.XXXXXX")
	ewc_made="$ewc_made $ewc_staging"
	log=$EW_CHROOT_CACHE/$rel-$key.debootstrap.log
	t0=$(date +%s)
	ewc_log "creating the $rel chroot ($# packages) in $base: log $log"
	if ! debootstrap --variant=minbase --include="$(printf '%s,' "$@" | sed 's/,$//')" \
		"$rel" "$ewc_staging" "$EW_DEBIAN_MIRROR" > "$log" 2>&1; then
		ewc_error="debootstrap $rel failed: $(grep -E '^[EW]:' "$log" | tail -n 3 | tr '\n' ' ')"
		ewc_teardown
		return 1
	fi
	# debootstrap mounts /proc and /sys in the target while it works: none may stay
	ewc__umount_under "$ewc_staging"
	# the plugin's own user (scripts/setup.sh does the same on a host)
	chroot "$ewc_staging" useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin --comment "elfwatch audit plugin" elfwatch >> "$log" 2>&1 ||
		{ ewc_error="useradd in the $rel chroot failed"; ewc_teardown; return 1; }
	# never start a service from inside the chroot (a second auditd would take the kernel's audit)
	printf '#!/bin/sh\nexit 101\n' > "$ewc_staging/usr/sbin/policy-rc.d"
	chmod 0755 "$ewc_staging/usr/sbin/policy-rc.d"
	rm -rf "$ewc_staging/var/cache/apt/archives/"*.deb
	# shellcheck disable=SC2016  # dpkg-query's own ${} fields
	chroot "$ewc_staging" dpkg-query -W -f '${Package}\t${Version}\n' > "$ewc_staging/.elfwatch-packages" 2>/dev/null
	date -u +%FT%TZ > "$ewc_staging/.elfwatch-chroot"
	rm -rf "$base.old"
	[ -d "$base" ] && mv "$base" "$base.old"
	mv "$ewc_staging" "$base" || { ewc_error="cannot move the new $rel chroot in place"; ewc_teardown; return 1; }
	ewc_staging=""
	rm -rf "$base.old"
	# other package lists of this release, unused for EW_CHROOT_MAX_AGE_DAYS: gone
	find "$EW_CHROOT_CACHE" -maxdepth 2 -path "$EW_CHROOT_CACHE/$rel-*/.elfwatch-used" \
		-mtime +"$EW_CHROOT_MAX_AGE_DAYS" -printf '%h\n' 2>/dev/null | while read -r old; do
		[ "$old" = "$base" ] || { ewc_log "removing $old (unused for $EW_CHROOT_MAX_AGE_DAYS days)"; rm -rf "$old" "$old.debootstrap.log"; }
	done
	ewc_created=yes
	ewc_create_s=$(( $(date +%s) - t0 ))
	ewc_base=$base
	return 0
}

# ewc__dev ROOT: a private /dev (no host /dev/log, no host devices beyond the usual few)
ewc__dev() {
	local d=$1/dev n
	mount -t tmpfs -o mode=0755,nosuid,size=64m ewc-dev "$d" || return 1
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r name maj min <<< "$n"
		mknod -m 0666 "$d/$name" c "$maj" "$min" || return 1
	done
	mkdir -m 0755 "$d/pts" && mkdir -m 1777 "$d/shm" || return 1
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 ewc-devpts "$d/pts" || return 1
	ln -s pts/ptmx "$d/ptmx"
	ln -s /proc/self/fd "$d/fd"
	ln -s /proc/self/fd/0 "$d/stdin"
	ln -s /proc/self/fd/1 "$d/stdout"
	ln -s /proc/self/fd/2 "$d/stderr"
	mount -t tmpfs -o mode=1777,nosuid,nodev ewc-shm "$d/shm"
}

ewc_run_root() {
	[ -n "$ewc_base" ] || { ewc_error="ewc_run_root: no chroot (ewc_ensure first)"; return 1; }
	ewc_run_dir=$(mktemp -d "$EW_CHROOT_CACHE/.run-$1.XXXXXX") || { ewc_error="mktemp failed"; return 1; }
	ewc_made="$ewc_made $ewc_run_dir"
	mkdir "$ewc_run_dir/upper" "$ewc_run_dir/work" "$ewc_run_dir/root"
	touch "$ewc_base/.elfwatch-used"
	ewc_root=$ewc_run_dir/root
	if ! mount -t overlay ewc-overlay \
		-o "lowerdir=$ewc_base,upperdir=$ewc_run_dir/upper,workdir=$ewc_run_dir/work" "$ewc_root"; then
		ewc_error="overlay mount of $ewc_base failed"
		return 1
	fi
	if ! mount -t proc -o nosuid,nodev,noexec ewc-proc "$ewc_root/proc" || ! ewc__dev "$ewc_root"; then
		ewc_error="mounting /proc or /dev in $ewc_root failed"
		return 1
	fi
	cp /etc/resolv.conf "$ewc_root/etc/resolv.conf" 2>/dev/null || :
	return 0
}

# (in the background and waited for, so a signal to this shell runs its trap at once, whose
# teardown then ends what runs in the root)
ewc_in() {
	chroot "$ewc_root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb "$@" &
	wait "$!"
}
