#include "detect/linker.h"

#include <fnmatch.h>
#include <string.h>

#include "util/path.h"

static const char *const target_reasons[LINKER_TARGET_COUNT] = {
	[LINKER_NONE] = "none",
	[LINKER_PRELOAD] = "ld_so_preload_write",
	[LINKER_CONF] = "ld_so_conf_write",
	[LINKER_LIBRARY] = "library_write",
};

static const char *const var_names[LINKER_VAR_COUNT] = {
	[LINKER_VAR_PRELOAD] = "LD_PRELOAD",
	[LINKER_VAR_AUDIT] = "LD_AUDIT",
	[LINKER_VAR_LIBRARY_PATH] = "LD_LIBRARY_PATH",
};

const char *linker_target_reason(enum linker_target t)
{
	return (unsigned)t < LINKER_TARGET_COUNT ? target_reasons[t] : "unknown";
}

const char *linker_var_name(enum linker_var v)
{
	return (unsigned)v < LINKER_VAR_COUNT ? var_names[v] : "unknown";
}

static bool matches(const struct pattern_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (path_match(l->v[i], s, FNM_PATHNAME))
			return true;
	return false;
}

/* "libx.so", "libx.so.6", "libx.so.6.0.dpkg-new": what ld.so and ldconfig would take. */
static bool is_shared_object_name(const char *base)
{
	size_t n = strlen(base);
	const char *so = strstr(base, ".so");

	if (!so || so == base)
		return false;
	if (n >= 3 && strcmp(base + n - 3, ".so") == 0)
		return true;
	for (; so; so = strstr(so + 1, ".so"))
		if (so[3] == '.')
			return true;
	return false;
}

enum linker_target linker_classify(const struct config *cfg, const char *path)
{
	char dir[1024];
	const char *slash;
	size_t n;

	if (!path || path[0] != '/')
		return LINKER_NONE;
	if (matches(&cfg->linker.preload_files, path))
		return LINKER_PRELOAD;
	if (matches(&cfg->linker.conf_paths, path))
		return LINKER_CONF;
	slash = strrchr(path, '/');
	n = (size_t)(slash - path);
	if (n >= sizeof(dir) || !is_shared_object_name(slash + 1))
		return LINKER_NONE;
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (n == 0)
		return LINKER_NONE;
	return matches(&cfg->linker.library_dirs, dir) ? LINKER_LIBRARY : LINKER_NONE;
}

bool linker_in_library_tree(const struct config *cfg, const char *path)
{
	const struct pattern_list *l = &cfg->linker.library_dirs;

	for (size_t i = 0; path && i < l->n; i++)
		if (!strpbrk(l->v[i], "*?[") && path_under(path, l->v[i]))
			return true;
	return false;
}

/* One element of a value, [s, s + n): is it in a writable place? */
static bool element_writable(const char *s, size_t n, bool search_path,
			     const struct pattern_list *writable_dirs)
{
	char norm[1024];

	if (n == 0)
		return search_path;             /* "a::b" and a trailing ':' mean the cwd */
	if (s[0] != '/')
		return search_path || memchr(s, '/', n) != NULL;
	if (!path_normalize(NULL, s, n, norm, sizeof(norm)))
		return true;                    /* too long or odd to judge: not trusted */
	for (size_t i = 0; i < writable_dirs->n; i++)
		if (path_under(norm, writable_dirs->v[i]))
			return true;
	return false;
}

/* ld.so splits LD_PRELOAD at spaces and colons, LD_AUDIT and LD_LIBRARY_PATH at colons
 * (LD_LIBRARY_PATH also at ';'). */
static bool value_writable(enum linker_var v, const char *s, size_t n,
			   const struct pattern_list *writable_dirs)
{
	bool search_path = v == LINKER_VAR_LIBRARY_PATH;
	const char *seps = v == LINKER_VAR_PRELOAD ? " :" : search_path ? ":;" : ":";
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && !strchr(seps, s[i]))
			continue;
		/* empty LD_PRELOAD/LD_AUDIT elements are skipped by ld.so */
		if ((i > start || search_path) &&
		    element_writable(s + start, i - start, search_path, writable_dirs))
			return true;
		start = i + 1;
	}
	return false;
}

bool linker_environ_scan(const char *buf, size_t len, const struct pattern_list *writable_dirs,
			 struct linker_env *ret)
{
	bool any = false;
	size_t pos = 0;

	memset(ret, 0, sizeof(*ret));
	while (pos < len) {
		const char *e = buf + pos, *nul = memchr(e, '\0', len - pos);
		size_t elen = nul ? (size_t)(nul - e) : len - pos;

		pos += elen + 1;
		ret->entries++;
		if (elen < 3 || e[0] != 'L' || e[1] != 'D' || e[2] != '_')
			continue;
		for (unsigned v = 0; v < LINKER_VAR_COUNT; v++) {
			size_t nl = strlen(var_names[v]);
			const char *val = e + nl + 1;
			size_t vlen;
			bool w, keep;

			if (elen <= nl || memcmp(e, var_names[v], nl) != 0 || e[nl] != '=')
				continue;
			vlen = elen - nl - 1;
			w = value_writable((enum linker_var)v, val, vlen, writable_dirs);
			/* keep the first writable value, else the last */
			keep = !ret->writable[v];
			ret->present[v] = true;
			ret->writable[v] = ret->writable[v] || w;
			if (keep) {
				size_t c = vlen < LINKER_VALUE_MAX - 1 ? vlen : LINKER_VALUE_MAX - 1;

				memcpy(ret->value[v], val, c);
				ret->value[v][c] = '\0';
				ret->cut[v] = c < vlen;
			}
			any = any || w;
		}
	}
	return any;
}
