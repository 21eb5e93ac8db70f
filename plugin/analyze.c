/* analyze: walk paths without following symlinks (openat + O_NOFOLLOW at every level, identity
 * re-checked after open), judge each regular file with the ELF engine, print JSON lines. */
#include "analyze.h"

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert.h"
#include "sys/config.h"
#include "elf/elf_inspect.h"
#include "sys/log.h"
#include "sys/mounts.h"
#include "util/strbuf.h"
#include "alert/tally.h"

#define ANALYZE_MAX_DEPTH 128
#define ANALYZE_LINE_MAX (64u << 10)
#define ANALYZE_OPEN_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

struct analyze_ctx {
	struct elf_host host;
	struct elf_limits lim;
	bool cross_fs;
	enum severity min_sev;
	bool min_sev_set;
	struct strbuf line;
	struct mounts *mounts;  /* to skip mount points of file systems that may stall */
	enum alert_format fmt;  /* json, ecs or text */
	bool colour;            /* text on a terminal, NO_COLOR unset */
	struct tally tally;     /* text: the summary after the lines */
	unsigned long files, elf, not_elf, skipped, errors, other_fs;
	unsigned long by_sev[SEV_COUNT];
};

/* Diagnostics quote file names chosen by whoever wrote the tree: escaped, one line each. */
static void analyze_note(const char *path, const char *what)
{
	char esc[LOG_LINE_MAX];

	fprintf(stderr, "analyze: %s: %s\n", log_escape(path, esc, sizeof(esc)), what);
}

static void analyze_err(struct analyze_ctx *c, const char *path, int err)
{
	c->errors++;
	analyze_note(path, strerror(err));
}

