/* privilege: what the plugin keeps of root once start-up is done (README "Security"). */
#include "sys/privilege.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cap-ng.h>

#include "sys/log.h"

/* Every capability kept, and why. Nothing else: no write access beyond what the user owns. */
static const struct {
	int cap;
	const char *why;
} kept[] = {
	/* read any file an audit record names, whatever its mode, to judge it; read the
	 * configuration again on SIGHUP */
	{ CAP_DAC_READ_SEARCH, "read audit-named files and the configuration" },
	/* readlink/open /proc/PID/fd/N, /proc/PID/cwd and /proc/PID/exe of processes of other
	 * users (ptrace read access): resolving *at() names and judging fileless execs */
	{ CAP_SYS_PTRACE, "read /proc/PID/{fd,cwd,exe} of other users' processes" },
};

/* The alert file is created by root at start-up; SIGHUP re-opens it as the user. */
static void give_output(const char *path, uid_t uid)
{
	struct stat st;
	int fd;

	if (!path || path[0] != '/')
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid != uid && fchown(fd, uid, -1) < 0)
		log_warn("cannot give %s to uid %u (%s): SIGHUP cannot re-open it",
			 path, (unsigned)uid, strerror(errno));
	close(fd);
}

static int finish(void)
{
	umask(077);
	/* no core dump of attacker data; /proc/self stays root's, out of the user's reach */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int privilege_drop(const struct privilege_plan *plan)
{
	const struct passwd *pw = NULL;
	int r;

	if (geteuid() != 0)
		return finish();
	if (plan->user && plan->user[0] && strcmp(plan->user, "root") != 0) {
		errno = 0;
		pw = getpwnam(plan->user);
		if (!pw)
			log_warn("user %s does not exist (%s): keeping uid 0, with write access to "
				 "root-owned files", plan->user, errno ? strerror(errno) : "no entry");
	}
	capng_clear(CAPNG_SELECT_ALL);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, kept[i].cap) < 0)
			return -EINVAL;
	if (pw && pw->pw_uid != 0) {
		give_output(plan->output_path, pw->pw_uid);
		r = capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
				    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
		if (r < 0) {
			log_err("cannot become user %s (libcap-ng error %d)", plan->user, r);
			return -EPERM;
		}
	} else if (capng_apply(CAPNG_SELECT_ALL) < 0) {
		return -EPERM;
	}
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		log_debug("kept capability %s: %s", capng_capability_to_name(kept[i].cap), kept[i].why);
	return finish();
}
