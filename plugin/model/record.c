#include "model/record.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "model/record_argv.h"
#include "model/record_decode.h"
#include "model/record_text.h"

#define REC_STRINGS_CAP (REC_MAX_PATHS * REC_STR_MAX + 4 * REC_STR_MAX + 1024)

int rec_event_init(struct rec_event *ev, const struct rec_limits *lim)
{
	memset(ev, 0, sizeof(*ev));
	ev->strings_cap = REC_STRINGS_CAP;
	ev->argbytes_cap = lim->argv_max_bytes + 1;
	ev->strings = malloc(ev->strings_cap);
	ev->argbytes = malloc(ev->argbytes_cap);
	if (!ev->strings || !ev->argbytes) {
		rec_event_free(ev);
		return -ENOMEM;
	}
	return 0;
}

void rec_event_free(struct rec_event *ev)
{
	if (!ev)
		return;
	free(ev->strings);
	free(ev->argbytes);
	ev->strings = ev->argbytes = NULL;
}

/* strcmp(name, lit) == 0 for a literal: inlined and stopped at the first difference (the
 * field loops compare every field's name with several) */
static inline bool field_is(const char *name, const char *lit)
{
	size_t i;

	for (i = 0; lit[i]; i++)
		if (name[i] != lit[i])
			return false;
	return name[i] == '\0';
}

static void rec_event_clear(struct rec_event *ev)
{
	char *strings = ev->strings, *argbytes = ev->argbytes;
	size_t scap = ev->strings_cap, acap = ev->argbytes_cap;

	/* the arrays at the end are read only up to their counts: clearing them per event
	 * would be most of the cost of a small event */
	memset(ev, 0, offsetof(struct rec_event, paths));
	ev->strings = strings;
	ev->strings_cap = scap;
	ev->argbytes = argbytes;
	ev->argbytes_cap = acap;
	ev->pid = ev->ppid = ev->uid = ev->euid = ev->auid = ev->ses = REC_ID_UNSET;
	ev->argc = REC_ID_UNSET;
	ev->syscall = -1;
	ev->exit = 0;
}

/* snprintf(out, cap, "%s", v) without printf: short fields of every event */
static void copy_word(char *out, size_t cap, const char *v)
{
	size_t n = strnlen(v, cap - 1);

	memcpy(out, v, n);
	out[n] = '\0';
}

/* Decode the value raw into ev's string storage as *dst. Storage exhaustion marks it cut. */
static void store_value(struct rec_event *ev, const char *raw, struct rec_str *dst)
{
	size_t room = ev->strings_cap - ev->strings_len;
	char *out = ev->strings + ev->strings_len;
	size_t len = 0;
	bool cut = false;
	int r;

	memset(dst, 0, sizeof(*dst));
	if (!raw || room < 2)
		return;
	if (room > REC_STR_MAX + 1)
		room = REC_STR_MAX + 1;
	r = rec_decode_value(raw, out, room, &len, &cut);
	if (r == 1)
		return;
	if (r < 0) {
		/* Not valid kernel encoding (hand-made input): keep the raw text, it is still data. */
		len = strlen(raw);
		if (len > room - 1) {
			len = room - 1;
			cut = true;
		}
		memcpy(out, raw, len);
		out[len] = '\0';
	}
	dst->s = out;
	dst->len = len;
	dst->cut = cut;
	ev->strings_len += len + 1;
}

/* The kernel joins several keys with 0x01 in one hex value; libauparse splits that into one
 * key field per key. Either way ev->key becomes the keys joined by ','. */
static void store_key(struct rec_event *ev, const char *raw)
{
	struct rec_str more;
	char *end;

	if (!ev->key.s) {
		store_value(ev, raw, &ev->key);
	} else {
		/* extend in place when the key is the last stored string; else keep the first */
		end = (char *)ev->key.s + ev->key.len;
		if (end + 1 != ev->strings + ev->strings_len)
			return;
		store_value(ev, raw, &more);
		if (!more.s)
			return;
		*end = ',';
		ev->key.len += 1 + more.len;
		ev->key.cut = ev->key.cut || more.cut;
	}
	for (size_t i = 0; ev->key.s && i < ev->key.len; i++)
		if (ev->key.s[i] == '\001')
			((char *)ev->key.s)[i] = ',';
}

/* The fields of an event, from libauparse or read from the text by record_text.c: the
 * extraction below is written once against this. */
struct walk {
	auparse_state_t *au;            /* libauparse's current event, or NULL: t */
	struct rec_text *t;
	const char *name, *value;       /* the current field */
};

/* The loops over fields run their body once for libauparse's first field whatever it
 * says (a NULL name or value is skipped), as they did before the text reader. */
static bool walk_first_field(struct walk *w)
{
	if (w->t) {
		bool ok = rec_text_first_field(w->t);

		w->name = w->t->name;
		w->value = w->t->value;
		return ok;
	}
	auparse_first_field(w->au);
	w->name = auparse_get_field_name(w->au);
	w->value = auparse_get_field_str(w->au);
	return true;
}

