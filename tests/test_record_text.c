/* record_text: rec_extract_text against libauparse (tests/recdiff.c), event by event. Every
 * event it accepts must extract exactly as through libauparse; what libauparse might read
 * otherwise (hex keys, odd stamps, other record types, NULs, overlong records) must be
 * refused. Then every event of the recorded logs of tests/data, as the assembly stage hands
 * them on (or of the logs named as arguments: e.g. the 16-core corpora of ../shared). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/assembly.h"
#include "intake/prefilter.h"
#include "recdiff.h"
#include "model/record.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define STAMP "msg=audit(1795364529.957:5):"
#define HDR(type) "type=" type " " STAMP " "
#define SYSCALL_X(pre, extra) HDR("SYSCALL") pre "arch=c000003e syscall=59 success=yes exit=0 " \
	"a0=55caf7478ce0 a1=55caf748b5d0 a2=55caf7487260 a3=6889279a8a06b764 items=1 ppid=2423 " \
	"pid=2440 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 " \
	"tty=(none) ses=4294967295 comm=\"ld-linux-x86-64\" " \
	"exe=\"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\"" extra "\n"
#define SYSCALL SYSCALL_X("", " key=\"elfwatch_exec\"")
#define CWD HDR("CWD") "cwd=\"/tmp\"\n"
#define PATH0 HDR("PATH") "item=0 name=\"/lib64/ld-linux-x86-64.so.2\" inode=332383 dev=fe:00 " \
	"mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 " \
	"cap_fver=0 cap_frootid=0\n"
#define EXECVE2 HDR("EXECVE") "argc=2 a0=\"/lib64/ld-linux-x86-64.so.2\" a1=\"/tmp/payload\"\n"
#define EOE "type=EOE " STAMP "\n"
#define EXEC_EVENT SYSCALL EXECVE2 CWD PATH0 EOE

static const struct rec_limits limits = { 8192 };

enum want { ACCEPT, REFUSE };

static const struct {
	const char *name;
	const char *text;
	enum want want;
} cases[] = {
	{ "a loader exec", EXEC_EVENT, ACCEPT },
	{ "with node=", "node=web1 " SYSCALL "node=web1 " EXECVE2 "node=web1 " CWD "node=web1 " EOE, ACCEPT },
	{ "hex argv with NUL, quote, newline, space bytes",
	  SYSCALL HDR("EXECVE") "argc=3 a0=2F62696E2F7368 a1=2D63 a2=6100620A22632064\n" CWD PATH0 EOE, ACCEPT },
	{ "split argument a1[0..2]",
	  SYSCALL HDR("EXECVE") "argc=2 a0=\"x\" a1_len=6 a1[0]=\"ab\" a1[1]=\"cd\" a1[2]=\"ef\"\n" CWD EOE, ACCEPT },
	{ "odd-length and non-hex argv", SYSCALL HDR("EXECVE") "argc=2 a0=414 a1=ZZ\n" CWD EOE, ACCEPT },
	{ "(null) and (none) values", SYSCALL HDR("CWD") "cwd=(null)\n" HDR("PATH") "item=0 name=(null) "
	  "inode=1 dev=fe:00 mode=0100755 nametype=UNKNOWN\n" EOE, ACCEPT },
	{ "trailing punctuation ):,'", SYSCALL_X("", " key=\"k\"):") HDR("CWD") "cwd=\"/a\",'\n"
	  HDR("PATH") "item=0, name=\"/b\": inode=7) dev=fe:00' mode=0100644 nametype=CREATE\n" EOE, ACCEPT },
	{ "(name= and msg=' tokens", SYSCALL HDR("PATH") "(item=0 msg='name=\"/x\" inode=3 nametype=NORMAL'\n" EOE, ACCEPT },
	{ "tokens without '=' and runs of spaces",
	  SYSCALL HDR("CWD") "junk   cwd=\"/w\"  more\n" HDR("PATH") "item=1   name=\"/p\" x y=2\n" EOE, ACCEPT },
	{ "duplicate fields", SYSCALL_X("pid=1 ", " pid=7 arch=40000003 syscall=1 key=(null)")
	  CWD HDR("CWD") "cwd=\"/second\"\n" EOE, ACCEPT },
	{ "an empty value (libauparse does not hand it on)", SYSCALL_X("", " uid=") CWD EOE, REFUSE },
	{ "a value emptied by its trailing ':'", SYSCALL HDR("EXECVE") "argc=1 a0=:\n" CWD EOE, REFUSE },
	{ "a huge hex value", SYSCALL HDR("EXECVE") "argc=1 a0="
	  "41414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141"
	  "41414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141\n"
	  CWD EOE, ACCEPT },
	{ "a failed exec, no EXECVE", SYSCALL_X("", " key=\"x\"") CWD HDR("PATH") "item=0 name=\"/nope\" nametype=UNKNOWN\n" EOE, ACCEPT },
	{ "not an exec: openat", HDR("SYSCALL") "arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=1b6\n"
	  CWD HDR("PATH") "item=0 name=\"/tmp/\" nametype=PARENT\n" HDR("PATH") "item=1 name=\"/tmp/x\" inode=5 dev=fe:00 mode=0100755 nametype=CREATE\n" EOE, ACCEPT },
	{ "no SYSCALL record", EXECVE2 CWD EOE, ACCEPT },
	{ "an unknown syscall", HDR("SYSCALL") "arch=c000003e syscall=99999 success=yes exit=0\n" EOE, ACCEPT },
	{ "a hex key (several keys)", SYSCALL_X("", " key=6B31016B32") CWD EOE, REFUSE },
	{ "an OPENAT2 record", SYSCALL HDR("OPENAT2") "oflag=0101 mode=0755 resolve=0\n" EOE, REFUSE },
	{ "another record type", SYSCALL HDR("BPRM_FCAPS") "fver=0\n" CWD EOE, REFUSE },
	{ "no EOE at the end", SYSCALL CWD, REFUSE },
	{ "an EOE in the middle", SYSCALL EOE CWD EOE, REFUSE },
	{ "stamps that differ", SYSCALL "type=CWD msg=audit(1795364529.957:6): cwd=\"/\"\n" EOE, REFUSE },
	{ "stamp with two-digit milliseconds", "type=SYSCALL msg=audit(1795364529.95:5): arch=c000003e syscall=59\n"
	  "type=EOE msg=audit(1795364529.95:5):\n", REFUSE },
	{ "stamp with a sign", "type=SYSCALL msg=audit(-1.000:5): arch=c000003e syscall=59\n"
	  "type=EOE msg=audit(-1.000:5):\n", REFUSE },
	{ "stamp glued to a field", "type=SYSCALL msg=audit(1.000:5):arch=c000003e syscall=59\n"
	  "type=EOE msg=audit(1.000:5):\n", REFUSE },
	{ "a node= on one record only", "node=a " SYSCALL CWD EOE, REFUSE },
	/* fuzz_record_text, 5.9M runs in: libauparse makes no event of an empty node name */
	{ "an empty node name", "node= " SYSCALL "node= " CWD "node= " EOE, REFUSE },
	{ "an empty node name, no SYSCALL", "node= " CWD "node= " EOE, REFUSE },
	{ "two spaces after type=", "type=SYSCALL  " STAMP " arch=c000003e syscall=59\n" EOE, REFUSE },
	{ "CWD without cwd= (libauparse looks on)", SYSCALL HDR("CWD") "dir=\"/\"\n" HDR("PATH") "cwd=\"/evil\" item=0\n" EOE, REFUSE },
	{ "no newline at the end", SYSCALL "type=EOE " STAMP, REFUSE },
	{ "an ENRICHED part (0x1d), which assembly cuts", SYSCALL_X("", " key=\"k\"\x1d" "ARCH=x86_64") CWD EOE, REFUSE },
	{ "empty", "", REFUSE },
	{ "a lone EOE (libauparse makes no event of it)", EOE, REFUSE },
};

