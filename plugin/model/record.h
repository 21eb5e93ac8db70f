/* record: the only auparse walker. Turns one complete audit event into a plain, bounded
 * struct rec_event that the rest of elfwatch reads without knowing about libauparse. */
#ifndef ELFWATCH_RECORD_H
#define ELFWATCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <auparse.h>

#include "util/fileid.h"

#define REC_MAX_PATHS 8        /* PATH items kept per event; more are counted */
#define REC_MAX_ARGS 256       /* argv entries kept; more are counted */
#define REC_STR_MAX 4096       /* longest single decoded string (PATH_MAX) */
/* Latest stamp second kept (year 33658; the kernel writes the wall clock): a later one, or a
 * negative one (libauparse reads the digits unsigned), is held to it in rec_event.sec, so
 * that event-time arithmetic cannot overflow; the id keeps what libauparse read. */
#define REC_SEC_MAX 999999999999LL
#define REC_ID_UNSET (-1LL)    /* numeric field absent from the event */
#define REC_AUID_UNSET 4294967295LL

/* A decoded attacker-controlled byte string; s is NUL-terminated, len excludes the NUL. */
struct rec_str {
	const char *s;
	size_t len;
	bool cut;               /* longer in the record than kept */
};

struct rec_path {
	int item;
	struct rec_str name;    /* s == NULL for name=(null) */
	struct file_id id;
	uint32_t mode;
	bool has_mode;
	char nametype[16];
};

enum rec_kind {
	REC_OTHER = 0,
	REC_EXEC,               /* execve/execveat, success or failure */
	REC_OPEN,               /* open/openat/openat2/creat */
	REC_RENAME,             /* rename/renameat/renameat2 */
	REC_LINK,               /* link/linkat */
	REC_CHMOD,              /* chmod/fchmod/fchmodat/fchmodat2 */
};

/* Names of every syscall rec_extract handles, NULL-terminated (for the prefilter). */
extern const char *const rec_syscall_names[];

struct rec_limits {
	size_t argv_max_bytes;  /* decoded argv bytes kept, all arguments together */
};

struct rec_event {
	enum rec_kind kind;
	char id[48];            /* "sec.msec:serial", as ausearch -a takes it */
	time_t sec;
	unsigned msec;
	unsigned long serial;

	uint32_t arch;
	long syscall;
	const char *syscall_name;
	bool success;
	long long exit;
	unsigned long long args[4];     /* a0..a3 as the SYSCALL record printed them */
	bool has_oflag;
	unsigned long long oflag;       /* openat2's flags, from its OPENAT2 record */
	long long pid, ppid, uid, euid, auid, ses;
	char tty[16];
	struct rec_str comm, exe, cwd, key;

	unsigned npaths;        /* kept */
	unsigned paths_seen;    /* PATH records in the event */
	unsigned argc_kept;
	long long argc;         /* as the EXECVE record declared it */
	bool argv_cut;          /* arguments or bytes dropped (or, for a successful exec, no
				 * EXECVE record at all) */
	bool argv_gap;          /* an argument missing or given twice ended what is kept */
	bool has_execve;        /* an EXECVE record was seen */
	unsigned argv_hi;       /* argv slots [0, argv_hi) are this event's: held or NULL */
	unsigned argv_held;     /* of them held */
	unsigned argv_limit;    /* 1 + an index given twice: argv ends there; 0: none */
	unsigned long argv_next_chunk;  /* the chunk (aN[k]) the last argument stored takes next */

	/* private storage for the strings above */
	char *strings;
	size_t strings_len, strings_cap;
	char *argbytes;
	size_t argbytes_len, argbytes_cap;

	/* last: only their first npaths / argc_kept entries are valid (not cleared per event) */
	struct rec_path paths[REC_MAX_PATHS];   /* sorted by item */
	struct rec_str argv[REC_MAX_ARGS];
};

/* Allocate the storage of ev for the given limits. 0 or -ENOMEM. */
int rec_event_init(struct rec_event *ev, const struct rec_limits *lim);
void rec_event_free(struct rec_event *ev);

/* Fill ev from the current event of au. Returns 1 when it is an event elfwatch handles (see
 * ev->kind), 0 when it is not (ev is then only partly filled), negative errno on bad input. */
int rec_extract(auparse_state_t *au, struct rec_event *ev);

/* The same from the text of one whole event as the assembly stage hands it on (records
 * ending in '\n', an EOE last), read without libauparse (record_text.h) with the same
 * result. -EAGAIN when the text holds anything libauparse might read otherwise: then
 * libauparse must read it (ev is then only partly filled). */
int rec_extract_text(const char *text, size_t len, struct rec_event *ev);

/* Exec-ness of a syscall number for an audit arch value; cached, cheap. */
enum rec_kind rec_syscall_kind(uint32_t arch, long nr, const char **ret_name);

/* libaudit's name for a syscall number, or ours for the few it is too old to know; NULL if
 * neither knows it. Not cached. */
const char *rec_syscall_name(uint32_t arch, long nr);

/* Decode an audit field value as the kernel encodes untrusted strings: "quoted" literal,
 * hex bytes, or (null). Writes at most cap-1 bytes plus NUL to out.
 * Returns 0, 1 for (null)/(none), -EINVAL for malformed hex. *ret_cut is set when the
 * decoded value did not fit. */
int rec_decode_value(const char *raw, char *out, size_t cap, size_t *ret_len, bool *ret_cut);

/* Parse "fe:00" (hex major:minor) into id; false when malformed. */
bool rec_parse_dev(const char *s, struct file_id *id);

/* The PATH item with the given number, or NULL. */
const struct rec_path *rec_path_item(const struct rec_event *ev, int item);

#endif
