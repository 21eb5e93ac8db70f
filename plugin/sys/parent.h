/* parent: who may stop the plugin with SIGTERM. systemd signals the whole auditd cgroup on
 * stop, before auditd has closed our stdin; honouring that would lose queued events. So only
 * the process that started us (auditd, or audit 4.x's audisp-filter running us as its child)
 * and auditd itself count; the others are logged and ignored. Both are found once at
 * start-up from /proc. */
#ifndef ELFWATCH_PARENT_H
#define ELFWATCH_PARENT_H

#include <stdbool.h>
#include <stddef.h>

#define PARENT_MAX_DEPTH 8          /* ancestors looked at for auditd */

struct parent_set {
	long long parent;           /* getppid() at start-up */
	long long auditd;           /* the nearest ancestor named auditd, or 0 */
	char parent_comm[16];       /* the parent's name, for messages */
};

/* Parse a /proc/PID/stat line: comm (cut to cap-1) and ppid. The comm may hold spaces and
 * parentheses: it ends at the last ')'. 0 or -EINVAL. */
int parent_parse_stat(const char *line, size_t len, char *comm, size_t cap, long long *ret_ppid);

/* Fill ret for a process whose parent is ppid, reading proc_root/PID/stat ("/proc"). */
void parent_discover(const char *proc_root, long long ppid, struct parent_set *ret);

/* May sender stop us? Async-signal-safe. */
static inline bool parent_may_stop(const struct parent_set *s, long long sender)
{
	return sender > 0 && (sender == s->parent || sender == s->auditd);
}

#endif