static bool walk_next_field(struct walk *w)
{
	if (w->t) {
		bool ok = rec_text_next_field(w->t);

		w->name = w->t->name;
		w->value = w->t->value;
		return ok;
	}
	if (auparse_next_field(w->au) <= 0)
		return false;
	w->name = auparse_get_field_name(w->au);
	w->value = auparse_get_field_str(w->au);
	return true;
}

static bool walk_first_record(struct walk *w)
{
	return w->t ? rec_text_first_record(w->t) : auparse_first_record(w->au) > 0;
}

static bool walk_next_record(struct walk *w)
{
	return w->t ? rec_text_next_record(w->t) : auparse_next_record(w->au) > 0;
}

static int walk_type(struct walk *w)
{
	return w->t ? w->t->type : auparse_get_type(w->au);
}

static const char *walk_find_field(struct walk *w, const char *name)
{
	return w->t ? rec_text_find_field(w->t, name) : auparse_find_field(w->au, name);
}

/* The SYSCALL record's fields, arch and syscall (the first of each) included: one walk. */
static void extract_syscall(struct walk *w, struct rec_event *ev, long long *arch,
			    bool *have_arch, long long *nr, bool *have_nr)
{
	for (bool more = walk_first_field(w); more; more = walk_next_field(w)) {
		const char *name = w->name, *v = w->value;

		if (!name || !v)
			continue;
		switch (name[0]) {
		case 'a':
			if (field_is(name, "auid")) {
				ev->auid = rec_parse_ll(v, 10);
			} else if (field_is(name, "arch")) {
				if (!*have_arch)
					*arch = rec_parse_ll(v, 16);
				*have_arch = true;
			} else if (name[1] >= '0' && name[1] <= '3' && name[2] == '\0') {
				unsigned long long a;

				ev->args[name[1] - '0'] = rec_parse_u64(v, 16, &a) ? a : 0;
			}
			break;
		case 'c':
			if (field_is(name, "comm"))
				store_value(ev, v, &ev->comm);
			break;
		case 'e':
			if (field_is(name, "exit"))
				ev->exit = rec_parse_ll(v, 10);
			else if (field_is(name, "exe"))
				store_value(ev, v, &ev->exe);
			else if (field_is(name, "euid"))
				ev->euid = rec_parse_ll(v, 10);
			break;
		case 'k':
			if (field_is(name, "key"))
				store_key(ev, v);
			break;
		case 'p':
			if (field_is(name, "pid"))
				ev->pid = rec_parse_ll(v, 10);
			else if (field_is(name, "ppid"))
				ev->ppid = rec_parse_ll(v, 10);
			break;
		case 's':
			if (field_is(name, "success"))
				ev->success = field_is(v, "yes");
			else if (field_is(name, "ses"))
				ev->ses = rec_parse_ll(v, 10);
			else if (field_is(name, "syscall") && !*have_nr)
				*nr = rec_parse_ll(v, 10), *have_nr = true;
			break;
		case 't':
			if (field_is(name, "tty"))
				copy_word(ev->tty, sizeof(ev->tty), v);
			break;
		case 'u':
			if (field_is(name, "uid"))
				ev->uid = rec_parse_ll(v, 10);
			break;
		default:
			break;
		}
	}
}

static void extract_execve(struct walk *w, struct rec_event *ev)
{
	ev->has_execve = true;
	for (bool more = walk_first_field(w); more; more = walk_next_field(w))
		if (w->name && w->value)
			rec_argv_field(ev, w->name, w->value);
}

static void extract_path(struct walk *w, struct rec_event *ev)
{
	struct rec_path p;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.item = -1;
	ev->paths_seen++;
	if (ev->npaths == REC_MAX_PATHS)
		return;
	for (bool more = walk_first_field(w); more; more = walk_next_field(w)) {
		const char *name = w->name, *v = w->value;

		if (!name || !v)
			continue;
		/* PATH records carry ~15 fields; most (ouid, cap_*) are not ours */
		switch (name[0]) {
		case 'i':
			if (field_is(name, "item")) {
				long long it = rec_parse_ll(v, 10);
				p.item = it >= 0 && it < 1024 ? (int)it : -1;
			} else if (field_is(name, "inode")) {
				long long ino = rec_parse_ll(v, 10);
				if (ino >= 0) {
					p.id.ino = (uint64_t)ino;
					p.id.valid = true;
				}
			}
			break;
		case 'n':
			if (field_is(name, "name"))
				store_value(ev, v, &p.name);
			else if (field_is(name, "nametype"))
				copy_word(p.nametype, sizeof(p.nametype), v);
			break;
		case 'd':
			if (field_is(name, "dev") && !rec_parse_dev(v, &p.id))
				p.id.valid = false;
			break;
		case 'm':
			if (field_is(name, "mode")) {
				long long m = rec_parse_ll(v, 8);
				if (m >= 0 && m <= 0177777) {
					p.mode = (uint32_t)m;
					p.has_mode = true;
				}
			}
			break;
		case 'o':
			if (field_is(name, "objtype"))
				copy_word(p.nametype, sizeof(p.nametype), v);
			break;
		default:
			break;
		}
	}
	if (p.item < 0)
		return;
	/* keep sorted by item; records may arrive in any order */
	for (i = ev->npaths; i > 0 && ev->paths[i - 1].item > p.item; i--)
		ev->paths[i] = ev->paths[i - 1];
	ev->paths[i] = p;
	ev->npaths++;
}

