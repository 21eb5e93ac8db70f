/* elf_inspect: orchestration. Snapshot, raw header decode, then each module adds facts and
 * findings; the verdict at the end applies the catalog's severity rules (executable candidate or
 * not, known-clean shapes). */
#include "elf_inspect.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_engine.h"
#include "elf_ident.h"
#include "safefile.h"

void elf_limits_default(struct elf_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->read_max = 64u << 20;
	l->hash_max = 64u << 20;
	l->hash_flagged_only = false;
}

static void inspect_hash(const uint8_t *b, size_t len, struct elf_facts *f)
{
	static const char hx[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, b);
	sha256_digest(&ctx, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++) {
		f->sha256[2 * i] = hx[d[i] >> 4];
		f->sha256[2 * i + 1] = hx[d[i] & 15];
	}
	f->sha256[64] = '\0';
	f->hashed = true;
}

static void inspect_classify(const struct elf_image *im, const struct elf_scan *sc,
			     const struct elf_limits *lim, struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	unsigned x_empty = 0, x_loads = 0;

	for (unsigned i = 0; i < sc->nloads; i++) {
		if (sc->loads[i].flags & 1) {
			x_loads++;
			if (sc->loads[i].filesz == 0)
				x_empty++;
		}
	}
	f->object = f->type == 1;
	f->core = f->type == 4;
	/* objcopy --only-keep-debug: the code is NOBITS, so executable PT_LOADs have no bytes.
	 * Such a file cannot run, so this shape cannot be abused to hide a runnable payload. */
	f->debuginfo = (f->type == 2 || f->type == 3) && sc->pht_ok && x_loads &&
		       x_empty == x_loads && f->n_load <= ELF_SCAN_MAX_LOADS;
	f->loader = f->type == 3 && !f->has_interp && f->has_dynamic &&
		    elf_loader_soname_match(f->soname);
	f->exec_candidate = !f->debuginfo &&
			    (f->type == 2 ||
			     (f->type == 3 && !f->loader &&
			      (f->has_interp || f->pie_flag || lim->exec_hint ||
			       (sc->pht_ok && !f->has_dynamic))));
	f->library = f->type == 3 && !f->exec_candidate && !f->debuginfo;
	f->appimage = im->e.ident[8] == 'A' && im->e.ident[9] == 'I' &&
		      (im->e.ident[10] == 1 || im->e.ident[10] == 2);
}

static void inspect_arch(const struct elf_image *im, const struct elf_host *host,
			 struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	const char *emu = NULL;
	const char *nm = elf_machine_name(host->native.machine);

	f->arch = elf_host_classify(host, &im->e, im->b, im->len, &emu);
	if (emu)
		snprintf(f->emulator, sizeof(f->emulator), "%s", emu);
	if (f->arch == ELF_ARCH_FOREIGN)
		elf_report_add(r, ELF_R_FOREIGN_ARCH, f->exec_candidate ? SEV_HIGH : SEV_INFO,
			       "e_machine=%u (%s) ELF%d %s; host %s is e_machine=%u (%s) ELF%d %s%s%s",
			       f->machine, elf_machine_name(f->machine), f->cls == 2 ? 64 : 32,
			       f->data == 2 ? "MSB" : "LSB", host->uname_machine,
			       host->native.machine, nm, host->native.cls == 2 ? 64 : 32,
			       host->native.data == 2 ? "MSB" : "LSB", emu ? "; binfmt_misc: " : "",
			       emu ? emu : "");
	else if (f->arch == ELF_ARCH_COMPAT)
		elf_report_add(r, ELF_R_COMPAT_ARCH, f->exec_candidate ? SEV_LOW : SEV_INFO,
			       "e_machine=%u (%s) ELF%d %s: compat ABI on %s, may or may not run",
			       f->machine, elf_machine_name(f->machine), f->cls == 2 ? 64 : 32,
			       f->data == 2 ? "MSB" : "LSB", host->uname_machine);
	if (f->osabi != 0 && f->osabi != 3 && (f->type == 2 || f->type == 3))
		elf_report_add(r, ELF_R_FOREIGN_OSABI, f->exec_candidate ? SEV_MEDIUM : SEV_INFO,
			       "EI_OSABI=%u (Linux runs 0 SYSV and 3 GNU)", f->osabi);
}

/* Known-clean shapes (objects, cores, debuginfo) keep only tampering no toolchain produces. */
static void inspect_shapes(struct elf_report *r)
{
	const struct elf_facts *f = &r->facts;

	if (!(f->object || f->core || f->debuginfo))
		return;
	for (unsigned i = 0; i < r->nfindings; i++)
		if (!elf_reason_structural(r->findings[i].code))
			r->findings[i].severity = SEV_INFO;
}

