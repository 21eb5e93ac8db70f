/* config_defaults: the built-in configuration (every default, the pattern lists), the names
 * of facilities, priorities, severities and formats, and the life of struct config.
 * config.c reads the file over it (and is the only libconfig user). */
#include "sys/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const default_loader_paths[] = {
	"/lib/ld-*.so*", "/lib64/ld-*.so*", "/lib32/ld-*.so*", "/libx32/ld-*.so*",
	"/lib/*/ld-*.so*", "/lib64/ld64.so.*",
	"/usr/lib/ld-*.so*", "/usr/lib64/ld-*.so*", "/usr/lib32/ld-*.so*", "/usr/libx32/ld-*.so*",
	"/usr/lib/*/ld-*.so*", "/usr/lib64/ld64.so.*",
	"/usr/lib/*-linux-musl/libc.so", /* Debian's musl: ld-musl-*.so.1 points here */
};
static const char *const default_benign_parents[] = { "/usr/bin/ldd", "/bin/ldd" };
static const char *const default_writable_dirs[] = {
	"/tmp", "/var/tmp", "/dev/shm", "/run/shm", "/run/user", "/run/lock", "/var/lock",
	"/var/crash", "/dev/mqueue",
};

/* Trees only the package manager writes: images there are not judged at exec time. */
static const char *const default_system_dirs[] = {
	"/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32",
	"/usr/libexec", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
};

static const char *const default_trusted_producers[] = {
	/* package managers */
	"/usr/bin/dpkg", "/usr/bin/dpkg-deb", "/usr/bin/dpkg-split", "/usr/bin/apt", "/usr/bin/apt-get",
	"/usr/lib/apt/methods/*", "/usr/bin/unattended-upgrade", "/usr/bin/rpm", "/usr/bin/rpm2cpio",
	"/usr/bin/dnf", "/usr/bin/dnf-3", "/usr/bin/yum", "/usr/bin/microdnf", "/usr/bin/zypper",
	"/usr/bin/pip", "/usr/bin/pip3", "/usr/bin/pip3.*", "/usr/local/bin/pip", "/usr/local/bin/pip3",
	"/usr/local/bin/pip3.*", "/usr/bin/npm", "/usr/share/nodejs/npm/bin/npm-cli.js",
	"/usr/lib/node_modules/npm/bin/npm-cli.js", "/usr/bin/snap", "/usr/lib/snapd/snapd",
	"/usr/bin/flatpak",
	/* compilers, assemblers, linkers, binary tools */
	"/usr/lib/gcc/*/*/cc1", "/usr/lib/gcc/*/*/cc1plus", "/usr/lib/gcc/*/*/collect2",
	"/usr/lib/gcc/*/*/lto1", "/usr/lib/gcc/*/*/lto-wrapper",
	/* linkers by exact name: "ld*" would also trust /usr/bin/ldd (a bash script that runs
	 * $BASH_ENV) and /usr/bin/ld.so (the loader: anything run as "ld.so PROG") */
	"/usr/bin/*-linux-gnu*-as", "/usr/bin/as", "/usr/bin/*-linux-gnu*-ld",
	"/usr/bin/*-linux-gnu*-ld.bfd", "/usr/bin/*-linux-gnu*-ld.gold", "/usr/bin/ld",
	"/usr/bin/ld.bfd", "/usr/bin/ld.gold", "/usr/bin/ld.lld", "/usr/bin/ld.lld-*",
	"/usr/bin/*-linux-gnu*-objcopy", "/usr/bin/objcopy", "/usr/bin/*-linux-gnu*-strip",
	"/usr/bin/strip", "/usr/lib/llvm-*/bin/*", "/usr/bin/rustc", "/usr/bin/cargo",
	"/usr/lib/go-*/bin/go", "/usr/lib/go-*/pkg/tool/*/link", "/usr/lib/go-*/pkg/tool/*/compile",
};
static const char *const default_preload_files[] = { "/etc/ld.so.preload" };
static const char *const default_conf_paths[] = { "/etc/ld.so.conf", "/etc/ld.so.conf.d/*" };
static const char *const default_library_dirs[] = {
	"/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64", "/usr/lib32",
	"/usr/libx32", "/usr/local/lib", "/usr/local/lib64", "/lib/*-linux-gnu*",
	"/usr/lib/*-linux-gnu*", "/usr/local/lib/*-linux-gnu*",
};
static const char *const default_search_dirs[] = {
	"/tmp", "/var/tmp", "/dev/shm", "/run", "/home", "/root",
};
static const char *const default_download_tools[] = {
	"curl", "wget", "wget2", "scp", "sftp", "sftp-server", "tftp", "atftp", "ftp", "lftp", "nc",
	"ncat", "netcat", "nc.openbsd", "nc.traditional", "socat", "aria2c", "rsync", "axel",
	"fetch", "busybox",
};

struct name_value {
	const char *name;
	int value;
};

static const struct name_value facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "daemon", LOG_DAEMON },
	{ "user", LOG_USER }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};
static const struct name_value priorities[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT }, { "err", LOG_ERR },
	{ "warning", LOG_WARNING }, { "notice", LOG_NOTICE }, { "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

static int lookup(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].value;
	return -1;
}

int config_facility_from_name(const char *name) { return lookup(facilities, N_ELEMS(facilities), name); }
int config_priority_from_name(const char *name) { return lookup(priorities, N_ELEMS(priorities), name); }

int config_severity_from_name(const char *name)
{
	for (int s = 0; name && s < SEV_COUNT; s++)
		if (strcmp(severity_name((enum severity)s), name) == 0)
			return s;
	return -1;
}

