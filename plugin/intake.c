#include "intake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INTAKE_CHUNK (64 * 1024)
#define INTAKE_AGE_MS 1000

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int intake_run(int fd, auparse_state_t *au, const struct intake_hooks *hooks,
	       struct intake_stats *stats)
{
	static char buf[INTAKE_CHUNK];
	long long last_age = monotonic_ms();
	int flags = fcntl(fd, F_GETFL), result = 0;

	if (flags >= 0)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int n;

		if (*hooks->stop) {
			result = 1;
			break;
		}
		if (hooks->reload && *hooks->reload) {
			*hooks->reload = 0;
			hooks->on_reload(hooks->ctx);
		}
		n = poll(&pfd, 1, INTAKE_AGE_MS);
		if (n < 0 && errno != EINTR) {
			result = -errno;
			break;
		}
		if (monotonic_ms() - last_age >= INTAKE_AGE_MS) {
			auparse_feed_age_events(au);
			last_age = monotonic_ms();
			stats->ages++;
		}
		if (n <= 0)
			continue;
		/* Drain what is there, then let auparse deliver the events completed by the last
		 * record (it holds them until the next feed call). */
		for (;;) {
			ssize_t got = read(fd, buf, sizeof(buf));

			if (got > 0) {
				stats->bytes += (unsigned long long)got;
				stats->reads++;
				auparse_feed(au, buf, (size_t)got);
				if (*hooks->stop)
					break;
				continue;
			}
			if (got == 0) {
				auparse_flush_feed(au);
				return 0;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				result = -errno;
			break;
		}
		auparse_feed(au, "", 0);
		if (result < 0)
			break;
	}
	auparse_flush_feed(au);
	return result;
}
