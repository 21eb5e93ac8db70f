/* The ELF engine on fixtures built at test time: a static and a PIE program from gcc, each
 * anomaly derived by patching header fields, foreign/compat ELFs from real toolchains (cross
 * binutils, as --32/--x32), a UPX-packed build and its scrubbed twin, in-memory edge cases. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_inspect.h"
#include "elf/elf_ident.h"
#include "fixture.h"
#include "sys/safefile.h"
#include "util/strbuf.h"
#include "tap.h"

static struct elf_host host;

static int judge(const char *name, struct elf_report *r)
{
	struct stat st;
	int fd = safefile_open(fixture_path(name), NULL, NULL, &st), rc;

	if (fd < 0)
		return fd;
	rc = elf_inspect_fd(fd, &st, &host, NULL, r);
	close(fd);
	return rc;
}

static void diag_report(const struct elf_report *r)
{
	for (unsigned i = 0; i < r->nfindings; i++)
		tap_diag("  %s/%s: %s", elf_reason_name(r->findings[i].code),
			 severity_name(r->findings[i].severity), r->findings[i].detail);
}

static enum severity sev_of(const struct elf_report *r, enum elf_reason code)
{
	enum severity s = SEV_INFO;
	bool seen = false;

	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].code == code && (!seen || r->findings[i].severity > s)) {
			s = r->findings[i].severity;
			seen = true;
		}
	return seen ? s : (enum severity)-1;
}

/* The fixture must carry `code` at `min` or above (and the file's severity follows). */
static void expect(const char *name, enum elf_reason code, enum severity min)
{
	struct elf_report r;
	int rc = judge(name, &r);

	if (!tap_ok(rc == 0 && r.facts.is_elf && elf_report_has(&r, code) &&
		    (int)sev_of(&r, code) >= (int)min && elf_report_severity(&r) >= min,
		    "%s: %s >= %s", name, elf_reason_name(code), severity_name(min)))
		diag_report(&r);
}

/* The fixture must not reach medium (and optionally must not carry code at all). */
static void expect_quiet(const char *name, int absent_code)
{
	struct elf_report r;
	int rc = judge(name, &r);

	if (!tap_ok(rc == 0 && r.facts.is_elf && elf_report_severity(&r) < SEV_MEDIUM &&
		    (absent_code < 0 || !elf_report_has(&r, (enum elf_reason)absent_code)),
		    "%s: below medium%s%s", name, absent_code >= 0 ? ", no " : "",
		    absent_code >= 0 ? elf_reason_name((enum elf_reason)absent_code) : ""))
		diag_report(&r);
}

static bool patch(const char *src, const char *dst, size_t off, const void *b, size_t n)
{
	char s[512];

	snprintf(s, sizeof(s), "%s", fixture_path(src));
	return fixture_patch(s, fixture_path(dst), off, b, n);
}

static bool patch_u64(const char *src, const char *dst, size_t off, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return patch(src, dst, off, b, 8);
}

static bool patch_u16(const char *src, const char *dst, size_t off, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return patch(src, dst, off, b, 2);
}

/* Offset of the first program header of type t (optionally with PF_X), or 0. */
static size_t phdr_off(const char *name, uint32_t t, int want_x)
{
	size_t len, off = 0;
	uint8_t *b = fixture_read(fixture_path(name), &len);
	struct elf_raw_ehdr e;
	struct elf_raw_phdr p;

	if (b && elf_ident_decode(b, len, &e) == 0)
		for (unsigned i = 0; i < e.phnum && elf_raw_phdr_get(b, len, &e, i, &p); i++)
			if (p.type == t && (want_x < 0 || !!(p.flags & 1) == want_x)) {
				off = e.phoff + (size_t)i * 56;
				break;
			}
	free(b);
	return off;
}

