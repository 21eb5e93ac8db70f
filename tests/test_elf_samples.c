/* Real UPX-packed executables (../shared/samples/upx, ten architectures, UPX 3.91/3.95): each is
 * upx_packed at high, foreign ones foreign_arch, and with every "UPX!" scrubbed the way IoT
 * malware does it each is still caught as upx_magic_scrubbed. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_inspect.h"
#include "fixture.h"
#include "tap.h"

static bool has_at(const struct elf_report *r, enum elf_reason c, enum severity min)
{
	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].code == c && r->findings[i].severity >= min)
			return true;
	return false;
}

int main(void)
{
	const char *shared = getenv("SHARED_DIR");
	char dir[512], path[1024];
	struct elf_host host;
	struct dirent *de;
	unsigned seen = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/samples/upx", shared ? shared : "../shared");
	d = opendir(dir);
	if (!d) {
		printf("1..0 # SKIP %s absent (set SHARED_DIR)\n", dir);
		return 0;
	}
	elf_host_detect(&host, NULL);
	while ((de = readdir(d))) {
		struct elf_report r;
		size_t len;
		uint8_t *b, *p;
		bool foreign;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "COPYING") ||
		    strstr(de->d_name, ".md"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		b = fixture_read(path, &len);
		if (!tap_ok(b != NULL, "%s: read", de->d_name))
			continue;
		seen++;
		elf_inspect_buf(b, len, len, &host, NULL, &r);
		tap_ok(has_at(&r, ELF_R_UPX_PACKED, SEV_HIGH), "%s: upx_packed high", de->d_name);
		foreign = strncmp(de->d_name, "amd64-", 6) && strncmp(de->d_name, "i386-", 5);
		if (host.native.machine == 62) {
			if (foreign)
				tap_ok(has_at(&r, ELF_R_FOREIGN_ARCH, SEV_HIGH), "%s: foreign_arch high",
				       de->d_name);
			else if (!strncmp(de->d_name, "i386-", 5))
				tap_ok(elf_report_has(&r, ELF_R_COMPAT_ARCH), "%s: compat_arch",
				       de->d_name);
			else
				tap_ok(r.facts.arch == ELF_ARCH_NATIVE, "%s: native", de->d_name);
		}
		for (p = b; (p = memmem(p, len - (size_t)(p - b), "UPX!", 4)); p += 4)
			memcpy(p, "\xde\xad\xbe\xef", 4);
		elf_inspect_buf(b, len, len, &host, NULL, &r);
		if (!tap_ok(has_at(&r, ELF_R_UPX_MAGIC_SCRUBBED, SEV_HIGH) &&
			    !elf_report_has(&r, ELF_R_UPX_PACKED), "%s: scrubbed -> upx_magic_scrubbed",
			    de->d_name))
			for (unsigned i = 0; i < r.nfindings; i++)
				tap_diag("  %s: %s", elf_reason_name(r.findings[i].code),
					 r.findings[i].detail);
		/* Zeroed marks defeat the magic comparison; the stub strings still give it away. */
		for (p = b; (p = memmem(p, len - (size_t)(p - b), "\xde\xad\xbe\xef", 4)); p += 4)
			memset(p, 0, 4);
		elf_inspect_buf(b, len, len, &host, NULL, &r);
		tap_ok(elf_report_severity(&r) >= SEV_HIGH, "%s: zeroed marks still high", de->d_name);
		free(b);
	}
	closedir(d);
	tap_ok(seen >= 14, "judged %u samples", seen);
	return tap_done();
}
