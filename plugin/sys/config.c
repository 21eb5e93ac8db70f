/* config: reads the configuration file with libconfig (its only user) over the defaults of
 * config_defaults.c: every value checked, unknown keys refused, errors as file:line. */
#include "sys/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libconfig.h>

struct loader_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static void fail_msg(struct loader_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->file, s ? config_setting_source_line(s) : 0, msg);
}
/* The message, then -EINVAL in sight of the caller: a static analyzer does not follow a
 * variadic call, and would take a refusal for a value that was set. */
#define fail(c, s, ...) (fail_msg((c), (s), __VA_ARGS__), -EINVAL)

static int get_string(struct loader_ctx *c, const config_setting_t *parent, const char *key,
		      const char **ret)
{
	config_setting_t *s = config_setting_get_member(parent, key);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(c, s, "'%s' must be a string", key);
	*ret = config_setting_get_string(s);
	return 1;
}

static int get_bool(struct loader_ctx *c, const config_setting_t *parent, const char *key, bool *ret)
{
	config_setting_t *s = config_setting_get_member(parent, key);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(c, s, "'%s' must be true or false", key);
	*ret = config_setting_get_bool(s);
	return 1;
}

static int get_size(struct loader_ctx *c, const config_setting_t *parent, const char *key,
		    long long lo, long long hi, size_t *ret)
{
	config_setting_t *s = config_setting_get_member(parent, key);
	long long v;

	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	else if (config_setting_type(s) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(s);
	else
		return fail(c, s, "'%s' must be an integer", key);
	if (v < lo || v > hi)
		return fail(c, s, "'%s' must be between %lld and %lld", key, lo, hi);
	*ret = (size_t)v;
	return 1;
}

static int get_list(struct loader_ctx *c, const config_setting_t *parent, const char *key,
		    bool absolute, struct pattern_list *ret)
{
	config_setting_t *s = config_setting_get_member(parent, key);
	const char **v;
	int n, r;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail(c, s, "'%s' must be a list of strings, e.g. [ \"/tmp\" ]", key);
	n = config_setting_length(s);
	if (n > 1024)
		return fail(c, s, "'%s' has more than 1024 entries", key);
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			free(v);
			return fail(c, e, "'%s' entries must be strings", key);
		}
		v[i] = config_setting_get_string(e);
		if (absolute && v[i][0] != '/') {
			r = fail(c, e, "'%s' entries must be absolute paths, not \"%s\"", key, v[i]);
			free(v);
			return r;
		}
	}
	r = config_patterns_set(ret, v, (size_t)n);
	free(v);
	return r < 0 ? r : 1;
}

static int get_patterns(struct loader_ctx *c, const config_setting_t *parent, const char *key,
			struct pattern_list *ret)
{
	return get_list(c, parent, key, true, ret);
}


static const char *const top_keys[] = {
	"output", "format", "syslog_facility", "syslog_priority", "log_level", "min_severity",
	"max_alert_bytes", "max_argv_bytes", "process_table_size", "queue_size", "inspect_files",
	"loader", "writes", "exec_judge", "alerts", "linker", "state", NULL
};
static const char *const state_keys[] = { "enabled", "path", "max_age", NULL };
static const char *const linker_keys[] = {
	"preload_files", "conf_paths", "library_dirs", "environ", NULL
};
static const char *const exec_judge_keys[] = {
	"enabled", "fileless", "cache_size", "system_dirs", "fileless_allow", NULL
};
static const char *const alerts_keys[] = {
	"fold_window", "rate_per_minute", "fold_table_size", NULL
};
static const char *const writes_keys[] = {
	"enabled", "pending_size", "recent_size", "settle_ms", "max_wait_ms", "exec_window",
	"inspect_max_bytes", "trusted_producers", "download_tools", "search_dirs", NULL
};
static const char *const loader_keys[] = {
	"paths", "benign_parents", "writable_dirs", "benign_alerts", "allow", NULL
};

/* A typo in a key would silently keep a default: refuse unknown keys instead. */
static int check_keys(struct loader_ctx *c, const config_setting_t *group, const char *const *known)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		bool ok = false;

		for (size_t k = 0; name && known[k]; k++)
			ok = ok || strcmp(known[k], name) == 0;
		if (!ok)
			return fail(c, s, "unknown setting '%s'", name ? name : "?");
	}
	return 0;
}

