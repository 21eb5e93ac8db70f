#include "elf/elf_host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const struct {
	const char *uname;
	struct elf_host_arch native;
	struct elf_host_arch compat[ELF_HOST_MAX_COMPAT];
	unsigned ncompat;
} host_table[] = {
	{ "x86_64", { 62, 2, 1 }, { { 3, 1, 1 }, { 6, 1, 1 }, { 62, 1, 1 } }, 3 },
	{ "i686", { 3, 1, 1 }, { { 6, 1, 1 } }, 1 },
	{ "i586", { 3, 1, 1 }, { { 6, 1, 1 } }, 1 },
	{ "i386", { 3, 1, 1 }, { { 6, 1, 1 } }, 1 },
	{ "aarch64", { 183, 2, 1 }, { { 40, 1, 1 } }, 1 },
	{ "aarch64_be", { 183, 2, 2 }, { { 40, 1, 2 } }, 1 },
	{ "armv7l", { 40, 1, 1 }, { { 0 } }, 0 },
	{ "armv8l", { 40, 1, 1 }, { { 0 } }, 0 },
	{ "armv6l", { 40, 1, 1 }, { { 0 } }, 0 },
	{ "ppc64le", { 21, 2, 1 }, { { 0 } }, 0 },
	{ "ppc64", { 21, 2, 2 }, { { 20, 1, 2 } }, 1 },
	{ "ppc", { 20, 1, 2 }, { { 0 } }, 0 },
	{ "s390x", { 22, 2, 2 }, { { 22, 1, 2 } }, 1 },
	{ "riscv64", { 243, 2, 1 }, { { 0 } }, 0 },
	{ "loongarch64", { 258, 2, 1 }, { { 0 } }, 0 },
	{ "mips64", { 8, 2, 2 }, { { 8, 1, 2 } }, 1 },
	{ "mips", { 8, 1, 2 }, { { 0 } }, 0 },
};

/* Bounded copy that always terminates (truncation is fine for names shown to humans). */
static void host_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static struct elf_host_arch host_compiled(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	struct elf_host_arch a = { 62, 1, 1 };
#elif defined(__x86_64__)
	struct elf_host_arch a = { 62, 2, 1 };
#elif defined(__i386__)
	struct elf_host_arch a = { 3, 1, 1 };
#elif defined(__aarch64__)
	struct elf_host_arch a = { 183, 2, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 2 : 1 };
#elif defined(__arm__)
	struct elf_host_arch a = { 40, 1, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 2 : 1 };
#elif defined(__powerpc64__)
	struct elf_host_arch a = { 21, 2, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 2 : 1 };
#elif defined(__riscv) && __riscv_xlen == 64
	struct elf_host_arch a = { 243, 2, 1 };
#elif defined(__s390x__)
	struct elf_host_arch a = { 22, 2, 2 };
#else
	struct elf_host_arch a = { 0, sizeof(void *) == 8 ? 2 : 1,
				   __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 2 : 1 };
#endif
	return a;
}

void elf_host_for_machine(struct elf_host *h, const char *machine)
{
	memset(h, 0, sizeof(*h));
	host_copy(h->uname_machine, sizeof(h->uname_machine), machine ? machine : "");
	for (size_t i = 0; machine && i < sizeof(host_table) / sizeof(host_table[0]); i++) {
		if (strcmp(machine, host_table[i].uname) == 0) {
			h->native = host_table[i].native;
			memcpy(h->compat, host_table[i].compat, sizeof(h->compat));
			h->ncompat = host_table[i].ncompat;
			return;
		}
	}
	h->native = host_compiled();
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi, lo;

	while (n < cap && (hi = hexval(s[0])) >= 0 && (lo = hexval(s[1])) >= 0) {
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n;
}

int elf_host_parse_binfmt(const char *text, struct elf_binfmt *ret)
{
	struct elf_binfmt b;
	size_t masklen = 0;
	bool have_magic = false;
	const char *line = text;

	memset(&b, 0, sizeof(b));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char buf[512];

		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (strcmp(buf, "enabled") == 0)
			b.enabled = true;
		else if (strncmp(buf, "interpreter ", 12) == 0)
			host_copy(b.interpreter, sizeof(b.interpreter), buf + 12);
		else if (strncmp(buf, "offset ", 7) == 0)
			b.offset = (uint32_t)strtoul(buf + 7, NULL, 10);
		else if (strncmp(buf, "magic ", 6) == 0) {
			b.len = parse_hex(buf + 6, b.magic, sizeof(b.magic));
			have_magic = true;
		} else if (strncmp(buf, "mask ", 5) == 0)
			masklen = parse_hex(buf + 5, b.mask, sizeof(b.mask));
		else if (strncmp(buf, "extension ", 10) == 0)
			return -EINVAL;
		line = nl ? nl + 1 : NULL;
	}
	if (!have_magic || b.len == 0)
		return -EINVAL;
	for (size_t i = masklen; i < b.len; i++)
		b.mask[i] = 0xff;
	*ret = b;
	return 0;
}

