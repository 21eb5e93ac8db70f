/* elf_report: findings bookkeeping and the JSON shape shared by --analyze and the plugin. */
#include "elf/elf_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

static const struct {
	const char *name;
	bool structural;
} elf_reasons[ELF_R_COUNT] = {
	[ELF_R_FOREIGN_ARCH] = { "foreign_arch", false },
	[ELF_R_COMPAT_ARCH] = { "compat_arch", false },
	[ELF_R_FOREIGN_OSABI] = { "foreign_osabi", false },
	[ELF_R_IDENT_INVALID] = { "ident_invalid", true },
	[ELF_R_CLASS_FLIP] = { "class_flip", true },
	[ELF_R_BYTE_ORDER_FLIP] = { "byte_order_flip", true },
	[ELF_R_VERSION_TAMPERED] = { "version_tampered", false },
	[ELF_R_IDENT_PADDING] = { "ident_padding", false },
	[ELF_R_EHSIZE_INVALID] = { "ehsize_invalid", false },
	[ELF_R_PHENTSIZE_INVALID] = { "phentsize_invalid", false },
	[ELF_R_SHENTSIZE_INVALID] = { "shentsize_invalid", false },
	[ELF_R_SHT_BEYOND_EOF] = { "sht_beyond_eof", true },
	[ELF_R_SHOFF_WITHOUT_SECTIONS] = { "shoff_without_sections", false },
	[ELF_R_BAD_SHSTRNDX] = { "bad_shstrndx", true },
	[ELF_R_NO_SECTION_HEADERS] = { "no_section_headers", false },
	[ELF_R_SECTION_BEYOND_EOF] = { "section_beyond_eof", false },
	[ELF_R_SECTION_OVERLAPS_HEADER] = { "section_overlaps_header", false },
	[ELF_R_ENTRY_NOT_IN_TEXT] = { "entry_not_in_text", false },
	[ELF_R_PHT_BEYOND_EOF] = { "pht_beyond_eof", false },
	[ELF_R_PHT_OVERLAPS_EHDR] = { "pht_overlaps_ehdr", false },
	[ELF_R_LOAD_BEYOND_EOF] = { "load_beyond_eof", false },
	[ELF_R_SEGMENT_BEYOND_EOF] = { "segment_beyond_eof", false },
	[ELF_R_NO_LOAD] = { "no_load", false },
	[ELF_R_RWX_LOAD] = { "rwx_load", false },
	[ELF_R_EXEC_STACK] = { "exec_stack", false },
	[ELF_R_SELF_UNPACKING_LOAD] = { "self_unpacking_load", false },
	[ELF_R_ENTRY_OUTSIDE_CODE] = { "entry_outside_code", false },
	[ELF_R_BAD_INTERP] = { "bad_interp", false },
	[ELF_R_EXEC_WITHOUT_INTERP] = { "exec_without_interp", false },
	[ELF_R_DYN_WITHOUT_DYNAMIC] = { "dyn_without_dynamic", false },
	[ELF_R_TOO_MANY_PHDRS] = { "too_many_phdrs", false },
	[ELF_R_UPX_PACKED] = { "upx_packed", true },
	[ELF_R_UPX_MAGIC_SCRUBBED] = { "upx_magic_scrubbed", true },
	[ELF_R_UPX_STUB] = { "upx_stub", false },
	[ELF_R_HIGH_ENTROPY] = { "high_entropy", false },
	[ELF_R_PACKED_SHAPE] = { "packed_shape", false },
	[ELF_R_MALFORMED] = { "malformed", true },
	[ELF_R_OVERLAY] = { "overlay", false },
	[ELF_R_EMBEDDED_ELF] = { "embedded_elf", false },
};

const char *elf_reason_name(enum elf_reason r)
{
	return (unsigned)r < ELF_R_COUNT && elf_reasons[r].name ? elf_reasons[r].name : "unknown";
}

bool elf_reason_structural(enum elf_reason r)
{
	return (unsigned)r < ELF_R_COUNT && elf_reasons[r].structural;
}

const char *elf_arch_status_name(enum elf_arch_status s)
{
	switch (s) {
	case ELF_ARCH_NATIVE: return "native";
	case ELF_ARCH_COMPAT: return "compat";
	case ELF_ARCH_FOREIGN: return "foreign";
	default: return "unknown";
	}
}

void elf_report_init(struct elf_report *r)
{
	memset(r, 0, sizeof(*r));
	r->facts.entropy = -1.0;
}

void elf_report_add(struct elf_report *r, enum elf_reason code, enum severity sev, const char *fmt,
		    ...)
{
	struct elf_finding *f;
	va_list ap;

	if (r->nfindings >= ELF_REPORT_MAX_FINDINGS) {
		r->findings_truncated = true;
		return;
	}
	f = &r->findings[r->nfindings++];
	f->code = code;
	f->severity = sev;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

bool elf_report_has(const struct elf_report *r, enum elf_reason code)
{
	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].code == code)
			return true;
	return false;
}

enum severity elf_report_severity(const struct elf_report *r)
{
	enum severity s = SEV_INFO;

	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity > s)
			s = r->findings[i].severity;
	return s;
}