static void inspect_image(struct elf_image *im, const struct elf_host *host,
			  const struct elf_limits *lim, struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	struct elf_scan sc;
	const struct elf_raw_ehdr *e = &im->e;

	memset(&sc, 0, sizeof(sc));
	f->ei_class = im->len > 4 ? im->b[4] : 0;
	f->ei_data = im->len > 5 ? im->b[5] : 0;
	f->ei_version = im->len > 6 ? im->b[6] : 0;
	f->osabi = im->len > 7 ? im->b[7] : 0;
	f->abiversion = im->len > 8 ? im->b[8] : 0;
	if (elf_ident_decode(im->b, im->len, &im->e) < 0) {
		elf_report_add(r, ELF_R_MALFORMED, SEV_MEDIUM,
			       "ELF magic but no consistent header (%llu bytes)",
			       (unsigned long long)im->size);
		return;
	}
	f->header_ok = true;
	f->cls = e->cls == ELF_RAW_C64 ? 2 : 1;
	f->data = e->data;
	f->type = e->type;
	f->machine = e->machine;
	f->machine_name = elf_machine_name(e->machine);
	f->version = e->version;
	f->flags = e->flags;
	f->entry = e->entry;
	f->phoff = e->phoff;
	f->shoff = e->shoff;
	f->ehsize = e->ehsize;
	f->phentsize = e->phentsize;
	f->phnum_raw = e->phnum;
	f->shentsize = e->shentsize;
	f->shnum_raw = e->shnum;
	f->shstrndx_raw = e->shstrndx;
	elf_ident_check(e, r);
	elf_sections_counts(im);
	f->phnum = im->phnum;
	sc.max_end = elf_raw_ehdr_size(e->cls);
	if (e->type != 1)
		elf_segments_scan(im, &sc, r);
	elf_sections_scan(im, &sc, r);
	inspect_classify(im, &sc, lim, r);
	if (e->type == 2 || e->type == 3) {
		elf_segments_verdict(im, &sc, r);
		if (f->exec_candidate && sc.no_section_headers)
			elf_report_add(r, ELF_R_NO_SECTION_HEADERS, SEV_LOW,
				       "e_shoff=0 e_shnum=0: no section headers");
		if (f->exec_candidate && sc.has_exec_sections && !sc.entry_in_exec_section &&
		    !elf_report_has(r, ELF_R_ENTRY_OUTSIDE_CODE))
			elf_report_add(r, ELF_R_ENTRY_NOT_IN_TEXT, SEV_MEDIUM,
				       "e_entry=0x%llx in no SHF_ALLOC|SHF_EXECINSTR section",
				       (unsigned long long)e->entry);
	}
	elf_packer_scan(im, &sc, r);
	inspect_arch(im, host, r);
	inspect_shapes(r);
}

#define IMG_PAGE 4096u
#define IMG_HEAD (16u << 10)
#define IMG_MAP_MIN (128u << 10)

/* Free a lazy buffer allocated by elf_inspect_fd (mmap above IMG_MAP_MIN, else calloc). */
static void inspect_buf_free(uint8_t *b, size_t len)
{
	if (b && len > IMG_MAP_MIN)
		munmap(b, len);
	else
		free(b);
}