/* "sec.msec:serial" as snprintf("%lld.%03u:%lu") wrote it, by hand: once per event */
static void format_id(char *out, size_t cap, const au_event_t *ts)
{
	char tmp[64], *p = tmp + sizeof(tmp);
	unsigned long serial = ts->serial;
	unsigned ms = ts->milli;
	unsigned long long sec = ts->sec < 0 ? 0ull - (unsigned long long)ts->sec :
			       (unsigned long long)ts->sec;
	size_t n;

	if (ms > 999) {
		snprintf(out, cap, "%lld.%03u:%lu", (long long)ts->sec, ts->milli, ts->serial);
		return;
	}
	do
		*--p = (char)('0' + serial % 10);
	while ((serial /= 10) != 0);
	*--p = ':';
	for (int i = 0; i < 3; i++, ms /= 10)
		*--p = (char)('0' + ms % 10);
	*--p = '.';
	do
		*--p = (char)('0' + sec % 10);
	while ((sec /= 10) != 0);
	if (ts->sec < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* rec_extract's work on either source. */
static int extract(struct walk *w, struct rec_event *ev)
{
	au_event_t tbuf;
	const au_event_t *ts;
	const char *flags;
	bool have_syscall = false, first_syscall = true;

	rec_event_clear(ev);
	if (!walk_first_record(w))
		return -EINVAL;
	/* Find the SYSCALL record and decide on its arch and number before anything else; its
	 * other fields come in the same walk. */
	do {
		if (walk_type(w) == AUDIT_SYSCALL) {
			long long arch = REC_ID_UNSET, nr = REC_ID_UNSET;
			bool have_arch = false, have_nr = false;

			extract_syscall(w, ev, &arch, &have_arch, &nr, &have_nr);
			if (arch < 0 || arch > UINT32_MAX || nr < 0)
				return 0;
			ev->arch = (uint32_t)arch;
			ev->syscall = (long)nr;
			ev->kind = rec_syscall_kind(ev->arch, ev->syscall, &ev->syscall_name);
			have_syscall = true;
			break;
		}
	} while (walk_next_record(w));
	if (!have_syscall || ev->kind == REC_OTHER)
		return 0;

	if (w->t) {
		memset(&tbuf, 0, sizeof(tbuf));
		tbuf.sec = (time_t)w->t->sec;
		tbuf.milli = w->t->milli;
		tbuf.serial = (unsigned long)w->t->serial;
		ts = &tbuf;
	} else {
		ts = auparse_get_timestamp(w->au);
	}
	if (ts) {
		ev->sec = ts->sec < 0 || ts->sec > REC_SEC_MAX ? REC_SEC_MAX : ts->sec;
		ev->msec = ts->milli;
		ev->serial = ts->serial;
		format_id(ev->id, sizeof(ev->id), ts);
	}
	walk_first_record(w);
	do {
		long long arch, nr;
		bool have_arch, have_nr;

		switch (walk_type(w)) {
		case AUDIT_SYSCALL:
			/* the first was walked above; a second one is read as before */
			if (first_syscall) {
				first_syscall = false;
				break;
			}
			have_arch = have_nr = true;
			extract_syscall(w, ev, &arch, &have_arch, &nr, &have_nr);
			break;
		case AUDIT_EXECVE:
			extract_execve(w, ev);
			break;
		case AUDIT_CWD:
			if (!ev->cwd.s)
				store_value(ev, walk_find_field(w, "cwd"), &ev->cwd);
			break;
		case AUDIT_PATH:
			extract_path(w, ev);
			break;
		case 1337: /* AUDIT_OPENAT2; not in every libaudit header */
			if ((flags = walk_find_field(w, "oflag")) != NULL) {
				ev->has_oflag = rec_parse_u64(flags, 8, &ev->oflag);
			}
			break;
		default:
			break;
		}
	} while (walk_next_record(w));
	rec_argv_finish(ev);
	return 1;
}

int rec_extract(auparse_state_t *au, struct rec_event *ev)
{
	struct walk w = { au, NULL, NULL, NULL };

	return extract(&w, ev);
}

int rec_extract_text(const char *text, size_t len, struct rec_event *ev)
{
	struct rec_text t;
	struct walk w = { NULL, &t, NULL, NULL };
	int r;

	if (rec_text_begin(&t, text, len) < 0)
		return -EAGAIN;
	r = extract(&w, ev);
	return t.unsure ? -EAGAIN : r;
}

const struct rec_path *rec_path_item(const struct rec_event *ev, int item)
{
	unsigned i;

	for (i = 0; i < ev->npaths; i++)
		if (ev->paths[i].item == item)
			return &ev->paths[i];
	return NULL;
}