static void host_read_binfmt(struct elf_host *h, const char *dir)
{
	char path[512], text[2048];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) && h->nbinfmt < ELF_HOST_MAX_BINFMT) {
		int fd;
		ssize_t n;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "register"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0)
			continue;
		text[n] = '\0';
		if (!strcmp(de->d_name, "status")) {
			h->binfmt_enabled = strncmp(text, "enabled", 7) == 0;
			continue;
		}
		if (elf_host_parse_binfmt(text, &h->binfmt[h->nbinfmt]) == 0) {
			host_copy(h->binfmt[h->nbinfmt].name, sizeof(h->binfmt[0].name), de->d_name);
			h->nbinfmt++;
		}
	}
	closedir(d);
}

void elf_host_detect(struct elf_host *h, const char *binfmt_dir)
{
	struct utsname u;

	elf_host_for_machine(h, uname(&u) == 0 ? u.machine : NULL);
	if (binfmt_dir)
		host_read_binfmt(h, binfmt_dir);
}

static bool arch_eq(const struct elf_host_arch *a, const struct elf_raw_ehdr *e)
{
	return a->machine == e->machine && a->cls == e->cls && a->data == e->data;
}

enum elf_arch_status elf_host_classify(const struct elf_host *h, const struct elf_raw_ehdr *e,
				       const uint8_t *b, size_t len, const char **ret_emulator)
{
	if (ret_emulator)
		*ret_emulator = NULL;
	if (arch_eq(&h->native, e))
		return ELF_ARCH_NATIVE;
	for (unsigned i = 0; i < h->ncompat && i < ELF_HOST_MAX_COMPAT; i++)
		if (arch_eq(&h->compat[i], e))
			return ELF_ARCH_COMPAT;
	for (unsigned i = 0; h->binfmt_enabled && i < h->nbinfmt && ret_emulator; i++) {
		const struct elf_binfmt *bf = &h->binfmt[i];
		size_t j;

		if (!bf->enabled || bf->offset > len || bf->len > len - bf->offset)
			continue;
		for (j = 0; j < bf->len; j++)
			if ((b[bf->offset + j] & bf->mask[j]) != (bf->magic[j] & bf->mask[j]))
				break;
		if (j == bf->len) {
			*ret_emulator = bf->interpreter;
			break;
		}
	}
	return ELF_ARCH_FOREIGN;
}

const char *elf_machine_name(uint16_t m)
{
	switch (m) {
	case 0: return "none";
	case 2: return "SPARC";
	case 3: return "Intel 80386";
	case 4: return "Motorola 68000";
	case 6: return "Intel 80486";
	case 8: return "MIPS";
	case 10: return "MIPS RS3000 LE";
	case 15: return "PA-RISC";
	case 18: return "SPARC32PLUS";
	case 20: return "PowerPC";
	case 21: return "PowerPC64";
	case 22: return "IBM S/390";
	case 40: return "ARM";
	case 42: return "SuperH";
	case 43: return "SPARC V9";
	case 50: return "IA-64";
	case 62: return "x86-64";
	case 83: return "Atmel AVR";
	case 92: return "OpenRISC";
	case 94: return "Xtensa";
	case 106: return "Blackfin";
	case 164: return "Hexagon";
	case 180: return "Intel MCU";
	case 183: return "AArch64";
	case 189: return "MicroBlaze";
	case 190: return "NVIDIA CUDA";
	case 224: return "AMD GPU";
	case 243: return "RISC-V";
	case 247: return "Linux BPF";
	case 252: return "C-SKY";
	case 258: return "LoongArch";
	case 0x9026: return "Alpha";
	default: return "unknown";
	}
}
