# shellcheck shell=sh
# tests/live/lib.sh: run a private auditd and a private rsyslogd for elfwatch's live test and
# its recording scripts, and clean both up on every exit path.
#
# Source it, then:
#   ew_install_traps                 cleanup on EXIT/INT/TERM/HUP (call first)
#   ew_audit_start DIR [STANZA...]   private auditd logging to DIR/audit.log, plugins from STANZAs
#   ew_audit_load_rules FILE         auditctl -R FILE (refuses -e 2 / -f 2); after
#                                    ew_plugin_install, the rules' never rule for
#                                    /usr/sbin/audisp-elfwatch names the private copy instead
#   ew_audit_stop                    auditctl -D, stop our auditd, restore saved state (idempotent)
#   ew_rsyslog_start DIR             private rsyslogd on /dev/log: ident "elfwatch" -> DIR/alerts.log
#   ew_rsyslog_stop                  stop it (idempotent)
#   ew_httpd_start DIR               loopback python3 -m http.server serving DIR; sets ew_httpd_port
#   ew_httpd_stop                    stop it (idempotent)
#   ew_at_exit FUNC                  run FUNC (a function name) first during cleanup
#   ew_plugin_install DIR BINARY     copy the plugin to DIR (root, 0750) and write its stanza
#                                    DIR/audisp-elfwatch.conf (0640, conf/audisp-elfwatch.conf
#                                    pointed at DIR: args -c DIR/elfwatch.conf);
#                                    later rule loads exclude DIR/audisp-elfwatch (never rule)
#   ew_plugin_config EXE CONF <TEXT  write CONF (0640) from stdin, bail out if EXE rejects it
# For the live TAP tests (tests/test_live*.sh, tests/test_audit_lifecycle.sh):
#   ew_test_begin                    top_builddir, ELFWATCH defaults; ew_install_traps; ew_need_audit
#   ew_tap ok|skip|fail TEXT         one result; ew_tap_done: the plan, exit 1 if one failed
#   ew_skip_all REASON, ew_bail TEXT "1..0 # SKIP" / "Bail out!" and exit
#   ew_need_audit                    ew_skip_all unless ew_audit_check passes
#   ew_start FUNC ARGS...            run a start function: skip on EW_SKIP, bail out on error
#   ew_test_dir TEMPLATE MODE        mktemp -d TEMPLATE (MODE), its name in $ew_dir; removed at
#                                    exit unless a result failed or EW_KEEP is set
# Start functions return 0, EW_SKIP (77) with $ew_skip_reason set when this machine cannot run
# the test (not root, no kernel audit, a foreign audit or syslog daemon, or ELFWATCH_SKIP_LIVE=1
# in the environment: the live parts are not wanted, e.g. this machine's own audit daemon must
# stay), or 1 with $ew_error set.
# Only processes these functions started are ever signalled, always by pid.

EW_SKIP=77
: "${ew_skip_reason:=}" "${ew_error:=}"
: "${ew_auditd_pid:=}" "${ew_audit_dir:=}" "${ew_audit_saved_enabled:=}" "${ew_audit_rules_loaded:=}"
: "${ew_audit_pidfile_saved:=}" "${ew_audit_plugin_pids:=}"
: "${ew_rsyslog_pid:=}" "${ew_rsyslog_dir:=}" "${ew_devlog_created:=}"
: "${ew_httpd_pid:=}" "${ew_httpd_port:=}" "${ew_plugin_exe:=}"
: "${ew_cleanup_fns:=}" "${ew_cleaning:=}"
: "${ew_tap_n:=0}" "${ew_tap_failed:=0}" "${ew_test_dirs:=}" "${ew_dir:=}"

ew_log() { printf '# %s\n' "$*" >&2; }

ew__skip() { ew_skip_reason=$*; }
ew__fail() { ew_error=$*; }

# ew__skip_wanted: the user asked for no live run (ELFWATCH_SKIP_LIVE=1, README "Tests").
ew__skip_wanted() {
	[ "${ELFWATCH_SKIP_LIVE:-0}" != 1 ] && return 1
	ew__skip "ELFWATCH_SKIP_LIVE=1: live tests not wanted on this machine"
}

