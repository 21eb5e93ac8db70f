/* Shared by the write-tracking tests: a fake file system (files are dups of two memfds holding
 * 4 bytes of magic, with stat/open errors to inject), a recording judge, and hand-built events. */
#ifndef ELFWATCH_TESTS_WRITES_FAKE_H
#define ELFWATCH_TESTS_WRITES_FAKE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "detect/writes.h"
#include "detect/writes_internal.h"

/* event_spec-like literals name only what a case needs */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define MAX_FILES 32

struct fake_file {
	struct file_id id;
	char path[64];
	off_t size;
	long mtime;
	bool elf, exists;
	int stat_err, open_err;         /* negative errno to fail with, 0 to succeed */
};

struct fake_fs {
	struct fake_file files[MAX_FILES];
	int opens, stats;
};

static inline struct fake_file *fake_find(struct fake_fs *fs, const struct file_id *id)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (fs->files[i].exists && file_id_equal(&fs->files[i].id, id))
			return &fs->files[i];
	return NULL;
}

static inline void fill_stat(const struct fake_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0755;
	st->st_size = f->size;
	st->st_mtim.tv_sec = f->mtime;
	st->st_dev = makedev(f->id.major, f->id.minor);
	st->st_ino = (ino_t)f->id.ino;
}

static inline int fake_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct fake_fs *fs = ctx;
	struct fake_file *f = fake_find(fs, id);

	fs->stats++;
	if (!f || (path && strcmp(path, f->path) != 0))
		return -ENOENT;
	if (f->stat_err)
		return f->stat_err;
	fill_stat(f, ret);
	return 0;
}

/* One memfd per kind of content, made once and handed out as dups (the caller closes what it
 * gets; readers use pread): a memfd per open was 14% of the write fuzzer's time. */
static inline int fake_magic_fd(bool elf)
{
	static int fds[2] = { -1, -1 };
	int *fd = &fds[elf];

	if (*fd < 0) {
		int m = memfd_create("fake", MFD_CLOEXEC);

		if (m < 0)
			return -errno;
		if (write(m, elf ? "\177ELF" : "#!/b", 4) != 4) {
			close(m);
			return -EIO;
		}
		*fd = m;
	}
	return *fd;
}

static inline int fake_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct fake_fs *fs = ctx;
	struct fake_file *f = fake_find(fs, id);
	int fd;

	(void)path;
	fs->opens++;
	if (!f)
		return -ENOENT;
	if (f->stat_err || f->open_err)
		return f->stat_err ? f->stat_err : f->open_err;
	fd = fake_magic_fd(f->elf);
	if (fd < 0)
		return fd;
	fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	fill_stat(f, ret);
	return fd;
}

struct judged {
	int n;
	char last_path[WRITES_PATH_MAX];
	char last_cause[16];
	enum severity verdict;
	int fail;                       /* judge_error to return */
	int unjudged;                   /* unjudged hook calls */
	struct write_result last_unjudged;
};

static inline void fake_judge(void *ctx, const struct written_file *wf, int fd, const struct stat *st,
		       struct write_result *ret)
{
	struct judged *j = ctx;

	(void)fd, (void)st;
	if (j->fail) {
		ret->judge_error = j->fail;
		return;
	}
	j->n++;
	snprintf(j->last_path, sizeof(j->last_path), "%s", wf->path);
	snprintf(j->last_cause, sizeof(j->last_cause), "%s", writes_cause_name(wf->settled_by));
	ret->is_elf = true;
	ret->verdict = j->verdict;
}

static inline void fake_unjudged(void *ctx, const struct write_result *r)
{
	struct judged *j = ctx;

	j->unjudged++;
	j->last_unjudged = *r;
}

static inline struct rec_str S(const char *s)
{
	struct rec_str r = { s, s ? strlen(s) : 0, false };
	return r;
}

struct spec {
	enum rec_kind kind;
	const char *syscall;
	unsigned long long a0, a1, a2;
	const char *name, *nametype;
	unsigned long ino;
	unsigned mode;
	const char *comm, *exe;
	long long pid;
	time_t sec;
};

static inline void make(struct rec_event *ev, const struct spec *s)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = s->kind;
	ev->syscall_name = s->syscall;
	ev->success = true;
	ev->args[0] = s->a0;
	ev->args[1] = s->a1;
	ev->args[2] = s->a2;
	ev->pid = s->pid ? s->pid : 100;
	ev->ppid = 1;
	ev->uid = ev->auid = 1000;
	ev->sec = s->sec ? s->sec : 1000;
	snprintf(ev->id, sizeof(ev->id), "%lld.000:%lu", (long long)ev->sec, s->ino);
	ev->comm = S(s->comm ? s->comm : "cp");
	ev->exe = S(s->exe ? s->exe : "/usr/bin/cp");
	ev->cwd = S("/home/u");
	ev->paths[0] = (struct rec_path){ .item = 0, .name = S("/tmp/"), .id = { 0xfe, 0, 2, true } };
	snprintf(ev->paths[0].nametype, sizeof(ev->paths[0].nametype), "PARENT");
	ev->paths[1] = (struct rec_path){ .item = 1, .name = S(s->name),
					  .id = { 0xfe, 0, s->ino, s->ino != 0 },
					  .mode = s->mode ? s->mode : 0100644, .has_mode = true };
	snprintf(ev->paths[1].nametype, sizeof(ev->paths[1].nametype), "%s",
		 s->nametype ? s->nametype : "CREATE");
	ev->npaths = ev->paths_seen = 2;
}

static inline struct fake_file *add_file(struct fake_fs *fs, unsigned long ino, const char *path, bool elf)
{
	for (int i = 0; i < MAX_FILES; i++) {
		if (!fs->files[i].exists) {
			fs->files[i] = (struct fake_file){ { 0xfe, 0, ino, true }, "", 1000, 1, elf, true };
			snprintf(fs->files[i].path, sizeof(fs->files[i].path), "%.*s",
				 (int)sizeof(fs->files[i].path) - 1, path);
			return &fs->files[i];
		}
	}
	return NULL;
}

#define OPEN_CREATE(ino_, name_) (&(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, \
	O_CREAT | O_WRONLY | O_TRUNC, name_, "CREATE", ino_ })

#endif