static void test_native(void)
{
	static const char prog[] = "#include <stdio.h>\nint main(void){puts(\"hi\");return 0;}\n";
	size_t o, len;
	uint8_t *b;
	struct elf_report r;

	if (!fixture_have("gcc") || !fixture_write(fixture_path("h.c"), prog, strlen(prog), 0644) ||
	    !fixture_sh("gcc -O1 -static -o s h.c && gcc -O1 -fPIE -pie -o p h.c")) {
		tap_skip("gcc with static libc unavailable: native fixtures skipped");
		return;
	}
	expect_quiet("s", -1);
	expect_quiet("p", -1);
	tap_ok(judge("p", &r) == 0 && r.facts.exec_candidate && r.facts.has_interp &&
	       r.facts.arch == ELF_ARCH_NATIVE && r.facts.hashed && strlen(r.facts.sha256) == 64,
	       "PIE facts: executable candidate, interpreter, native, hashed");
	tap_ok(judge("s", &r) == 0 && r.facts.type == 2 && !r.facts.has_interp &&
	       r.facts.exec_candidate, "static facts");

	/* e_ident and ELF header fields the kernel ignores */
	patch("s", "ident0", 4, "\0", 1);
	expect("ident0", ELF_R_IDENT_INVALID, SEV_HIGH);
	patch("s", "cflip", 4, "\1", 1);
	expect("cflip", ELF_R_CLASS_FLIP, SEV_HIGH);
	tap_ok(judge("cflip", &r) == 0 && r.facts.cls == 2 && r.facts.arch == ELF_ARCH_NATIVE &&
	       r.facts.n_load > 0, "class flip: judged as the ELF64 the kernel runs");
	patch("s", "dflip", 5, "\2", 1);
	expect("dflip", ELF_R_BYTE_ORDER_FLIP, SEV_HIGH);
	patch("p", "dflip_pie", 5, "\2", 1);
	expect("dflip_pie", ELF_R_BYTE_ORDER_FLIP, SEV_HIGH);
	patch("s", "ver0", 6, "\0", 1);
	expect("ver0", ELF_R_VERSION_TAMPERED, SEV_MEDIUM);
	patch("s", "ever0", 0x14, "\0\0\0\0", 4);
	expect("ever0", ELF_R_VERSION_TAMPERED, SEV_MEDIUM);
	patch("s", "pad", 9, "XXXXXXX", 7); /* EI_PAD is 7 bytes: an 8th would hit e_type */
	expect("pad", ELF_R_IDENT_PADDING, SEV_MEDIUM);
	patch("s", "appimage", 8, "AI\2", 3);
	expect_quiet("appimage", ELF_R_IDENT_PADDING);
	patch("s", "osabi", 7, "\x09", 1);
	expect("osabi", ELF_R_FOREIGN_OSABI, SEV_MEDIUM);
	patch_u16("s", "phent", 0x36, 64);
	expect("phent", ELF_R_PHENTSIZE_INVALID, SEV_MEDIUM);
	patch_u16("s", "ehsize", 0x34, 0);
	expect("ehsize", ELF_R_EHSIZE_INVALID, SEV_MEDIUM);

	/* section header table */
	patch_u64("s", "shoff", 0x28, 0x7ffffff000ULL);
	expect("shoff", ELF_R_SHT_BEYOND_EOF, SEV_HIGH);
	patch_u16("s", "shnum", 0x3c, 0xffff);
	expect("shnum", ELF_R_SHT_BEYOND_EOF, SEV_HIGH);
	patch_u16("s", "shstrndx", 0x3e, 0xfff0);
	expect("shstrndx", ELF_R_BAD_SHSTRNDX, SEV_HIGH);
	patch_u16("s", "shstrndx1", 0x3e, 1);
	expect("shstrndx1", ELF_R_BAD_SHSTRNDX, SEV_HIGH);
	patch_u16("s", "noshnum", 0x3c, 0);
	expect("noshnum", ELF_R_SHOFF_WITHOUT_SECTIONS, SEV_MEDIUM);
	patch("s", "nosht0", 0x28, "\0\0\0\0\0\0\0\0", 8);
	patch_u16("nosht0", "nosht1", 0x3c, 0);
	patch_u16("nosht1", "nosht", 0x3e, 0);
	expect_quiet("nosht", -1);
	tap_ok(judge("nosht", &r) == 0 && elf_report_has(&r, ELF_R_NO_SECTION_HEADERS) &&
	       sev_of(&r, ELF_R_NO_SECTION_HEADERS) == SEV_LOW,
	       "no section headers: contributing (low) only");

	/* program headers and segments */
	b = fixture_read(fixture_path("s"), &len);
	patch_u64("s", "phoff", 0x20, len - 8);
	expect("phoff", ELF_R_PHT_BEYOND_EOF, SEV_HIGH);
	patch_u64("s", "phover", 0x20, 0x20);
	expect("phover", ELF_R_PHT_OVERLAPS_EHDR, SEV_HIGH);
	o = phdr_off("s", 1, 1);
	tap_ok(o != 0, "static has an executable PT_LOAD");
	patch_u64("s", "loadeof", o + 32, (uint64_t)len * 4);
	expect("loadeof", ELF_R_LOAD_BEYOND_EOF, SEV_HIGH);
	patch("s", "rwx", o + 4, "\7\0\0\0", 4);
	expect("rwx", ELF_R_RWX_LOAD, SEV_MEDIUM);
	patch_u64("s", "selfunp", o + 40, 0x4000000);
	expect("selfunp", ELF_R_SELF_UNPACKING_LOAD, SEV_MEDIUM);
	o = phdr_off("s", 4 /* PT_NOTE */, -1);
	if (o) {
		patch_u64("s", "noteeof", o + 8, (uint64_t)len + 4096);
		expect("noteeof", ELF_R_SEGMENT_BEYOND_EOF, SEV_HIGH);
	} else {
		tap_skip("no PT_NOTE in the static fixture");
	}
	patch_u64("s", "entry", 0x18, 0x10);
	expect("entry", ELF_R_ENTRY_OUTSIDE_CODE, SEV_HIGH);
	free(b);

	/* interpreter and dynamic */
	b = fixture_read(fixture_path("p"), &len);
	if (b) {
		const char *ld = NULL;
		uint8_t *hit = NULL;

		tap_ok(judge("p", &r) == 0 && r.facts.interp[0], "PIE interpreter '%s'", r.facts.interp);
		ld = r.facts.interp;
		hit = memmem(b, len, ld, strlen(ld));
		if (hit) {
			size_t n = strlen(ld);
			char evil[128];

			memset(evil, 'x', sizeof(evil));
			memcpy(evil, "/tmp/", 5);
			patch("p", "interp", (size_t)(hit - b), evil, n);
			expect("interp", ELF_R_BAD_INTERP, SEV_MEDIUM);
		} else {
			tap_skip("interpreter string not found");
		}
		o = phdr_off("p", 2, -1);
		patch("p", "nodyn0", o, "\0\0\0\0", 4);
		o = phdr_off("p", 3, -1);
		patch("nodyn0", "nodyn", o, "\0\0\0\0", 4);
		expect("nodyn", ELF_R_DYN_WITHOUT_DYNAMIC, SEV_HIGH);
	}
	free(b);

	/* malformed: magic with no usable header, or a header whose tables are cut off */
	{
		uint8_t *s = fixture_read(fixture_path("s"), &len);

		if (s) {
			fixture_write(fixture_path("cut40"), s, 40, 0755);
			fixture_write(fixture_path("cut300"), s, 300, 0755);
			free(s);
		}
		expect("cut40", ELF_R_MALFORMED, SEV_MEDIUM);
		expect("cut300", ELF_R_PHT_BEYOND_EOF, SEV_HIGH);
	}

	/* known-clean shapes */
	if (fixture_sh("gcc -c -o h.o h.c && gcc -g -O1 -o g h.c && "
		       "objcopy --only-keep-debug g g.debug && gcc -static-pie -o sp h.c && "
		       "gcc -shared -fPIC -o libh.so h.c && gcc -z execstack -o xs h.c")) {
		expect_quiet("h.o", -1);
		tap_ok(judge("g.debug", &r) == 0 && r.facts.debuginfo && !r.facts.exec_candidate,
		       "debuginfo recognised");
		expect_quiet("g.debug", -1);
		expect_quiet("sp", -1);
		tap_ok(judge("sp", &r) == 0 && r.facts.exec_candidate && r.facts.pie_flag &&
		       !r.facts.loader, "static-pie is an executable candidate, not a loader");
		expect_quiet("libh.so", -1);
		tap_ok(judge("libh.so", &r) == 0 && r.facts.library && !r.facts.exec_candidate,
		       "shared object is a library");
		{
			/* written with an exec bit (gcc -shared makes 0755) or in a drop location: a
			 * shared object without an entry point is still a library, its e_entry of 0
			 * no finding (linker hijacks judge every .so written into /usr/lib) */
			struct elf_limits lim;
			struct stat st;
			int fd = safefile_open(fixture_path("libh.so"), NULL, NULL, &st);

			elf_limits_default(&lim);
			lim.exec_hint = true;
			tap_ok(fd >= 0 && elf_inspect_fd(fd, &st, &host, &lim, &r) == 0 &&
			       r.facts.library && elf_report_severity(&r) < SEV_MEDIUM &&
			       !elf_report_has(&r, ELF_R_ENTRY_NOT_IN_TEXT),
			       "shared object with exec hint and e_entry 0: a library, below medium");
			if (fd >= 0)
				close(fd);
		}
		expect("xs", ELF_R_EXEC_STACK, SEV_LOW);
		expect_quiet("xs", -1);
	} else {
		tap_skip("object/debuginfo/static-pie fixtures unavailable");
	}
}

