#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static bool log_to_syslog;
static int log_max_level = LOG_INFO;

void log_setup(bool to_syslog, int max_level)
{
	log_to_syslog = to_syslog;
	log_max_level = max_level;
}

void log_set_level(int max_level)
{
	log_max_level = max_level;
}

bool log_enabled(int level)
{
	return level <= log_max_level;
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error", "warning",
					      "notice", "info", "debug" };
	char msg[1024];
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Messages may quote file names: keep them on one line. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_to_syslog)
		syslog(LOG_DAEMON | level, "%s", msg);
	else
		fprintf(stderr, "elfwatch: %s: %s\n", names[level & 7], msg);
}