# ew__lock: one live run at a time on this machine (the kernel has one audit daemon and one
# /dev/log). Held on fd 9 until the script exits; the daemons started here do not inherit it.
ew__lock() {
	command -v flock >/dev/null 2>&1 || return 0
	exec 9> "${EW_LIVE_LOCK:-/run/lock/elfwatch-live.lock}" || return 0
	flock -w "${EW_LIVE_LOCK_WAIT:-1800}" 9 || ew_log "could not take the live-test lock; going on"
}

# ew__alive PID: true while PID exists and is not a zombie (no fork, no exec).
ew__alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	ew__stat=
	read -r ew__stat < "/proc/$1/stat" 2>/dev/null || return 1
	ew__stat=${ew__stat##*) }
	[ "${ew__stat%% *}" != Z ]
}

# ew__wait_gone PID TENTHS: wait up to TENTHS/10 s for PID to end; reap it if it is our child.
ew__wait_gone() {
	ew__n=0
	while ew__alive "$1"; do
		[ "$ew__n" -ge "$2" ] && return 1
		sleep 0.1
		ew__n=$((ew__n + 1))
	done
	wait "$1" 2>/dev/null || :
	return 0
}

# ew__stop_pid PID NAME: SIGTERM, wait 10 s, then SIGKILL; only for pids we started.
ew__stop_pid() {
	ew__alive "$1" || { wait "$1" 2>/dev/null || :; return 0; }
	kill -TERM "$1" 2>/dev/null || :
	ew__wait_gone "$1" 100 && return 0
	ew_log "$2 (pid $1) ignored SIGTERM for 10 s; sending SIGKILL"
	kill -KILL "$1" 2>/dev/null || :
	ew__wait_gone "$1" 50
}

# ew_audit_status FIELD: print one field of `auditctl -s` (enabled, pid, ...).
ew_audit_status() {
	auditctl -s 2>/dev/null | awk -v f="$1" '$1 == f { print $2; exit }'
}

# ew_audit_check: can this process drive kernel audit, and is no other audit daemon registered?
ew_audit_check() {
	! ew__skip_wanted || return "$EW_SKIP"
	[ "$(id -u)" -eq 0 ] || { ew__skip "not root"; return "$EW_SKIP"; }
	for ew__c in auditd auditctl ausearch; do
		command -v "$ew__c" >/dev/null 2>&1 || { ew__skip "$ew__c not installed"; return "$EW_SKIP"; }
	done
	if ! ew__out=$(auditctl -s 2>&1); then
		ew__skip "kernel audit unavailable (container or no CONFIG_AUDIT?): $(printf '%s' "$ew__out" | head -n1)"
		return "$EW_SKIP"
	fi
	ew__pid=$(ew_audit_status pid)
	if [ -n "$ew__pid" ] && [ "$ew__pid" != 0 ] && [ "$ew__pid" != "$ew_auditd_pid" ]; then
		ew__skip "another audit daemon owns kernel audit (pid $ew__pid)"
		return "$EW_SKIP"
	fi
	[ "$(ew_audit_status enabled)" != 2 ] || { ew__skip "audit configuration is immutable (-e 2)"; return "$EW_SKIP"; }
	return 0
}