static void test_cases(struct rec_event *lib, struct rec_event *txt)
{
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char why[128] = "";
		enum recdiff_result r = recdiff_event(cases[i].text, strlen(cases[i].text), lib, txt,
						      why, sizeof(why));

		if (cases[i].want == ACCEPT)
			tap_ok(r == RECDIFF_SAME, "%s: read as libauparse reads it%s%s", cases[i].name,
			       r == RECDIFF_REFUSED ? " (refused)" : why[0] ? ": " : "", why);
		else
			tap_ok(r == RECDIFF_REFUSED, "%s: left to libauparse%s%s", cases[i].name,
			       why[0] ? ": " : "", why);
	}
}

static void test_hostile_bytes(struct rec_event *lib, struct rec_event *txt)
{
	char text[2048], why[128] = "";
	size_t n;

	/* a NUL hides the rest of a record from libauparse */
	n = (size_t)snprintf(text, sizeof(text), "%s", EXEC_EVENT);
	memcpy(strstr(text, "cwd="), "cwd\0", 4);
	tap_ok(recdiff_event(text, n, lib, txt, why, sizeof(why)) == RECDIFF_REFUSED,
	       "a NUL byte: left to libauparse");

	/* records longer than libauparse's longest */
	{
		static const char head[] = SYSCALL HDR("EXECVE") "argc=1 a0=", tail[] = "\n" EOE;
		char *t = malloc(sizeof(head) + 9000 + sizeof(tail));

		if (!t)
			return;
		memcpy(t, head, sizeof(head) - 1);
		n = sizeof(head) - 1;
		memset(t + n, '4', 9000);
		n += 9000;
		memcpy(t + n, tail, sizeof(tail) - 1);
		n += sizeof(tail) - 1;
		tap_ok(recdiff_event(t, n, lib, txt, why, sizeof(why)) == RECDIFF_REFUSED,
		       "a record over 8970 bytes: left to libauparse");
		free(t);
	}

	/* truncated events: every prefix that ends a line */
	{
		const char *ev = EXEC_EVENT;
		int bad = 0, same = 0;

		for (size_t k = 1; k < strlen(ev); k++) {
			enum recdiff_result r = recdiff_event(ev, k, lib, txt, why, sizeof(why));

			bad += r == RECDIFF_DIFFERENT;
			same += r == RECDIFF_SAME;
		}
		tap_ok(bad == 0 && same == 0, "every truncation of an event: left to libauparse (%d differ)", bad);
	}
}

