/* linker: the dynamic linker's configuration and environment (T1574.006). Which written paths
 * steer every later program start (ld.so.preload, ld.so.conf, shared objects in library
 * directories), and which LD_ variables of a new process's environment point into writable
 * places. Pure: patterns come from the configuration, bytes from the caller. */
#ifndef ELFWATCH_LINKER_H
#define ELFWATCH_LINKER_H

#include <stdbool.h>
#include <stddef.h>

#include "sys/config.h"

enum linker_target {
	LINKER_NONE,
	LINKER_PRELOAD,         /* /etc/ld.so.preload: loaded into every dynamic program */
	LINKER_CONF,            /* /etc/ld.so.conf, /etc/ld.so.conf.d/ *: the search path */
	LINKER_LIBRARY,         /* a shared object in a library directory */
	LINKER_TARGET_COUNT
};
/* The alert reason of a target: "ld_so_preload_write", "ld_so_conf_write", "library_write". */
const char *linker_target_reason(enum linker_target t);

/* What a normalised absolute path is to the dynamic linker (cfg->linker patterns). A library
 * is a name ending in ".so" or holding ".so." directly in one of library_dirs. */
enum linker_target linker_classify(const struct config *cfg, const char *path);

/* True if path lies in the tree of a library_dirs entry without wildcards ("/usr/lib" holds
 * "/usr/lib/python3/x.py"): what the library-directory audit rules deliver. */
bool linker_in_library_tree(const struct config *cfg, const char *path);

/* The variables read from an environment. */
enum linker_var { LINKER_VAR_PRELOAD, LINKER_VAR_AUDIT, LINKER_VAR_LIBRARY_PATH, LINKER_VAR_COUNT };
const char *linker_var_name(enum linker_var v);

#define LINKER_VALUE_MAX 256            /* bytes of a value kept for the alert (cut, not escaped) */

struct linker_env {
	bool present[LINKER_VAR_COUNT];
	bool writable[LINKER_VAR_COUNT];        /* an element lies in a writable place */
	char value[LINKER_VAR_COUNT][LINKER_VALUE_MAX];  /* raw bytes, NUL-terminated, maybe cut */
	bool cut[LINKER_VAR_COUNT];
	unsigned entries;                       /* environment entries seen */
};

/* Scan an environment image (NUL-separated NAME=VALUE entries, as /proc/PID/environ holds
 * them; len bytes, the last entry may be unterminated) for the LD_ variables. An element is
 * writable when it is relative with a slash, empty in a search path (the current directory),
 * or under one of writable_dirs. A name given twice is judged in every copy (ld.so takes the
 * last LD_PRELOAD, glibc's getenv the first, LD_AUDIT adds them up): the value kept is the
 * first writable one, else the last. Returns true when a variable is present and writable. */
bool linker_environ_scan(const char *buf, size_t len, const struct pattern_list *writable_dirs,
			 struct linker_env *ret);

#endif
