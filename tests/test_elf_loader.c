/* Loader identity from content: the host's ld.so and a renamed copy are loaders; executables,
 * libraries, static binaries, truncated and garbage files are not (and never crash us). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_inspect.h"
#include "fixture.h"
#include "sys/safefile.h"
#include "tap.h"

static int loader_of(const char *path, char *soname, size_t cap)
{
	struct stat st;
	int fd = safefile_open(path, NULL, NULL, &st), r;

	if (fd < 0)
		return fd;
	r = elf_loader_identity(fd, &st, soname, cap);
	close(fd);
	return r;
}

int main(void)
{
	static const char *const candidates[] = {
		"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux.so.2",
		"/lib/ld-linux-armhf.so.3", "/lib/ld-musl-x86_64.so.1",
	};
	char real[PATH_MAX] = "", soname[64];
	unsigned char *img;
	size_t len = 0;

	if (!fixture_dir()) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && !real[0]; i++)
		if (!realpath(candidates[i], real))
			real[0] = '\0';
	if (!real[0]) {
		tap_skip("no host dynamic loader found");
	} else {
		tap_is_int(loader_of(real, soname, sizeof(soname)), 1, "host loader is a loader");
		tap_ok(elf_loader_soname_match(soname), "host loader soname '%s' matches", soname);
		tap_ok(fixture_sh("cp '%s' renamed && chmod 755 renamed", real), "copy the loader");
		tap_is_int(loader_of(fixture_path("renamed"), NULL, 0), 1, "renamed copy is a loader");
		char small[4];
		tap_is_int(loader_of(real, small, sizeof(small)), 1, "tiny soname buffer");
		tap_is_int((long long)strlen(small), 3, "soname truncated to the buffer");

		img = fixture_read(real, &len);
		tap_ok(img != NULL, "read loader image");
		if (img) {
			tap_is_int(elf_loader_identity_buf(img, len, NULL, 0), 1, "buffer API agrees");
			img[4] = img[4] == 2 ? 1 : 2; /* EI_CLASS flipped: still a loader to the kernel */
			tap_is_int(elf_loader_identity_buf(img, len, NULL, 0), 1,
				   "class-flipped loader still recognised");
			img[4] = img[4] == 2 ? 1 : 2;
			img[5] = img[5] == 2 ? 1 : 2;
			tap_is_int(elf_loader_identity_buf(img, len, NULL, 0), 1,
				   "byte-order-flipped loader still recognised");
			img[5] = img[5] == 2 ? 1 : 2;
			/* Truncations at every interesting boundary: never a crash, never a loader
			 * once the dynamic segment or soname is gone. */
			static const size_t cuts[] = { 0, 1, 4, 16, 51, 52, 63, 64, 65, 100, 200, 500,
						       1000, 4096, 8192 };
			int bad = 0;
			for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
				if (cuts[i] > len)
					continue;
				int r = elf_loader_identity_buf(img, cuts[i], NULL, 0);
				if (r != 0) {
					bad++;
					tap_diag("cut %zu -> %d", cuts[i], r);
				}
			}
			tap_is_int(bad, 0, "truncated loader images are not loaders");
			tap_ok(fixture_write(fixture_path("trunc"), img, len > 300 ? 300 : len, 0755),
			       "write truncated loader file");
			tap_is_int(loader_of(fixture_path("trunc"), NULL, 0), 0, "truncated file: not a loader");
			free(img);
		}
	}
	tap_is_int(loader_of("/bin/true", soname, sizeof(soname)) == 0 ||
		   loader_of("/usr/bin/true", soname, sizeof(soname)) == 0, 1, "/bin/true is not");
	{
		char libelf[PATH_MAX];

		if (realpath("/usr/lib/x86_64-linux-gnu/libelf.so.1", libelf))
			tap_is_int(loader_of(libelf, soname, sizeof(soname)), 0,
				   "a library with a soname is not");
		else
			tap_skip("libelf.so.1 not at the multiarch path");
	}
	if (fixture_have("gcc") &&
	    fixture_sh("printf 'int main(void){return 0;}\\n' > s.c && gcc -static -o s s.c")) {
		tap_is_int(loader_of(fixture_path("s"), NULL, 0), 0, "static binary is not");
	} else {
		tap_skip("gcc -static unavailable");
	}
	if (fixture_have("gcc") && fixture_sh("printf 'int main(void){return 0;}\\n' > p.c && "
					       "gcc -static-pie -o p p.c")) {
		tap_is_int(loader_of(fixture_path("p"), NULL, 0), 0, "static-pie is not");
	} else {
		tap_skip("gcc -static-pie unavailable");
	}
	{
		unsigned char junk[4096];

		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(i * 2654435761u >> 13);
		tap_is_int(elf_loader_identity_buf(junk, sizeof(junk), NULL, 0), 0, "garbage is not");
		memcpy(junk, "\177ELF\002\001\001", 7);
		tap_is_int(elf_loader_identity_buf(junk, sizeof(junk), NULL, 0), 0,
			   "garbage with ELF magic is not");
		tap_ok(fixture_write(fixture_path("junk"), junk, sizeof(junk), 0644), "write junk");
		tap_is_int(loader_of(fixture_path("junk"), NULL, 0), 0, "junk file is not");
		tap_ok(fixture_write(fixture_path("empty"), junk, 0, 0644), "write empty file");
		tap_is_int(loader_of(fixture_path("empty"), NULL, 0), 0, "empty file is not");
	}
	tap_is_int(elf_loader_identity_buf(NULL, 0, NULL, 0), 0, "NULL buffer");
	tap_ok(!elf_loader_soname_match("libc.so.6") && !elf_loader_soname_match("") &&
	       !elf_loader_soname_match(NULL) && elf_loader_soname_match("ld-musl-x86_64.so.1") &&
	       elf_loader_soname_match("ld64.so.2") && elf_loader_soname_match("ld-2.17.so") &&
	       elf_loader_soname_match("ld.so.1") && elf_loader_soname_match("ld-linux.so.2"),
	       "soname patterns");
	fixture_cleanup();
	return tap_done();
}
