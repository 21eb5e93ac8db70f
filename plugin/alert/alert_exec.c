/* The section of exec-time judgements: how the executed image was reached and what the ELF
 * engine said of it, now or from the cache. */
#include "alert/alert.h"

#include "alert/emit.h"

void alert_emit_image(struct emitter *e, const struct alert *a)
{
	const struct execjudge_result *r = a->image;
	const char *codes[XJ_CODES_MAX];

	emit_open(e, "image", '{');
	emit_word(e, "judged", execjudge_outcome_name(r->outcome));
	if (r->via != XJ_VIA_NONE)
		emit_word(e, "via", execjudge_via_name(r->via));
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