/* val is a NUL-terminated array of cap bytes. */
static void json_str(struct strbuf *sb, const char *key, const char *val, size_t cap)
{
	strbuf_printf(sb, ",\"%s\":\"", key);
	strbuf_json_escape(sb, val, strnlen(val, cap), cap, NULL);
	strbuf_putc(sb, '"');
}

static void json_bool(struct strbuf *sb, const char *key, bool v)
{
	strbuf_printf(sb, ",\"%s\":%s", key, v ? "true" : "false");
}

static const char *report_type_name(uint16_t t)
{
	switch (t) {
	case 0: return "NONE";
	case 1: return "REL";
	case 2: return "EXEC";
	case 3: return "DYN";
	case 4: return "CORE";
	default: return "OTHER";
	}
}

static void report_json_facts(const struct elf_facts *f, struct strbuf *sb)
{
	strbuf_printf(sb, "{\"size\":%llu", (unsigned long long)f->size);
	if (f->hashed)
		json_str(sb, "sha256", f->sha256, sizeof(f->sha256));
	json_bool(sb, "header_ok", f->header_ok);
	json_bool(sb, "libelf_ok", f->libelf_ok);
	if (f->partial)
		json_bool(sb, "partial", true);
	if (f->changed)
		json_bool(sb, "changed_while_read", true);
	strbuf_printf(sb, ",\"ei_class\":%u,\"ei_data\":%u,\"ei_version\":%u,\"osabi\":%u,"
		      "\"abiversion\":%u", f->ei_class, f->ei_data, f->ei_version, f->osabi,
		      f->abiversion);
	if (!f->header_ok) {
		strbuf_putc(sb, '}');
		return;
	}
	strbuf_printf(sb, ",\"class\":%d,\"byte_order\":\"%s\",\"type\":\"%s\",\"e_type\":%u,"
		      "\"machine\":%u", f->cls == 2 ? 64 : 32, f->data == 2 ? "MSB" : "LSB",
		      report_type_name(f->type), f->type, f->machine);
	json_str(sb, "machine_name", f->machine_name ? f->machine_name : "unknown", 64);
	strbuf_printf(sb, ",\"arch\":\"%s\"", elf_arch_status_name(f->arch));
	if (f->emulator[0])
		json_str(sb, "emulator", f->emulator, sizeof(f->emulator));
	strbuf_printf(sb, ",\"entry\":\"0x%llx\",\"phoff\":%llu,\"phnum\":%u,\"shoff\":%llu,"
		      "\"shnum_raw\":%u,\"shnum\":%u,\"shstrndx\":%u",
		      (unsigned long long)f->entry, (unsigned long long)f->phoff, f->phnum,
		      (unsigned long long)f->shoff, f->shnum_raw, f->shnum, f->shstrndx_raw);
	strbuf_printf(sb, ",\"segments\":{\"load\":%u,\"load_x\":%u,\"load_w\":%u", f->n_load,
		      f->n_load_x, f->n_load_w);
	json_bool(sb, "interp", f->has_interp);
	json_bool(sb, "dynamic", f->has_dynamic);
	json_bool(sb, "gnu_stack", f->has_gnu_stack);
	json_bool(sb, "exec_stack", f->stack_exec);
	strbuf_putc(sb, '}');
	if (f->has_interp)
		json_str(sb, "interpreter", f->interp, sizeof(f->interp));
	if (f->soname[0])
		json_str(sb, "soname", f->soname, sizeof(f->soname));
	json_bool(sb, "loader", f->loader);
	json_bool(sb, "exec_candidate", f->exec_candidate);
	json_bool(sb, "library", f->library);
	json_bool(sb, "object", f->object);
	json_bool(sb, "core", f->core);
	json_bool(sb, "debuginfo", f->debuginfo);
	if (f->appimage)
		json_bool(sb, "appimage", true);
	if (f->entropy >= 0)
		strbuf_printf(sb, ",\"entropy\":%.3f", f->entropy);
	if (f->overlay)
		strbuf_printf(sb, ",\"overlay\":%llu", (unsigned long long)f->overlay);
	strbuf_putc(sb, '}');
}

void elf_report_json_members(const struct elf_report *r, struct strbuf *sb)
{
	strbuf_printf(sb, "\"severity\":\"%s\",\"elf\":", severity_name(elf_report_severity(r)));
	report_json_facts(&r->facts, sb);
	strbuf_puts(sb, ",\"findings\":[");
	for (unsigned i = 0; i < r->nfindings; i++) {
		const struct elf_finding *f = &r->findings[i];

		strbuf_printf(sb, "%s{\"code\":\"%s\",\"severity\":\"%s\",\"detail\":\"", i ? "," : "",
			      elf_reason_name(f->code), severity_name(f->severity));
		strbuf_json_escape(sb, f->detail, strnlen(f->detail, sizeof(f->detail)),
				   sizeof(f->detail), NULL);
		strbuf_puts(sb, "\"}");
	}
	strbuf_putc(sb, ']');
	if (r->findings_truncated)
		json_bool(sb, "findings_truncated", true);
}

void elf_report_json(const struct elf_report *r, struct strbuf *sb)
{
	strbuf_putc(sb, '{');
	elf_report_json_members(r, sb);
	strbuf_putc(sb, '}');
}
