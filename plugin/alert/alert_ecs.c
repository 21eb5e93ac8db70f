/* alert_ecs: the same alert with its fields named as Elastic Common Schema names them
 * (format = "ecs", docs/ecs.md): @timestamp, event.*, rule.*, threat.* (MITRE ATT&CK),
 * host.*, process.* with parent, user.id, file.* with hash and elf, log.level, message. What
 * ECS has no field for (loader, findings, reasons, lineage, audit ids) is kept under
 * elfwatch.*, in the JSON format's own shape. The writer, caps and cuts are alert.c's, so the
 * line has the same bound and escaping; "elfwatch" comes last and ends with its "truncated". */
#include "alert/alert_sections.h"

#include <stdio.h>
#include <string.h>

#include "alert/emit.h"

#define ECS_VERSION "8.11.0"

/* Elastic's default risk scores for its own rules' low, medium, high and critical. */
static const int risk_score[SEV_COUNT] = { 0, 21, 47, 73, 99 };

/* ECS keeps user ids and inodes as keywords (strings); an unset audit id is left out. */
static void ecs_id(struct emitter *e, const char *name, long long v)
{
	if (v < 0 || v == REC_AUID_UNSET)
		return;
	emit_key(e, name);
	strbuf_putc(e->sb, '"');
	strbuf_put_int(e->sb, v);
	strbuf_putc(e->sb, '"');
}

/* n bytes of a code-made word (a MITRE id or name from mitre.c): never cut, no escaping. */
static void ecs_wordn(struct emitter *e, const char *name, const char *s, size_t n)
{
	emit_key(e, name);
	strbuf_putc(e->sb, '"');
	strbuf_add(e->sb, s, n);
	strbuf_putc(e->sb, '"');
}

/* A MITRE reference URL: prefix, id, '/', [sub, '/'] from code-made words (no escaping). */
static void ecs_url(struct emitter *e, const char *prefix, const char *id, size_t idlen,
		    const char *sub)
{
	emit_key(e, "reference");
	strbuf_putc(e->sb, '"');
	strbuf_puts(e->sb, prefix);
	strbuf_add(e->sb, id, idlen);
	strbuf_putc(e->sb, '/');
	if (sub) {
		strbuf_puts(e->sb, sub);
		strbuf_putc(e->sb, '/');
	}
	strbuf_putc(e->sb, '"');
}

static void ecs_user(struct emitter *e, const char *name, long long uid)
{
	if (uid < 0 || uid == REC_AUID_UNSET)
		return;
	emit_open(e, name, '{');
	ecs_id(e, "id", uid);
	emit_close(e, '}');
}

/* "T1027.002" / "Obfuscated Files or Information: Software Packing" becomes technique T1027
 * "Obfuscated Files or Information" with subtechnique T1027.002 "Software Packing". */
static void ecs_threat(struct emitter *e, const struct mitre *m)
{
	const char *dot = strchr(m->technique, '.'), *colon = strstr(m->technique_name, ": ");
	size_t idlen = dot ? (size_t)(dot - m->technique) : strlen(m->technique);
	size_t namelen = colon ? (size_t)(colon - m->technique_name) : strlen(m->technique_name);

	emit_open(e, "threat", '{');
	/* minimal: the ids only (names and references are the ids' to look up) */
	if (!e->minimal)
		emit_cstr(e, "framework", "MITRE ATT&CK");
	emit_open(e, "tactic", '{');
	emit_word(e, "id", m->tactic);
	if (!e->minimal) {
		emit_word(e, "name", m->tactic_name);
		ecs_url(e, "https://attack.mitre.org/tactics/", m->tactic, strlen(m->tactic), NULL);
	}
	emit_close(e, '}');
	emit_open(e, "technique", '{');
	ecs_wordn(e, "id", m->technique, idlen);
	if (!e->minimal) {
		ecs_wordn(e, "name", m->technique_name, namelen);
		ecs_url(e, "https://attack.mitre.org/techniques/", m->technique, idlen, NULL);
	}
	if (dot) {
		emit_open(e, "subtechnique", '{');
		emit_word(e, "id", m->technique);
		if (!e->minimal) {
			emit_word(e, "name", colon ? colon + 2 : m->technique_name);
			ecs_url(e, "https://attack.mitre.org/techniques/", m->technique, idlen, dot + 1);
		}
		emit_close(e, '}');
	}
	emit_close(e, '}');
	emit_close(e, '}');
}