/* ECS: the file under file.*, the engine's report under elfwatch.* (docs/ecs.md). */
static void analyze_ecs(struct analyze_ctx *c, const struct elf_report *r, enum severity sev,
			const char *path)
{
	static const int risk[SEV_COUNT] = { 0, 21, 47, 73, 99 };
	const char *base = strrchr(path, '/');
	struct timespec ts;
	char when[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	alert_format_time(ts.tv_sec, (unsigned)(ts.tv_nsec / 1000000), when, sizeof(when));
	strbuf_printf(&c->line, "{\"@timestamp\":\"%s\",\"ecs\":{\"version\":\"8.11.0\"},"
		      "\"event\":{\"kind\":\"event\",\"module\":\"elfwatch\",\"dataset\":"
		      "\"elfwatch.analyze\",\"category\":[\"file\"],\"type\":[\"info\"],"
		      "\"severity\":%d,\"risk_score\":%d},\"log\":{\"level\":\"%s\"},"
		      "\"file\":{\"path\":\"", when, (int)sev + 1, risk[sev], severity_name(sev));
	strbuf_json_escape(&c->line, path, strlen(path), 4096, NULL);
	strbuf_puts(&c->line, "\",\"name\":\"");
	base = base && base[1] ? base + 1 : path;
	strbuf_json_escape(&c->line, base, strlen(base), 4096, NULL);
	strbuf_printf(&c->line, "\",\"size\":%llu", (unsigned long long)r->facts.size);
	if (r->facts.hashed)
		strbuf_printf(&c->line, ",\"hash\":{\"sha256\":\"%s\"}", r->facts.sha256);
	strbuf_printf(&c->line, ",\"elf\":{\"architecture\":\"%s\"}},\"elfwatch\":{",
		      r->facts.machine_name ? r->facts.machine_name : "unknown");
	elf_report_json_members(r, &c->line);
	strbuf_puts(&c->line, "}}");
}

/* Text: severity, path, machine, type, finding codes; names escaped for a terminal. */
static void analyze_text(struct analyze_ctx *c, const struct elf_report *r, enum severity sev,
			 const char *path)
{
	static const char *const types[] = { "none", "rel", "exec", "dyn", "core" };
	const char *slash = strrchr(path, '/');

	alert_text_severity(&c->line, sev, c->colour, true);
	strbuf_putc(&c->line, ' ');
	strbuf_text_escape(&c->line, path, strlen(path), 4096, NULL);
	strbuf_printf(&c->line, "  %s %s", r->facts.machine_name ? r->facts.machine_name : "unknown",
		      r->facts.type < 5 ? types[r->facts.type] : "?");
	if (r->facts.arch != ELF_ARCH_NATIVE)
		strbuf_printf(&c->line, " %s", elf_arch_status_name(r->facts.arch));
	for (unsigned i = 0; i < r->nfindings; i++) {
		const char *code = elf_reason_name(r->findings[i].code);

		strbuf_puts(&c->line, i ? "," : " [");
		strbuf_puts(&c->line, code);
		tally_add_rule(&c->tally, code);
	}
	if (r->nfindings)
		strbuf_putc(&c->line, ']');
	tally_add(&c->tally, NULL, sev, NULL, sev > SEV_INFO ? path : NULL,
		  slash && sev > SEV_INFO ? (size_t)(slash - path) + (slash == path) : 0);
}

/* key=value: the file, its verdict and the facts a search needs; findings as codes. */
static void analyze_kv(struct analyze_ctx *c, const struct elf_report *r, enum severity sev,
		       const char *path)
{
	static const char *const types[] = { "NONE", "REL", "EXEC", "DYN", "CORE" };
	const struct elf_facts *f = &r->facts;

	strbuf_puts(&c->line, "path=\"");
	strbuf_kv_escape(&c->line, path, strlen(path), 4096, NULL);
	strbuf_printf(&c->line, "\" severity=\"%s\" size=%llu class=%d machine=%u machine_name=\"%s\" "
		      "arch=\"%s\" type=\"%s\" exec_candidate=%s", severity_name(sev),
		      (unsigned long long)f->size, f->cls == 1 ? 32 : f->cls == 2 ? 64 : 0, f->machine,
		      f->machine_name ? f->machine_name : "unknown", elf_arch_status_name(f->arch),
		      f->type < 5 ? types[f->type] : "OTHER", f->exec_candidate ? "true" : "false");
	if (f->hashed)
		strbuf_printf(&c->line, " sha256=\"%s\"", f->sha256);
	strbuf_puts(&c->line, " findings=\"");
	for (unsigned i = 0; i < r->nfindings; i++) {
		if (i)
			strbuf_putc(&c->line, ',');
		strbuf_puts(&c->line, elf_reason_name(r->findings[i].code));
	}
	strbuf_putc(&c->line, '"');
}

static void analyze_print(struct analyze_ctx *c, const struct elf_report *r, enum severity sev,
			  const char *path)
{
	strbuf_reset(&c->line);
	if (c->fmt == FORMAT_TEXT) {
		analyze_text(c, r, sev, path);
	} else if (c->fmt == FORMAT_ECS) {
		analyze_ecs(c, r, sev, path);
	} else if (c->fmt == FORMAT_KV) {
		analyze_kv(c, r, sev, path);
	} else {
		strbuf_puts(&c->line, "{\"path\":\"");
		strbuf_json_escape(&c->line, path, strlen(path), 4096, NULL);
		strbuf_puts(&c->line, "\",");
		elf_report_json_members(r, &c->line);
		strbuf_putc(&c->line, '}');
	}
	fwrite(c->line.data, 1, c->line.len, stdout);
	fputc('\n', stdout);
}

static void analyze_file(struct analyze_ctx *c, int fd, const struct stat *st, const char *path)
{
	struct elf_report *r = malloc(sizeof(*r));
	enum severity sev;
	int rc;

	c->files++;
	if (!r) {
		analyze_err(c, path, ENOMEM);
		return;
	}
	rc = elf_inspect_fd(fd, st, &c->host, &c->lim, r);
	if (rc < 0) {
		analyze_err(c, path, -rc);
		free(r);
		return;
	}
	if (!r->facts.is_elf) {
		c->not_elf++;
		free(r);
		return;
	}
	c->elf++;
	sev = elf_report_severity(r);
	c->by_sev[sev]++;
	if (!c->min_sev_set || sev >= c->min_sev)
		analyze_print(c, r, sev, path);
	free(r);
}

static void analyze_dir(struct analyze_ctx *c, int dfd, dev_t dev, char *path, size_t plen,
			size_t pcap, int depth);

/* Judge name (relative to dfd), whose lstat-like identity is st. path[0..plen) is its path. */
/* NOLINTNEXTLINE(misc-no-recursion): with analyze_dir, at most ANALYZE_MAX_DEPTH deep */
static void analyze_entry(struct analyze_ctx *c, int dfd, const char *name, const struct stat *st,
			  dev_t dev, char *path, size_t plen, size_t pcap, int depth)
{
	struct stat st2;
	int fd;

	if (S_ISLNK(st->st_mode) || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))) {
		c->skipped++;
		return;
	}
	if (S_ISDIR(st->st_mode) && st->st_dev != dev && !c->cross_fs) {
		c->other_fs++;
		return;
	}
	fd = openat(dfd, name, ANALYZE_OPEN_FLAGS | (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
	if (fd < 0) {
		if (errno == ELOOP) /* became a symlink under us */
			c->skipped++;
		else
			analyze_err(c, path, errno);
		return;
	}
	if (fstat(fd, &st2) < 0 || st2.st_dev != st->st_dev || st2.st_ino != st->st_ino ||
	    ((st2.st_mode ^ st->st_mode) & S_IFMT)) {
		analyze_err(c, path, ESTALE); /* swapped between stat and open */
		close(fd);
		return;
	}
	if (S_ISDIR(st2.st_mode)) {
		if (depth >= ANALYZE_MAX_DEPTH) {
			analyze_err(c, path, ELOOP);
			close(fd);
			return;
		}
		analyze_dir(c, fd, dev, path, plen, pcap, depth + 1); /* closes fd */
		return;
	}
	analyze_file(c, fd, &st2, path);
	close(fd);
}

/* NOLINTNEXTLINE(misc-no-recursion): with analyze_entry, at most ANALYZE_MAX_DEPTH deep */
static void analyze_dir(struct analyze_ctx *c, int dfd, dev_t dev, char *path, size_t plen,
			size_t pcap, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	char self[64], real[PATH_MAX];
	ssize_t rl = -1;

	if (!d) {
		analyze_err(c, path, errno);
		close(dfd);
		return;
	}
	/* Where this directory really is, to recognise the mount points in it: even an
	 * fstatat() that lands on the root of a silent FUSE mount can block (with audit rules
	 * loaded the kernel reads an xattr there). One readlink per directory. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", dirfd(d));
	if (mounts_point_count(c->mounts) && (rl = readlink(self, real, PATH_MAX - 1)) > 0 && real[0] == '/')
		real[rl] = '\0';
	else
		rl = -1;
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		size_t nl = strlen(de->d_name);

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rl > 0) {
			char child[PATH_MAX];
			int k = snprintf(child, sizeof(child), "%s/%s", rl == 1 ? "" : real, de->d_name);

			if (k > 0 && (size_t)k < sizeof(child) && mounts_point_risky(c->mounts, child)) {
				c->other_fs++; /* never looked at, whatever --cross-fs says */
				continue;
			}
		}
		if (plen + 1 + nl + 1 > pcap) {
			analyze_err(c, path, ENAMETOOLONG);
			continue;
		}
		path[plen] = (plen && path[plen - 1] == '/') ? '\0' : '/';
		memcpy(path + plen + (path[plen] == '/'), de->d_name, nl + 1);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			analyze_err(c, path, errno);
		} else {
			size_t newlen = strlen(path);

			analyze_entry(c, dirfd(d), de->d_name, &st, dev, path, newlen, pcap, depth);
		}
		path[plen] = '\0';
	}
	if (errno)
		analyze_err(c, path, errno);
	closedir(d);
}

