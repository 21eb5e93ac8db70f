#include "fixture.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fx_dir[256];

const char *fixture_dir(void)
{
	if (!fx_dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(fx_dir, sizeof(fx_dir), "%s/elfwatch-test-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(fx_dir)) {
			fx_dir[0] = '\0';
			return NULL;
		}
	}
	return fx_dir;
}

void fixture_cleanup(void)
{
	if (fx_dir[0] && !getenv("ELFWATCH_KEEP_FIXTURES"))
		fixture_sh("rm -rf '%s'", fx_dir);
}

const char *fixture_path(const char *name)
{
	static char slots[8][512];
	static unsigned next;
	char *p = slots[next++ % 8];

	snprintf(p, sizeof(slots[0]), "%s/%s", fixture_dir(), name);
	return p;
}

bool fixture_sh(const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && { %s ; } >/dev/null 2>&1", fixture_dir(), cmd);
	return system(full) == 0;
}

unsigned char *fixture_read(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*ret_len = (size_t)n;
	}
	fclose(f);
	return b;
}

bool fixture_write(const char *path, const void *b, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, b, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

bool fixture_patch(const char *src, const char *dst, size_t off, const void *bytes, size_t len)
{
	size_t n;
	unsigned char *b = fixture_read(src, &n);
	bool ok;

	if (!b || off > n || len > n - off) {
		free(b);
		return false;
	}
	memcpy(b + off, bytes, len);
	ok = fixture_write(dst, b, n, 0755);
	free(b);
	return ok;
}

bool fixture_have(const char *cmd)
{
	char c[512];

	snprintf(c, sizeof(c), "command -v '%s' >/dev/null 2>&1", cmd);
	return system(c) == 0;
}
