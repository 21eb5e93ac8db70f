#include "detect/dropverdict.h"

#include <string.h>

static const char *const why_names[DROPVERDICT_WHY_COUNT] = {
	[DROPVERDICT_NONE] = NULL,
	[DROPVERDICT_TRUSTED_PRODUCER] = "trusted_producer",
	[DROPVERDICT_TRUSTED_PRODUCER_NAME] = "trusted_producer_name",
	[DROPVERDICT_NO_NAME] = "no_name",
	[DROPVERDICT_NOT_EXEC_CANDIDATE] = "not_exec_candidate",
};

const char *dropverdict_why_name(enum dropverdict_why w)
{
	return (unsigned)w < DROPVERDICT_WHY_COUNT ? why_names[w] : "?";
}

static bool is_packer(enum elf_reason r)
{
	return r == ELF_R_UPX_PACKED || r == ELF_R_UPX_MAGIC_SCRUBBED || r == ELF_R_UPX_STUB ||
	       r == ELF_R_PACKED_SHAPE || r == ELF_R_SELF_UNPACKING_LOAD || r == ELF_R_HIGH_ENTROPY ||
	       r == ELF_R_DYN_WITHOUT_DYNAMIC;
}

static bool is_arch(enum elf_reason r)
{
	return r == ELF_R_FOREIGN_ARCH || r == ELF_R_COMPAT_ARCH || r == ELF_R_FOREIGN_OSABI;
}

/* What a producer trusted by name alone may still have silenced. */
static bool is_mild(const struct elf_finding *f)
{
	return f->severity <= SEV_MEDIUM && !elf_reason_structural(f->code) && !is_packer(f->code) &&
	       !is_arch(f->code);
}

void dropverdict_write(const struct written_file *wf, const struct elf_report *rep,
		       struct write_verdict *ret)
{
	bool trusted = wf->trusted_by[0] != '\0' && wf->trust == WRITES_TRUST_IDENTITY;
	bool by_name = wf->trusted_by[0] != '\0' && wf->trust == WRITES_TRUST_NAME;
	bool packed = false, tampered = false;

	memset(ret, 0, sizeof(*ret));
	ret->severity = SEV_INFO;
	for (unsigned i = 0; i < rep->nfindings && i < ELF_REPORT_MAX_FINDINGS; i++) {
		const struct elf_finding *f = &rep->findings[i];

		if ((trusted && !elf_reason_structural(f->code)) || (by_name && is_mild(f))) {
			if (f->severity >= SEV_MEDIUM)
				ret->suppressed_by = trusted ? DROPVERDICT_TRUSTED_PRODUCER :
							 DROPVERDICT_TRUSTED_PRODUCER_NAME;
			continue;
		}
		ret->counts[i] = true;
		if (f->severity > ret->severity)
			ret->severity = f->severity;
		if (f->severity >= SEV_MEDIUM) {
			packed = packed || is_packer(f->code);
			tampered = tampered || (!is_packer(f->code) && !is_arch(f->code));
		}
	}
	if (wf->download_tool || (!packed && !tampered))
		ret->mitre = &MITRE_INGRESS_TOOL_TRANSFER;
	else if (packed)
		ret->mitre = &MITRE_SOFTWARE_PACKING;
	else
		ret->mitre = &MITRE_OBFUSCATED_FILES;
}

int dropverdict_exec(const struct config *cfg, const struct write_result *wr,
		     enum dropverdict_why *ret_why)
{
	*ret_why = DROPVERDICT_NONE;
	if (wr->file.trusted_by[0] && wr->file.trust == WRITES_TRUST_IDENTITY) {
		*ret_why = DROPVERDICT_TRUSTED_PRODUCER;
		return -1;
	}
	if (wr->unjudged)
		return SEV_HIGH;
	if (wr->file.trusted_by[0] && wr->verdict < SEV_MEDIUM) {
		*ret_why = DROPVERDICT_TRUSTED_PRODUCER_NAME;
		return -1;
	}
	if (wr->verdict >= SEV_MEDIUM)
		return wr->verdict > SEV_HIGH ? (int)wr->verdict : SEV_HIGH;
	if (wr->file.download_tool)
		return SEV_HIGH;
	/* a clean native binary: where it was dropped decides */
	return writes_in_drop_location(cfg, wr->file.path) ? SEV_LOW : SEV_INFO;
}

int dropverdict_unjudged(const struct write_result *wr, enum dropverdict_why *ret_why)
{
	*ret_why = DROPVERDICT_NONE;
	if (wr->unjudged == WRITES_UJ_NO_NAME) {
		/* outside the watched directories (fchmod of a file whose writer left): as blind
		 * as a write never followed; counted */
		*ret_why = DROPVERDICT_NO_NAME;
		return -1;
	}
	if (!wr->exec_candidate) {
		*ret_why = DROPVERDICT_NOT_EXEC_CANDIDATE;
		return -1;
	}
	if ((wr->file.trusted_by[0] && wr->file.trust == WRITES_TRUST_IDENTITY) ||
	    wr->unjudged == WRITES_UJ_UNSAFE_MOUNT)
		return SEV_LOW;
	return SEV_MEDIUM;
}