static void test_toolchains(void)
{
	struct elf_report r;

	if (fixture_have("aarch64-linux-gnu-as") &&
	    fixture_sh("printf '.global _start\\n_start: mov x8,#93\\n mov x0,#0\\n svc #0\\n' > a.s"
		       " && aarch64-linux-gnu-as a.s -o a.o && aarch64-linux-gnu-ld a.o -o t.arm64"
		       " && aarch64-linux-gnu-ld -shared a.o -o liba64.so")) {
		expect("t.arm64", ELF_R_FOREIGN_ARCH, SEV_HIGH);
		expect_quiet("liba64.so", -1);
		tap_ok(judge("liba64.so", &r) == 0 && elf_report_has(&r, ELF_R_FOREIGN_ARCH) &&
		       sev_of(&r, ELF_R_FOREIGN_ARCH) == SEV_INFO, "foreign library: info only");
		expect_quiet("a.o", -1);
	} else {
		tap_skip("binutils-aarch64-linux-gnu not installed");
	}
	if (fixture_have("arm-linux-gnueabihf-as") &&
	    fixture_sh("printf '.global _start\\n_start: mov r7,#1\\n svc #0\\n' > r.s"
		       " && arm-linux-gnueabihf-as r.s -o r.o && arm-linux-gnueabihf-ld r.o -o t.arm")) {
		expect("t.arm", ELF_R_FOREIGN_ARCH, SEV_HIGH);
	} else {
		tap_skip("binutils-arm-linux-gnueabihf not installed");
	}
	if (host.native.machine != 62) {
		tap_skip("compat fixtures need an x86-64 host");
		return;
	}
	if (fixture_sh("printf '.globl _start\\n_start: movl $1,%%%%eax\\n xorl %%%%ebx,%%%%ebx\\n int $0x80\\n'"
		       " > i.s && as --32 i.s -o i.o && ld -m elf_i386 i.o -o t.i386")) {
		expect("t.i386", ELF_R_COMPAT_ARCH, SEV_LOW);
		expect_quiet("t.i386", -1);
	} else {
		tap_skip("as --32 unavailable");
	}
	if (fixture_sh("printf '.globl _start\\n_start: movl $60,%%%%eax\\n xorl %%%%edi,%%%%edi\\n syscall\\n'"
		       " > x.s && as --x32 x.s -o x.o && ld -m elf32_x86_64 x.o -o t.x32")) {
		expect("t.x32", ELF_R_COMPAT_ARCH, SEV_LOW);
		expect_quiet("t.x32", -1);
	} else {
		tap_skip("as --x32 unavailable");
	}
}

