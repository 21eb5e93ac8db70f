/* libFuzzer target for the whole engine: an input is a small script run through one engine
 * built for it (engine_init ... engine_finish, engine_free), so a crash reproduces from one
 * input. Byte 0 picks the configuration (format, alert bound, write following, exec
 * judgement, folding, min_severity: fuzz_engine_config), byte 1 the clock (bit 0: the
 * events' own, as a replay; else a live clock, injected, starting at 10^6). Then text lines:
 *     ~t N     the clock advances N ms (at most 10^7), then engine_tick
 *     ~r N     engine_reload with configuration N (as byte 0)
 *     anything else: a record line of the current event, handed on whole (engine_handle_text,
 *              or libauparse and engine_handle_event where that needs it) at a type=EOE line
 *              and at the end; then engine_finish.
 * No file is opened: probe none (inspect_files = false), the loaders, ldd and trusted
 * producers from a built-in identities table (as a portable replay's --identities), alerts to
 * stdout, which is a memfd while the input runs. Aborts when an alert line of json, kv or ecs
 * is longer than its bound, not one line, not strict JSON / well-formed kv, or when the
 * lines written differ from the engine's count of alerts plus storm summary lines, or an
 * output error is counted. Seeds: recorded stream logs cut into events (fuzz/make_seeds_engine.sh).
 * Built with clang (fuzz/run.sh engine); the corpus is replayed by tests/fuzz_replay.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/engine_storm.h"
#include "linecheck.h"
#include "sys/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_EVENT_MAX (64 * 1024)
#define FUZZ_OUT_MAX (4 << 20)

/* the recording machine's files (tests/data/identities.tsv), so nothing on this host is read */
static const char *const identity_lines[] = {
	"/lib64/ld-linux-x86-64.so.2\tfe:00\t332383\t/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\tfe:00\t332383\t/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	"/usr/lib64/ld-linux-x86-64.so.2\tfe:00\t332383\t/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\tfe:00\t332383\t/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	"/lib/ld-linux.so.2\tfe:00\t335350\t/usr/lib32/ld-linux.so.2",
	"/lib/ld-musl-x86_64.so.1\tfe:00\t1057866\t/usr/lib/x86_64-linux-musl/libc.so",
	"/usr/lib/x86_64-linux-musl/libc.so\tfe:00\t1057866\t/usr/lib/x86_64-linux-musl/libc.so",
	"/usr/bin/ldd\tfe:00\t247577\t/usr/bin/ldd",
	"/bin/ldd\tfe:00\t247577\t/usr/bin/ldd",
	"/usr/bin/dpkg\tfe:00\t247270\t/usr/bin/dpkg",
	"/usr/bin/apt-get\tfe:00\t247087\t/usr/bin/apt-get",
	"/usr/bin/pip3\tfe:00\t247899\t/usr/bin/pip3",
	"/usr/bin/ld\tfe:00\t248271\t/usr/bin/x86_64-linux-gnu-ld.bfd",
	"/usr/bin/as\tfe:00\t248212\t/usr/bin/x86_64-linux-gnu-as",
};
#define NIDS (sizeof(identity_lines) / sizeof(identity_lines[0]))

struct run {
	struct engine en;
	long long clock;            /* the injected live clock */
	bool event_clock;
	int memfd;                  /* stdout while the input runs */
	size_t checked;             /* bytes of it checked so far */
	unsigned long lines, storm_lines;   /* lines seen; summary lines of replaced storms */
	bool text;                  /* a configuration of format text was in force */
	auparse_state_t *au;        /* made when an event needs libauparse */
	char ev[FUZZ_EVENT_MAX];
	size_t evlen;
};

static struct identities ids;
static struct identity id_store[NIDS];
static char *outbuf;

static long long fuzz_clock(void *ctx)
{
	return ((struct run *)ctx)->clock;
}

/* Configuration v: the defaults, the smallest tables config.c accepts (fast to make, and full
 * ones evict), no file opened, and the bits of v; every value one config.c accepts. */
