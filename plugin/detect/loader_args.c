/* loader_args: the loader's own command line, read as glibc 2.36 rtld reads it (elf/rtld.c
 * dl_main), and whether the form it gives can run a program. Pure. */
#include "detect/loader.h"

#include <stddef.h>
#include <string.h>

static bool arg_is(const struct rec_str *a, const char *opt)
{
	size_t n = strlen(opt);
	return a->len == n && memcmp(a->s, opt, n) == 0;
}

void loader_parse_args(const struct rec_str *argv, unsigned argc, bool complete,
		       struct loader_opts *ret)
{
	static const struct {
		const char *name;
		size_t flag_off;        /* offset of a bool, or of a const struct rec_str * */
		bool takes_value;
		enum loader_mode mode;  /* the mode it sets, or RUN */
	} options[] = {
		{ "--list", offsetof(struct loader_opts, list), false, LOADER_MODE_LIST },
		{ "--verify", offsetof(struct loader_opts, verify), false, LOADER_MODE_VERIFY },
		{ "--help", offsetof(struct loader_opts, help), false, LOADER_MODE_HELP },
		{ "--version", offsetof(struct loader_opts, version), false, LOADER_MODE_RUN },
		{ "--list-tunables", offsetof(struct loader_opts, list_tunables), false,
		  LOADER_MODE_LIST_TUNABLES },
		{ "--list-diagnostics", offsetof(struct loader_opts, list_diagnostics), false,
		  LOADER_MODE_LIST_DIAGNOSTICS },
		{ "--inhibit-cache", offsetof(struct loader_opts, inhibit_cache), false, LOADER_MODE_RUN },
		{ "--library-path", offsetof(struct loader_opts, library_path), true, LOADER_MODE_RUN },
		{ "--preload", offsetof(struct loader_opts, preload), true, LOADER_MODE_RUN },
		{ "--audit", offsetof(struct loader_opts, audit), true, LOADER_MODE_RUN },
		{ "--argv0", offsetof(struct loader_opts, argv0), true, LOADER_MODE_RUN },
		{ "--inhibit-rpath", offsetof(struct loader_opts, inhibit_rpath), true, LOADER_MODE_RUN },
		{ "--glibc-hwcaps-prepend", offsetof(struct loader_opts, hwcaps_prepend), true,
		  LOADER_MODE_RUN },
		{ "--glibc-hwcaps-mask", offsetof(struct loader_opts, hwcaps_mask), true, LOADER_MODE_RUN },
	};
	unsigned i = 1;

	memset(ret, 0, sizeof(*ret));
	ret->target = -1;
	ret->mode = LOADER_MODE_RUN;
	/* rtld consumes options while argv[1] is one of its own; a value option needs its value
	 * (with too few arguments rtld treats the option word as the program name). The first
	 * other word is the program. --version acts at once. */
	while (i < argc) {
		size_t k;

		for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (arg_is(&argv[i], options[k].name))
				break;
		if (k == sizeof(options) / sizeof(options[0]))
			break;
		if (options[k].takes_value && i + 1 >= argc) {
			if (!complete)
				i = argc;       /* its value, and the program, were not kept */
			break;
		}
		if (ret->nnames < sizeof(ret->names) / sizeof(ret->names[0]))
			ret->names[ret->nnames++] = options[k].name;
		if (options[k].takes_value) {
			*(const struct rec_str **)((char *)ret + options[k].flag_off) = &argv[i + 1];
			i += 2;
			continue;
		}
		*(bool *)((char *)ret + options[k].flag_off) = true;
		i++;
		if (ret->version)
			return;
		/* --list and --verify do not override --help */
		if (options[k].mode != LOADER_MODE_RUN &&
		    !(ret->mode == LOADER_MODE_HELP &&
		      (options[k].mode == LOADER_MODE_LIST || options[k].mode == LOADER_MODE_VERIFY)))
			ret->mode = options[k].mode;
	}
	if (i < argc) {
		ret->target = (int)i;
		ret->program_unknown = argv[i].cut;
	} else {
		ret->program_unknown = !complete;
	}
}

bool loader_opts_benign(const struct loader_opts *o)
{
	/* --help cannot be undone by what follows (only by other modes that run nothing) */
	if (o->version || o->mode == LOADER_MODE_HELP)
		return true;
	if (o->program_unknown)
		return false;
	/* --list traces a program, but rtld loads --audit modules first and runs their
	 * constructors and la_version(): "ld.so --list --audit /tmp/x.so /bin/true" runs code.
	 * A listing that injects libraries is no listing. --verify exits before that. */
	switch (o->mode) {
	case LOADER_MODE_LIST:
		return o->target < 0 || (!o->audit && !o->preload);
	case LOADER_MODE_RUN:
		return o->target < 0;
	default:
		return true;
	}
}
