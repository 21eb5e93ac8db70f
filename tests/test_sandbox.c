/* Unit test: the seccomp allow-list (sandbox.c). Each row runs one call in a child that
 * installed the list, and checks what happened: allowed, refused with an errno, or killed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sys/config.h"
#include "sys/sandbox.h"
#include "tap.h"

#define KILLED (-1)

static char tmpdir[] = "/tmp/elfwatch-sandbox.XXXXXX";
static char tmpfile_path[PATH_MAX];

static int err(long r) { return r < 0 ? errno : 0; }

static int do_open_rdonly(void) { int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC); return fd < 0 ? errno : (close(fd), 0); }
static int do_open_path(void) { int fd = open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC); return fd < 0 ? errno : (close(fd), 0); }
static int do_proc_fd(void) { char b[PATH_MAX]; return err(readlink("/proc/self/fd/0", b, sizeof(b))); }
static int do_open_append(void) { int fd = open(tmpfile_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600); return fd < 0 ? errno : (close(fd), 0); }
static int do_open_trunc(void) { return err(open(tmpfile_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)); }
static int do_open_rdwr(void) { return err(open(tmpfile_path, O_RDWR)); }
/* openat2 keeps its flags in a struct seccomp cannot read: a write-mode open through it would
 * pass any flag check, so nothing may use it (safefile walks with openat(O_PATH)). */
static int do_openat2(void)
{
	struct { unsigned long long flags, mode, resolve; } how = { O_RDWR, 0, 0 };

	return err((int)syscall(SYS_openat2, AT_FDCWD, tmpfile_path, &how, sizeof(how)));
}
static int do_lseek_near(void) { int fd = open(tmpfile_path, O_RDONLY); return err(lseek(fd, 4096, SEEK_SET)); }
static int do_lseek_far(void) { int fd = open(tmpfile_path, O_RDONLY); return err(lseek(fd, 0x400000, SEEK_SET)); }
static int do_lseek_tell(void) { int fd = open(tmpfile_path, O_RDONLY); return err(lseek(fd, 0, SEEK_CUR)); }
static int do_lseek_step(void) { int fd = open(tmpfile_path, O_RDONLY); return err(lseek(fd, 4096, SEEK_CUR)); }
static int do_mmap_rw(void) { return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? errno : 0; }
static int do_mmap_exec(void) { return mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? errno : 0; }
static int do_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? -1 : err(mprotect(p, 4096, PROT_READ | PROT_EXEC));
}
static void *thread_main(void *arg) { return arg; }
static int do_thread(void)
{
	pthread_t t;
	void *ret = NULL;
	int r = pthread_create(&t, NULL, thread_main, &tap_n);
	return r ? r : (pthread_join(t, &ret), ret == &tap_n ? 0 : -1);
}
static int do_clone3(void) { return err(syscall(SYS_clone3, NULL, 0)); }
static int do_fork(void) { pid_t p = fork(); if (p == 0) _exit(0); return p < 0 ? errno : 0; }
static int do_exec(void) { char *argv[] = { "true", NULL }; return err(execv("/bin/true", argv)); }
static int do_ptrace(void) { return err(ptrace(PTRACE_TRACEME, 0, NULL, NULL)); }
static int do_setuid(void) { return err(syscall(SYS_setuid, 0)); }
static int do_unix_socket(void) { int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); return s < 0 ? errno : (close(s), 0); }
static int recv_pair[2] = { -1, -1 };  /* made before the children: a byte waits in it */
static int do_recv_dontwait(void)
{
	char c;

	return recv(recv_pair[0], &c, 1, MSG_DONTWAIT) == 1 ? 0 : errno;
}
static int do_inet_socket(void) { return err(socket(AF_INET, SOCK_STREAM, 0)); }
static int do_kill_self(void) { return err(kill(getpid(), 0)); }
static int do_kill_parent(void) { return err(kill(getppid(), 0)); }
static int do_unlink(void) { return err(unlink(tmpfile_path)); }
static int do_uname(void) { struct utsname u; char h[256]; return uname(&u) < 0 ? errno : err(gethostname(h, sizeof(h))); }
static int do_readdir(void)
{
	DIR *d = opendir("/etc");
	char rp[PATH_MAX];
	int n = 0;

	if (!d)
		return errno;
	while (readdir(d))
		n++;
	closedir(d);
	return n > 2 && realpath("/usr/bin/../lib", rp) ? 0 : -1;
}
/* SIGHUP's reload path: libconfig reads the configuration again */
static int do_config_reload(void)
{
	const char *top = getenv("top_srcdir");
	char path[PATH_MAX], e[256];
	struct config cfg;

	snprintf(path, sizeof(path), "%s/tests/data/replay.conf", top ? top : ".");
	if (config_load(path, &cfg, e, sizeof(e)) < 0)
		return -1;
	config_free(&cfg);
	return 0;
}