static int fuzz_engine_config(unsigned v, struct config *cfg)
{
	static const size_t bounds[4] = { 2048, 2900, 4096, 65536 };
	static const char *const producers[] = { "/usr/bin/dpkg", "/usr/bin/apt-get",
						  "/usr/bin/pip3", "/usr/bin/ld", "/usr/bin/as" };

	if (config_defaults(cfg) < 0)
		return -1;
	free(cfg->output);
	cfg->output = strdup("stdout");
	if (!cfg->output) {
		config_free(cfg);
		return -1;
	}
	cfg->format = (enum alert_format)(v & 3);
	cfg->max_alert_bytes = bounds[(v >> 2) & 3];
	cfg->log_level = LOG_EMERG;         /* nothing logs at emerg: no stderr per input */
	cfg->inspect_files = false;
	cfg->process_table_size = 64;
	cfg->writes.pending_size = 16;
	cfg->writes.recent_size = 16;
	cfg->writes.enabled = !(v & 0x10);
	cfg->exec_judge.enabled = !(v & 0x20);
	cfg->exec_judge.cache_size = 16;
	cfg->alerts.fold_table_size = 16;
	cfg->alerts.fold_window_s = (v & 0x40) ? 0 : 2;
	cfg->alerts.rate_per_minute = (v & 0x40) ? 3 : cfg->alerts.rate_per_minute;
	cfg->max_argv_bytes = (v & 0x40) ? 256 : cfg->max_argv_bytes;
	cfg->min_severity = (v & 0x80) ? SEV_HIGH : cfg->min_severity;
	cfg->state.enabled = false;
	/* a few of the default trusted producers: matching the ~50 patterns against the
	 * identities was a quarter of the time of an input */
	if (config_patterns_set(&cfg->writes.trusted_producers, producers,
				sizeof(producers) / sizeof(producers[0])) < 0) {
		config_free(cfg);
		return -1;
	}
	return 0;
}

/* Check the lines written since the last call, made under cfg. */
static void check_output(struct run *r, const struct config *cfg)
{
	static const char *const keys[] = { "rule" };
	off_t end = lseek(r->memfd, 0, SEEK_CUR);
	size_t n, i = 0;
	char err[160];

	if (end < 0 || (size_t)end < r->checked || (size_t)end - r->checked > FUZZ_OUT_MAX)
		abort();
	n = (size_t)end - r->checked;
	if (n && pread(r->memfd, outbuf, n, (off_t)r->checked) != (ssize_t)n)
		abort();
	r->checked = (size_t)end;
	if (cfg->format == FORMAT_TEXT)
		return;         /* for a person: the summary after the alerts has many lines */
	while (i < n) {
		char *nl = memchr(outbuf + i, '\n', n - i);
		size_t len;
		bool ok;

		if (!nl) {
			fprintf(stderr, "alert line without its newline\n");
			abort();
		}
		len = (size_t)(nl - (outbuf + i));
		ok = len <= cfg->max_alert_bytes && line_single(outbuf + i, len) &&
		     (cfg->format == FORMAT_KV ?
		      kv_check(outbuf + i, len, keys, NULL, 1, err, sizeof(err)) :
		      json_check(outbuf + i, len, keys, NULL, 1, err, sizeof(err)));
		if (!ok) {
			fprintf(stderr, "bad %s line (%zu bytes, bound %zu): %.*s\n",
				config_format_name(cfg->format), len, cfg->max_alert_bytes, (int)len,
				outbuf + i);
			abort();
		}
		r->lines++;
		i += len + 1;
	}
}

static void on_au_event(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	if (type == AUPARSE_CB_EVENT_READY)
		engine_handle_event(arg, au);
}

static void hand_on(struct run *r)
{
	if (!r->evlen)
		return;
	if (!engine_handle_text(&r->en, r->ev, r->evlen)) {
		if (!r->au) {
			r->au = auparse_init(AUSOURCE_FEED, NULL);
			if (!r->au)
				abort();
			auparse_add_callback(r->au, on_au_event, &r->en, NULL);
		}
		auparse_feed(r->au, r->ev, r->evlen);
	}
	r->evlen = 0;
}

/* "~t N" / "~r N": N, at most 10^7 */
static long long number(const char *s, const char *end)
{
	long long v = 0;

	while (s < end && *s == ' ')
		s++;
	while (s < end && *s >= '0' && *s <= '9' && v < 10000000)
		v = v * 10 + (*s++ - '0');
	return v > 10000000 ? 10000000 : v;
}

