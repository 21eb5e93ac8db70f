/* Unit test: privilege_drop() (privilege.c), in a child of a root test run: what the plugin
 * keeps after start-up, and that each kept capability does its job and nothing more. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/privilege.h"
#include "tap.h"

enum check { STATUS_CAPS, STATUS_NNP, STATUS_UMASK, UID, READ_0600, PROC_FD_OF_ROOT, WRITE_ROOT_FILE,
	     OUTPUT_GIVEN, CHECK_COUNT };

static char dir[] = "/tmp/elfwatch-privilege.XXXXXX";
static char secret[PATH_MAX], rootfile[PATH_MAX], output[PATH_MAX];

static bool status_has(const char *want)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, want) != NULL;
}

/* In the child, after the drop: one bit per check that holds. */
static int child_checks(uid_t want_uid, pid_t root_pid)
{
	char link[64], target[PATH_MAX];
	int bits = 0, fd;

	if (status_has("CapPrm:\t0000000000080004\nCapEff:\t0000000000080004\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000"))
		bits |= 1 << STATUS_CAPS;
	if (status_has("NoNewPrivs:\t1"))
		bits |= 1 << STATUS_NNP;
	if (status_has("Umask:\t0077"))
		bits |= 1 << STATUS_UMASK;
	if (getuid() == want_uid && geteuid() == want_uid)
		bits |= 1 << UID;
	if ((fd = open(secret, O_RDONLY)) >= 0 && (close(fd), 1))
		bits |= 1 << READ_0600;
	snprintf(link, sizeof(link), "/proc/%d/fd/0", (int)root_pid);
	if (readlink(link, target, sizeof(target)) > 0)
		bits |= 1 << PROC_FD_OF_ROOT;
	if (open(rootfile, O_WRONLY | O_APPEND) < 0 && errno == EACCES)
		bits |= 1 << WRITE_ROOT_FILE;
	if ((fd = open(output, O_WRONLY | O_APPEND | O_NOFOLLOW)) >= 0 && (close(fd), 1))
		bits |= 1 << OUTPUT_GIVEN;
	return bits;
}

static const char *const names[CHECK_COUNT] = {
	"CapPrm = CapEff = DAC_READ_SEARCH + SYS_PTRACE; CapBnd, CapAmb empty",
	"NoNewPrivs: 1",
	"Umask: 0077",
	"runs as the user",
	"CAP_DAC_READ_SEARCH: reads a root-owned 0600 file",
	"CAP_SYS_PTRACE: reads /proc/PID/fd/0 of a root process",
	"no owner write to a root-owned 0644 file (EACCES)",
	"the alert file is given to the user (SIGHUP re-opens it)",
};

static void put(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd >= 0)
		close(fd);
	chmod(path, mode);
}

int main(void)
{
	const struct passwd *pw = getpwnam("nobody");
	int p[2], bits = 0, st;
	pid_t pid;

	tap_plan(CHECK_COUNT);
	if (geteuid() != 0 || !pw || !mkdtemp(dir)) {
		for (int i = 0; i < CHECK_COUNT; i++)
			tap_skip("%s: needs root and user nobody", names[i]);
		return 0;
	}
	chmod(dir, 0755);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	snprintf(rootfile, sizeof(rootfile), "%s/rootfile", dir);
	snprintf(output, sizeof(output), "%s/alerts", dir);
	put(secret, 0600);
	put(rootfile, 0644);
	put(output, 0600);
	fflush(stdout); /* the child must not write the plan again (valgrind's exit flushes stdio) */
	if (pipe(p) < 0 || (pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		struct privilege_plan plan = { "nobody", output };
		pid_t parent = getppid();

		close(p[0]);
		if (privilege_drop(&plan) == 0)
			bits = child_checks(pw->pw_uid, parent);
		if (write(p[1], &bits, sizeof(bits)) != sizeof(bits))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &bits, sizeof(bits)) != sizeof(bits))
		bits = 0;
	waitpid(pid, &st, 0);
	for (int i = 0; i < CHECK_COUNT; i++)
		tap_ok(bits & (1 << i), "%s", names[i]);
	unlink(secret);
	unlink(rootfile);
	unlink(output);
	rmdir(dir);
	return tap_failed ? 1 : 0;
}
