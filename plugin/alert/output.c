#include "alert/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

enum sink { SINK_SYSLOG, SINK_FD };

#define OUTPUT_BUFFER (64 * 1024)

struct output {
	enum sink sink;
	int fd;
	bool own_fd;
	char *buf;          /* file/stdout: lines gathered until output_flush or full */
	size_t len;
	int facility;
	int priority[SEV_COUNT];
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
		out->buf = malloc(OUTPUT_BUFFER);
	} else {
		out->sink = SINK_FD;
		out->fd = open(cfg->output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (out->fd < 0) {
			*ret_err = -errno;
			free(out);
			return NULL;
		}
		out->own_fd = true;
		out->buf = malloc(OUTPUT_BUFFER);
	}
	return out;
}

void output_close(struct output *out)
{
	if (!out)
		return;
	output_flush(out);
	free(out->buf);
	if (out->own_fd)
		close(out->fd);
	free(out);
}

/* Write everything or return the error (lines are never split by a short write on a pipe:
 * the rest is written after it). */
static int write_all_iov(struct output *out, struct iovec *iov, int cnt, size_t want)
{
	size_t done = 0;

	while (done < want) {
		ssize_t n = writev(out->fd, iov, cnt);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int output_emit(struct output *out, enum severity sev, const char *line, size_t len)
{
	if (out->sink == SINK_SYSLOG) {
		syslog(out->facility | out->priority[sev < SEV_COUNT ? sev : SEV_CRITICAL], "%.*s",
		       (int)len, line);
		return 0;
	}
	if (out->buf && len + 1 <= OUTPUT_BUFFER) {
		int r = 0;

		if (out->len + len + 1 > OUTPUT_BUFFER)
			r = output_flush(out);
		memcpy(out->buf + out->len, line, len);
		out->buf[out->len + len] = '\n';
		out->len += len + 1;
		return r;
	}
	struct iovec iov[2] = { { (void *)line, len }, { "\n", 1 } };
	if (write_all_iov(out, iov, 2, len + 1) < 0)
		return -EIO;
	return 0;
}

int output_flush(struct output *out)
{
	struct iovec iov = { out->buf, out->len };
	size_t len = out->len;

	if (!out->buf || out->len == 0)
		return 0;
	out->len = 0;
	return write_all_iov(out, &iov, 1, len);
}
