#include "recdiff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct lib_run {
	struct rec_event *ev;
	int result, events;
};

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct lib_run *run = arg;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (run->events++ == 0)
		run->result = rec_extract(au, run->ev);
}

static bool same_str(const struct rec_str *a, const struct rec_str *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s && a->len == b->len && a->cut == b->cut;
	return a->len == b->len && a->cut == b->cut && memcmp(a->s, b->s, a->len) == 0;
}

#define DIFF(cond, what) do { if (!(cond)) { snprintf(why, why_len, "%s", what); return false; } } while (0)

static bool same_event(const struct rec_event *a, const struct rec_event *b, char *why, size_t why_len)
{
	DIFF(a->kind == b->kind, "kind");
	DIFF(strcmp(a->id, b->id) == 0 && a->sec == b->sec && a->msec == b->msec &&
	     a->serial == b->serial, "event id");
	DIFF(a->arch == b->arch && a->syscall == b->syscall, "arch/syscall");
	DIFF((a->syscall_name == NULL) == (b->syscall_name == NULL) &&
	     (!a->syscall_name || strcmp(a->syscall_name, b->syscall_name) == 0), "syscall name");
	DIFF(a->success == b->success && a->exit == b->exit, "success/exit");
	DIFF(memcmp(a->args, b->args, sizeof(a->args)) == 0, "a0-a3");
	DIFF(a->has_oflag == b->has_oflag && a->oflag == b->oflag, "oflag");
	DIFF(a->pid == b->pid && a->ppid == b->ppid && a->uid == b->uid && a->euid == b->euid &&
	     a->auid == b->auid && a->ses == b->ses, "ids");
	DIFF(strcmp(a->tty, b->tty) == 0, "tty");
	DIFF(same_str(&a->comm, &b->comm), "comm");
	DIFF(same_str(&a->exe, &b->exe), "exe");
	DIFF(same_str(&a->cwd, &b->cwd), "cwd");
	DIFF(same_str(&a->key, &b->key), "key");
	DIFF(a->npaths == b->npaths && a->paths_seen == b->paths_seen, "path count");
	for (unsigned i = 0; i < a->npaths; i++) {
		const struct rec_path *p = &a->paths[i], *q = &b->paths[i];

		DIFF(p->item == q->item && same_str(&p->name, &q->name) &&
		     p->id.valid == q->id.valid && p->id.major == q->id.major &&
		     p->id.minor == q->id.minor && p->id.ino == q->id.ino && p->mode == q->mode &&
		     p->has_mode == q->has_mode && strcmp(p->nametype, q->nametype) == 0, "a path");
	}
	DIFF(a->argc == b->argc && a->argc_kept == b->argc_kept && a->argv_cut == b->argv_cut &&
	     a->argv_gap == b->argv_gap && a->has_execve == b->has_execve, "argv shape");
	for (unsigned i = 0; i < a->argc_kept; i++)
		DIFF(same_str(&a->argv[i], &b->argv[i]), "an argument");
	return true;
}

int recdiff_lib(const char *text, size_t len, struct rec_event *lib, int *events)
{
	struct lib_run run = { lib, -1000, 0 };
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);

	*events = -1;
	if (!au)
		return -1000;
	auparse_add_callback(au, on_event, &run, NULL);
	auparse_feed(au, text, len);
	auparse_feed(au, "", 0);
	auparse_flush_feed(au);
	auparse_destroy(au);
	*events = run.events;
	return run.result;
}

enum recdiff_result recdiff_event(const char *text, size_t len, struct rec_event *lib,
				  struct rec_event *txt, char *why, size_t why_len)
{
	int r = rec_extract_text(text, len, txt), lib_r, events;

	if (r == -EAGAIN)
		return RECDIFF_REFUSED;
	lib_r = recdiff_lib(text, len, lib, &events);
	if (events < 0) {
		snprintf(why, why_len, "auparse_init failed");
		return RECDIFF_DIFFERENT;
	}
	if (events != 1) {
		snprintf(why, why_len, "libauparse made %d events of it", events);
		return RECDIFF_DIFFERENT;
	}
	if (lib_r != r) {
		snprintf(why, why_len, "results %d (libauparse) and %d (text)", lib_r, r);
		return RECDIFF_DIFFERENT;
	}
	if (r == 1 && !same_event(lib, txt, why, why_len))
		return RECDIFF_DIFFERENT;
	return RECDIFF_SAME;
}