static void analyze_path(struct analyze_ctx *c, const char *arg)
{
	size_t pcap = 8192;
	char *path = malloc(pcap);
	struct stat st;

	if (!path) {
		analyze_err(c, arg, ENOMEM);
		return;
	}
	snprintf(path, pcap, "%s", arg);
	/* The user named this path: intermediate symlinks are theirs to choose, but the final
	 * component is not followed, like every entry below it. */
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		analyze_err(c, arg, errno);
	else if (S_ISLNK(st.st_mode))
		analyze_note(arg, "symlink, not followed"), c->skipped++;
	else
		analyze_entry(c, AT_FDCWD, path, &st, st.st_dev, path, strlen(path), pcap, 0);
	free(path);
}

static int analyze_usage(void)
{
	fputs("usage: audisp-elfwatch --analyze [--cross-fs|--xdev] [--format text|json|kv|ecs] "
	      "[--min-severity LEVEL] [--hash all|flagged|none] [--exec-hint] PATH...\n", stderr);
	return 2;
}

static bool analyze_parse_sev(const char *s, enum severity *ret)
{
	for (int i = 0; i < SEV_COUNT; i++) {
		if (!strcmp(s, severity_name((enum severity)i))) {
			*ret = (enum severity)i;
			return true;
		}
	}
	return false;
}