# ew_audit_start DIR [STANZA...]: DIR is created (root, 0750) and must not be world-reachable
# for writing. Each STANZA file is copied to DIR/plugins.d/ with mode 0640.
ew_audit_start() {
	[ -z "$ew_auditd_pid" ] || { ew__fail "ew_audit_start: auditd already started"; return 1; }
	ew_audit_check || return
	ew__dir=$1; shift
	mkdir -p "$ew__dir/plugins.d" || { ew__fail "cannot create $ew__dir"; return 1; }
	{ chown root:root "$ew__dir" "$ew__dir/plugins.d" && chmod 0750 "$ew__dir" "$ew__dir/plugins.d"; } ||
		{ ew__fail "cannot secure $ew__dir"; return 1; }
	for ew__s in "$@"; do
		ew__dst="$ew__dir/plugins.d/$(basename "$ew__s")"
		{ cp "$ew__s" "$ew__dst" && chown root:root "$ew__dst" && chmod 0640 "$ew__dst"; } ||
			{ ew__fail "cannot install stanza $ew__s"; return 1; }
	done
	cat > "$ew__dir/auditd.conf" <<-EOF || { ew__fail "cannot write auditd.conf"; return 1; }
	# private auditd for elfwatch tests (tests/live/lib.sh)
	local_events = yes
	write_logs = yes
	log_file = $ew__dir/audit.log
	log_group = root
	log_format = ENRICHED
	flush = NONE
	freq = 0
	max_log_file = 100
	max_log_file_action = IGNORE
	num_logs = 2
	priority_boost = 0
	name_format = NONE
	space_left = 2
	space_left_action = IGNORE
	admin_space_left = 1
	admin_space_left_action = IGNORE
	disk_full_action = IGNORE
	disk_error_action = IGNORE
	verify_email = no
	use_libwrap = no
	end_of_event_timeout = 2
	plugin_dir = $ew__dir/plugins.d
	q_depth = 2000
	overflow_action = SYSLOG
	max_restarts = 10
	EOF
	chmod 0640 "$ew__dir/auditd.conf"

	# Save what we change so ew_audit_stop can put it back.
	ew_audit_saved_enabled=$(ew_audit_status enabled)
	auditctl -l > "$ew__dir/saved.rules" 2>/dev/null || :
	grep -qx 'No rules' "$ew__dir/saved.rules" && : > "$ew__dir/saved.rules"
	ew_audit_pidfile_saved=
	[ -f /var/run/auditd.pid ] && ew_audit_pidfile_saved=$(cat /var/run/auditd.pid)
	ew_audit_dir=$ew__dir

	auditd -n -s enable -c "$ew__dir" > "$ew__dir/auditd.out" 2>&1 9>&- &
	ew_auditd_pid=$!
	ew__n=0
	while [ "$(ew_audit_status pid)" != "$ew_auditd_pid" ]; do
		if ! ew__alive "$ew_auditd_pid"; then
			wait "$ew_auditd_pid" 2>/dev/null || :
			ew_auditd_pid=
			ew__pid=$(ew_audit_status pid)
			if [ -n "$ew__pid" ] && [ "$ew__pid" != 0 ]; then
				# Lost the race: the enabled flag and the rules now belong to the daemon
				# that won. Restoring what we saved before it started (enabled=0, no
				# rules) would switch auditing off under it.
				ew__skip "another audit daemon registered first (pid $ew__pid)"
				ew_audit_saved_enabled=
				ew_audit_dir=
				return "$EW_SKIP"
			fi
			ew__fail "auditd exited at start: $(tail -n 3 "$ew__dir/auditd.out" | tr '\n' ' ')"
			ew__restore_audit_state
			return 1
		fi
		if [ "$ew__n" -ge 100 ]; then
			ew__fail "auditd (pid $ew_auditd_pid) did not register with the kernel in 10 s"
			ew_audit_stop
			return 1
		fi
		sleep 0.1
		ew__n=$((ew__n + 1))
	done
	# auditd starts its plugins right after registering; remember them so stop can wait.
	sleep 0.2
	ew_audit_plugin_pids=$(pgrep -P "$ew_auditd_pid" | tr '\n' ' ')
	return 0
}

# ew_audit_load_rules FILE: load FILE; never a file that would lock the kernel config or panic.
ew_audit_load_rules() {
	[ -n "$ew_auditd_pid" ] || { ew__fail "ew_audit_load_rules: no private auditd"; return 1; }
	if grep -Eq '^[[:space:]]*-(e|f)[[:space:]]+2' "$1"; then
		ew__fail "$1 contains -e 2 or -f 2; refusing to load it"
		return 1
	fi
	ew__rules=$1
	if [ -n "$ew_plugin_exe" ]; then
		# The plugin's self-exclusion (rules.d: "-F exe=/usr/sbin/audisp-elfwatch") must
		# name the binary auditd really runs, as make install does for its sbindir.
		ew__rules=$ew_audit_dir/loaded.rules
		sed "s|exe=/usr/sbin/audisp-elfwatch |exe=$ew_plugin_exe |" "$1" > "$ew__rules" ||
			{ ew__fail "cannot write $ew__rules"; return 1; }
	fi
	ew_audit_rules_loaded=yes
	auditctl -R "$ew__rules" > "$ew_audit_dir/auditctl.out" 2>&1 ||
		{ ew__fail "auditctl -R $1 failed: $(tail -n 2 "$ew_audit_dir/auditctl.out")"; return 1; }
}

ew__restore_audit_state() {
	if [ -n "$ew_audit_dir" ] && [ -s "$ew_audit_dir/saved.rules" ]; then
		auditctl -R "$ew_audit_dir/saved.rules" >/dev/null 2>&1 ||
			ew_log "could not restore the audit rules saved in $ew_audit_dir/saved.rules"
	fi
	if [ -n "$ew_audit_saved_enabled" ] && [ "$ew_audit_saved_enabled" != 2 ]; then
		auditctl -e "$ew_audit_saved_enabled" >/dev/null 2>&1 || ew_log "could not restore audit enabled flag"
	fi
	ew_audit_saved_enabled=
}

