/* elf_inspect: orchestration. Snapshot, raw header decode, then each module adds facts and
 * findings; the verdict at the end applies the catalog's severity rules (executable candidate or
 * not, known-clean shapes). */
#include "elf/elf_inspect.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_engine.h"
#include "elf/elf_ident.h"

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
	/* an exec bit or a drop location makes a shared object a candidate only with an entry
	 * point: run directly, one at 0 would start at its own ELF header */
	f->exec_candidate = !f->debuginfo &&
			    (f->type == 2 ||
			     (f->type == 3 && !f->loader &&
			      (f->has_interp || f->pie_flag || (lim->exec_hint && f->entry != 0) ||
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

#define IMG_HEAD (16u << 10)
#define INSPECT_TRIES 3 /* reads of a file that keeps changing before it is judged as read */

/* im->b (owned, len bytes) is ready or lazily fillable; judge, hash per policy. */
static void inspect_snapshot(struct elf_image *im, const struct elf_host *host,
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
}

int elf_inspect_buf(const void *b, size_t len, uint64_t file_size, const struct elf_host *host,
		    const struct elf_limits *lim, struct elf_report *ret)
{
	struct elf_limits def;
	struct elf_image im;

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
	if (elf_snapshot_alloc(&im, len, NULL) < 0)
		return -ENOMEM;
	memcpy(im.b, b, len);
	im.size = file_size;
	if (file_size == len) {
		im.tail_len = len < sizeof(im.tail) ? len : sizeof(im.tail);
		memcpy(im.tail, im.b + len - im.tail_len, im.tail_len);
	}
	inspect_snapshot(&im, host, lim, ret);
	elf_snapshot_free(&im);
	return 0;
}

/* One read and judgement of src as it was at (size, stamp). 0 with *ret (ret->facts.is_elf
 * false for non-ELF), *ret_changed when the file did not hold still; or -errno. */
static int inspect_read(const struct elf_source *src, uint64_t size, int64_t stamp,
			const struct elf_host *host, const struct elf_limits *lim,
			struct elf_report *ret, bool *ret_changed)
{
	struct elf_image im;
	uint8_t head[64];
	uint64_t size2;
	int64_t stamp2;
	ssize_t n;
	size_t len;
	int rc;

	elf_report_init(ret);
	ret->facts.size = size;
	*ret_changed = false;
	/* Most files on a system are not ELF: look at the magic before anything else. */
	n = elf_snapshot_pread(src, head, size < sizeof(head) ? (size_t)size : sizeof(head), 0);
	if (n < 0)
		return (int)n;
	if (!elf_ident_is_elf(head, (size_t)n)) {
		*ret_changed = (uint64_t)n < size && (uint64_t)n < sizeof(head);
		return 0;
	}
	memset(&im, 0, sizeof(im));
	len = size < lim->read_max ? (size_t)size : (size_t)lim->read_max;
	if ((rc = elf_snapshot_alloc(&im, len, src)) < 0)
		return rc;
	im.size = size;
	elf_image_need(&im, 0, IMG_HEAD);
	if (im.size > im.len) {
		n = elf_snapshot_pread(src, im.tail, sizeof(im.tail), im.size - sizeof(im.tail));
		im.tail_len = n == (ssize_t)sizeof(im.tail) ? sizeof(im.tail) : 0;
		if (n >= 0 && n < (ssize_t)sizeof(im.tail))
			im.short_read = true;
	} else {
		im.tail_len = im.len < sizeof(im.tail) ? im.len : sizeof(im.tail);
		elf_image_need(&im, im.len - im.tail_len, im.tail_len);
		memcpy(im.tail, im.b + im.len - im.tail_len, im.tail_len);
	}
	inspect_snapshot(&im, host, lim, ret);
	*ret_changed = im.short_read || src->stamp(src->ctx, &size2, &stamp2) < 0 ||
		       size2 != size || stamp2 != stamp;
	elf_snapshot_free(&im);
	return 0;
}

int elf_inspect_source(const struct elf_source *src, uint64_t size, int64_t stamp,
		       const struct elf_host *host, const struct elf_limits *lim,
		       struct elf_report *ret)
{
	struct elf_limits def;
	bool changed = false;
	int rc;

	if (!lim) {
		elf_limits_default(&def);
		lim = &def;
	}
	for (int i = 0; i < INSPECT_TRIES; i++) {
		if (i > 0 && (rc = src->stamp(src->ctx, &size, &stamp)) < 0)
			return rc;
		if ((rc = inspect_read(src, size, stamp, host, lim, ret, &changed)) < 0 || !changed)
			return rc;
	}
	/* Still changing and not even an ELF header held still: nothing was judged. A caller
	 * reports that (unjudged), never "not ELF": a dropper rewriting its file under the
	 * reads must not pass for a text file. */
	if (!ret->facts.is_elf)
		return -EAGAIN;
	/* Still changing: judged on the last read, and the report says so. */
	ret->facts.changed = true;
	if (ret->facts.is_elf)
		ret->facts.partial = true;
	/* a hash of bytes that did not hold still names no version of the file */
	ret->facts.hashed = false;
	ret->facts.sha256[0] = '\0';
	return 0;
}

struct fd_source {
	int fd;
};

static ssize_t fd_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	const struct fd_source *s = ctx;
	ssize_t k;

	if (off > (uint64_t)INT64_MAX)
		return 0;
	k = pread(s->fd, buf, n, (off_t)off);
	return k < 0 ? -errno : k;
}

/* ctime in ns, compared only for equality: computed unsigned, so that a ctime past 2262 (a
 * FUSE server or a crafted image chooses it) wraps instead of overflowing */
static int64_t stat_stamp(const struct stat *st)
{
	return (int64_t)((uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

static int fd_stamp(void *ctx, uint64_t *ret_size, int64_t *ret_stamp)
{
	const struct fd_source *s = ctx;
	struct stat st;

	if (fstat(s->fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 0)
		return -EINVAL;
	*ret_size = (uint64_t)st.st_size;
	*ret_stamp = stat_stamp(&st);
	return 0;
}

int elf_inspect_fd(int fd, const struct stat *st, const struct elf_host *host,
		   const struct elf_limits *lim, struct elf_report *ret)
{
	struct fd_source fs = { fd };
	struct elf_source src = { fd_pread, fd_stamp, &fs };

	if (!st || !S_ISREG(st->st_mode) || st->st_size < 0)
		return -EINVAL;
	return elf_inspect_source(&src, (uint64_t)st->st_size, stat_stamp(st), host, lim, ret);
}
