/* log: elfwatch's own diagnostics (not alerts). To stderr in the foreground, to syslog
 * (facility daemon) when run by auditd, whose stderr goes nowhere. */
#ifndef ELFWATCH_LOG_H
#define ELFWATCH_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_setup(bool to_syslog, int max_level);
void log_set_level(int max_level);
bool log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
