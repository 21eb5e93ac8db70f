/* loader: detection of programs started through the dynamic loader (MITRE T1574).
 * Pure judgement: file-system facts come through the injected loader_probe, so replay, unit
 * tests and fuzzing run without touching files. */
#ifndef ELFWATCH_LOADER_H
#define ELFWATCH_LOADER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/config.h"
#include "util/fileid.h"
#include "detect/identities.h"
#include "detect/proctable.h"
#include "model/record.h"
#include "util/severity.h"

/* Reason codes: stable snake_case names, see loader_reason_name(). */
enum loader_reason {
	LR_TARGET_IN_WRITABLE_DIR = 1u << 0,  /* raises to critical */
	LR_TARGET_NOT_EXECUTABLE = 1u << 1,   /* raises */
	LR_LOADER_COPY = 1u << 2,             /* raises: loader recognised by content only */
	LR_LOADER_RENAMED = 1u << 3,          /* raises: known loader run under another name */
	LR_ARGV0_MISMATCH = 1u << 4,          /* raises: argv[0] does not name the loader */
	LR_PRELOAD_INJECTION = 1u << 5,       /* raises: --preload */
	LR_AUDIT_INJECTION = 1u << 6,         /* raises: --audit */
	LR_LIBRARY_PATH_OVERRIDE = 1u << 7,
	LR_ARGV0_OPTION = 1u << 8,            /* --argv0 renames the target's argv[0] */
	LR_RELATIVE_TARGET = 1u << 9,
	LR_VIA_SHEBANG = 1u << 10,            /* a script's #! line runs the loader */
	LR_EXEC_FAILED = 1u << 11,            /* the exec itself failed: an attempt */
	LR_TARGET_RECENTLY_WRITTEN = 1u << 12,  /* raises: the program was just dropped */
	LR_LOADER_RECENTLY_WRITTEN = 1u << 13,  /* raises: the loader itself was just written */
	LR_ARGV_TRUNCATED = 1u << 14,         /* raises: the program lies beyond the kept argv */
	LR_LDD_LIKE = 1u << 15,               /* caps at medium: ldd's shape, not proven ldd's */
	LR_COUNT_BITS = 16
};
#define LR_RAISING (LR_TARGET_IN_WRITABLE_DIR | LR_TARGET_NOT_EXECUTABLE | LR_LOADER_COPY | \
		    LR_LOADER_RENAMED | LR_ARGV0_MISMATCH | LR_PRELOAD_INJECTION | LR_AUDIT_INJECTION | \
		    LR_TARGET_RECENTLY_WRITTEN | LR_LOADER_RECENTLY_WRITTEN | LR_ARGV_TRUNCATED)

const char *loader_reason_name(unsigned bit);

/* What rtld does after its options: the last of --list/--verify (neither overrides --help);
 * --help, --list-tunables and --list-diagnostics override any. */
enum loader_mode {
	LOADER_MODE_RUN = 0, LOADER_MODE_LIST, LOADER_MODE_VERIFY, LOADER_MODE_HELP,
	LOADER_MODE_LIST_TUNABLES, LOADER_MODE_LIST_DIAGNOSTICS,
};

/* The loader's own command line, parsed as glibc 2.36 rtld does. Pointers borrow from argv. */
struct loader_opts {
	bool list, verify, help, version, list_tunables, list_diagnostics, inhibit_cache;
	enum loader_mode mode;
	bool program_unknown;       /* argv was not kept whole and the program lies beyond what
				     * was kept (or its name was cut) */
	const struct rec_str *library_path, *preload, *audit, *argv0;
	const struct rec_str *inhibit_rpath, *hwcaps_prepend, *hwcaps_mask;
	const char *names[16];      /* options in the order given */
	unsigned nnames;
	int target;                 /* index into argv of the program, -1 if none */
};

/* Parse argv (argv[0] is the loader itself). complete is false when the record did not keep
 * the whole argv: options running to the end of what was kept then hide the program. Pure;
 * never fails. */
void loader_parse_args(const struct rec_str *argv, unsigned argc, bool complete,
		       struct loader_opts *ret);

/* True for forms that cannot run a program: --version, a final mode of --verify, --help,
 * --list-tunables, --list-diagnostics, or --list without --audit/--preload (whose modules
 * rtld loads and runs even when listing), or no target. Never when the program is unknown
 * (unless --help or --version already decided). */
bool loader_opts_benign(const struct loader_opts *o);

/* The host's loaders: resolved from path patterns at start and on reload. */
struct loader_set;
struct loader_set *loader_set_new(void);
void loader_set_free(struct loader_set *ls);
/* Add every file the patterns name (glob, following symlinks): its canonical path and id. */
int loader_set_resolve(struct loader_set *ls, const struct pattern_list *patterns);
/* The same from a recording's identities (replay): recorded paths the patterns match. */
int loader_set_resolve_recorded(struct loader_set *ls, const struct pattern_list *patterns,
				const struct identities *recorded);
