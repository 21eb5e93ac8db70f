/* output: where alert lines go. syslog (ident "elfwatch", configured facility, priority by
 * severity), stdout, or an append-only file. */
#ifndef ELFWATCH_OUTPUT_H
#define ELFWATCH_OUTPUT_H

#include <stddef.h>

#include "sys/config.h"
#include "util/severity.h"

struct output;

/* Open the sink named by cfg->output. NULL with *ret_err (-errno) on failure. */
struct output *output_open(const struct config *cfg, int *ret_err);
void output_close(struct output *out);

/* Write one alert line (no newline in line). Returns 0 or -errno. */
int output_emit(struct output *out, enum severity sev, const char *line, size_t len);

/* File and stdout sinks gather lines; write them out now. 0 or -errno. */
int output_flush(struct output *out);

#endif
