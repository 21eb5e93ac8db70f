/* linker: which written paths are the dynamic linker's, and which LD_ variables of an
 * environment point into writable places, with hostile environments. */
#include <stdlib.h>
#include <string.h>

#include "sys/config.h"
#include "detect/linker.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *path;
	enum linker_target want;
} paths[] = {
	{ "/etc/ld.so.preload", LINKER_PRELOAD },
	{ "/etc/ld.so.preload.bak", LINKER_NONE },
	{ "/etc/ld.so.conf", LINKER_CONF },
	{ "/etc/ld.so.conf.d/evil.conf", LINKER_CONF },
	{ "/etc/ld.so.conf.d/x86_64-linux-gnu.conf", LINKER_CONF },
	{ "/etc/ld.so.conf.d/sub/deeper.conf", LINKER_NONE },
	{ "/etc/ld.so.cache", LINKER_NONE },
	{ "/lib/libevil.so", LINKER_LIBRARY },
	{ "/lib64/libevil.so.1", LINKER_LIBRARY },
	{ "/usr/lib/x86_64-linux-gnu/libc.so.6", LINKER_LIBRARY },
	{ "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13.dpkg-new", LINKER_LIBRARY },
	{ "/usr/lib/i386-linux-gnu/libfoo.so", LINKER_LIBRARY },
	{ "/lib/aarch64-linux-gnu/libfoo.so.2", LINKER_LIBRARY },
	{ "/usr/local/lib/libx.so", LINKER_LIBRARY },
	{ "/usr/lib64/libx.so", LINKER_LIBRARY },
	{ "/usr/lib/python3/dist-packages/x.so", LINKER_NONE },     /* not a search dir */
	{ "/usr/lib/x86_64-linux-gnu/perl/5.36/auto/x.so", LINKER_NONE },
	{ "/usr/lib/libfoo.a", LINKER_NONE },
	{ "/usr/lib/libfoo.sox", LINKER_NONE },
	{ "/usr/lib/.so", LINKER_NONE },
	{ "/usr/lib/os-release", LINKER_NONE },
	{ "/tmp/libevil.so", LINKER_NONE },
	{ "/home/u/build/lib/libx.so", LINKER_NONE },
	{ "libevil.so", LINKER_NONE },                              /* relative: no verdict */
	{ "", LINKER_NONE },
	{ "/", LINKER_NONE },
	{ "/libx.so", LINKER_NONE },
};

static void test_classify(const struct config *cfg)
{
	for (size_t i = 0; i < N_ELEMS(paths); i++)
		tap_is_int(linker_classify(cfg, paths[i].path), paths[i].want, paths[i].path);
	tap_is_int(linker_classify(cfg, NULL), LINKER_NONE, "NULL path");
	tap_ok(linker_in_library_tree(cfg, "/usr/lib/python3/dist-packages/x.py") &&
	       linker_in_library_tree(cfg, "/usr/local/lib/libx.so") &&
	       linker_in_library_tree(cfg, "/usr/lib") &&
	       !linker_in_library_tree(cfg, "/usr/libexec/x") &&
	       !linker_in_library_tree(cfg, "/etc/ld.so.preload") &&
	       !linker_in_library_tree(cfg, "/tmp/lib/x.so") && !linker_in_library_tree(cfg, NULL),
	       "library trees: literal library_dirs and below");
	tap_is_str(linker_target_reason(LINKER_PRELOAD), "ld_so_preload_write", "preload reason");
	tap_is_str(linker_target_reason(LINKER_CONF), "ld_so_conf_write", "conf reason");
	tap_is_str(linker_target_reason(LINKER_LIBRARY), "library_write", "library reason");
	tap_is_str(linker_target_reason((enum linker_target)99), "unknown", "reason out of range");
}

