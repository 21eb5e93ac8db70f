/* state: what a saved state may hold (every field's range, shared by the encoder, which leaves
 * out what is not, and the decoder, which refuses it), how large it may be, its checksum and
 * its age. The bytes themselves: state_encode.c, state_decode.c; their layout: state_format.h. */
#include "detect/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/state_format.h"

static const struct mitre *const mitres[] = {
	NULL, &MITRE_LOADER_EXEC, &MITRE_INGRESS_TOOL_TRANSFER, &MITRE_SOFTWARE_PACKING,
	&MITRE_OBFUSCATED_FILES, &MITRE_DROPPED_EXEC, &MITRE_REFLECTIVE_CODE_LOADING,
	&MITRE_DYNAMIC_LINKER_HIJACKING,
};
#define NMITRES (sizeof(mitres) / sizeof(mitres[0]))

int state_mitre_index(const struct mitre *m)
{
	for (size_t i = 0; i < NMITRES; i++)
		if (mitres[i] == m)
			return (int)i;
	return -1;
}

bool state_mitre_at(uint64_t i, const struct mitre **ret)
{
	*ret = i < NMITRES ? mitres[i] : NULL;
	return i < NMITRES;
}

/* ---- field checks shared by both directions ---- */

static bool str_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static bool in(long long v, long long lo, long long hi)
{
	return v >= lo && v <= hi;
}

bool state_proc_valid(const struct proc_entry *e)
{
	return in(e->pid, 1, STATE_PID_MAX) && in(e->ppid, -1, STATE_PID_MAX) &&
	       in(e->sec, 0, REC_SEC_MAX) &&
	       in(e->uid, -1, UINT32_MAX) && in(e->auid, -1, UINT32_MAX) &&
	       in(e->ses, -1, UINT32_MAX) && str_ok(e->exe, sizeof(e->exe)) &&
	       str_ok(e->image, sizeof(e->image)) && str_ok(e->comm, sizeof(e->comm)) &&
	       str_ok(e->argv, sizeof(e->argv));
}

static bool file_valid(const struct written_file *wf)
{
	/* a writer pid may be missing from its event (0), unlike a process table entry */
	struct proc_entry w = wf->writer;

	if (w.pid == 0)
		w.pid = 1;
	return wf->id.valid && in(wf->sec, 0, REC_SEC_MAX) && str_ok(wf->path, sizeof(wf->path)) &&
	       str_ok(wf->event_id, sizeof(wf->event_id)) && wf->msec < 1000 &&
	       str_ok(wf->syscall, sizeof(wf->syscall)) && (unsigned)wf->settled_by < WRITES_CAUSE_COUNT &&
	       str_ok(wf->trigger_event, sizeof(wf->trigger_event)) && state_proc_valid(&w);
}

bool state_pending_valid(const struct state_pending *p)
{
	return file_valid(&p->wf) && in(p->age_ms, 0, STATE_MAX_AGE_MS);
}

static bool sha_ok(const char *s)
{
	size_t n = strnlen(s, 65);

	if (n != 0 && n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool state_recent_valid(const struct state_recent *r)
{
	const struct write_result *w = &r->r;

	return file_valid(&w->file) && (unsigned)w->verdict < SEV_COUNT &&
	       state_mitre_index(w->mitre) >= 0 && sha_ok(w->sha256) &&
	       (unsigned)w->unjudged < WRITES_UJ_COUNT &&
	       in(w->unjudged_errno, 0, 4095) && in(w->waited_ms, 0, STATE_MAX_AGE_MS) &&
	       w->judge_error == 0 && in(r->age_ms, 0, STATE_MAX_AGE_MS) && r->size >= 0 &&
	       in(r->mtime.tv_nsec, 0, 999999999);
}

/* ---- sizes ---- */

#define STR_MAX(field) (2 + sizeof(field) - 1)
static const struct proc_entry proc_shape;
static const struct written_file file_shape;
#define PROC_MAX (6 * 8 + STR_MAX(proc_shape.exe) + STR_MAX(proc_shape.image) + \
		  STR_MAX(proc_shape.comm) + STR_MAX(proc_shape.argv) + STATE_ID_BYTES)
#define FILE_MAX (STATE_ID_BYTES + STR_MAX(file_shape.path) + STR_MAX(file_shape.event_id) + 8 + 2 + \
		  STR_MAX(file_shape.syscall) + PROC_MAX + 2 + (2 + WRITES_CAUSE_NAME_MAX - 1) + \
		  STR_MAX(file_shape.trigger_event))
#define PENDING_MAX (FILE_MAX + 8 + 2)
#define RECENT_MAX (FILE_MAX + 3 + 2 + 64 + 8 + 1 + 2 + 4 + 8 + 1 + 8 + 8 + 4)

size_t state_max_bytes(const struct state_limits *lim)
{
	unsigned long long n = STATE_HEADER_BYTES + 12ULL +
		(unsigned long long)lim->max_procs * PROC_MAX +
		(unsigned long long)lim->max_pending * PENDING_MAX +
		(unsigned long long)lim->max_recent * RECENT_MAX;

	return n > STATE_MAX_BYTES ? STATE_MAX_BYTES : (size_t)n;
}

uint64_t state_checksum(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		/* the checksum field itself counts as zero */
		uint8_t b = i >= STATE_CHECKSUM_OFFSET && i < STATE_CHECKSUM_OFFSET + 8 ? 0 : p[i];

		h = (h ^ b) * 0x100000001b3ULL;
	}
	return h;
}

void state_snapshot_free(struct state_snapshot *s)
{
	if (!s)
		return;
	free(s->procs);
	free(s->pending);
	free(s->recent);
	memset(s, 0, sizeof(*s));
}

int state_check_age(const struct state_snapshot *s, const uint8_t boot_id[16],
		    long long now_mono_ms, long long max_age_ms, const char **ret_why)
{
	if (memcmp(s->boot_id, boot_id, 16) != 0)
		*ret_why = "saved in another boot";
	else if (s->saved_mono_ms > now_mono_ms)
		*ret_why = "saved in the future";
	else if (now_mono_ms - s->saved_mono_ms > max_age_ms)
		*ret_why = "older than max_age";
	else
		return 0;
	return -ESTALE;
}