/* pread up to len bytes at off into buf; bytes read (short at EOF) or -errno. */
static ssize_t inspect_pread(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

bool elf_image_need(struct elf_image *im, uint64_t off, uint64_t n)
{
	size_t p, q, last;

	if (im->fd < 0 || !im->loaded)
		return off < im->len || n == 0;
	if (off >= im->len)
		return false;
	if (n > im->len - off)
		n = im->len - off;
	if (n == 0)
		return true;
	last = (size_t)((off + n - 1) / IMG_PAGE);
	for (p = (size_t)(off / IMG_PAGE); p <= last; p = q) {
		uint64_t s, e;
		ssize_t got;

		if (im->loaded[p / 8] & (1u << (p % 8))) {
			q = p + 1;
			continue;
		}
		for (q = p; q <= last && !(im->loaded[q / 8] & (1u << (q % 8))); q++)
			im->loaded[q / 8] |= (uint8_t)(1u << (q % 8));
		s = (uint64_t)p * IMG_PAGE;
		e = (uint64_t)q * IMG_PAGE < im->len ? (uint64_t)q * IMG_PAGE : im->len;
		got = inspect_pread(im->fd, im->b + s, (size_t)(e - s), s);
		if (got < 0 || (uint64_t)got < e - s)
			im->short_read = true; /* pages stay zero; never retried */
	}
	return !im->short_read;
}

/* im->b (owned, len bytes) is ready or lazily fillable; judge, hash per policy, free. */
static int inspect_owned(struct elf_image *im, const struct elf_host *host,
			 const struct elf_limits *lim, struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	bool want_hash;

	f->is_elf = true;
	f->partial = im->size > im->len;
	inspect_image(im, host, lim, r);
	if (im->short_read)
		f->partial = true;
	want_hash = !f->partial && lim->hash_max && im->size <= lim->hash_max &&
		    (!lim->hash_flagged_only || elf_report_severity(r) >= SEV_LOW);
	if (want_hash && elf_image_need(im, 0, im->len) && !im->short_read)
		inspect_hash(im->b, im->len, f);
	return 0;
}

int elf_inspect_buf(const void *b, size_t len, uint64_t file_size, const struct elf_host *host,
		    const struct elf_limits *lim, struct elf_report *ret)
{
	struct elf_limits def;
	struct elf_image im;
	int rc;

	if (!lim) {
		elf_limits_default(&def);
		lim = &def;
	}
	elf_report_init(ret);
	if (file_size < len)
		file_size = len;
	ret->facts.size = file_size;
	if (!b || !elf_ident_is_elf(b, len))
		return 0;
	memset(&im, 0, sizeof(im));
	im.fd = -1;
	im.b = malloc(len);
	if (!im.b)
		return -ENOMEM;
	memcpy(im.b, b, len);
	im.len = len;
	im.size = file_size;
	if (file_size == len) {
		im.tail_len = len < sizeof(im.tail) ? len : sizeof(im.tail);
		memcpy(im.tail, im.b + len - im.tail_len, im.tail_len);
	}
	rc = inspect_owned(&im, host, lim, ret);
	free(im.b);
	return rc;
}

int elf_inspect_fd(int fd, const struct stat *st, const struct elf_host *host,
		   const struct elf_limits *lim, struct elf_report *ret)
{
	struct elf_limits def;
	struct elf_image im;
	uint8_t head[64];
	ssize_t n;
	int rc;

	if (!lim) {
		elf_limits_default(&def);
		lim = &def;
	}
	if (!st || !S_ISREG(st->st_mode) || st->st_size < 0)
		return -EINVAL;
	elf_report_init(ret);
	ret->facts.size = (uint64_t)st->st_size;
	/* Most files on a system are not ELF: look at the magic before anything else. */
	n = inspect_pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return (int)n;
	if (!elf_ident_is_elf(head, (size_t)n))
		return 0;
	memset(&im, 0, sizeof(im));
	im.fd = fd;
	im.size = (uint64_t)st->st_size;
	im.len = im.size < lim->read_max ? (size_t)im.size : (size_t)lim->read_max;
	/* Zeroed and lazily filled. Big buffers are private anonymous mappings (not the file:
	 * no SIGBUS), so pages never read cost nothing; calloc would memset heap-recycled ones. */
	if (im.len > IMG_MAP_MIN) {
		void *m = mmap(NULL, im.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		im.b = m == MAP_FAILED ? NULL : m;
	} else {
		im.b = calloc(im.len ? im.len : 1, 1);
	}
	im.loaded = calloc(im.len / IMG_PAGE / 8 + 1, 1);
	if (!im.b || !im.loaded) {
		inspect_buf_free(im.b, im.len);
		free(im.loaded);
		return -ENOMEM;
	}
	elf_image_need(&im, 0, IMG_HEAD);
	if (im.size > im.len) {
		im.tail_len = sizeof(im.tail);
		if (safefile_pread_exact(fd, im.tail, im.tail_len, (off_t)(im.size - im.tail_len)) < 0)
			im.tail_len = 0;
	} else {
		im.tail_len = im.len < sizeof(im.tail) ? im.len : sizeof(im.tail);
		elf_image_need(&im, im.len - im.tail_len, im.tail_len);
		memcpy(im.tail, im.b + im.len - im.tail_len, im.tail_len);
	}
	if (im.short_read) { /* shrank while we looked: judge what is there now */
		struct stat now;

		if (fstat(fd, &now) == 0 && now.st_size >= 0 && (uint64_t)now.st_size < im.size) {
			im.size = (uint64_t)now.st_size;
			im.len = im.len < im.size ? im.len : (size_t)im.size;
			ret->facts.size = im.size;
		}
	}
	rc = inspect_owned(&im, host, lim, ret);
	inspect_buf_free(im.b, im.len);
	free(im.loaded);
	return rc;
}
