/* The sections of write alerts: the write event, the file, the engine's facts and findings,
 * and for dropped_exec the earlier write. */
#include "alert/alert_sections.h"

#include <stdio.h>
#include <string.h>

#include "alert/emit.h"

void alert_emit_write_event(struct emitter *e, const struct written_file *wf)
{
	char when[40];

	emit_open(e, "event", '{');
	emit_word(e, "id", wf->event_id);
	alert_format_time(wf->sec, wf->msec, when, sizeof(when));
	emit_word(e, "time", when);
	emit_word(e, "syscall", wf->syscall);
	emit_word(e, "settled_by", writes_cause_name(wf->settled_by));
	if (wf->trigger_event[0])
		emit_word(e, "trigger_event", wf->trigger_event);
	emit_close(e, '}');
}

static void emit_file_id(struct emitter *e, const struct file_id *id)
{
	char dev[24];

	snprintf(dev, sizeof(dev), "%02x:%02x", id->major, id->minor);
	emit_word(e, "dev", dev);
	emit_int(e, "inode", (long long)id->ino);
}

static void emit_elf_facts(struct emitter *e, const struct elf_facts *f)
{
	static const char *const types[] = { "none", "rel", "exec", "dyn", "core" };

	emit_open(e, "elf", '{');
	emit_int(e, "class", f->cls);
	emit_word(e, "data", f->data == 2 ? "msb" : "lsb");
	emit_int(e, "machine", f->machine);
	emit_word(e, "machine_name", f->machine_name ? f->machine_name : "unknown");
	emit_word(e, "arch", elf_arch_status_name(f->arch));
	if (f->type < sizeof(types) / sizeof(types[0]))
		emit_word(e, "type", types[f->type]);
	else
		emit_int(e, "type", f->type);
	emit_int(e, "osabi", f->osabi);
	emit_int(e, "phnum", f->phnum);
	emit_int(e, "shnum", f->shnum);
	if (f->has_interp)
		emit_cstr(e, "interp", f->interp);
	if (f->soname[0])
		emit_cstr(e, "soname", f->soname);
	if (f->emulator[0])
		emit_cstr(e, "emulator", f->emulator);
	emit_bool(e, "exec_candidate", f->exec_candidate);
	emit_bool(e, "library", f->library);
	emit_bool(e, "loader", f->loader);
	emit_bool(e, "partial", f->partial);
	emit_close(e, '}');
}

static void emit_findings(struct emitter *e, const struct elf_report *rep,
			  const struct write_verdict *v)
{
	char key[24];

	if (e->fmt == FORMAT_JSON)
		emit_open(e, "findings", '[');
	for (unsigned i = 0; i < rep->nfindings && i < ELF_REPORT_MAX_FINDINGS; i++) {
		const struct elf_finding *f = &rep->findings[i];

		snprintf(key, sizeof(key), "finding%u", i);
		emit_open(e, e->fmt == FORMAT_JSON ? NULL : key, '{');
		emit_word(e, "code", elf_reason_name(f->code));
		emit_word(e, "severity", severity_name(f->severity));
		emit_cstr(e, "detail", f->detail);
		if (v && !v->counts[i])
			emit_bool(e, "counted", false);
		emit_close(e, '}');
	}
	if (e->fmt == FORMAT_JSON)
		emit_close(e, ']');
}

const char *alert_file_sha256(const struct alert *a)
{
	if (a->elf && a->elf->facts.hashed)
		return a->elf->facts.sha256;
	if (a->written && a->written->sha256[0])
		return a->written->sha256;
	if (a->image && a->image->v.sha256[0])
		return a->image->v.sha256;
	return NULL;
}

void alert_emit_file(struct emitter *e, const struct alert *a)
{
	const struct written_file *wf = a->file;
	const char *sha;

	emit_open(e, "file", '{');
	emit_cstr(e, "path", wf->path);
	emit_file_id(e, &wf->id);
	if (a->file_st) {
		char mode[8];

		snprintf(mode, sizeof(mode), "%04o", (unsigned)(a->file_st->st_mode & 07777));
		emit_int(e, "size", (long long)a->file_st->st_size);
		emit_word(e, "mode", mode);
		emit_int(e, "owner", a->file_st->st_uid);
	}
	if ((sha = alert_file_sha256(a)))
		emit_word(e, "sha256", sha);
	emit_bool(e, "exec_bit", wf->exec_bit);
	if (wf->trusted_by[0]) {
		emit_cstr(e, "trusted_producer", wf->trusted_by);
		emit_word(e, "trust", writes_trust_name(wf->trust));
	}
	emit_close(e, '}');
}

void alert_emit_file_sections(struct emitter *e, const struct alert *a)
{
	if (a->unjudged) {
		const struct write_result *u = a->unjudged;

		emit_open(e, "unjudged", '{');
		emit_word(e, "reason", writes_unjudged_name(u->unjudged));
		if (u->unjudged_errno)
			emit_word(e, "errno", strerrorname_np(u->unjudged_errno) ?
				  strerrorname_np(u->unjudged_errno) : "unknown");
		emit_int(e, "attempts", u->attempts);
		emit_int(e, "waited_ms", u->waited_ms);
		emit_close(e, '}');
	}
	if (a->elf) {
		emit_elf_facts(e, &a->elf->facts);
		emit_findings(e, a->elf, a->verdict);
	}
	if (a->written) {
		const struct write_result *w = a->written;
		char when[40];

		emit_open(e, "written", '{');
		emit_word(e, "event_id", w->file.event_id);
		alert_format_time(w->file.sec, w->file.msec, when, sizeof(when));
		emit_word(e, "time", when);
		emit_word(e, "verdict", w->unjudged ? "unjudged" : severity_name(w->verdict));
		if (w->unjudged)
			emit_word(e, "unjudged", writes_unjudged_name(w->unjudged));
		if (w->mitre)
			emit_word(e, "technique", w->mitre->technique);
		alert_emit_proc_entry(e, "writer", &w->file.writer);
		emit_bool(e, "download_tool", w->file.download_tool);
		emit_close(e, '}');
	}
}