struct corpus_run {
	struct rec_event *lib, *txt;
	unsigned events, same, refused, different;
	char first_why[128];
};

static void on_assembled(void *arg, const struct assembly_event *ev)
{
	struct corpus_run *c = arg;
	char why[128] = "";

	c->events++;
	switch (recdiff_event(ev->text, ev->len, c->lib, c->txt, why, sizeof(why))) {
	case RECDIFF_SAME:
		c->same++;
		break;
	case RECDIFF_REFUSED:
		c->refused++;
		break;
	case RECDIFF_DIFFERENT:
		if (c->different++ == 0)
			snprintf(c->first_why, sizeof(c->first_why), "%.*s: %s",
				 (int)(ev->len < 60 ? ev->len : 60), ev->text, why);
		break;
	}
}

static void test_corpus(const char *path, struct rec_event *lib, struct rec_event *txt)
{
	static const char *const keep[] = { "execve", "execveat", "open", "openat", "openat2",
		"creat", "rename", "renameat", "renameat2", "link", "linkat", "chmod", "fchmod",
		"fchmodat", "fchmodat2", NULL };
	struct corpus_run c = { lib, txt, 0, 0, 0, 0, "" };
	struct prefilter *pf = prefilter_new(keep);
	struct assembly *a = pf ? assembly_new(NULL, pf, on_assembled, &c) : NULL;
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f || !a) {
		tap_ok(0, "%s: cannot read", path);
		goto out;
	}
	while ((n = getline(&line, &cap, f)) > 0)
		assembly_add(a, line, (size_t)n, 0);
	assembly_flush(a);
	tap_ok(c.different == 0 && c.same > 0, "%s: %u events, %u read as libauparse reads them, %u "
	       "left to it, %u different%s%s", path, c.events, c.same, c.refused, c.different,
	       c.different ? ": " : "", c.first_why);
out:
	if (f)
		fclose(f);
	free(line);
	assembly_free(a);
	prefilter_free(pf);
}

int main(int argc, char **argv)
{
	static const char *const logs[] = {
		"tests/data/loader-stream.log", "tests/data/benign-stream.log",
		"tests/data/writes-stream.log", "tests/data/writes-quiet-stream.log",
		"tests/data/loader-audit.log", "tests/data/writes-audit.log",
		"tests/data/linker-audit.log", "tests/data/fileless-audit.log",
		"tests/data/benign-audit.log", "tests/data/writes-quiet-audit.log",
	};
	static struct rec_event lib, txt;
	const char *srcdir = getenv("top_srcdir");
	char path[4096];

	if (rec_event_init(&lib, &limits) < 0 || rec_event_init(&txt, &limits) < 0)
		return 1;
	if (argc > 1) {
		tap_plan(argc - 1);
		for (int i = 1; i < argc; i++)
			test_corpus(argv[i], &lib, &txt);
		return tap_failed ? 1 : 0;
	}
	tap_plan((int)N_ELEMS(cases) + 3 + (int)N_ELEMS(logs));
	test_cases(&lib, &txt);
	test_hostile_bytes(&lib, &txt);
	for (size_t i = 0; i < N_ELEMS(logs); i++) {
		snprintf(path, sizeof(path), "%s/%s", srcdir ? srcdir : ".", logs[i]);
		test_corpus(path, &lib, &txt);
	}
	rec_event_free(&lib);
	rec_event_free(&txt);
	return tap_failed ? 1 : 0;
}