# ew_audit_stop: remove all rules, stop our auditd and its plugins, restore the saved state.
ew_audit_stop() {
	if [ -n "$ew_audit_rules_loaded" ] || [ -n "$ew_auditd_pid" ]; then
		auditctl -D >/dev/null 2>&1 || ew_log "auditctl -D failed"
		ew_audit_rules_loaded=
	fi
	if [ -n "$ew_auditd_pid" ]; then
		# Plugins (re)started since ew_audit_start are children too: collect them now.
		ew_audit_plugin_pids="$ew_audit_plugin_pids $(pgrep -P "$ew_auditd_pid" | tr '\n' ' ')"
		ew__stop_pid "$ew_auditd_pid" auditd || ew_log "auditd pid $ew_auditd_pid would not stop"
		# Plugins see EOF when auditd closes their socket; give them time to flush.
		for ew__p in $ew_audit_plugin_pids; do
			ew__wait_gone "$ew__p" 50 || ew__stop_pid "$ew__p" "plugin"
		done
		if [ -f /var/run/auditd.pid ] && [ "$(cat /var/run/auditd.pid)" = "$ew_auditd_pid" ]; then
			if [ -n "$ew_audit_pidfile_saved" ]; then
				printf '%s\n' "$ew_audit_pidfile_saved" > /var/run/auditd.pid
			else
				rm -f /var/run/auditd.pid
			fi
		fi
		ew_auditd_pid=
		ew_audit_plugin_pids=
	fi
	ew__restore_audit_state
	return 0
}

# ew__devlog_listening: does something receive on /dev/log? (python3: no side effects)
ew__devlog_listening() {
	python3 - <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	try:
	    s.connect("/dev/log")
	except OSError:
	    sys.exit(1)
	EOF
}

# ew_rsyslog_start DIR: private rsyslogd owning /dev/log. Messages whose program name is
# "elfwatch" go verbatim (%msg%) to DIR/alerts.log and as "facility.severity msg" to
# DIR/elfwatch.log; everything else goes to DIR/other.log.
ew_rsyslog_start() {
	[ -z "$ew_rsyslog_pid" ] || { ew__fail "ew_rsyslog_start: rsyslogd already started"; return 1; }
	! ew__skip_wanted || return "$EW_SKIP"
	[ "$(id -u)" -eq 0 ] || { ew__skip "not root"; return "$EW_SKIP"; }
	command -v rsyslogd >/dev/null 2>&1 || { ew__skip "rsyslogd not installed"; return "$EW_SKIP"; }
	command -v python3 >/dev/null 2>&1 || { ew__skip "python3 not installed"; return "$EW_SKIP"; }
	if [ -L /dev/log ]; then
		ew__skip "/dev/log is a symlink ($(readlink /dev/log)): another syslog daemon owns it"
		return "$EW_SKIP"
	fi
	if [ -e /dev/log ]; then
		[ -S /dev/log ] || { ew__skip "/dev/log exists and is not a socket"; return "$EW_SKIP"; }
		if ew__devlog_listening; then
			ew__skip "another syslog daemon listens on /dev/log"
			return "$EW_SKIP"
		fi
		ew_log "stale /dev/log socket without a listener; rsyslogd will replace it"
	else
		ew_devlog_created=yes
	fi
	ew__dir=$1
	{ mkdir -p "$ew__dir/rsyslog-work" && chmod 0750 "$ew__dir" "$ew__dir/rsyslog-work"; } ||
		{ ew__fail "cannot create $ew__dir"; return 1; }
	: > "$ew__dir/alerts.log"
	cat > "$ew__dir/rsyslog.conf" <<-EOF || { ew__fail "cannot write rsyslog.conf"; return 1; }
	# private rsyslogd for elfwatch tests (tests/live/lib.sh)
	global(workDirectory="$ew__dir/rsyslog-work" maxMessageSize="64k"
	       parser.escapeControlCharactersOnReceive="off")
	module(load="imuxsock" SysSock.Name="/dev/log" SysSock.Unlink="on"
	       SysSock.RateLimit.Interval="0")
	template(name="ew_msg" type="string" string="%msg%\n")
	template(name="ew_pri" type="string" string="%syslogfacility-text%.%syslogseverity-text% %msg%\n")
	if (\$programname == "elfwatch") then {
	    action(type="omfile" file="$ew__dir/alerts.log" template="ew_msg")
	    action(type="omfile" file="$ew__dir/elfwatch.log" template="ew_pri")
	    stop
	}
	*.* action(type="omfile" file="$ew__dir/other.log" template="RSYSLOG_FileFormat")
	EOF
	rsyslogd -n -f "$ew__dir/rsyslog.conf" -i "$ew__dir/rsyslogd.pid" > "$ew__dir/rsyslogd.out" 2>&1 9>&- &
	ew_rsyslog_pid=$!
	ew_rsyslog_dir=$ew__dir
	ew__n=0
	while :; do
		if ! ew__alive "$ew_rsyslog_pid"; then
			wait "$ew_rsyslog_pid" 2>/dev/null || :
			ew_rsyslog_pid=
			ew__fail "rsyslogd exited at start: $(tail -n 3 "$ew__dir/rsyslogd.out" | tr '\n' ' ')"
			return 1
		fi
		if [ -S /dev/log ]; then
			logger -u /dev/log -t ew_probe "ew_probe $$" 2>/dev/null &&
				grep -q "ew_probe $$" "$ew__dir/other.log" 2>/dev/null && return 0
		fi
		if [ "$ew__n" -ge 100 ]; then
			ew__fail "rsyslogd did not start receiving on /dev/log in 10 s"
			ew_rsyslog_stop
			return 1
		fi
		sleep 0.1
		ew__n=$((ew__n + 1))
	done
}