static void command(struct run *r, const char *line, const char *end)
{
	struct config cfg;

	if (end - line < 2)
		return;
	if (line[1] == 't') {
		r->clock += number(line + 2, end);
		engine_tick(&r->en);
		check_output(r, &r->en.cfg);
	} else if (line[1] == 'r') {
		struct storm_stats ss;
		struct config old_bound = { .format = r->en.cfg.format,
					    .max_alert_bytes = r->en.cfg.max_alert_bytes };

		if (fuzz_engine_config((unsigned)number(line + 2, end), &cfg) < 0)
			abort();
		/* the reload drains the storm it replaces as this does; drained first, its summary
		 * lines are all counted before it goes */
		engine_storm_drain(&r->en, true);
		storm_get_stats(r->en.storm, &ss);
		r->text = r->text || cfg.format == FORMAT_TEXT;
		if (engine_reload(&r->en, &cfg) < 0)
			config_free(&cfg);
		else
			r->storm_lines += ss.repeat_lines + ss.suppressed_lines;
		/* what the old output held was written under the old configuration */
		check_output(r, &old_bound);
	}
}

static void counts(struct run *r)
{
	struct storm_stats ss;

	storm_get_stats(r->en.storm, &ss);
	if (r->en.stats.output_errors ||
	    (!r->text && r->lines != r->en.stats.alerts + r->storm_lines + ss.repeat_lines +
	     ss.suppressed_lines)) {
		fprintf(stderr, "%lu lines written, %lu alerts + %lu + %lu repeat + %lu suppressed "
			"lines counted, %lu output errors\n", r->lines, r->en.stats.alerts,
			r->storm_lines, ss.repeat_lines, ss.suppressed_lines,
			r->en.stats.output_errors);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run *r;
	struct engine_options opts = { 0 };
	struct config cfg;
	const char *p, *end;
	int saved;

	if (!r) {
		r = calloc(1, sizeof(*r));
		outbuf = malloc(FUZZ_OUT_MAX);
		if (!r || !outbuf)
			abort();
		for (size_t i = 0; i < NIDS; i++)
			if (identities_parse_line(identity_lines[i], &id_store[i]) != 1)
				abort();
		ids = (struct identities){ id_store, NIDS };
		r->memfd = memfd_create("fuzz_engine", MFD_CLOEXEC);
		if (r->memfd < 0)
			abort();
		log_set_level(LOG_EMERG);
	}
	if (size < 2 || size > 1 << 16)
		return 0;
	if (fuzz_engine_config(data[0], &cfg) < 0)
		abort();
	/* event clock (a replay) or the live clock, injected */
	r->event_clock = data[1] & 1;
	r->clock = 1000000;
	r->checked = 0;
	r->lines = r->storm_lines = 0;
	r->text = cfg.format == FORMAT_TEXT;
	r->evlen = 0;
	if (ftruncate(r->memfd, 0) < 0 || lseek(r->memfd, 0, SEEK_SET) < 0)
		abort();
	opts.event_clock = r->event_clock;
	opts.recorded = &ids;
	opts.clock_ms = fuzz_clock;
	opts.clock_ctx = r;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(r->memfd, STDOUT_FILENO) < 0)
		abort();
	if (engine_init(&r->en, &cfg, &opts) < 0)
		abort();

	p = (const char *)data + 2;
	end = (const char *)data + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl + 1 : end;
		size_t len = (size_t)(le - p);

		if (*p == '~') {
			hand_on(r);
			command(r, p, nl ? nl : end);
		} else {
			if (r->evlen + len + 1 > sizeof(r->ev))
				hand_on(r);
			if (len + 1 <= sizeof(r->ev)) {
				memcpy(r->ev + r->evlen, p, len);
				r->evlen += len;
				if (!nl)
					r->ev[r->evlen++] = '\n';
				if (len >= 8 && memmem(p, len, "type=EOE", 8))
					hand_on(r);
			}
		}
		p = le;
	}
	hand_on(r);
	if (r->au) {
		auparse_flush_feed(r->au);
		auparse_destroy(r->au);
		r->au = NULL;
	}
	engine_finish(&r->en);
	check_output(r, &r->en.cfg);
	counts(r);
	engine_free(&r->en);
	if (dup2(saved, STDOUT_FILENO) < 0)
		abort();
	close(saved);
	return 0;
}
