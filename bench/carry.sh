#!/bin/sh
# bench/carry.sh: pack the programs the live benchmark needs (this build's plugin, bench/loadgen,
# and this machine's auditd, auditctl, ausearch, rsyslogd with its modules, pgrep, flock, logger) with every library they
# load, to run them on another x86-64 machine that has none of them (a many-core lab machine).
# Each program is copied with its interpreter and run path rewritten (patchelf) to point at
# RUNDIR/lib, so it runs there as a normal executable: its comm, pid and /proc/PID/exe stay its
# own, as bench/live_bench.sh needs.
#
# usage: sh bench/carry.sh ELFWATCH LOADGEN OUTDIR [RUNDIR]
#   RUNDIR: where OUTDIR will be copied on the other machine (default /tmp/ew-carry)
# There: cp -r OUTDIR RUNDIR && PATH=RUNDIR/bin:$PATH sh bench/live_bench.sh RUNDIR/bin/audisp-elfwatch RUNDIR/bin/loadgen ...
set -eu
[ $# -ge 3 ] || { echo "usage: sh bench/carry.sh ELFWATCH LOADGEN OUTDIR [RUNDIR]" >&2; exit 2; }
command -v patchelf >/dev/null 2>&1 || { echo "carry: patchelf not installed (apt-get install patchelf)" >&2; exit 1; }
elfwatch=$1 loadgen=$2 out=$3 run=${4:-/tmp/ew-carry}
moddir=/usr/lib/x86_64-linux-gnu/rsyslog

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/rsyslog"
interp=$(patchelf --print-interpreter "$elfwatch")
cp -L "$interp" "$out/lib/"

libs_of() { ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'; }
pack() {   # FILE DEST: copy, add its libraries, point it at RUNDIR
	cp -L "$1" "$2"
	libs_of "$1" | while read -r lib; do
		[ -e "$out/lib/${lib##*/}" ] || cp -L "$lib" "$out/lib/"
	done
	case $2 in
	*.so) ;;
	*) patchelf --set-interpreter "$run/lib/${interp##*/}" "$2" ;;
	esac
	patchelf --force-rpath --set-rpath "$run/lib" "$2"   # DT_RPATH: searched for every dependency
}
pack "$elfwatch" "$out/bin/audisp-elfwatch"
pack "$loadgen" "$out/bin/loadgen"
pack "$(command -v auditd)" "$out/bin/auditd"
pack "$(command -v auditctl)" "$out/bin/auditctl.bin"
pack "$(command -v ausearch)" "$out/bin/ausearch"
pack "$(command -v rsyslogd)" "$out/bin/rsyslogd.bin"
for tool in pgrep flock logger; do   # what tests/live/lib.sh calls beyond coreutils
	pack "$(command -v "$tool")" "$out/bin/$tool"
done
for m in imuxsock lmnet; do
	[ -f "$moddir/$m.so" ] && pack "$moddir/$m.so" "$out/rsyslog/$m.so"
done
# rsyslogd finds its modules through -M; auditctl is a wrapper only to keep one PATH entry.
cat > "$out/bin/rsyslogd" <<EOF
#!/bin/sh
exec "$run/bin/rsyslogd.bin" -M "$run/rsyslog" "\$@"
EOF
cat > "$out/bin/auditctl" <<EOF
#!/bin/sh
exec "$run/bin/auditctl.bin" "\$@"
EOF
chmod 0755 "$out/bin/rsyslogd" "$out/bin/auditctl"
du -sh "$out" | awk '{ print "carry: " $1 " in " $2 }'