int analyze_main(int argc, char **argv)
{
	struct analyze_ctx *c = calloc(1, sizeof(*c));
	bool opts = true, fmt_set = false;
	int npaths = 0, rc;

	if (!c || strbuf_init(&c->line, ANALYZE_LINE_MAX) < 0 || tally_init(&c->tally) < 0) {
		if (c)
			tally_free(&c->tally);
		free(c);
		fputs("analyze: out of memory\n", stderr);
		return 2;
	}
	elf_host_detect(&c->host, "/proc/sys/fs/binfmt_misc");
	if ((c->mounts = mounts_new()) && mounts_refresh(c->mounts) < 0)
		fputs("analyze: cannot read /proc/self/mountinfo: FUSE and network mounts are not "
		      "recognised\n", stderr);
	elf_limits_default(&c->lim);
	c->lim.hash_flagged_only = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && (!strcmp(a, "--xdev") || !strcmp(a, "--one-file-system"))) {
			c->cross_fs = false;
		} else if (opts && !strcmp(a, "--cross-fs")) {
			c->cross_fs = true;
		} else if (opts && !strcmp(a, "--no-hash")) {
			c->lim.hash_max = 0;
		} else if (opts && !strcmp(a, "--hash")) {
			if (++i >= argc)
				goto usage;
			if (!strcmp(argv[i], "all"))
				c->lim.hash_flagged_only = false;
			else if (!strcmp(argv[i], "flagged"))
				c->lim.hash_flagged_only = true;
			else if (!strcmp(argv[i], "none"))
				c->lim.hash_max = 0;
			else
				goto usage;
		} else if (opts && !strcmp(a, "--exec-hint")) {
			c->lim.exec_hint = true;
		} else if (opts && !strcmp(a, "--format")) {
			int f = ++i < argc ? config_format_from_name(argv[i]) : -1;

			if (f < 0)
				goto usage;
			c->fmt = (enum alert_format)f;
			fmt_set = true;
		} else if (opts && !strcmp(a, "--min-severity")) {
			if (++i >= argc || !analyze_parse_sev(argv[i], &c->min_sev))
				goto usage;
			c->min_sev_set = true;
		} else if (opts && a[0] == '-' && a[1]) {
			goto usage;
		} else {
			npaths++;
		}
	}
	if (!npaths)
		goto usage;
	if (!fmt_set && isatty(STDOUT_FILENO))
		c->fmt = FORMAT_TEXT;
	if (c->fmt == FORMAT_TEXT) {
		const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

		c->colour = isatty(STDOUT_FILENO) && !(no && no[0]) && !(term && !strcmp(term, "dumb"));
	}
	opts = true;
	for (int i = 0; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && (!strcmp(argv[i], "--format") || !strcmp(argv[i], "--min-severity") ||
			     !strcmp(argv[i], "--hash"))) {
			i++;
			continue;
		}
		if (opts && argv[i][0] == '-' && argv[i][1])
			continue;
		analyze_path(c, argv[i]);
	}
	if (c->fmt == FORMAT_TEXT) {
		static const char *const names[3] = { "findings", "", "top directories" };

		strbuf_reset(&c->line);
		tally_format(&c->tally, "ELF files shown", names, c->colour, &c->line);
		fwrite(c->line.data, 1, c->line.len, stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "analyze: writing output: %s\n", strerror(errno));
		c->errors++;
	}
	fprintf(stderr, "analyze: %lu files, %lu ELF, %lu not ELF, %lu skipped (symlinks/special), "
		"%lu other-fs dirs, %lu errors; ELF by severity: critical %lu, high %lu, medium %lu, "
		"low %lu, info %lu\n", c->files, c->elf, c->not_elf, c->skipped, c->other_fs,
		c->errors, c->by_sev[SEV_CRITICAL], c->by_sev[SEV_HIGH], c->by_sev[SEV_MEDIUM],
		c->by_sev[SEV_LOW], c->by_sev[SEV_INFO]);
	if (c->by_sev[SEV_MEDIUM] || c->by_sev[SEV_HIGH] || c->by_sev[SEV_CRITICAL])
		rc = 1;
	else
		rc = c->errors ? 2 : 0;
	strbuf_free(&c->line);
	tally_free(&c->tally);
	mounts_free(c->mounts);
	free(c);
	return rc;
usage:
	strbuf_free(&c->line);
	tally_free(&c->tally);
	mounts_free(c->mounts);
	free(c);
	return analyze_usage();
}