static const char *const format_names[FORMAT_COUNT] = {
	[FORMAT_JSON] = "json", [FORMAT_KV] = "kv", [FORMAT_ECS] = "ecs", [FORMAT_TEXT] = "text",
};

int config_format_from_name(const char *name)
{
	for (int f = 0; name && f < FORMAT_COUNT; f++)
		if (strcmp(format_names[f], name) == 0)
			return f;
	return -1;
}

const char *config_format_name(enum alert_format fmt)
{
	return (unsigned)fmt < FORMAT_COUNT ? format_names[fmt] : "unknown";
}

static void patterns_free(struct pattern_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->glob);
	l->v = NULL;
	l->glob = NULL;
	l->n = 0;
}

int config_patterns_set(struct pattern_list *l, const char *const *src, size_t n)
{
	char **v = calloc(n ? n : 1, sizeof(*v));
	struct path_glob *glob = calloc(n ? n : 1, sizeof(*glob));

	if (!v || !glob) {
		free(v);
		free(glob);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			struct pattern_list tmp = { v, i, glob };
			patterns_free(&tmp);
			return -ENOMEM;
		}
		path_glob_init(&glob[i], v[i]);
	}
	patterns_free(l);
	l->v = v;
	l->n = n;
	l->glob = glob;
	return 0;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->output);
	free(cfg->state.path);
	patterns_free(&cfg->loader.paths);
	patterns_free(&cfg->loader.benign_parents);
	patterns_free(&cfg->loader.writable_dirs);
	patterns_free(&cfg->writes.trusted_producers);
	patterns_free(&cfg->writes.download_tools);
	patterns_free(&cfg->writes.search_dirs);
	patterns_free(&cfg->exec_judge.system_dirs);
	patterns_free(&cfg->exec_judge.fileless_allow);
	patterns_free(&cfg->linker.preload_files);
	patterns_free(&cfg->linker.conf_paths);
	patterns_free(&cfg->linker.library_dirs);
	for (size_t i = 0; i < cfg->loader.nallow; i++) {
		free(cfg->loader.allow[i].parent_exe);
		free(cfg->loader.allow[i].target);
		free(cfg->loader.allow[i].comment);
	}
	free(cfg->loader.allow);
	memset(cfg, 0, sizeof(*cfg));
}

int config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->output = strdup("syslog");
	cfg->format = FORMAT_JSON;
	cfg->syslog_facility = LOG_AUTH;
	cfg->syslog_priority[SEV_INFO] = LOG_INFO;
	cfg->syslog_priority[SEV_LOW] = LOG_NOTICE;
	cfg->syslog_priority[SEV_MEDIUM] = LOG_WARNING;
	cfg->syslog_priority[SEV_HIGH] = LOG_ERR;
	cfg->syslog_priority[SEV_CRITICAL] = LOG_CRIT;
	cfg->log_level = LOG_INFO;
	cfg->min_severity = SEV_LOW;
	cfg->max_alert_bytes = 4096;
	cfg->max_argv_bytes = 8192;
	cfg->process_table_size = 4096;
	cfg->queue_size = 4 << 20;
	cfg->inspect_files = true;
	cfg->alerts.fold_window_s = 60;
	cfg->alerts.rate_per_minute = 60;
	cfg->alerts.fold_table_size = 1024;
	cfg->loader.benign_alerts = false;
	cfg->writes.enabled = true;
	cfg->writes.pending_size = 1024;
	cfg->writes.recent_size = 2048;
	cfg->writes.settle_ms = 300;
	cfg->writes.max_wait_ms = 10000;
	cfg->writes.exec_window_s = 3600;
	cfg->writes.inspect_max_bytes = 16 << 20;
	cfg->exec_judge.enabled = true;
	cfg->exec_judge.fileless = true;
	cfg->exec_judge.cache_size = 4096;
	cfg->state.enabled = true;
	cfg->state.path = strdup(CONFIG_DEFAULT_STATE_PATH);
	cfg->state.max_age_s = 60;
	if (!cfg->output || !cfg->state.path ||
	    config_patterns_set(&cfg->exec_judge.system_dirs, default_system_dirs,
				N_ELEMS(default_system_dirs)) ||
	    config_patterns_set(&cfg->exec_judge.fileless_allow, NULL, 0) ||
	    config_patterns_set(&cfg->linker.preload_files, default_preload_files,
				N_ELEMS(default_preload_files)) ||
	    config_patterns_set(&cfg->linker.conf_paths, default_conf_paths,
				N_ELEMS(default_conf_paths)) ||
	    config_patterns_set(&cfg->linker.library_dirs, default_library_dirs,
				N_ELEMS(default_library_dirs)) ||
	    config_patterns_set(&cfg->writes.trusted_producers, default_trusted_producers,
				N_ELEMS(default_trusted_producers)) ||
	    config_patterns_set(&cfg->writes.download_tools, default_download_tools,
				N_ELEMS(default_download_tools)) ||
	    config_patterns_set(&cfg->writes.search_dirs, default_search_dirs,
				N_ELEMS(default_search_dirs)) ||
	    config_patterns_set(&cfg->loader.paths, default_loader_paths, N_ELEMS(default_loader_paths)) ||
	    config_patterns_set(&cfg->loader.benign_parents, default_benign_parents,
				N_ELEMS(default_benign_parents)) ||
	    config_patterns_set(&cfg->loader.writable_dirs, default_writable_dirs,
				N_ELEMS(default_writable_dirs))) {
		config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}