static void test_upx_fresh(void)
{
	const char *shared = getenv("SHARED_DIR");
	char upx[512];
	size_t len;
	uint8_t *b;

	if (!shared) {
		tap_skip("SHARED_DIR not set: fresh UPX packing skipped");
		return;
	}
	snprintf(upx, sizeof(upx), "%s/samples/upx/amd64-upx-3.95", shared);
	if (access(upx, R_OK) != 0 || access(fixture_path("s"), R_OK) != 0) {
		tap_skip("amd64-upx-3.95 sample or static fixture absent");
		return;
	}
	/* Run a copy, never the shared file; pack into a fresh name. */
	if (!fixture_sh("cp '%s' upx && chmod 755 upx && cp s s.in && ./upx -q -o s.upx s.in", upx)) {
		tap_skip("UPX 3.95 could not pack the static fixture");
		return;
	}
	expect("s.upx", ELF_R_UPX_PACKED, SEV_HIGH);
	b = fixture_read(fixture_path("s.upx"), &len);
	if (b) {
		unsigned n = 0;
		uint8_t *p = b;

		while ((p = memmem(p, len - (size_t)(p - b), "UPX!", 4))) {
			memcpy(p, "\x13\x37\xbe\xef", 4);
			n++;
		}
		tap_ok(n >= 2 && !memmem(b, len, "UPX!", 4), "scrubbed %u UPX! marks", n);
		fixture_write(fixture_path("s.hid"), b, len, 0755);
		free(b);
		expect("s.hid", ELF_R_UPX_MAGIC_SCRUBBED, SEV_HIGH);
		tap_ok(fixture_sh("./s.hid"), "scrubbed binary still runs");
	}
}

