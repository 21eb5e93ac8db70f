/* The sections of exec-time findings: how the executed image was reached and what the ELF
 * engine said of it (now or from the cache), the LD_ variables of a new process, and the
 * reasons. */
#include "alert/alert_sections.h"

#include <stdio.h>

#include "alert/emit.h"

void alert_emit_image(struct emitter *e, const struct alert *a)
{
	const struct execjudge_result *r = a->image;
	const char *codes[XJ_CODES_MAX];

	emit_open(e, "image", '{');
	emit_word(e, "judged", execjudge_outcome_name(r->outcome));
	if (r->via)
		emit_word(e, "via", r->via);
	if (r->outcome == XJ_UNAVAILABLE) {
		emit_word(e, "error", execjudge_error_name(r));
		emit_int(e, "errno", -r->err);
	} else if (r->outcome != XJ_OUT_OF_SCOPE) {
		emit_bool(e, "elf", r->v.is_elf);
		emit_word(e, "verdict", severity_name(r->v.severity));
		if (r->v.mitre && r->v.severity >= SEV_MEDIUM)
			emit_word(e, "technique", r->v.mitre->technique);
		emit_bool(e, "loader", r->v.loader);
		if (r->outcome == XJ_CACHED) {
			for (unsigned i = 0; i < r->v.ncodes && i < XJ_CODES_MAX; i++)
				codes[i] = elf_reason_name(r->v.codes[i]);
			emit_words(e, "findings", codes, r->v.ncodes);
			emit_bool(e, "judged_by_write_path", r->v.from_write);
		}
	}
	emit_close(e, '}');
}

/* preload_env: the LD_ variables of a new process, values escaped and cut. */
void alert_emit_env(struct emitter *e, const struct linker_env *env)
{
	char key[40];

	emit_open(e, "environ", '{');
	for (unsigned v = 0; v < LINKER_VAR_COUNT; v++) {
		if (!env->present[v])
			continue;
		emit_cstr(e, linker_var_name((enum linker_var)v), env->value[v]);
		snprintf(key, sizeof(key), "%s_writable", linker_var_name((enum linker_var)v));
		emit_bool(e, key, env->writable[v]);
		if (env->cut[v]) {
			snprintf(key, sizeof(key), "%s_cut", linker_var_name((enum linker_var)v));
			emit_bool(e, key, true);
		}
	}
	emit_close(e, '}');
}

void alert_emit_findings(struct emitter *e, const struct alert *a)
{
	if (a->image)
		alert_emit_image(e, a);
	if (a->env)
		alert_emit_env(e, a->env);
	emit_words(e, "reasons", a->reasons, a->nreasons);
}
