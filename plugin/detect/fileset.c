#include "detect/fileset.h"

#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/path.h"

struct fileset {
	struct file_id *ids;
	size_t n;
};

static int id_cmp(const void *a, const void *b)
{
	const struct file_id *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static bool fileset_add(struct fileset *fs, size_t *cap, const struct file_id *id)
{
	if (fs->n == *cap) {
		struct file_id *more = realloc(fs->ids, *cap * 2 * sizeof(*more));

		if (!more)
			return false;
		fs->ids = more;
		*cap *= 2;
	}
	fs->ids[fs->n++] = *id;
	return true;
}

struct fileset *fileset_resolve_recorded(const struct pattern_list *patterns,
					 const struct identities *recorded)
{
	struct fileset *fs = calloc(1, sizeof(*fs));
	size_t cap = 64;

	if (!fs || !(fs->ids = malloc(cap * sizeof(*fs->ids)))) {
		free(fs);
		return NULL;
	}
	for (size_t i = 0; i < recorded->n && fs->n < FILESET_MAX; i++)
		for (size_t p = 0; p < patterns->n; p++)
			if (path_match(patterns->v[p], recorded->v[i].path, FNM_PATHNAME)) {
				if (!fileset_add(fs, &cap, &recorded->v[i].id))
					i = recorded->n - 1;
				break;
			}
	qsort(fs->ids, fs->n, sizeof(*fs->ids), id_cmp);
	return fs;
}

struct fileset *fileset_resolve(const struct pattern_list *patterns)
{
	struct fileset *fs = calloc(1, sizeof(*fs));
	size_t cap = 64;

	if (!fs || !(fs->ids = malloc(cap * sizeof(*fs->ids)))) {
		free(fs);
		return NULL;
	}
	for (size_t p = 0; p < patterns->n && fs->n < FILESET_MAX; p++) {
		glob_t g;

		if (glob(patterns->v[p], GLOB_NOSORT, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc && fs->n < FILESET_MAX; i++) {
			struct stat st;

			if (stat(g.gl_pathv[i], &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			struct file_id id = file_id_from_stat(&st);

			if (!fileset_add(fs, &cap, &id))
				break;
		}
		globfree(&g);
	}
	qsort(fs->ids, fs->n, sizeof(*fs->ids), id_cmp);
	return fs;
}

void fileset_free(struct fileset *fs)
{
	if (!fs)
		return;
	free(fs->ids);
	free(fs);
}

bool fileset_has(const struct fileset *fs, const struct file_id *id)
{
	return fs && id->valid && bsearch(id, fs->ids, fs->n, sizeof(*fs->ids), id_cmp) != NULL;
}

size_t fileset_count(const struct fileset *fs)
{
	return fs ? fs->n : 0;
}
