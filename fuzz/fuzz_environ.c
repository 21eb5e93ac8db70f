/* libFuzzer target for the linker module: any bytes as an environment image
 * (/proc/PID/environ) through linker_environ_scan, and as a written path through
 * linker_classify. Whatever the bytes, the result is consistent: a variable judged writable
 * is present, kept values are NUL-terminated within their bound and hold no byte the input
 * lacks. Built with clang (fuzz/run.sh environ); the corpus is replayed by tests/fuzz_replay.c
 * in make check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/config.h"
#include "detect/linker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;
static int cfg_ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linker_env env;
	char path[1024];
	bool any, want_any = false;

	if (!cfg_ready) {
		if (config_defaults(&cfg) < 0)
			abort();
		cfg_ready = 1;
	}
	any = linker_environ_scan((const char *)data, size, &cfg.loader.writable_dirs, &env);
	for (unsigned v = 0; v < LINKER_VAR_COUNT; v++) {
		size_t n = strnlen(env.value[v], LINKER_VALUE_MAX);

		if (n == LINKER_VALUE_MAX || (env.writable[v] && !env.present[v]) ||
		    (!env.present[v] && n > 0) || (env.cut[v] && n != LINKER_VALUE_MAX - 1))
			abort();
		if (n > 0 && !memmem(data, size, env.value[v], n))
			abort();
		want_any = want_any || env.writable[v];
	}
	if (any != want_any || env.entries > size + 1)
		abort();

	/* the same bytes as a path (cut at the first NUL) */
	size_t n = size < sizeof(path) - 1 ? size : sizeof(path) - 1;
	memcpy(path, data, n);
	path[n] = '\0';
	enum linker_target t = linker_classify(&cfg, path);
	if ((unsigned)t >= LINKER_TARGET_COUNT || (t != LINKER_NONE && path[0] != '/'))
		abort();
	(void)linker_in_library_tree(&cfg, path);
	return 0;
}
