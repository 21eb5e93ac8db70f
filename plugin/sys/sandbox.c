/* sandbox: the seccomp allow-list of the system calls elfwatch makes after start-up.
 *
 * Policy (README "Security"): a call that only an exploit makes (exec, ptrace, fork, module
 * loading, namespace and credential changes) kills the process: auditd restarts a clean plugin
 * and the kernel logs a SECCOMP audit record. Any other call not on the list fails with EPERM
 * and is logged the same way (SECCOMP_FILTER_FLAG_LOG): a library that starts using a new
 * call on some error path then costs one failed call, not the detector. Any SECCOMP record of
 * the plugin is therefore a missing entry or an attack. */
#include "sys/sandbox.h"

#include <errno.h>

#if defined(HAVE_SECCOMP) && !defined(ELFWATCH_SANITIZED)
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "sys/log.h"

/* Allowed whatever their arguments: reading, looking at files, memory, time, threads. */
static const char *const allow_any[] = {
	/* stdin, audit-named files, /proc/PID/{fd,cwd,exe}, mountinfo, the configuration;
	 * recvfrom: auditd's socket on stdin read without waiting */
	"read", "recvfrom", "readv", "pread64", "preadv", "preadv2", "close", "close_range",
	/* no openat2: its flags are in a struct seccomp cannot read, so a write-mode open would
	 * pass; safefile walks paths with openat(O_PATH) one component at a time instead */
	"fstat", "stat", "lstat", "newfstatat", "statx", "fstatfs", "statfs",
	"readlink", "readlinkat", "getdents64", "getdents", "access", "faccessat", "faccessat2",
	"fcntl", "getcwd", "dup",
	/* alerts: stdout or the output file (opened before), syslog's socket */
	"write", "writev", "fsync", "fdatasync", "connect", "sendto", "sendmsg",
	/* waiting: the intake loop, the reader thread, mountinfo changes */
	"poll", "ppoll", "pselect6", "select", "futex", "nanosleep", "clock_nanosleep",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "sched_yield",
	/* malloc and thread stacks (PROT_EXEC is refused below) */
	"brk", "munmap", "mremap", "madvise",
	/* threads and signals: glibc's pthread_create, handlers, sigprocmask */
	"set_robust_list", "get_robust_list", "rseq", "set_tid_address", "sched_getaffinity",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
	"exit", "exit_group",
	/* identity and host facts (gethostname is uname) */
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "uname",
	"sysinfo", "getrandom", "prlimit64", "getrlimit",
};

/* Never made by elfwatch after start-up: a call here means an exploit is running. */
static const char *const kill_any[] = {
	"execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "fork", "vfork",
	"pidfd_getfd", "pidfd_open", "setuid", "setgid", "setreuid", "setregid", "setresuid",
	"setresgid", "setfsuid", "setfsgid", "setgroups", "capset", "init_module",
	"finit_module", "delete_module", "kexec_load", "kexec_file_load", "bpf", "mount",
	"umount2", "pivot_root", "chroot", "unshare", "setns", "io_uring_setup", "userfaultfd",
	"perf_event_open", "keyctl", "add_key", "request_key", "open_by_handle_at",
	"name_to_handle_at",
};

static int add(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
	       const struct scmp_arg_cmp *args)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;       /* not a call of this architecture */
	return seccomp_rule_add_array(ctx, action, nr, n, args);
}

