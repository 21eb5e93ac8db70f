/* writes: follows files being written, from audit records, until they settle; then has them
 * judged, and remembers them so a later exec of the same inode can be tied to its writer.
 * Tables are bounded; time is passed in (wall clock live, event time in replay) and file
 * access is injected, so replay and tests are deterministic. */
#ifndef ELFWATCH_WRITES_H
#define ELFWATCH_WRITES_H

#include <stdbool.h>
#include <sys/stat.h>

#include "sys/config.h"
#include "util/fileid.h"
#include "detect/mitre.h"
#include "detect/proctable.h"
#include "model/record.h"
#include "util/severity.h"

#define WRITES_PATH_MAX 1024

/* How far a writer that matched trusted_producers is trusted. */
enum writes_trust {
	WRITES_TRUST_NONE,
	WRITES_TRUST_NAME,              /* by name only: its exec was not seen (started before
					 * elfwatch, or evicted from the process table) */
	WRITES_TRUST_IDENTITY,          /* its exec was seen and ran a file the patterns name */
};
const char *writes_trust_name(enum writes_trust t);

/* Why a written file could not be judged. */
enum writes_unjudged {
	WRITES_JUDGED,
	WRITES_UJ_LEASE,                /* EWOULDBLOCK: a file lease (or lock) kept us out */
	WRITES_UJ_PERMISSION,           /* EACCES, EPERM */
	WRITES_UJ_SYMLINK,              /* ELOOP: a symlink took the place of a path component */
	WRITES_UJ_IDENTITY,             /* the name leads to another inode or a non-regular file */
	WRITES_UJ_UNSAFE_MOUNT,         /* on FUSE/network mounts, never opened */
	WRITES_UJ_NO_NAME,              /* no absolute name to open it by */
	WRITES_UJ_READ_ERROR,           /* opened, but the engine could not read it */
	WRITES_UJ_OPEN_FAILED,          /* any other open error */
	WRITES_UJ_SHUTDOWN,             /* input ended and the time to judge ran out */
	WRITES_UJ_COUNT
};
const char *writes_unjudged_name(enum writes_unjudged u);
/* The reason an open or stat error stands for (0 is WRITES_JUDGED). */
enum writes_unjudged writes_unjudged_from_errno(int err);

/* What made a written file settle (be judged), or which operation named a file to the name
 * hook. Saved by name in the state file (state_encode.c): the names are a format. */
enum writes_cause {
	WRITES_CAUSE_NONE,              /* "": not settled yet */
	WRITES_CAUSE_STABLE,            /* size and mtime held for writes.settle_ms */
	WRITES_CAUSE_WRITE,             /* the name hook's op: opened for writing */
	WRITES_CAUSE_RENAME,
	WRITES_CAUSE_LINK,
	WRITES_CAUSE_CHMOD,             /* given an exec bit (the name hook: any mode change) */
	WRITES_CAUSE_EXEC,              /* executed while followed */
	WRITES_CAUSE_TIMEOUT,           /* writes.max_wait_ms ran out */
	WRITES_CAUSE_END_OF_INPUT,
	WRITES_CAUSE_EVICTED,           /* its table slot was needed */
	WRITES_CAUSE_SHUTDOWN,          /* input ended and the time to judge ran out */
	WRITES_CAUSE_COUNT
};
#define WRITES_CAUSE_NAME_MAX 16        /* a name's bytes with its NUL, at most (state.c) */
const char *writes_cause_name(enum writes_cause c);
/* The cause a name stands for; false (*ret untouched) for a name not in the table. */
bool writes_cause_from_name(const char *name, enum writes_cause *ret);

/* A file being written or written recently. */
struct written_file {
	struct file_id id;
	char path[WRITES_PATH_MAX];     /* best known name */
	char event_id[48];              /* the write */
	time_t sec;
	unsigned msec;
	char syscall[16];
	struct proc_entry writer;       /* who wrote it (snapshot) */
	char trusted_by[64];            /* trusted-producer pattern that matched, "" if none */
	enum writes_trust trust;        /* how far (NONE when trusted_by is "") */
	bool download_tool;             /* writer is curl, wget, scp, ... */
	bool exec_bit;                  /* created with, or later given, an exec bit */
	enum writes_cause settled_by;   /* NONE while not settled */
	char trigger_event[48];         /* event that made it settle at once, "" if none */
};

/* What became of a judged file (kept in the recent table for exec correlation). */
struct write_result {
	struct written_file file;
	bool is_elf;
	enum severity verdict;          /* engine verdict after trusted-producer filtering */
	const struct mitre *mitre;      /* static */
	char sha256[65];
	long long judged_ms;
	/* could not be judged: why, the last error, how often it was tried, over how long */
	enum writes_unjudged unjudged;
	int unjudged_errno;             /* positive errno */
	unsigned attempts;
	long long waited_ms;
	bool exec_candidate;            /* exec bit, download tool, ELF magic seen, or executed */
	int judge_error;                /* set by the judge: negative errno when it could not read */
};

/* File-system access, injected. Each returns 0/fd or a negative errno. */
struct writes_fs {
	/* lstat-like: never follows a final symlink, never opens */
	int (*stat)(void *ctx, const char *path, const struct file_id *id, struct stat *ret);
	/* open for reading, identity checked (safefile semantics); returns an fd */
	int (*open)(void *ctx, const char *path, const struct file_id *id, struct stat *ret);
	/* where a process's descriptor points (live: /proc/PID/fd/N) */
	int (*fd_path)(void *ctx, long long pid, long long fd, char *out, size_t cap);
	/* the path of directory id, searched (bounded) under roots; may be NULL */
	int (*find_dir)(void *ctx, const struct pattern_list *roots, const struct file_id *id,
			char *out, size_t cap);
	void *ctx;
};

