/* A main for fuzz targets built for source-based coverage (fuzz/coverage.sh): runs every file
 * of the directories (or files) given once through LLVMFuzzerTestOneInput, cut to MAXLEN bytes
 * as libFuzzer's -max_len cuts them. No libFuzzer, no sanitizer: only the counters.
 * Usage: cov_TARGET MAXLEN DIR_OR_FILE... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t maxlen;
static unsigned long runs;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	size_t n;

	if (!f)
		return;
	b = malloc(maxlen ? maxlen : 1);
	if (!b) {
		fclose(f);
		return;
	}
	n = fread(b, 1, maxlen, f);
	fclose(f);
	LLVMFuzzerTestOneInput(b, n);
	free(b);
	runs++;
}

static void run_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	char p[4096];
	int n;

	if (stat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    snprintf(p, sizeof(p), "%s/%s", path, ents[i]->d_name) < (int)sizeof(p))
			run_file(p);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s MAXLEN DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	maxlen = strtoul(argv[1], NULL, 10);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 2; i < argc; i++)
		run_path(argv[i]);
	fprintf(stderr, "%lu inputs\n", runs);
	return 0;
}