/* syslog() stamps each message in local time: the zone file must be read before the filter
 * (glibc seeks back within it, SEEK_CUR -60, which the list refuses). TZ names a zone an
 * hour east of UTC in 1970 (main); without tzdata there is nothing to tell apart. */
static int do_localtime(void)
{
	struct tm tm;
	time_t t = 0;

	if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0)
		return 0;
	return localtime_r(&t, &tm) && tm.tm_gmtoff == 3600 ? 0 : -1;
}

static const struct {
	const char *name;
	int (*fn)(void);
	int want;      /* 0: allowed; an errno: refused with it; KILLED: SIGSYS */
} rows[] = {
	{ "open O_RDONLY", do_open_rdonly, 0 },
	{ "open O_PATH", do_open_path, 0 },
	{ "readlink /proc/self/fd/0", do_proc_fd, 0 },
	{ "open O_WRONLY|O_APPEND|O_CREAT (alert file, SIGHUP)", do_open_append, 0 },
	{ "open O_WRONLY|O_TRUNC refused", do_open_trunc, EPERM },
	{ "open O_RDWR refused", do_open_rdwr, EPERM },
	{ "openat2 refused (its flags are out of the filter's sight)", do_openat2, EPERM },
	{ "lseek SEEK_SET 4096", do_lseek_near, 0 },
	{ "lseek SEEK_SET 4 MiB refused (/proc/PID/mem)", do_lseek_far, EPERM },
	{ "lseek SEEK_CUR 0 (ftell)", do_lseek_tell, 0 },
	{ "lseek SEEK_CUR 4096 refused", do_lseek_step, EPERM },
	{ "mmap read/write (malloc)", do_mmap_rw, 0 },
	{ "mmap PROT_EXEC refused", do_mmap_exec, EPERM },
	{ "mprotect PROT_EXEC refused", do_mprotect_exec, EPERM },
	{ "pthread_create (clone3 ENOSYS, clone with CLONE_THREAD)", do_thread, 0 },
	{ "clone3 says ENOSYS", do_clone3, ENOSYS },
	{ "socket AF_UNIX (syslog)", do_unix_socket, 0 },
	{ "socket AF_INET refused", do_inet_socket, EPERM },
	{ "recv MSG_DONTWAIT (auditd's socket on stdin)", do_recv_dontwait, 0 },
	{ "kill self", do_kill_self, 0 },
	{ "kill another process refused", do_kill_parent, EPERM },
	{ "unlink refused", do_unlink, EPERM },
	{ "uname, gethostname", do_uname, 0 },
	{ "opendir, readdir, realpath", do_readdir, 0 },
	{ "configuration reload (libconfig)", do_config_reload, 0 },
	{ "local time (syslog's stamp) from the zone file", do_localtime, 0 },
	{ "fork kills", do_fork, KILLED },
	{ "execve kills", do_exec, KILLED },
	{ "ptrace kills", do_ptrace, KILLED },
	{ "setuid kills", do_setuid, KILLED },
};

static int run_row(int (*fn)(void), int *ret_status)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int r = sandbox_install();

		if (r < 0)
			_exit(100);
		r = fn();
		_exit(r < 0 ? 101 : r);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	*ret_status = st;
	return 0;
}

int main(void)
{
	size_t n = sizeof(rows) / sizeof(rows[0]);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, recv_pair) < 0 || write(recv_pair[1], "x", 1) != 1)
		return 1;
	setenv("TZ", ":Europe/Berlin", 1);
	tap_plan((int)n);
	if (!sandbox_available()) {
		for (size_t i = 0; i < n; i++)
			tap_skip("%s: no seccomp allow-list in this build", rows[i].name);
		return 0;
	}
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(tmpfile_path, sizeof(tmpfile_path), "%s/f", tmpdir);
	for (size_t i = 0; i < n; i++) {
		int st = 0, fd = open(tmpfile_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		bool ok;

		if (fd >= 0)
			close(fd);
		if (run_row(rows[i].fn, &st) < 0) {
			tap_ok(0, "%s: fork/wait failed", rows[i].name);
			continue;
		}
		if (rows[i].want == KILLED)
			ok = WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
		else
			ok = WIFEXITED(st) && WEXITSTATUS(st) == rows[i].want;
		if (!tap_ok(ok, "%s", rows[i].name))
			tap_diag("  status %s %d", WIFSIGNALED(st) ? "signal" : "exit",
				 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	unlink(tmpfile_path);
	rmdir(tmpdir);
	return tap_failed ? 1 : 0;
}