ew_rsyslog_stop() {
	if [ -n "$ew_rsyslog_pid" ]; then
		ew__stop_pid "$ew_rsyslog_pid" rsyslogd || ew_log "rsyslogd pid $ew_rsyslog_pid would not stop"
		ew_rsyslog_pid=
	fi
	# rsyslogd unlinks its socket on exit; remove a leftover only if we created it.
	if [ -n "$ew_devlog_created" ] && [ -S /dev/log ] && ! [ -L /dev/log ] && ! ew__devlog_listening; then
		rm -f /dev/log
	fi
	ew_devlog_created=
	return 0
}

# ew_httpd_start DIR: serve DIR read-only on 127.0.0.1, on a port the kernel picks (printed by
# http.server, unbuffered), for the download scenarios. Loopback only, stopped by ew_cleanup.
ew_httpd_start() {
	[ -z "$ew_httpd_pid" ] || { ew__fail "ew_httpd_start: http.server already started"; return 1; }
	ew__py=/usr/bin/python3
	[ -x "$ew__py" ] || ew__py=python3
	ew__out=$(mktemp /var/tmp/elfwatch-httpd.XXXXXX) || { ew__fail "mktemp failed"; return 1; }
	"$ew__py" -u -m http.server --bind 127.0.0.1 --directory "$1" 0 > "$ew__out" 2>&1 9>&- &
	ew_httpd_pid=$!
	ew__n=0
	ew_httpd_port=
	while [ -z "$ew_httpd_port" ]; do
		ew_httpd_port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9][0-9]*\) .*/\1/p' "$ew__out")
		[ -n "$ew_httpd_port" ] && break
		if ! ew__alive "$ew_httpd_pid" || [ "$ew__n" -ge 100 ]; then
			ew__fail "http.server did not start: $(head -n 3 "$ew__out" | tr '\n' ' ')"
			ew_httpd_stop
			rm -f "$ew__out"
			return 1
		fi
		sleep 0.1
		ew__n=$((ew__n + 1))
	done
	rm -f "$ew__out"
	return 0
}

ew_httpd_stop() {
	if [ -n "$ew_httpd_pid" ]; then
		ew__stop_pid "$ew_httpd_pid" http.server || ew_log "http.server pid $ew_httpd_pid would not stop"
		ew_httpd_pid=
	fi
	ew_httpd_port=
	return 0
}

# ew_at_exit FUNC: run function FUNC during cleanup, before the daemons stop (last in, first run).
ew_at_exit() { ew_cleanup_fns="$1 $ew_cleanup_fns"; }