/* Calls allowed with some arguments only. */
static int add_conditional(scmp_filter_ctx ctx)
{
	const scmp_datum_t self = (scmp_datum_t)getpid();
	const struct scmp_arg_cmp rdonly = SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY);
	const struct scmp_arg_cmp append = SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_APPEND,
						   O_WRONLY | O_APPEND);
	const struct scmp_arg_cmp at_rdonly = SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY);
	const struct scmp_arg_cmp at_append = SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_APPEND,
						      O_WRONLY | O_APPEND);
	/* No lseek far into a file: with CAP_SYS_PTRACE a write-mode /proc/PID/mem is within
	 * reach of an exploit, and its offset is the target address. 1 MiB is below every
	 * mapping a process has in practice; libconfig's fclose seeks within the file. */
	const struct scmp_arg_cmp seek_set[] = { SCMP_A1(SCMP_CMP_LT, 1 << 20),
						 SCMP_A2(SCMP_CMP_EQ, SEEK_SET) };
	const struct scmp_arg_cmp seek_cur[] = { SCMP_A1(SCMP_CMP_EQ, 0),
						 SCMP_A2(SCMP_CMP_EQ, SEEK_CUR) };
	const struct scmp_arg_cmp seek_end = SCMP_A2(SCMP_CMP_EQ, SEEK_END);
	const struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	const struct scmp_arg_cmp thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	const struct scmp_arg_cmp not_thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
	const struct scmp_arg_cmp to_self = SCMP_A0(SCMP_CMP_EQ, self);
	const struct scmp_arg_cmp unix_sock = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
	const struct scmp_arg_cmp tcgets = SCMP_A1(SCMP_CMP_EQ, TCGETS);
	int r;

	/* reads and O_PATH looks; writes only append (the output file, re-opened on SIGHUP) */
	r = add(ctx, SCMP_ACT_ALLOW, "open", 1, &rdonly);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "open", 1, &append);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "openat", 1, &at_rdonly);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "openat", 1, &at_append);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "lseek", 2, seek_set);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "lseek", 2, seek_cur);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "lseek", 1, &seek_end);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "mmap", 1, &no_exec);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "mprotect", 1, &no_exec);
	/* threads yes, processes never; clone3 hides its flags, and glibc falls back on ENOSYS */
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "clone", 1, &thread);
	r = r ?: add(ctx, SCMP_ACT_KILL_PROCESS, "clone", 1, &not_thread);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "clone3", 0, NULL);   /* ENOSYS: quiet_enosys() */
	/* signals to ourselves only (raise, abort) */
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "kill", 1, &to_self);
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "tgkill", 1, &to_self);
	/* syslog's /dev/log, re-connected when rsyslogd restarts */
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "socket", 1, &unix_sock);
	/* stdio asks whether stdout is a terminal */
	r = r ?: add(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &tcgets);
	return r;
}

/* clone3 hides its flags from seccomp, so it answers ENOSYS and glibc uses clone. A filter of
 * its own, without the LOG flag: an expected refusal at every start is no SECCOMP record. */
static int quiet_enosys(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = add(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	r = r ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

bool sandbox_available(void)
{
	return true;
}

int sandbox_install(void)
{
	scmp_filter_ctx ctx;
	int r = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* syslog() stamps messages in local time; glibc reads the zone file once, seeking
	 * back within it (SEEK_CUR), which the list refuses: read it now */
	tzset();
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return -ENOMEM;
	/* another ABI (int 0x80, x32) is no way around the list */
	r = r ?: seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* every refused call leaves a SECCOMP audit record, not only the fatal ones */
	r = r ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	for (size_t i = 0; !r && i < sizeof(allow_any) / sizeof(allow_any[0]); i++)
		r = add(ctx, SCMP_ACT_ALLOW, allow_any[i], 0, NULL);
	for (size_t i = 0; !r && i < sizeof(kill_any) / sizeof(kill_any[0]); i++)
		r = add(ctx, SCMP_ACT_KILL_PROCESS, kill_any[i], 0, NULL);
	r = r ?: add_conditional(ctx);
	r = r ?: quiet_enosys();
	r = r ?: seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		log_debug("seccomp filter not installed: %s", strerror(-r));
	return r < 0 ? r : 0;
}

#else

#include <sys/prctl.h>

bool sandbox_available(void)
{
	return false;
}

int sandbox_install(void)
{
	/* no filter (built --disable-seccomp or with a sanitizer, whose runtime needs calls
	 * the list refuses), but still no way to gain privileges through exec */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return -ENOSYS;
}

#endif