static int load_writes(struct loader_ctx *c, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t *w = config_setting_get_member(root, "writes");
	size_t v;
	int r;

	if (!w)
		return 0;
	if (config_setting_type(w) != CONFIG_TYPE_GROUP)
		return fail(c, w, "writes must be a group: writes: { ... };");
	if ((r = check_keys(c, w, writes_keys)) < 0 ||
	    (r = get_bool(c, w, "enabled", &cfg->writes.enabled)) < 0 ||
	    (r = get_size(c, w, "pending_size", 16, 1 << 20, &cfg->writes.pending_size)) < 0 ||
	    (r = get_size(c, w, "recent_size", 16, 1 << 20, &cfg->writes.recent_size)) < 0 ||
	    (r = get_size(c, w, "inspect_max_bytes", 4096, 1LL << 30, &cfg->writes.inspect_max_bytes)) < 0 ||
	    (r = get_patterns(c, w, "trusted_producers", &cfg->writes.trusted_producers)) < 0 ||
	    (r = get_list(c, w, "download_tools", false, &cfg->writes.download_tools)) < 0 ||
	    (r = get_patterns(c, w, "search_dirs", &cfg->writes.search_dirs)) < 0)
		return r;
	if ((r = get_size(c, w, "settle_ms", 50, 60000, &v)) < 0)
		return r;
	if (r)
		cfg->writes.settle_ms = (unsigned)v;
	if ((r = get_size(c, w, "max_wait_ms", 100, 3600000, &v)) < 0)
		return r;
	if (r)
		cfg->writes.max_wait_ms = (unsigned)v;
	if ((r = get_size(c, w, "exec_window", 1, 30 * 86400, &v)) < 0)
		return r;
	if (r)
		cfg->writes.exec_window_s = (unsigned)v;
	return 0;
}

static int load_exec_judge(struct loader_ctx *c, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t *x = config_setting_get_member(root, "exec_judge");
	int r;

	if (!x)
		return 0;
	if (config_setting_type(x) != CONFIG_TYPE_GROUP)
		return fail(c, x, "exec_judge must be a group: exec_judge: { ... };");
	if ((r = check_keys(c, x, exec_judge_keys)) < 0 ||
	    (r = get_bool(c, x, "enabled", &cfg->exec_judge.enabled)) < 0 ||
	    (r = get_bool(c, x, "fileless", &cfg->exec_judge.fileless)) < 0 ||
	    (r = get_size(c, x, "cache_size", 16, 1 << 20, &cfg->exec_judge.cache_size)) < 0 ||
	    (r = get_patterns(c, x, "system_dirs", &cfg->exec_judge.system_dirs)) < 0 ||
	    (r = get_patterns(c, x, "fileless_allow", &cfg->exec_judge.fileless_allow)) < 0)
		return r;
	return 0;
}

static int load_linker(struct loader_ctx *c, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t *l = config_setting_get_member(root, "linker");
	int r;

	if (!l)
		return 0;
	if (config_setting_type(l) != CONFIG_TYPE_GROUP)
		return fail(c, l, "linker must be a group: linker: { ... };");
	if ((r = check_keys(c, l, linker_keys)) < 0 ||
	    (r = get_patterns(c, l, "preload_files", &cfg->linker.preload_files)) < 0 ||
	    (r = get_patterns(c, l, "conf_paths", &cfg->linker.conf_paths)) < 0 ||
	    (r = get_patterns(c, l, "library_dirs", &cfg->linker.library_dirs)) < 0 ||
	    (r = get_bool(c, l, "environ", &cfg->linker.environ)) < 0)
		return r;
	return 0;
}

static int load_alerts(struct loader_ctx *c, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t *a = config_setting_get_member(root, "alerts");
	size_t v;
	int r;

	if (!a)
		return 0;
	if (config_setting_type(a) != CONFIG_TYPE_GROUP)
		return fail(c, a, "alerts must be a group: alerts: { ... };");
	if ((r = check_keys(c, a, alerts_keys)) < 0 ||
	    (r = get_size(c, a, "fold_table_size", 16, 1 << 20, &cfg->alerts.fold_table_size)) < 0)
		return r;
	if ((r = get_size(c, a, "fold_window", 0, 3600, &v)) < 0)
		return r;
	if (r)
		cfg->alerts.fold_window_s = (unsigned)v;
	if ((r = get_size(c, a, "rate_per_minute", 0, 1000000, &v)) < 0)
		return r;
	if (r)
		cfg->alerts.rate_per_minute = (unsigned)v;
	return 0;
}

