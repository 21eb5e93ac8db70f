#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

enum sink { SINK_SYSLOG, SINK_FD };

struct output {
	enum sink sink;
	int fd;
	bool own_fd;
	int facility;
	int priority[SEV_COUNT];
	unsigned long failures;
};

struct output *output_open(const struct config *cfg, int *ret_err)
{
	struct output *out = calloc(1, sizeof(*out));

	if (!out) {
		*ret_err = -ENOMEM;
		return NULL;
	}
	out->facility = cfg->syslog_facility;
	memcpy(out->priority, cfg->syslog_priority, sizeof(out->priority));
	out->fd = -1;
	if (strcmp(cfg->output, "syslog") == 0) {
		out->sink = SINK_SYSLOG;
		openlog("elfwatch", LOG_PID | LOG_NDELAY, cfg->syslog_facility);
	} else if (strcmp(cfg->output, "stdout") == 0) {
		out->sink = SINK_FD;
		out->fd = STDOUT_FILENO;
	} else {
		out->sink = SINK_FD;
		out->fd = open(cfg->output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (out->fd < 0) {
			*ret_err = -errno;
			free(out);
			return NULL;
		}
		out->own_fd = true;
	}
	return out;
}

void output_close(struct output *out)
{
	if (!out)
		return;
	if (out->own_fd)
		close(out->fd);
	free(out);
}

int output_emit(struct output *out, enum severity sev, const char *line, size_t len)
{
	if (out->sink == SINK_SYSLOG) {
		syslog(out->facility | out->priority[sev < SEV_COUNT ? sev : SEV_CRITICAL], "%.*s",
		       (int)len, line);
		return 0;
	}
	struct iovec iov[2] = { { (void *)line, len }, { "\n", 1 } };
	size_t want = len + 1;
	ssize_t n;

	do
		n = writev(out->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != want) {
		out->failures++;
		return n < 0 ? -errno : -EIO;
	}
	return 0;
}

unsigned long output_failures(const struct output *out)
{
	return out->failures;
}