static void ecs_event(struct emitter *e, const struct alert *a, const char *id)
{
	static const char *const exec_cat[] = { "process", "intrusion_detection" };
	static const char *const file_cat[] = { "file", "intrusion_detection" };
	static const char *const exec_type[] = { "start", "info" };
	static const char *const file_type[] = { "change", "info" };
	static const char *const info_type[] = { "info" };

	emit_open(e, "event", '{');
	emit_word(e, "kind", "alert");
	emit_word(e, "module", "elfwatch");
	if (!e->minimal) {
		emit_word(e, "dataset", "elfwatch.alert");
		emit_words(e, "category", a->ev ? exec_cat : file_cat, 2);
		if (!a->ev)
			emit_words(e, "type", file_type, 2);
		else if (a->ev->success)
			emit_words(e, "type", exec_type, 2);
		else
			emit_words(e, "type", info_type, 1);
	}
	emit_word(e, "action", a->rule);
	if (a->ev)
		emit_word(e, "outcome", a->ev->success ? "success" : "failure");
	emit_word(e, "id", id);
	emit_int(e, "severity", (long long)a->severity + 1);
	if (!e->minimal)
		emit_int(e, "risk_score", risk_score[a->severity < SEV_COUNT ? a->severity : SEV_CRITICAL]);
	emit_close(e, '}');
}

static void ecs_args(struct emitter *e, const struct rec_event *ev)
{
	unsigned n = emit_argv_count(e, ev->argc_kept);

	if (n < ev->argc_kept)
		e->cut = true;
	if (!e->minimal && n > 0) {
		emit_open(e, "args", '[');
		for (unsigned i = 0; i < n; i++)
			emit_rstr_cap(e, NULL, &ev->argv[i], e->argv_cap);
		emit_close(e, ']');
	}
	emit_int(e, "args_count", ev->argc);
}

/* The parent: its pid always, what the process table knows of it unless minimal. */
static void ecs_parent(struct emitter *e, const struct alert *a, long long ppid)
{
	const struct proc_entry *p = a->nlineage > 0 ? a->lineage[0] : NULL;

	emit_open(e, "parent", '{');
	emit_int(e, "pid", ppid);
	if (p && !e->minimal) {
		emit_cstr(e, "name", p->comm);
		emit_cstr(e, "executable", p->exe);
		emit_cstr(e, "command_line", p->argv);
		ecs_user(e, "real_user", p->uid);
	}
	emit_close(e, '}');
}

static void ecs_process(struct emitter *e, const struct alert *a)
{
	const struct rec_event *ev = a->ev;
	const struct proc_entry *p = a->actor;

	if (!ev && !p)
		return;
	emit_open(e, "process", '{');
	if (ev) {
		emit_int(e, "pid", ev->pid);
		if (!e->minimal)
			emit_rstr(e, "name", &ev->comm);
		emit_rstr_cap(e, "executable", &ev->exe, e->key_cap);
		if (!e->minimal)
			emit_rstr(e, "working_directory", &ev->cwd);
		ecs_args(e, ev);
		ecs_user(e, "user", ev->euid);
		ecs_user(e, "real_user", ev->uid);
		ecs_parent(e, a, ev->ppid);
	} else {
		emit_int(e, "pid", p->pid);
		emit_cstr(e, "name", p->comm);
		emit_cstr(e, "executable", p->exe);
		if (!e->minimal)
			emit_cstr(e, "command_line", p->argv);
		ecs_user(e, "real_user", p->uid);
		ecs_parent(e, a, p->ppid);
	}
	emit_close(e, '}');
	ecs_user(e, "user", ev ? ev->uid : p->uid);
}

static void ecs_file(struct emitter *e, const struct alert *a)
{
	static const char *const types[] = { "NONE", "REL", "EXEC", "DYN", "CORE" };
	const struct written_file *wf = a->file;
	const char *base = strrchr(wf->path, '/'), *sha = alert_file_sha256(a);
	char buf[24];

	emit_open(e, "file", '{');
	emit_cstr(e, "path", wf->path);
	if (!e->minimal && base && base[1])
		emit_cstr(e, "name", base + 1);
	snprintf(buf, sizeof(buf), "%02x:%02x", wf->id.major, wf->id.minor);
	emit_word(e, "device", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)wf->id.ino);
	emit_word(e, "inode", buf);
	if (a->file_st) {
		snprintf(buf, sizeof(buf), "%04o", (unsigned)(a->file_st->st_mode & 07777));
		emit_int(e, "size", (long long)a->file_st->st_size);
		emit_word(e, "mode", buf);
		ecs_id(e, "uid", a->file_st->st_uid);
	}
	if (sha) {
		emit_open(e, "hash", '{');
		emit_word(e, "sha256", sha);
		emit_close(e, '}');
	}
	if (a->elf && a->elf->facts.is_elf) {
		const struct elf_facts *f = &a->elf->facts;

		emit_open(e, "elf", '{');
		emit_word(e, "architecture", f->machine_name ? f->machine_name : "unknown");
		emit_open(e, "header", '{');
		/* the engine's class is ELFCLASS32/64 (1, 2); the header type as readelf names it */
		emit_word(e, "class", f->cls == 1 || f->cls == 32 ? "ELF32" :
			  f->cls == 2 || f->cls == 64 ? "ELF64" : "unknown");
		emit_word(e, "data", f->data == 2 ? "msb" : "lsb");
		snprintf(buf, sizeof(buf), "%u", f->osabi);
		emit_word(e, "os_abi", buf);
		if (f->type < sizeof(types) / sizeof(types[0]))
			emit_word(e, "type", types[f->type]);
		else
			ecs_id(e, "type", f->type);
		emit_close(e, '}');
		emit_close(e, '}');
	}
	emit_close(e, '}');
}

