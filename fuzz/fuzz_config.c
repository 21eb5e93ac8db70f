/* libFuzzer target for the configuration loader: any bytes as the configuration file through
 * config_load. A refusal must carry a "file..." message; an acceptance must satisfy the bounds
 * config.c enforces. Built with clang (fuzz/run.sh config); the corpus is replayed by
 * tests/fuzz_replay.c in make check. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* sys/config.h by its folder: a bare "config.h" would be autoconf's. */
#include "sys/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static bool write_all(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok;
}

static void check_config(const struct config *c)
{
	if (!c->output || (strcmp(c->output, "syslog") != 0 && strcmp(c->output, "stdout") != 0 &&
			   c->output[0] != '/'))
		abort();
	if ((c->format != FORMAT_JSON && c->format != FORMAT_KV) || c->min_severity >= SEV_COUNT ||
	    c->max_alert_bytes < 512 || c->max_alert_bytes > 65536 || c->max_argv_bytes < 256 ||
	    c->max_argv_bytes > (1 << 20) || c->process_table_size < 64 ||
	    c->process_table_size > (1 << 20) || c->loader.nallow > 256)
		abort();
	const struct pattern_list *lists[] = { &c->loader.paths, &c->loader.benign_parents,
					       &c->loader.writable_dirs };
	for (size_t k = 0; k < 3; k++) {
		if (lists[k]->n > 1024)
			abort();
		for (size_t i = 0; i < lists[k]->n; i++)
			if (!lists[k]->v[i] || lists[k]->v[i][0] != '/')
				abort();
	}
	for (size_t i = 0; i < c->loader.nallow; i++) {
		const struct loader_allow *a = &c->loader.allow[i];

		if (!a->parent_exe && !a->target && a->uid < 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[256];
	int r;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "%s/ew-fuzz-config-XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
	}
	/* @include reads any file (a FIFO or /dev/zero would hang the fuzzer); the file is
	 * root's own, so inclusion is not an attack surface worth fuzzing. */
	if (size > 1 << 16 || memmem(data, size, "@include", 8) != NULL)
		return 0;
	if (!write_all(data, size))
		return 0;
	memset(err, 0x5a, sizeof(err));
	r = config_load(path, &cfg, err, sizeof(err));
	if (r == 0) {
		check_config(&cfg);
		config_free(&cfg);
	} else if (memchr(err, '\0', sizeof(err)) == NULL || strncmp(err, path, strlen(path)) != 0 ||
		   err[strlen(path)] != ':') {
		abort(); /* every refusal names the file, in a terminated message */
	}
	return 0;
}