/* Add one loader by canonical path and identity (tests, reload). 0 or -ENOSPC. */
int loader_set_add(struct loader_set *ls, const char *canonical, const struct file_id *id);
bool loader_set_has_id(const struct loader_set *ls, const struct file_id *id);
bool loader_set_has_path(const struct loader_set *ls, const struct pattern_list *patterns,
			 const char *path);
size_t loader_set_count(const struct loader_set *ls);

struct target_facts {
	bool exists;
	mode_t mode;
	uid_t owner;
	off_t size;
	struct file_id id;
	bool dir_world_writable;    /* parent directory writable by anyone */
	bool on_tmpfs;              /* tmpfs/ramfs */
	char real[REC_STR_MAX];     /* canonical path, "" when unknown */
};

/* File-system access, injected. Each returns 0 or a negative errno. */
struct loader_probe {
	/* Is the executed image (exe, expected identity) a loader by ELF content? 1 yes, 0 no. */
	int (*image_is_loader)(void *ctx, const char *exe, const struct file_id *expect,
			       char *soname, size_t soname_cap);
	int (*target_facts)(void *ctx, const char *path, struct target_facts *ret);
	void *ctx;
};

enum loader_outcome {
	LOADER_NOT = 0,         /* not a loader exec */
	LOADER_ALERT,
	LOADER_SUPPRESSED,      /* a loader exec, not alerted: see suppressed_by */
};

/* How the executed image is known to be a loader. */
enum loader_match {
	LOADER_MATCH_NONE = 0,
	LOADER_MATCH_EXE_PATH,          /* exe is a known loader's path or matches loader.paths */
	LOADER_MATCH_INODE,             /* the named file is a known loader by identity */
	LOADER_MATCH_CONTENT,           /* a loader by ELF content only: a copy */
	LOADER_MATCH_COUNT
};
/* "exe_path", "inode", "content"; NULL for LOADER_MATCH_NONE (an alert shows null). */
const char *loader_match_name(enum loader_match m);

/* Why a loader exec was not alerted. */
enum loader_suppression {
	LOADER_SUP_NONE = 0,
	LOADER_SUP_BENIGN_FORM,         /* loader_opts_benign() */
	LOADER_SUP_LDD_PARENT,          /* a known exec of the real ldd by identity, ldd's exact
					 * shape */
	LOADER_SUP_ALLOW_LIST,          /* loader.allow: see allow_comment */
	LOADER_SUP_MIN_SEVERITY,        /* below min_severity */
	LOADER_SUP_COUNT
};
/* "benign_form", "ldd_parent", "allow_list", "min_severity"; NULL for LOADER_SUP_NONE. */
const char *loader_suppression_name(enum loader_suppression s);

struct loader_verdict {
	enum loader_outcome outcome;
	enum loader_suppression suppressed_by;
	const char *allow_comment;
	enum severity severity;
	uint32_t reasons;               /* enum loader_reason bits */
	enum loader_match matched_by;
	struct rec_str loader_path;     /* the path that was executed (PATH item or exe) */
	char soname[64];
	struct loader_opts opts;
	bool target_cut;                /* the program is not (wholly) known: see argv_truncated */
	bool have_facts;
	const struct proc_entry *parent;
	/* last, large, reset by their first byte / have_facts */
	char target[REC_STR_MAX];       /* resolved target, "" when none */
	struct target_facts facts;      /* valid when have_facts */
};

/* Recent runs of benign parents (ldd), so a run under an unknown parent can be compared with a
 * handful of them instead of the whole process table. */
#define LOADER_LDD_RUNS 16
struct ldd_runs {
	struct proc_entry run[LOADER_LDD_RUNS];
	unsigned n, next;
};

struct fileset;
/* Is e running a benign parent's image: its name matches loader.benign_parents and, when the
 * image's identity is known, it is one of the files those patterns name (ids)? */
bool loader_benign_image(const struct config *cfg, const struct fileset *ids,
			 const struct proc_entry *e);

/* Remember e (a process that just exec'd) if it runs a benign parent's image. Cheap. */
void loader_note_exec(const struct config *cfg, const struct fileset *ids, struct ldd_runs *runs,
		      const struct proc_entry *e);

struct loader_judge_ctx {
	const struct config *cfg;
	const struct loader_set *known;
	struct proctable *procs;
	const struct loader_probe *probe;   /* NULL: no file access (replay without files) */
	const struct ldd_runs *ldd;         /* NULL: no ldd look-alike check */
	const struct fileset *benign_ids;   /* identities of benign parents' images, or NULL */
};

/* Severity from the reasons (after callers add some): high, critical when any raises, at
 * most medium for a failed exec or an ldd look-alike. */
enum severity loader_severity(uint32_t reasons, bool exec_succeeded);

/* Judge one exec event. Fills *ret; never fails. */
void loader_judge(const struct loader_judge_ctx *ctx, const struct rec_event *ev,
		  struct loader_verdict *v);

#endif