static void test_memory(void)
{
	struct elf_report r;
	uint8_t img[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	struct strbuf sb;

	tap_is_int(elf_inspect_buf("hello", 5, 5, &host, NULL, &r), 0, "non-ELF buffer");
	tap_ok(!r.facts.is_elf && r.nfindings == 0, "non-ELF: no facts, no findings");
	tap_is_int(elf_inspect_buf(img, 4, 4, &host, NULL, &r), 0, "magic only");
	tap_ok(elf_report_has(&r, ELF_R_MALFORMED), "magic only: malformed");
	tap_is_int(elf_inspect_buf(img, sizeof(img), sizeof(img), &host, NULL, &r), 0,
		   "zeroed header");
	tap_ok(r.facts.is_elf, "zeroed header judged");
	tap_is_int(elf_inspect_buf(img, 0, 0, &host, NULL, &r), 0, "empty buffer");
	/* JSON stays one valid line whatever the detail holds */
	elf_report_init(&r);
	r.facts.is_elf = true;
	r.facts.header_ok = true;
	snprintf(r.facts.interp, sizeof(r.facts.interp), "/tmp/\"evil\"\n\x01\xff");
	r.facts.has_interp = true;
	elf_report_add(&r, ELF_R_BAD_INTERP, SEV_MEDIUM, "PT_INTERP \"%s\"", r.facts.interp);
	strbuf_init(&sb, 65536);
	elf_report_json(&r, &sb);
	tap_ok(!strchr(sb.data, '\n') && strstr(sb.data, "\\\"evil\\\"") && strstr(sb.data, "\\n") &&
	       strstr(sb.data, "\\u0001"), "hostile strings are escaped in JSON");
	strbuf_free(&sb);
	{
		struct elf_host h;
		struct elf_binfmt bf;
		const char *txt = "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\n"
				  "offset 0\nmagic 7f454c460201010000000000000000000200b700\n"
				  "mask ffffffffffffff00fffffffffffffffffeffffff\n";

		tap_is_int(elf_host_parse_binfmt(txt, &bf), 0, "binfmt_misc entry parsed");
		tap_ok(bf.len == 20 && bf.enabled && !strcmp(bf.interpreter,
							    "/usr/bin/qemu-aarch64-static"),
		       "binfmt_misc fields");
		tap_is_int(elf_host_parse_binfmt("enabled\nextension .exe\n", &bf), -EINVAL,
			   "extension entries ignored");
		elf_host_for_machine(&h, "aarch64");
		tap_ok(h.native.machine == 183 && h.ncompat == 1, "aarch64 host model");
		elf_host_for_machine(&h, "x86_64");
		tap_ok(h.native.machine == 62 && h.ncompat == 3, "x86_64 host model");
	}
}

int main(void)
{
	if (!fixture_dir()) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	elf_host_detect(&host, NULL);
	tap_diag("host: %s (e_machine %u)", host.uname_machine, host.native.machine);
	test_memory();
	test_native();
	test_toolchains();
	test_upx_fresh();
	fixture_cleanup();
	return tap_done();
}
