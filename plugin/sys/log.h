/* log: elfwatch's own diagnostics (not alerts). To stderr in the foreground, to syslog
 * (facility daemon) when run by auditd, whose stderr goes nowhere. */
#ifndef ELFWATCH_LOG_H
#define ELFWATCH_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

void log_setup(bool to_syslog, int max_level);
void log_set_level(int max_level);
bool log_enabled(int level);
/* One line to stderr or syslog. The formatted text (at most LOG_MSG_MAX bytes) goes through
 * log_escape: arguments may carry attacker text. */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_MSG_MAX 1024
#define LOG_LINE_MAX 4096

/* s escaped as alert strings are (strbuf_json_escape: control bytes, DEL, U+2028/2029,
 * backslashes and quotes escaped, invalid UTF-8 as U+FFFD) into out (cap bytes, always
 * NUL-terminated, cut on a character boundary). Returns out. */
const char *log_escape(const char *s, char *out, size_t cap);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