/* state: { enabled; path; max_age; }: the path is absolute and names a file, not a directory */
static int load_state(struct loader_ctx *c, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t *st = config_setting_get_member(root, "state");
	const char *str = NULL;
	size_t v;
	int r;

	if (!st)
		return 0;
	if (config_setting_type(st) != CONFIG_TYPE_GROUP)
		return fail(c, st, "state must be a group: state: { ... };");
	if ((r = check_keys(c, st, state_keys)) < 0 ||
	    (r = get_bool(c, st, "enabled", &cfg->state.enabled)) < 0)
		return r;
	if ((r = get_size(c, st, "max_age", 1, 86400, &v)) < 0)
		return r;
	if (r)
		cfg->state.max_age_s = (unsigned)v;
	if ((r = get_string(c, st, "path", &str)) < 0)
		return r;
	if (r) {
		const char *base = strrchr(str, '/');

		if (str[0] != '/' || !base || !base[1] || strcmp(base, "/.") == 0 ||
		    strcmp(base, "/..") == 0 || base == str || strlen(str) >= 512)
			return fail(c, config_setting_get_member(st, "path"), "state path must be an "
				    "absolute file name in a directory of its own, e.g. \"%s\"",
				    CONFIG_DEFAULT_STATE_PATH);
		free(cfg->state.path);
		if (!(cfg->state.path = strdup(str)))
			return -ENOMEM;
	}
	return 0;
}

static int load_allow(struct loader_ctx *c, const config_setting_t *loader, struct config *cfg)
{
	config_setting_t *s = config_setting_get_member(loader, "allow");
	int n;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail(c, s, "'allow' must be a list of groups: ( { target = \"/opt/*\"; } )");
	n = config_setting_length(s);
	if (n > 256)
		return fail(c, s, "'allow' has more than 256 entries");
	cfg->loader.allow = calloc((size_t)n + 1, sizeof(*cfg->loader.allow));
	if (!cfg->loader.allow)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		static const char *const keys[] = { "parent_exe", "target", "uid", "comment", NULL };
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct loader_allow *a = &cfg->loader.allow[cfg->loader.nallow++];
		const char *str = NULL;
		config_setting_t *uid;
		int r;

		a->uid = -1;
		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return fail(c, e, "'allow' entries must be groups { ... }");
		if ((r = check_keys(c, e, keys)) < 0)
			return r;
		if ((r = get_string(c, e, "parent_exe", &str)) < 0)
			return r;
		if (r && !(a->parent_exe = strdup(str)))
			return -ENOMEM;
		if ((r = get_string(c, e, "target", &str)) < 0)
			return r;
		if (r && !(a->target = strdup(str)))
			return -ENOMEM;
		if ((r = get_string(c, e, "comment", &str)) < 0)
			return r;
		if (r && !(a->comment = strdup(str)))
			return -ENOMEM;
		uid = config_setting_get_member(e, "uid");
		if (uid) {
			long long v = config_setting_type(uid) == CONFIG_TYPE_INT ? config_setting_get_int(uid) :
				      config_setting_type(uid) == CONFIG_TYPE_INT64 ? config_setting_get_int64(uid) : -1;

			if (v < 0 || v > 4294967294LL)
				return fail(c, uid, "'uid' must be an integer from 0 to 4294967294");
			a->uid = v;
		}
		if (!a->parent_exe && !a->target && a->uid < 0)
			return fail(c, e, "an 'allow' entry needs parent_exe, target or uid");
	}
	return 0;
}

