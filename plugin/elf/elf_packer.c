/* elf_packer: UPX found by its layout (l_info right after the program headers, PackHeader at
 * EOF-36, p_info offset in the last 4 bytes) so that scrubbing the "UPX!" marks does not hide it;
 * a generic packer shape; entropy, overlay and embedded ELF as corroborating signals. */
#include <math.h>
#include <string.h>

#include "elf/elf_engine.h"

#define PACK_ENTROPY_HIGH 7.4
#define PACK_OVERLAY_MIN 65536u
#define PACK_ENTROPY_MAX_BYTES (64u << 20)

double elf_entropy(const uint8_t *b, size_t len)
{
	uint64_t cnt[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		cnt[b[i]]++;
	for (int i = 0; i < 256; i++) {
		if (cnt[i]) {
			double p = (double)cnt[i] / (double)len;

			h -= p * log2(p);
		}
	}
	return h;
}

static void pack_hex4(const uint8_t *m, char out[9])
{
	static const char hx[] = "0123456789abcdef";

	for (int i = 0; i < 4; i++) {
		out[2 * i] = hx[m[i] >> 4];
		out[2 * i + 1] = hx[m[i] & 15];
	}
	out[8] = '\0';
}

/* UPX markers; returns true if a UPX finding was added. */
static bool pack_upx(const struct elf_image *im, struct elf_report *r)
{
	const struct elf_raw_ehdr *e = &im->e;
	uint64_t linfo = e->phoff + (uint64_t)im->phnum * e->phentsize;
	const uint8_t *m1 = NULL, *m2 = NULL;
	char h1[9], h2[9];

	if (e->phoff > im->len || im->phnum > 65535 || linfo > im->len || im->len - linfo < 12)
		m1 = NULL;
	else if (elf_image_need((struct elf_image *)im, linfo, 12))
		m1 = im->b + linfo + 4;
	if (im->tail_len >= 36 && im->size >= 36 + linfo)
		m2 = im->tail + im->tail_len - 36;
	if ((m1 && !memcmp(m1, "UPX!", 4)) || (m2 && !memcmp(m2, "UPX!", 4))) {
		elf_report_add(r, ELF_R_UPX_PACKED, SEV_HIGH,
			       "UPX! %s%s%s (l_info at 0x%llx, PackHeader at EOF-36)",
			       m1 && !memcmp(m1, "UPX!", 4) ? "at l_info+4" : "",
			       m1 && !memcmp(m1, "UPX!", 4) && m2 && !memcmp(m2, "UPX!", 4) ? " and " : "",
			       m2 && !memcmp(m2, "UPX!", 4) ? "at EOF-36" : "",
			       (unsigned long long)linfo);
		return true;
	}
	if (!m1 || !m2 || memcmp(m1, m2, 4) != 0 || !memcmp(m1, "\0\0\0\0", 4))
		return false;
	{
		/* Same 4 bytes in both places; the p_info pointer at EOF-4 names l_info+12. */
		uint32_t pinfo = elf_raw_u32(im->tail, im->tail_len, im->tail_len - 4, e->data);
		uint32_t magic = elf_raw_u32(m1, 4, 0, e->data);
		bool ptr = pinfo == linfo + 12;

		if (!ptr && !(e->cls == ELF_RAW_C64 || magic > 0xffff))
			return false;
		if (!ptr && r->facts.has_sections)
			return false;
		pack_hex4(m1, h1);
		pack_hex4(m2, h2);
		elf_report_add(r, ELF_R_UPX_MAGIC_SCRUBBED, SEV_HIGH,
			       "l_info magic at 0x%llx = %s equals PackHeader magic at EOF-36 = %s; "
			       "u32 at EOF-4 = 0x%x (p_info %s)", (unsigned long long)linfo + 4, h1,
			       h2, pinfo, ptr ? "matches l_info+12" : "mismatch");
	}
	return true;
}

static bool pack_stub(const struct elf_image *im, struct elf_report *r)
{
	static const char *const marks[] = {
		"PROT_EXEC|PROT_WRITE failed", "$Id: UPX ", "$Info: This file is packed with the UPX",
	};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const uint8_t *p = memmem(im->b, im->len, marks[i], strlen(marks[i]));

		if (p) {
			elf_report_add(r, ELF_R_UPX_STUB, SEV_HIGH,
				       "UPX stub string \"%s\" at 0x%llx in a file without sections "
				       "and without UPX! marks", marks[i],
				       (unsigned long long)(p - im->b));
			return true;
		}
	}
	return false;
}

void elf_packer_scan(const struct elf_image *im, struct elf_scan *sc, struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	bool upx = false, shapeless = !f->has_sections;

	if (im->e.type == 2 || im->e.type == 3)
		upx = pack_upx(im, r);
	if (!f->exec_candidate)
		goto overlay;
	/* Whole-file signals cost a full read: only for shapes that packers produce. */
	if (!(shapeless || sc->self_unpacking) ||
	    f->partial || im->len > PACK_ENTROPY_MAX_BYTES ||
	    !elf_image_need((struct elf_image *)im, 0, im->len))
		goto overlay;
	if (!upx && shapeless)
		upx = pack_stub(im, r);
	{
		f->entropy = elf_entropy(im->b, im->len);
		if (f->entropy >= PACK_ENTROPY_HIGH)
			elf_report_add(r, ELF_R_HIGH_ENTROPY, SEV_LOW,
				       "whole-file entropy %.3f bits/byte >= %.1f", f->entropy,
				       PACK_ENTROPY_HIGH);
	}
	if (!upx && shapeless && !f->has_interp && !f->has_dynamic && f->n_load <= 3 &&
	    sc->self_unpacking && f->entropy >= PACK_ENTROPY_HIGH)
		elf_report_add(r, ELF_R_PACKED_SHAPE, SEV_HIGH,
			       "no sections, no PT_INTERP/PT_DYNAMIC, %u PT_LOAD, self-unpacking "
			       "PT_LOAD, entropy %.3f", f->n_load, f->entropy);
	if (im->len > 64) {
		const uint8_t *p = im->b + 1, *end = im->b + im->len;

		while (p < end && (p = memmem(p, (size_t)(end - p), "\177ELF", 4))) {
			if (end - p >= 7 && (p[4] == 1 || p[4] == 2) && (p[5] == 1 || p[5] == 2) &&
			    p[6] == 1) {
				elf_report_add(r, ELF_R_EMBEDDED_ELF, SEV_LOW,
					       "ELF header at offset 0x%llx inside the file",
					       (unsigned long long)(p - im->b));
				break;
			}
			p++;
		}
	}
overlay:
	if (!f->partial && sc->max_end && im->size > sc->max_end) {
		f->overlay = im->size - sc->max_end;
		if (f->overlay > PACK_OVERLAY_MIN)
			elf_report_add(r, ELF_R_OVERLAY, SEV_LOW,
				       "%llu bytes after the last header/section/segment end 0x%llx",
				       (unsigned long long)f->overlay,
				       (unsigned long long)sc->max_end);
	}
}
