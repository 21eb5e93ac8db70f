#include "sys/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

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
	char msg[LOG_MSG_MAX], line[LOG_LINE_MAX];
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_escape(msg, line, sizeof(line));
	if (log_to_syslog)
		syslog(LOG_DAEMON | level, "%s", line);
	else
		fprintf(stderr, "elfwatch: %s: %s\n", names[level & 7], line);
}

const char *log_escape(const char *s, char *out, size_t cap)
{
	struct strbuf sb;
	size_t n;

	if (!cap)
		return out;
	/* Messages quote paths, comm, argv: attacker text. Escaped as alerts are, so it can
	 * neither start a line of its own nor carry terminal controls or broken UTF-8. */
	if (strbuf_init(&sb, cap - 1) < 0) {
		/* no memory: keep printable ASCII only */
		for (n = 0; *s && n + 1 < cap; s++)
			out[n++] = (char)((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? *s : '?');
		out[n] = '\0';
		return out;
	}
	strbuf_json_escape(&sb, s, strlen(s), cap, NULL);
	n = sb.len < cap - 1 ? sb.len : cap - 1;
	memcpy(out, sb.data, n);
	out[n] = '\0';
	strbuf_free(&sb);
	return out;
}
