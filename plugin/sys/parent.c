#include "sys/parent.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int parent_parse_stat(const char *line, size_t len, char *comm, size_t cap, long long *ret_ppid)
{
	const char *open = memchr(line, '(', len), *close = NULL, *p, *end = line + len;
	char num[24];
	size_t n;

	for (p = line; p < end; p++)
		if (*p == ')')
			close = p;
	if (!open || !close || close < open || cap == 0)
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	/* ") S PPID ..." */
	p = close + 1;
	if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return -EINVAL;
	p += 3;
	for (n = 0; p < end && *p >= '0' && *p <= '9' && n < sizeof(num) - 1; p++)
		num[n++] = *p;
	if (n == 0 || n > 10 || (p < end && *p != ' '))
		return -EINVAL;
	num[n] = '\0';
	*ret_ppid = strtoll(num, NULL, 10);
	return 0;
}

static int read_stat(const char *proc_root, long long pid, char *comm, size_t cap, long long *ppid)
{
	char path[256], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%lld/stat", proc_root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return -EIO;
	return parent_parse_stat(buf, (size_t)n, comm, cap, ppid);
}

void parent_discover(const char *proc_root, long long ppid, struct parent_set *ret)
{
	long long pid = ppid;
	char comm[16];

	memset(ret, 0, sizeof(*ret));
	ret->parent = ppid;
	for (int depth = 0; pid > 1 && depth < PARENT_MAX_DEPTH; depth++) {
		long long up = 0;

		if (read_stat(proc_root, pid, comm, sizeof(comm), &up) < 0)
			break;
		if (depth == 0)
			snprintf(ret->parent_comm, sizeof(ret->parent_comm), "%s", comm);
		if (strcmp(comm, "auditd") == 0) {
			ret->auditd = pid;
			break;
		}
		if (up <= 0)
			break;
		pid = up;
	}
}
