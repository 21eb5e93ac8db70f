/* Replays fuzz corpora through a libFuzzer entry point without clang: each argument (or, with
 * none, $top_srcdir/fuzz/corpus/FUZZ_CORPUS) is a file or a directory of inputs. One TAP line each. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"

/* The corpus replayed when no argument is given: fuzz/corpus/FUZZ_CORPUS. Each replay binary
 * sets it with -DFUZZ_CORPUS='"name"' in its _CPPFLAGS. */
#ifndef FUZZ_CORPUS
#define FUZZ_CORPUS "elf"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void replay(const char *path)
{
	size_t len = 0;
	uint8_t *b = fixture_read(path, &len);

	if (!b) {
		tap_ok(0, "read %s", path);
		return;
	}
	tap_ok(LLVMFuzzerTestOneInput(b, len) == 0, "%s (%zu bytes)", strrchr(path, '/') ?
	       strrchr(path, '/') + 1 : path, len);
	free(b);
}

static void replay_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	char p[4096];

	if (n < 0) {
		replay(dir);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, ents[i]->d_name);
			replay(p);
		}
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	char def[4096];
	const char *top = getenv("top_srcdir");

	if (argc < 2) {
		snprintf(def, sizeof(def), "%s/fuzz/corpus/%s", top ? top : ".", FUZZ_CORPUS);
		replay_dir(def);
	}
	for (int i = 1; i < argc; i++)
		replay_dir(argv[i]);
	if (!tap_n)
		tap_skip("empty corpus");
	return tap_done();
}