static int load_settings(struct loader_ctx *c, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t *loader;
	const char *str = NULL;
	int r, v;

	if ((r = check_keys(c, root, top_keys)) < 0)
		return r;
	if ((r = get_string(c, root, "output", &str)) < 0)
		return r;
	if (r) {
		if (strcmp(str, "syslog") != 0 && strcmp(str, "stdout") != 0 && str[0] != '/')
			return fail(c, config_setting_get_member(root, "output"),
				    "output must be \"syslog\", \"stdout\" or an absolute path");
		free(cfg->output);
		if (!(cfg->output = strdup(str)))
			return -ENOMEM;
	}
	if ((r = get_string(c, root, "format", &str)) < 0)
		return r;
	if (r) {
		int f = config_format_from_name(str);

		if (f < 0 || f == FORMAT_TEXT)
			return fail(c, config_setting_get_member(root, "format"),
				    "format must be \"json\", \"kv\" or \"ecs\"");
		cfg->format = (enum alert_format)f;
	}
	if ((r = get_string(c, root, "syslog_facility", &str)) < 0)
		return r;
	if (r) {
		if ((v = config_facility_from_name(str)) < 0)
			return fail(c, config_setting_get_member(root, "syslog_facility"),
				    "unknown syslog facility \"%s\"", str);
		cfg->syslog_facility = v;
	}
	config_setting_t *prio = config_setting_get_member(root, "syslog_priority");
	if (prio) {
		if (config_setting_type(prio) != CONFIG_TYPE_GROUP)
			return fail(c, prio, "syslog_priority must be a group { high = \"err\"; ... }");
		for (int s = 0; s < SEV_COUNT; s++) {
			if ((r = get_string(c, prio, severity_name((enum severity)s), &str)) < 0)
				return r;
			if (!r)
				continue;
			if ((v = config_priority_from_name(str)) < 0)
				return fail(c, config_setting_get_member(prio, severity_name((enum severity)s)),
					    "unknown syslog priority \"%s\"", str);
			cfg->syslog_priority[s] = v;
		}
		static const char *const sev_keys[] = { "info", "low", "medium", "high", "critical", NULL };
		if ((r = check_keys(c, prio, sev_keys)) < 0)
			return r;
	}
	if ((r = get_string(c, root, "log_level", &str)) < 0)
		return r;
	if (r) {
		v = config_priority_from_name(str);
		if (v < LOG_ERR)
			return fail(c, config_setting_get_member(root, "log_level"),
				    "log_level must be err, warning, notice, info or debug");
		cfg->log_level = v;
	}
	if ((r = get_string(c, root, "min_severity", &str)) < 0)
		return r;
	if (r) {
		if ((v = config_severity_from_name(str)) < 0)
			return fail(c, config_setting_get_member(root, "min_severity"),
				    "min_severity must be info, low, medium, high or critical");
		cfg->min_severity = (enum severity)v;
	}
	if ((r = get_size(c, root, "max_alert_bytes", 2048, 65536, &cfg->max_alert_bytes)) < 0 ||
	    (r = get_size(c, root, "max_argv_bytes", 256, 1 << 20, &cfg->max_argv_bytes)) < 0 ||
	    (r = get_size(c, root, "process_table_size", 64, 1 << 20, &cfg->process_table_size)) < 0 ||
	    (r = get_size(c, root, "queue_size", 256 << 10, 1 << 30, &cfg->queue_size)) < 0 ||
	    (r = get_bool(c, root, "inspect_files", &cfg->inspect_files)) < 0)
		return r;

	if ((r = load_writes(c, root, cfg)) < 0 || (r = load_exec_judge(c, root, cfg)) < 0 ||
	    (r = load_alerts(c, root, cfg)) < 0 || (r = load_linker(c, root, cfg)) < 0 ||
	    (r = load_state(c, root, cfg)) < 0)
		return r;
	loader = config_setting_get_member(root, "loader");
	if (!loader)
		return 0;
	if (config_setting_type(loader) != CONFIG_TYPE_GROUP)
		return fail(c, loader, "loader must be a group: loader: { ... };");
	if ((r = check_keys(c, loader, loader_keys)) < 0 ||
	    (r = get_patterns(c, loader, "paths", &cfg->loader.paths)) < 0 ||
	    (r = get_patterns(c, loader, "benign_parents", &cfg->loader.benign_parents)) < 0 ||
	    (r = get_patterns(c, loader, "writable_dirs", &cfg->loader.writable_dirs)) < 0 ||
	    (r = get_bool(c, loader, "benign_alerts", &cfg->loader.benign_alerts)) < 0 ||
	    (r = load_allow(c, loader, cfg)) < 0)
		return r;
	return 0;
}

int config_load(const char *path, struct config *ret, char *err, size_t errlen)
{
	struct loader_ctx c = { path, err, errlen };
	struct config cfg;
	config_t lc;
	int r;

	if ((r = config_defaults(&cfg)) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return r;
	}
	config_init(&lc);
	if (!config_read_file(&lc, path)) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s:%d: %s", config_error_file(&lc) ? config_error_file(&lc) : path,
				 config_error_line(&lc), config_error_text(&lc));
		config_destroy(&lc);
		config_free(&cfg);
		return -EINVAL;
	}
	r = load_settings(&c, config_root_setting(&lc), &cfg);
	config_destroy(&lc);
	if (r < 0) {
		if (r == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", path);
		config_free(&cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}
