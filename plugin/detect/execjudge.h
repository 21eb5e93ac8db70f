/* execjudge: judges the image of an exec at exec time, whatever wrote it, and recognises
 * fileless execs (a memfd, a deleted file, a descriptor). Verdicts are cached by the file's
 * state (dev, inode, size, mtime, ctime) in a bounded table, so a binary run again unchanged
 * costs one stat and a lookup. Pure: file access and the ELF judgement are injected. */
#ifndef ELFWATCH_EXECJUDGE_H
#define ELFWATCH_EXECJUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "sys/config.h"
#include "elf/elf_report.h"
#include "util/fileid.h"
#include "detect/mitre.h"
#include "model/record.h"
#include "util/severity.h"

/* How an exec reached its image without a file name on disk. */
enum execjudge_fileless {
	XJ_MEMFD = 1u << 0,     /* exe "/memfd:NAME (deleted)": memfd_create + exec */
	XJ_DELETED = 1u << 1,   /* exe "... (deleted)": the file was unlinked (O_TMPFILE, rm) */
	XJ_FD_EXEC = 1u << 2,   /* execveat(fd, "", AT_EMPTY_PATH), /proc/self/fd/N, /dev/fd/N */
	XJ_FILELESS_BITS = 3
};

/* Fileless forms of ev (an exec event), as enum execjudge_fileless bits. */
unsigned execjudge_fileless(const struct rec_event *ev);
/* Reason name of one bit: "memfd", "deleted_file", "fd_exec". */
const char *execjudge_fileless_name(unsigned bit);

/* Is the image at path (canonical, absolute) judged at exec time: outside system_dirs? */
bool execjudge_in_scope(const struct config *cfg, const char *path);

#define XJ_CODES_MAX 8

/* What the ELF engine said about one state of a file (kept in the cache). */
struct execjudge_verdict {
	bool is_elf;
	bool loader;                    /* a dynamic loader by content */
	bool from_write;                /* judged by the write path (its alert was raised there) */
	enum severity severity;         /* of the findings that count */
	const struct mitre *mitre;      /* static */
	unsigned ncodes;
	enum elf_reason codes[XJ_CODES_MAX];    /* counted findings >= low */
	char sha256[65];                /* "" when not hashed */
};

enum execjudge_outcome {
	XJ_OUT_OF_SCOPE = 0,    /* not judged: system directory, failed exec, disabled */
	XJ_CACHED,              /* this state was judged before */
	XJ_JUDGED,              /* judged now */
	XJ_UNAVAILABLE,         /* could not be opened: never counted as clean (err says why) */
};
const char *execjudge_outcome_name(enum execjudge_outcome o);

/* How the image was reached. */
enum execjudge_via {
	XJ_VIA_NONE = 0,        /* not reached (out of scope) */
	XJ_VIA_PATH,            /* by the exec's name */
	XJ_VIA_PROC_EXE,        /* by /proc/PID/exe */
	XJ_VIA_COUNT
};
/* "path", "proc_exe"; NULL for XJ_VIA_NONE. */
const char *execjudge_via_name(enum execjudge_via v);

struct execjudge_result {
	enum execjudge_outcome outcome;
	enum execjudge_via via;
	int err;                        /* negative errno when XJ_UNAVAILABLE */
	struct stat st;                 /* the state judged (CACHED, JUDGED) */
	struct execjudge_verdict v;     /* (CACHED, JUDGED) */
};

/* Why r (XJ_UNAVAILABLE) was not judged: "process_gone" (/proc/PID/exe) or "file_gone" (path),
 * "image_replaced", "network_or_fuse_mount", "no_file_access", "not_regular", "symlink",
 * "permission_denied", "out_of_memory" or "open_failed". */
const char *execjudge_error_name(const struct execjudge_result *r);

/* File access, injected; each returns 0 / an fd, or a negative errno. */
struct execjudge_fs {
	/* stat of path without opening it, final symlink not followed, identity checked when id
	 * is valid (one cheap syscall: it runs on every exec in scope) */
	int (*stat)(void *ctx, const char *path, const struct file_id *id, struct stat *ret);
	/* open for reading with the same checks (safefile semantics) */
	int (*open)(void *ctx, const char *path, const struct file_id *id, struct stat *ret);
	/* open the image pid runs (/proc/PID/exe) without blocking; identity checked when id is
	 * valid; exe is the record's exe, for the mount check; -ENOENT once the process is gone */
	int (*open_exe)(void *ctx, long long pid, const char *exe, const struct file_id *id,
			struct stat *ret);
	void *ctx;
};

/* Judge the file open on fd (st its fstat) into ret; 0 or -errno. */
typedef int (*execjudge_judge_fn)(void *ctx, int fd, const struct stat *st,
				  struct execjudge_verdict *ret);

struct execjudge_request {
	const char *path;               /* the image's canonical path (NULL: fileless) */
	const struct file_id *id;       /* the image's identity in the record (item 0), or NULL */
	const struct file_id *ids;      /* every PATH item's identity: the file found at path
					 * must be one of them (the kernel opened it) */
	unsigned nids;
	long long pid;                  /* the process running it */
	const char *exe;                /* the record's exe */
	bool via_proc_only;             /* fileless: only /proc/PID/exe reaches the image */
};

struct execjudge_stats {
	unsigned long checks, hits, misses, judged, unavailable, evictions, judge_errors;
};

struct execjudge;

/* New cache of about cap verdicts (rounded up to a power of two, at least 16). NULL on
 * allocation failure. */
struct execjudge *execjudge_new(size_t cap);
void execjudge_free(struct execjudge *xj);
/* Forget every verdict (configuration reloaded). */
void execjudge_clear(struct execjudge *xj);

/* Remember v for the state st (the write path judged it). */
void execjudge_remember(struct execjudge *xj, const struct stat *st,
			const struct execjudge_verdict *v);
/* The verdict for st's state, or NULL. */
const struct execjudge_verdict *execjudge_lookup(struct execjudge *xj, const struct stat *st);

/* Judge the image req names: from the cache when its state is known, else opened through fs
 * and judged by judge (then cached). The file at path must have an identity the record shows;
 * a path that is gone or replaced since the exec falls back to /proc/PID/exe when the record's
 * identity of the image is known. Fills *ret; never fails. */
void execjudge_check(struct execjudge *xj, const struct execjudge_fs *fs,
		     const struct execjudge_request *req, execjudge_judge_fn judge,
		     void *judge_ctx, struct execjudge_result *ret);

void execjudge_get_stats(const struct execjudge *xj, struct execjudge_stats *ret);

#endif