/* Called for a settled ELF candidate: fd is open on it (st its fstat). The callee judges it
 * and fills ret (verdict, sha256, technique, is_elf), or sets ret->judge_error. */
typedef void (*writes_judge_fn)(void *ctx, const struct written_file *wf, int fd,
				const struct stat *st, struct write_result *ret);
/* Called (with the judge's ctx) for a file that could not be judged by max_wait_ms (or when
 * it was evicted, executed or input ended): r->unjudged says why. */
typedef void (*writes_unjudged_fn)(void *ctx, const struct write_result *r);

struct writes_stats {
	unsigned long write_events, tracked, renames, chmods, judged, not_elf, gone,
		duplicates, timeouts, evicted, unresolved, recent_evicted;
	unsigned long open_failures;    /* opens or looks that failed and were retried */
	unsigned long unjudged;         /* files that could not be judged in the end */
	unsigned long unjudged_by[WRITES_UJ_COUNT];
	unsigned long replaced;         /* an old inode whose name holds a newer written file */
	unsigned long changed_after_look;  /* not ELF at a look, then changed */
	unsigned long rejudged;         /* executed with another size/mtime than judged */
	unsigned long not_followed;     /* the name hook said a trusted producer's file need not be */
};

struct writes;

/* New tracker using cfg->writes settings and procs for writers' argv (both borrowed, both
 * must outlive it). NULL on allocation failure. */
struct writes *writes_new(const struct config *cfg, struct proctable *procs,
			  const struct writes_fs *fs, writes_judge_fn judge, void *judge_ctx);
void writes_free(struct writes *w);
/* Where to report files that could not be judged (NULL: counted only). */
void writes_set_unjudged_hook(struct writes *w, writes_unjudged_fn fn);

struct fileset;
/* The identities trusted_producers name (borrowed; NULL: trust by name alone). A writer is
 * fully trusted only when its exec was seen and ran one of these files; a writer whose exec
 * was not seen is trusted by name for mild findings only (dropverdict.h). */
void writes_set_trusted(struct writes *w, const struct fileset *ids);

/* Called with the resolved absolute name (or the best hint) of the file every write event
 * names, before any filtering by mode or file type; op is WRITES_CAUSE_WRITE, _RENAME,
 * _LINK or _CHMOD. For policies on where a write lands whatever it holds (linker configuration).
 * Returns false when a file not followed yet need not be (a trusted producer's writes in a
 * tree only the linker rules watch). */
typedef bool (*writes_name_fn)(void *ctx, const struct rec_event *ev, const struct file_id *id,
			       const char *path, enum writes_cause op);
void writes_set_name_hook(struct writes *w, writes_name_fn fn);
/* Fill ret as a written file of ev at path would be: the writer's snapshot and trust. */
void writes_describe(struct writes *w, const struct rec_event *ev, const struct file_id *id,
		     const char *path, struct written_file *ret);

/* Take one write-related event (REC_OPEN/RENAME/LINK/CHMOD; others are ignored). */
void writes_on_event(struct writes *w, const struct rec_event *ev, long long now_ms);

/* An exec of id happened (event ev): judge it now if it is still pending, or again if it was
 * not judged or has changed (size, mtime) since. Returns the recent write of that inode within
 * the correlation window, or NULL. Also matches by path when id is not valid (replay without
 * files). */
const struct write_result *writes_on_exec(struct writes *w, const struct file_id *id,
					  const char *path, const struct rec_event *ev,
					  long long now_ms);

/* Look at pending files whose time has come; judge the settled ones. */
void writes_tick(struct writes *w, long long now_ms);

/* End of input: judge everything still pending. */
void writes_flush(struct writes *w, long long now_ms);

/* The same within a time limit: once clock() reaches deadline_ms, each file still pending
 * is reported as not judged (WRITES_UJ_SHUTDOWN) instead. */
struct writes_deadline {
	long long (*clock)(void *ctx);
	void *ctx;
	long long deadline_ms;
};
void writes_flush_until(struct writes *w, long long now_ms, const struct writes_deadline *dl);

/* Saving and restoring the tables across a restart (writes_state.c, state.h). */
struct state_pending;
struct state_recent;
/* Copy the followed files (ages relative to now_ms) into out; the count (at most max). */
size_t writes_export_pending(const struct writes *w, long long now_ms, struct state_pending *out,
			     size_t max);
/* Copy the recent verdicts, oldest first; the count (at most max). */
size_t writes_export_recent(const struct writes *w, long long now_ms, struct state_recent *out,
			    size_t max);
/* Follow a saved file again, as if just seen written: its identity is looked at now (a file
 * gone or replaced is not restored: -ENOENT), its writer's trust derived again. gap_ms: time
 * since the save. 0 or -errno. */
int writes_restore_pending(struct writes *w, const struct state_pending *sp, long long gap_ms,
			   long long now_ms);
/* Remember a saved verdict again if the file still has its identity at its name (else
 * -ENOENT); a verdict is used only while the file's (size, mtime) match it. 0 or -errno. */
int writes_restore_recent(struct writes *w, const struct state_recent *sr, long long gap_ms,
			  long long now_ms);

/* True for paths under the configured drop locations (loader.writable_dirs). */
bool writes_in_drop_location(const struct config *cfg, const char *path);

void writes_get_stats(const struct writes *w, struct writes_stats *ret);
size_t writes_pending_count(const struct writes *w);
size_t writes_recent_capacity(const struct writes *w);

#endif