# ew_plugin_install DIR BINARY: the plugin as make install leaves it (root-owned, 0750) and a stanza
# for a private plugins.d; the caller writes DIR/elfwatch.conf.
ew_plugin_install() {
	install -o root -g root -m 0750 "$2" "$1/audisp-elfwatch"
	ew_plugin_exe=$1/audisp-elfwatch
	# the stanza make install writes (conf/audisp-elfwatch.conf), pointed at DIR
	ew__tpl=${top_srcdir:-.}/conf/audisp-elfwatch.conf
	if [ -f "$ew__tpl" ]; then
		sed -e "s|/usr/sbin/audisp-elfwatch|$1/audisp-elfwatch|" \
		    -e "s|/etc/audit/elfwatch.conf|$1/elfwatch.conf|" "$ew__tpl" > "$1/audisp-elfwatch.conf"
	else
		printf '%s\n' "active = yes" "path = $1/audisp-elfwatch" "type = always" \
			"args = -c $1/elfwatch.conf" "format = string" > "$1/audisp-elfwatch.conf"
	fi
	chmod 0640 "$1/audisp-elfwatch.conf"
}

# ew_plugin_config EXE CONF: the plugin's configuration CONF (0640) from stdin; EXE --check-config
# must accept it (its output in CONF.check), or the test bails out.
ew_plugin_config() {
	cat > "$2"
	chmod 0640 "$2"
	"$1" --check-config -c "$2" > "$2.check" 2>&1 ||
		ew_bail "--check-config rejects the test configuration: $(head -n 3 "$2.check")"
}

# ---- TAP for the live tests ----
ew_tap() {
	ew_tap_n=$((ew_tap_n + 1))
	case $1 in
	ok) printf 'ok %d - %s\n' "$ew_tap_n" "$2" ;;
	skip) printf 'ok %d - %s # SKIP\n' "$ew_tap_n" "$2" ;;
	*) printf 'not ok %d - %s\n' "$ew_tap_n" "$2"; ew_tap_failed=1 ;;
	esac
}
ew_tap_done() { printf '1..%d\n' "$ew_tap_n"; exit "$ew_tap_failed"; }
ew_skip_all() { printf '1..0 # SKIP %s\n' "$*"; exit 0; }
ew_bail() { printf 'Bail out! %s\n' "$*"; exit 1; }

# ew_test_begin: a live TAP test's start: ELFWATCH defaults to the build's plugin, the traps (and
# the live lock), and the skip when this machine cannot drive audit.
ew_test_begin() {
	: "${top_builddir:=${top_srcdir:-.}}"
	: "${ELFWATCH:=$top_builddir/audisp-elfwatch}"
	ew_install_traps
	ew_need_audit
}

ew_need_audit() {
	ew__st=0
	ew_audit_check || ew__st=$?
	[ "$ew__st" -eq 0 ] || ew_skip_all "$ew_skip_reason"
}

ew_start() {
	ew__st=0
	"$@" || ew__st=$?
	[ "$ew__st" -ne "$EW_SKIP" ] || ew_skip_all "$ew_skip_reason"
	[ "$ew__st" -eq 0 ] || ew_bail "$ew_error"
}

ew_test_dir() {
	ew_dir=$(mktemp -d "$1") || ew_bail "mktemp -d $1 failed"
	chmod "$2" "$ew_dir"
	[ -n "$ew_test_dirs" ] || ew_at_exit ew__remove_test_dirs
	ew_test_dirs="$ew_test_dirs $ew_dir"
}
# shellcheck disable=SC2317  # run from the EXIT trap via ew_at_exit
ew__remove_test_dirs() {
	if [ "$ew_tap_failed" -ne 0 ] || [ -n "${EW_KEEP:-}" ]; then
		ew_log "kept$ew_test_dirs for inspection"
	else
		# shellcheck disable=SC2086  # mktemp's names: no blanks
		rm -rf $ew_test_dirs
	fi
	ew_test_dirs=
}

ew_cleanup() {
	[ -z "$ew_cleaning" ] || return 0
	ew_cleaning=yes
	set +e
	for ew__f in $ew_cleanup_fns; do
		"$ew__f"
	done
	ew_httpd_stop
	ew_audit_stop
	ew_rsyslog_stop
	ew_cleaning=
	ew_cleanup_fns=
	return 0
}

ew__on_exit() {
	ew__rc=$?
	trap - EXIT
	trap '' INT TERM HUP
	ew_cleanup
	exit "$ew__rc"
}

# ew_install_traps: every exit path (normal end, set -e failure, INT/TERM/HUP) runs ew_cleanup.
ew_install_traps() {
	ew__lock
	trap ew__on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}
