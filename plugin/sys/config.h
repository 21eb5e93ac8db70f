/* config: the only libconfig user. Loads /etc/audit/elfwatch.conf into a plain struct with
 * every default filled in; a bad file is reported as "file:line: message". config.c reads
 * the file (libconfig); config_defaults.c holds the defaults, the name tables and the life
 * of the struct. */
#ifndef ELFWATCH_CONFIG_H
#define ELFWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/path.h"
#include "util/severity.h"

#define CONFIG_DEFAULT_PATH "/etc/audit/elfwatch.conf"
#define CONFIG_DEFAULT_STATE_PATH "/run/elfwatch/state"

/* FORMAT_TEXT is for a person at the command line (--replay, --analyze), never a log. */
enum alert_format { FORMAT_JSON = 0, FORMAT_KV, FORMAT_ECS, FORMAT_TEXT, FORMAT_COUNT };

struct pattern_list {
	char **v;
	size_t n;
	struct path_glob *glob;         /* v measured (config_patterns_set), or NULL */
};

/* One allow-list entry: every key that is set must match for the entry to apply. */
struct loader_allow {
	char *parent_exe;       /* fnmatch pattern, or NULL */
	char *target;           /* fnmatch pattern, or NULL */
	long long uid;          /* -1 when unset */
	char *comment;          /* why it is allowed; kept in the suppression log */
};

struct config {
	char *output;                   /* "syslog", "stdout" or an absolute path */
	enum alert_format format;
	int syslog_facility;            /* LOG_AUTH ... */
	int syslog_priority[SEV_COUNT]; /* per alert severity */
	int log_level;                  /* LOG_ERR .. LOG_DEBUG, for elfwatch's own messages */
	enum severity min_severity;     /* alerts below are counted, not emitted */
	size_t max_alert_bytes;
	size_t max_argv_bytes;
	size_t process_table_size;
	size_t queue_size;              /* bytes between the stdin reader and the worker */
	bool inspect_files;             /* re-open executed images and targets */
	struct {
		unsigned fold_window_s;             /* identical alerts within it are counted */
		unsigned rate_per_minute;           /* new alerts per rule; 0: no cap */
		size_t fold_table_size;             /* alerts remembered for folding */
	} alerts;
	struct {
		struct pattern_list paths;          /* where the host's loaders live */
		struct pattern_list benign_parents; /* parent images whose loader runs are benign */
		struct pattern_list writable_dirs;  /* world-writable / tmpfs drop locations */
		bool benign_alerts;                 /* alert on --verify/--list/... too */
		struct loader_allow *allow;
		size_t nallow;
	} loader;
	struct {
		bool enabled;                       /* follow writes and judge the files */
		size_t pending_size;                /* files followed at once */
		size_t recent_size;                 /* judged files kept for exec correlation */
		unsigned settle_ms;                 /* between two looks at a file */
		unsigned max_wait_ms;               /* judge anyway after this long */
		unsigned exec_window_s;             /* an exec this soon after the write is "dropped" */
		size_t inspect_max_bytes;           /* bytes of one file read for judgement */
		struct pattern_list trusted_producers;  /* exe or script paths (patterns) */
		struct pattern_list download_tools;     /* exe basenames or comm names */
		struct pattern_list search_dirs;        /* where a dirfd's directory is looked for */
	} writes;
	struct {
		bool enabled;                       /* judge executed images outside system_dirs */
		bool fileless;                      /* alert on execs of memfds and deleted files */
		size_t cache_size;                  /* (dev, inode, size, mtime, ctime) verdicts kept */
		struct pattern_list system_dirs;    /* package-manager trees: not judged at exec */
		struct pattern_list fileless_allow; /* exe patterns of known memfd runners (runc) */
	} exec_judge;
	struct {
		struct pattern_list preload_files;  /* written at all: critical */
		struct pattern_list conf_paths;     /* written by an untrusted writer: high */
		struct pattern_list library_dirs;   /* shared objects written there: judged */
		bool environ;                       /* read LD_ variables from /proc/PID/environ */
	} linker;
	struct {
		bool enabled;                       /* plugin mode: keep tables across a restart */
		char *path;                         /* absolute; its directory is made 0700 */
		unsigned max_age_s;                 /* an older state file is ignored */
	} state;
};

/* Fill cfg with the built-in defaults. 0 or -ENOMEM. */
int config_defaults(struct config *cfg);

/* Load path over the defaults into *ret (untouched on failure). On error returns negative and
 * writes "file:line: message" into err. */
int config_load(const char *path, struct config *ret, char *err, size_t errlen);

void config_free(struct config *cfg);

/* Replace l with copies of the n strings of src (l untouched on failure). 0 or -ENOMEM. */
int config_patterns_set(struct pattern_list *l, const char *const *src, size_t n);

/* Name lookups shared with the command line. -1 when unknown. */
int config_facility_from_name(const char *name);
int config_priority_from_name(const char *name);
int config_severity_from_name(const char *name);
int config_format_from_name(const char *name);
const char *config_format_name(enum alert_format fmt);

#endif