/* Environments: NUL-separated, given with their length (embedded NULs are separators). */
static const struct {
	const char *env;
	size_t len;             /* 0: strlen + 1 */
	bool any;
	int writable[LINKER_VAR_COUNT];        /* -1: absent, 0: present, 1: writable */
	const char *value;      /* of the first writable or present variable, NULL: not checked */
	const char *name;
} envs[] = {
	{ "PATH=/usr/bin\0HOME=/root", 25, false, { -1, -1, -1 }, NULL, "no LD_ variables" },
	{ "LD_PRELOAD=/tmp/x.so", 0, true, { 1, -1, -1 }, "/tmp/x.so", "preload in /tmp" },
	{ "LD_PRELOAD=/usr/lib/libfaketime.so", 0, false, { 0, -1, -1 }, NULL, "preload of a system lib" },
	{ "LD_PRELOAD=libfaketime.so", 0, false, { 0, -1, -1 }, NULL, "bare name: searched in lib dirs" },
	{ "LD_PRELOAD=./x.so", 0, true, { 1, -1, -1 }, NULL, "relative with a slash" },
	{ "LD_PRELOAD=/usr/lib/a.so /dev/shm/b.so", 0, true, { 1, -1, -1 }, NULL, "space-separated" },
	{ "LD_PRELOAD=/usr/lib/a.so:/var/tmp/b.so", 0, true, { 1, -1, -1 }, NULL, "colon-separated" },
	{ "LD_PRELOAD=/usr/../tmp/x.so", 0, true, { 1, -1, -1 }, NULL, "dot-dot into /tmp" },
	{ "LD_PRELOAD=/tmpfoo/x.so", 0, false, { 0, -1, -1 }, NULL, "/tmpfoo is not /tmp" },
	{ "LD_PRELOAD=", 0, false, { 0, -1, -1 }, "", "empty value" },
	{ "LD_PRELOAD= : ", 0, false, { 0, -1, -1 }, NULL, "separators only: no element" },
	{ "LD_AUDIT=/dev/shm/a.so", 0, true, { -1, 1, -1 }, NULL, "audit in /dev/shm" },
	{ "LD_LIBRARY_PATH=/usr/lib:/opt/x/lib", 0, false, { -1, -1, 0 }, NULL, "library path, system" },
	{ "LD_LIBRARY_PATH=/usr/lib:", 0, true, { -1, -1, 1 }, NULL, "trailing colon is the cwd" },
	{ "LD_LIBRARY_PATH=/usr/lib;/tmp", 0, true, { -1, -1, 1 }, NULL, "';' separates too" },
	{ "LD_LIBRARY_PATH=lib", 0, true, { -1, -1, 1 }, NULL, "relative search dir" },
	{ "LD_LIBRARY_PATH=", 0, true, { -1, -1, 1 }, NULL, "empty search path is the cwd" },
	{ "LD_PRELOAD=/usr/lib/a.so\0LD_PRELOAD=/tmp/b.so", 45, true, { 1, -1, -1 }, "/tmp/b.so",
	  "second copy writable: judged and kept" },
	{ "LD_PRELOAD=/tmp/b.so\0LD_PRELOAD=/usr/lib/a.so", 45, true, { 1, -1, -1 }, "/tmp/b.so",
	  "first writable copy kept" },
	{ "LD_PRELOADX=/tmp/x.so\0XLD_PRELOAD=/tmp/x\0LD_PRELOAD", 52, false, { -1, -1, -1 }, NULL,
	  "near names and a name without '='" },
	{ "ld_preload=/tmp/x.so", 0, false, { -1, -1, -1 }, NULL, "names are case-sensitive" },
	{ "LD_PRELOAD=/tmp/x.so", 20, true, { 1, -1, -1 }, "/tmp/x.so", "unterminated last entry" },
	{ "LD_PRELOAD=/tmp/x.so", 8, false, { -1, -1, -1 }, NULL, "cut inside the name" },
	{ "\0\0\0LD_AUDIT=/tmp/a\0\0", 21, true, { -1, 1, -1 }, NULL, "empty entries around" },
	{ "LD_PRELOAD=/tmp/\n\"x.so", 0, true, { 1, -1, -1 }, "/tmp/\n\"x.so", "newline and quote kept raw" },
	{ "LD_PRELOAD=/\xff\xfe/x.so", 0, false, { 0, -1, -1 }, NULL, "invalid UTF-8" },
	{ "", 0, false, { -1, -1, -1 }, NULL, "empty environment" },
};

static void test_environ(const struct config *cfg)
{
	for (size_t i = 0; i < N_ELEMS(envs); i++) {
		size_t len = envs[i].len ? envs[i].len : strlen(envs[i].env) + 1;
		struct linker_env e;
		bool any = linker_environ_scan(envs[i].env, len, &cfg->loader.writable_dirs, &e);
		bool ok = any == envs[i].any;

		for (unsigned v = 0; v < LINKER_VAR_COUNT; v++) {
			int want = envs[i].writable[v];

			ok = ok && e.present[v] == (want >= 0) && e.writable[v] == (want == 1);
			if (envs[i].value && e.present[v])
				ok = ok && strcmp(e.value[v], envs[i].value) == 0;
		}
		tap_ok(ok, "environ: %s", envs[i].name);
	}
}

static void test_environ_hostile(const struct config *cfg)
{
	size_t big = 300 << 10;
	char *buf = malloc(big);
	struct linker_env e;
	bool any;

	if (!buf) {
		tap_skip("no memory");
		return;
	}
	/* one huge value: kept cut, judged to its end (the writable element is the last) */
	memcpy(buf, "LD_LIBRARY_PATH=/usr/lib", 24);
	size_t pos = 24;
	for (; pos + 9 + 6 < big; pos += 9)
		memcpy(buf + pos, ":/usr/lib", 9);
	memcpy(buf + pos, ":/tmp", 6);
	any = linker_environ_scan(buf, pos + 6, &cfg->loader.writable_dirs, &e);
	tap_ok(any && e.writable[LINKER_VAR_LIBRARY_PATH] && e.cut[LINKER_VAR_LIBRARY_PATH] &&
	       strlen(e.value[LINKER_VAR_LIBRARY_PATH]) == LINKER_VALUE_MAX - 1,
	       "huge value: cut for the alert, judged to its end");
	buf[pos] = '\0';
	any = linker_environ_scan(buf, pos + 6, &cfg->loader.writable_dirs, &e);
	tap_ok(!any && e.present[LINKER_VAR_LIBRARY_PATH] && e.entries == 2,
	       "huge value of system dirs: not writable");
	/* an absolute element too long to normalise is not trusted */
	memset(buf, 'a', big);
	memcpy(buf, "LD_AUDIT=/", 10);
	buf[4000] = '\0';
	any = linker_environ_scan(buf, 4001, &cfg->loader.writable_dirs, &e);
	tap_ok(any && e.writable[LINKER_VAR_AUDIT], "unnormalisable path counts as writable");
	/* thousands of entries, no NUL at the end */
	memset(buf, 0, big);
	for (size_t i = 0; i + 3 < big; i += 3)
		memcpy(buf + i, "L=", 2);
	memset(buf + big - 3, 'L', 3);
	any = linker_environ_scan(buf, big, &cfg->loader.writable_dirs, &e);
	tap_ok(!any && e.entries > 100000, "many entries, unterminated: %u", e.entries);
	free(buf);
}

int main(void)
{
	struct config cfg;

	if (config_defaults(&cfg) < 0) {
		printf("1..0 # SKIP no memory\n");
		return 0;
	}
	test_classify(&cfg);
	test_environ(&cfg);
	test_environ_hostile(&cfg);
	config_free(&cfg);
	return tap_done();
}
