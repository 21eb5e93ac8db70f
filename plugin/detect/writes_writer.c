/* writes_writer: who wrote a file (a snapshot of the writing process, with its exec's image
 * and argv when the process table knows them) and how far it is trusted. */
#include "detect/writes_internal.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "detect/fileset.h"
#include "util/path.h"

static const char *const trust_names[] = { "none", "name", "identity" };

const char *writes_trust_name(enum writes_trust t)
{
	return (unsigned)t < sizeof(trust_names) / sizeof(trust_names[0]) ? trust_names[t] : "?";
}

/* Pattern i of l against s (len bytes): measured lists (config_patterns_set) settle most
 * misses by length, head and tail without a string scan; every tracked write runs ~60 of them. */
static bool pattern_at(const struct pattern_list *l, size_t i, const char *s, size_t len, int flags)
{
	return l->glob ? path_glob_match(&l->glob[i], l->v[i], s, len, flags) :
			 path_match(l->v[i], s, flags);
}

static bool matches_any(const struct pattern_list *l, const char *s, int flags)
{
	size_t len = s ? strlen(s) : 0;

	for (size_t i = 0; len && i < l->n; i++)
		if (pattern_at(l, i, s, len, flags))
			return true;
	return false;
}

static const char *base_of(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

void writes_classify_writer(const struct writes *w, struct written_file *wf)
{
	const struct config *cfg = w->cfg;
	const struct pattern_list *tp = &cfg->writes.trusted_producers;
	const struct file_id *id = &wf->writer.image_id;
	size_t exe_len = strnlen(wf->writer.exe, sizeof(wf->writer.exe));
	size_t image_len = strnlen(wf->writer.image, sizeof(wf->writer.image));

	wf->trusted_by[0] = '\0';
	wf->trust = WRITES_TRUST_NONE;
	for (size_t i = 0; i < tp->n; i++) {
		if (pattern_at(tp, i, wf->writer.exe, exe_len, FNM_PATHNAME) ||
		    (image_len && pattern_at(tp, i, wf->writer.image, image_len, FNM_PATHNAME))) {
			snprintf(wf->trusted_by, sizeof(wf->trusted_by), "%s", tp->v[i]);
			break;
		}
	}
	/* The name must match, and the writer is trusted for what it is only when we saw its exec
	 * run a file the patterns name (a bind mount over /usr/bin/pip3 has the name, not the
	 * inode). A writer whose exec we did not see (started before elfwatch, or pushed out of
	 * the process table by an exec flood) has only its name: trusted for mild findings. */
	if (wf->trusted_by[0]) {
		if (!id->valid || !w->trusted_ids)
			wf->trust = WRITES_TRUST_NAME;
		else if (fileset_has(w->trusted_ids, id))
			wf->trust = WRITES_TRUST_IDENTITY;
		else
			wf->trusted_by[0] = '\0';
	}
	wf->download_tool = matches_any(&cfg->writes.download_tools, base_of(wf->writer.exe), 0) ||
			    matches_any(&cfg->writes.download_tools, wf->writer.comm, 0);
}

/* Snapshot the writing process of ev into wf (the proctable's shape, so alerts share code).
 * A write event has no argv and its PATH item 0 is the file: both come from the writer's exec
 * when the process table knows it. */
void writes_snapshot_writer(struct writes *w, const struct rec_event *ev, struct written_file *wf)
{
	const struct proc_entry *known = w->procs ? proctable_get(w->procs, ev->pid) : NULL;

	memset(&wf->writer, 0, sizeof(wf->writer));
	proc_entry_fill(&wf->writer, ev);
	wf->writer.image[0] = '\0';
	wf->writer.image_id.valid = false;
	if (known && strcmp(known->exe, wf->writer.exe) == 0) {
		memcpy(wf->writer.image, known->image, sizeof(wf->writer.image));
		wf->writer.image_id = known->image_id;
		memcpy(wf->writer.argv, known->argv, sizeof(wf->writer.argv));
	}
	snprintf(wf->event_id, sizeof(wf->event_id), "%s", ev->id);
	wf->sec = ev->sec;
	wf->msec = ev->msec;
	snprintf(wf->syscall, sizeof(wf->syscall), "%s", ev->syscall_name ? ev->syscall_name : "");
}