/* elfwatch.*: what ECS has no field for, in the JSON format's shape. */
static void ecs_elfwatch(struct emitter *e, const struct alert *a)
{
	const struct rec_event *ev = a->ev;

	emit_open(e, "elfwatch", '{');
	if (ev) {
		emit_open(e, "event", '{');
		emit_word(e, "syscall", ev->syscall_name);
		emit_int(e, "exit", ev->exit);
		if (!e->minimal)
			emit_rstr(e, "key", &ev->key);
		emit_close(e, '}');
		emit_open(e, "process", '{');
		emit_int(e, "ppid", ev->ppid);
		emit_id(e, "auid", ev->auid);
		emit_id(e, "ses", ev->ses);
		if (!e->minimal)
			emit_cstr(e, "tty", ev->tty);
		emit_bool(e, "argv_truncated", ev->argv_cut ||
			  ev->argc_kept > emit_argv_count(e, ev->argc_kept));
		emit_close(e, '}');
	} else if (a->file) {
		const struct written_file *wf = a->file;
		char when[40];

		emit_open(e, "event", '{');
		emit_word(e, "syscall", wf->syscall);
		alert_format_time(wf->sec, wf->msec, when, sizeof(when));
		emit_word(e, "time", when);
		emit_word(e, "settled_by", writes_cause_name(wf->settled_by));
		if (wf->trigger_event[0])
			emit_word(e, "trigger_event", wf->trigger_event);
		emit_close(e, '}');
		if (a->actor) {
			emit_open(e, "process", '{');
			emit_int(e, "ppid", a->actor->ppid);
			emit_id(e, "auid", a->actor->auid);
			emit_id(e, "ses", a->actor->ses);
			emit_close(e, '}');
		}
	}
	emit_bool(e, "parent_known", a->nlineage > 0);
	if (a->nlineage > 1 && !e->minimal) {
		emit_open(e, "ancestors", '[');
		for (size_t i = 1; i < a->nlineage; i++)
			alert_emit_proc_entry(e, NULL, a->lineage[i]);
		emit_close(e, ']');
	}
	if (a->loader)
		alert_emit_loader(e, ev, a->loader);
	if (a->file) {
		emit_open(e, "file", '{');
		emit_bool(e, "exec_bit", a->file->exec_bit);
		if (a->file->trusted_by[0]) {
			emit_cstr(e, "trusted_producer", a->file->trusted_by);
			emit_word(e, "trust", writes_trust_name(a->file->trust));
		}
		emit_close(e, '}');
		alert_emit_file_sections(e, a);
	}
	alert_emit_findings(e, a);
	if (e->minimal)
		e->cut = true;
	if (e->cut)
		emit_bool(e, "truncated", true);
	emit_close(e, '}');
}

void alert_ecs_emit(struct emitter *e, const struct alert *a)
{
	const char *id = a->ev ? a->ev->id : a->file ? a->file->event_id : "";
	char when[40];

	strbuf_putc(e->sb, '{');
	if (a->ev)
		alert_format_time(a->ev->sec, a->ev->msec, when, sizeof(when));
	else if (a->file)
		alert_format_time(a->file->sec, a->file->msec, when, sizeof(when));
	else
		when[0] = '\0';
	if (when[0])
		emit_word(e, "@timestamp", when);
	if (!e->minimal) {
		emit_open(e, "ecs", '{');
		emit_word(e, "version", ECS_VERSION);
		emit_close(e, '}');
	}
	ecs_event(e, a, id);
	emit_open(e, "rule", '{');
	emit_word(e, "name", a->rule);
	if (!e->minimal)
		emit_word(e, "ruleset", "elfwatch");
	emit_close(e, '}');
	if (a->mitre)
		ecs_threat(e, a->mitre);
	emit_open(e, "log", '{');
	emit_word(e, "level", severity_name(a->severity));
	emit_close(e, '}');
	emit_open(e, "host", '{');
	emit_cstr(e, "hostname", a->host);
	if (!e->minimal)
		emit_cstr(e, "name", a->host);
	emit_close(e, '}');
	ecs_process(e, a);
	if (a->file)
		ecs_file(e, a);
	if (!e->minimal)
		emit_cstr(e, "message", a->summary);
	ecs_elfwatch(e, a);
	strbuf_putc(e->sb, '}');
}
