/* libFuzzer target for the ELF engine: any bytes through elf_inspect_buf (whole and as the head
 * of a bigger file, with and without the exec hint), the loader identity check and the JSON
 * formatter. Built with clang -fsanitize=fuzzer,address (make fuzz-elf); the corpus is replayed
 * by tests/fuzz_replay.c in make check. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "elf/elf_inspect.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char binfmt[] = "enabled\ninterpreter /usr/bin/qemu-aarch64\noffset 0\n"
				     "magic 7f454c460201010000000000000000000200b700\n"
				     "mask ffffffffffffff00fffffffffffffffffeffffff\n";
	struct elf_host host;
	struct elf_limits lim;
	struct elf_report r;
	struct strbuf sb;
	char soname[32];

	elf_host_for_machine(&host, "x86_64");
	host.binfmt_enabled = true;
	if (elf_host_parse_binfmt(binfmt, &host.binfmt[0]) == 0)
		host.nbinfmt = 1;
	elf_limits_default(&lim);
	if (strbuf_init(&sb, 1 << 16) < 0)
		return 0;
	if (elf_inspect_buf(data, size, size, &host, &lim, &r) == 0)
		elf_report_json(&r, &sb);
	lim.exec_hint = true;
	lim.hash_max = 0;
	if (elf_inspect_buf(data, size, (uint64_t)size + 4096, &host, &lim, &r) == 0) {
		strbuf_reset(&sb);
		elf_report_json(&r, &sb);
	}
	elf_loader_identity_buf(data, size, soname, sizeof(soname));
	strbuf_free(&sb);
	return 0;
}
