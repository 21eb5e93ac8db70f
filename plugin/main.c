/* audisp-elfwatch: lifecycle only. Options, configuration, signals, then the intake loop. */
#include "sys/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <auparse.h>

#include "analyze.h"
#include "engine/engine.h"
#include "engine/engine_state.h"
#include "intake/intake.h"
#include "sys/log.h"
#include "sys/parent.h"
#include "sys/privilege.h"
#include "sys/sandbox.h"

static volatile sig_atomic_t stop_requested, reload_requested, stats_requested;
static volatile sig_atomic_t stop_sender, stop_signal, ignored_terms, ignored_sender;
static bool under_auditd;
static struct parent_set stoppers;      /* set before the handler is installed */

/* SIGTERM and SIGINT: one handler, as both mean "stop" and both obey the same sender rule;
 * which one came is kept for the log line. */
static void on_term(int sig, siginfo_t *info, void *uctx)
{
	(void)sig;
	(void)uctx;
	/* systemd signals the whole cgroup on stop; the process that started us (auditd, or
	 * audisp-filter) or auditd must be the one to end us, so no queued event is lost
	 * (auditd closes our stdin first). Others are counted and logged by the loop; the
	 * kernel's own (a terminal's ^C when run by hand) count. */
	if (under_auditd && info && info->si_code != SI_KERNEL &&
	    !parent_may_stop(&stoppers, info->si_pid)) {
		ignored_sender = info->si_pid;
		ignored_terms++;
		return;
	}
	stop_sender = info ? info->si_pid : 0;
	stop_signal = sig;
	stop_requested = 1;
}

/* SIGHUP: reload the configuration (auditd's reload, 3.x to 4.1). */
static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* SIGUSR1: log the counters. */
static void on_usr1(int sig)
{
	(void)sig;
	stats_requested = 1;
}

static void setup_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	/* auditd starts plugins with every signal ignored and, before 4.0.5, some blocked. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct run_options {
	const char *config_path;
	bool config_given;
	const char *replay;
	const char *format;
	const char *output;
	const char *artifacts;
	const char *identities;
	const char *user;
	bool check_config;
	bool debug;
	bool no_sandbox;
	bool log_stderr;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: audisp-elfwatch [-c FILE]                 plugin mode (auditd feeds stdin)\n"
		"       audisp-elfwatch --replay FILE|- [options] judge recorded audit logs\n"
		"       audisp-elfwatch --analyze PATH...         judge ELF files and directories\n"
		"       audisp-elfwatch --check-config [-c FILE]\n"
		"options:\n"
		"  -c, --config FILE       configuration (default %s)\n"
		"  --format text|json|kv|ecs  alert format (overrides the configuration; replay:\n"
		"                          text when stdout is a terminal, else the configuration's)\n"
		"  --output syslog|stdout|PATH   alert sink (replay default: stdout)\n"
		"  --artifacts DIR         replay: files the events name, as DIR/MAJOR:MINOR:INODE\n"
		"  --identities FILE       replay: loaders, ldd and trusted producers as the\n"
		"                          recording machine had them (PATH MAJOR:MINOR INODE)\n"
		"  -d, --debug             log at debug level (shows what was not alerted, and why)\n"
		"  --user NAME             plugin mode: run as NAME after start-up (default %s;\n"
		"                          root keeps uid 0)\n"
		"  --no-sandbox            no seccomp allow-list (to debug a refused system call)\n"
		"  --log-stderr            plugin mode: messages to stderr, not syslog (tests, by hand)\n"
		"  --version, --help\n", CONFIG_DEFAULT_PATH, ELFWATCH_USER);
}

/* Load the configuration with command-line overrides applied. 0 or -1 (message printed). */
static int load_config(const struct run_options *o, struct config *ret)
{
	char err[512];
	struct stat st;

	if (!o->config_given && stat(o->config_path, &st) < 0 && errno == ENOENT) {
		if (config_defaults(ret) < 0)
			return -1;
	} else if (config_load(o->config_path, ret, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return -1;
	}
	if (o->format) {
		int f = config_format_from_name(o->format);

		if (f < 0 || (f == FORMAT_TEXT && !o->replay)) {
			log_err(o->replay ? "--format must be text, json, kv or ecs" :
				"--format must be json, kv or ecs (text is for --replay)");
			config_free(ret);
			return -1;
		}
		ret->format = (enum alert_format)f;
	} else if (o->replay && (!o->output || strcmp(o->output, "stdout") == 0) &&
		   isatty(STDOUT_FILENO)) {
		ret->format = FORMAT_TEXT;     /* a person is reading */
	}
	if (o->output || o->replay) {
		const char *want = o->output ? o->output : "stdout";

		if (strcmp(want, "syslog") != 0 && strcmp(want, "stdout") != 0 && want[0] != '/') {
			log_err("--output must be syslog, stdout or an absolute path");
			config_free(ret);
			return -1;
		}
		if (ret->format == FORMAT_TEXT && strcmp(want, "syslog") == 0) {
			log_err("--format text goes to stdout or a file, not syslog");
			config_free(ret);
			return -1;
		}
		free(ret->output);
		ret->output = strdup(want);
		if (!ret->output) {
			config_free(ret);
			return -1;
		}
	}
	if (o->debug)
		ret->log_level = LOG_DEBUG;
	return 0;
}

/* ANSI colour only on a terminal, and never when NO_COLOR is set (no-color.org) or the
 * terminal is dumb. */
static bool main_colour_wanted(int fd)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	return isatty(fd) && !(no && no[0]) && !(term && strcmp(term, "dumb") == 0);
}

struct reload_ctx {
	const struct run_options *opts;
	struct engine *engine;
};

static void do_reload(void *arg)
{
	struct reload_ctx *rc = arg;
	struct config cfg;
	int r;

	if (load_config(rc->opts, &cfg) < 0) {
		log_err("reload failed: keeping the previous configuration");
		return;
	}
	if ((r = engine_reload(rc->engine, &cfg)) < 0) {
		log_err("reload failed (%s): keeping the previous configuration", strerror(-r));
		config_free(&cfg);
	}
}

static void do_tick(void *arg)
{
	struct reload_ctx *rc = arg;
	static sig_atomic_t ignored_logged;

	if (ignored_terms != ignored_logged) {
		ignored_logged = ignored_terms;
		log_warn("SIGTERM or SIGINT from pid %d ignored (%d so far): only the parent (pid %lld, %s) or "
			 "auditd (pid %lld) stops the plugin; it exits when its input ends",
			 (int)ignored_sender, (int)ignored_logged, stoppers.parent,
			 stoppers.parent_comm[0] ? stoppers.parent_comm : "?", stoppers.auditd);
	}
	if (stats_requested) {
		stats_requested = 0;
		engine_log_stats(rc->engine);
	}
	engine_tick(rc->engine);
}

static bool on_event_text(void *arg, const char *text, size_t len)
{
	struct reload_ctx *rc = arg;

	return engine_handle_text(rc->engine, text, len);
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *data)
{
	if (type == AUPARSE_CB_EVENT_READY)
		engine_handle_event(data, au);
}

/* Start-up is over (configuration read, output and syslog open, nothing read from stdin yet):
 * give up what judging events does not need, before the reader thread starts. */
static void confine(const struct run_options *o, const struct engine *en)
{
	struct privilege_plan plan = { o->user, en->cfg.output };
	int r;

	/* a plugin that exits is restarted by auditd, a few times, then gone: detection first */
	if (under_auditd && (r = privilege_drop(&plan)) < 0)
		log_err("cannot drop privileges (%s): running with more than intended", strerror(-r));
	if (o->no_sandbox)
		return;
	r = sandbox_install();
	if (r == -ENOSYS)
		log_debug("no seccomp allow-list in this build");
	else if (r < 0)
		log_warn("seccomp allow-list not installed (%s): running without it", strerror(-r));
}

static int run(const struct run_options *o)
{
	struct intake_stats istats = { 0 };
	struct intake_options iopts = { 0, o->replay != NULL, rec_syscall_names };
	struct engine engine;
	struct config cfg;
	struct reload_ctx rc = { o, &engine };
	struct intake_hooks hooks = { &stop_requested, &reload_requested, do_reload, do_tick,
				      &stats_requested, on_event_text, &rc };
	struct identities recorded = { 0 };
	struct engine_options eopts = { o->replay != NULL, o->artifacts, NULL, false, NULL, NULL };
	auparse_state_t *au;
	int fd = STDIN_FILENO, r;

	if (load_config(o, &cfg) < 0)
		return 1;
	log_set_level(cfg.log_level);
	eopts.colour = cfg.format == FORMAT_TEXT && strcmp(cfg.output, "stdout") == 0 &&
		       main_colour_wanted(STDOUT_FILENO);
	if (o->identities) {
		if ((r = identities_load(o->identities, &recorded)) < 0) {
			log_err("cannot load identities %s: %s", o->identities, strerror(-r));
			config_free(&cfg);
			return 1;
		}
		eopts.recorded = &recorded;
	}
	if (o->replay && strcmp(o->replay, "-") != 0) {
		fd = open(o->replay, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			log_err("cannot open %s: %s", o->replay, strerror(errno));
			config_free(&cfg);
			identities_free(&recorded);
			return 1;
		}
	}
	if (engine_init(&engine, &cfg, &eopts) < 0) {
		config_free(&cfg);
		identities_free(&recorded);
		return 1;
	}
	au = auparse_init(AUSOURCE_FEED, NULL);
	if (!au) {
		log_err("cannot initialise libauparse: %s", strerror(errno));
		engine_free(&engine);
		identities_free(&recorded);
		return 1;
	}
	/* global in libauparse, and auparse_init resets it from auditd.conf */
	auparse_set_eoe_timeout(2);
	auparse_add_callback(au, on_event, &engine, NULL);
	iopts.queue_bytes = engine.cfg.queue_size;
	if (under_auditd)
		engine_state_load(&engine);    /* as root: before confine */
	confine(o, &engine);
	r = intake_run(fd, au, &iopts, &hooks, &istats);
	if (r < 0)
		log_err("reading audit events failed: %s", strerror(-r));
	else if (r == 1 || stop_requested)     /* the reader may see the stop and close first */
		log_info("stopping: %s from pid %d", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
			 (int)stop_sender);
	else
		log_info("stopping: end of input");
	engine_finish(&engine);
	intake_log_stats(&istats);
	engine_log_stats(&engine);
	auparse_destroy(au);
	engine_free(&engine);
	identities_free(&recorded);
	if (fd != STDIN_FILENO)
		close(fd);
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { OPT_REPLAY = 256, OPT_FORMAT, OPT_OUTPUT, OPT_CHECK, OPT_VERSION, OPT_ANALYZE,
	       OPT_ARTIFACTS, OPT_IDENTITIES, OPT_USER, OPT_NO_SANDBOX, OPT_LOG_STDERR };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "artifacts", required_argument, NULL, OPT_ARTIFACTS },
		{ "identities", required_argument, NULL, OPT_IDENTITIES },
		{ "debug", no_argument, NULL, 'd' },
		{ "user", required_argument, NULL, OPT_USER },
		{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
		{ "log-stderr", no_argument, NULL, OPT_LOG_STDERR },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_options o = { .config_path = CONFIG_DEFAULT_PATH, .user = ELFWATCH_USER };
	int c;

	if (argc > 1 && strcmp(argv[1], "--analyze") == 0) {
		log_setup(false, LOG_INFO);
		return analyze_main(argc - 2, argv + 2);
	}
	while ((c = getopt_long(argc, argv, "c:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config_path = optarg; o.config_given = true; break;
		case 'd': o.debug = true; break;
		case OPT_REPLAY: o.replay = optarg; break;
		case OPT_FORMAT: o.format = optarg; break;
		case OPT_OUTPUT: o.output = optarg; break;
		case OPT_CHECK: o.check_config = true; break;
		case OPT_ARTIFACTS: o.artifacts = optarg; break;
		case OPT_IDENTITIES: o.identities = optarg; break;
		case OPT_USER: o.user = optarg; break;
		case OPT_NO_SANDBOX: o.no_sandbox = true; break;
		case OPT_LOG_STDERR: o.log_stderr = true; break;
		case OPT_VERSION: printf("audisp-elfwatch %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((o.artifacts || o.identities) && !o.replay) {
		fprintf(stderr, "audisp-elfwatch: --artifacts and --identities go with --replay\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "audisp-elfwatch: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o.check_config) {
		struct config cfg;

		log_setup(false, LOG_INFO);
		if (load_config(&o, &cfg) < 0)
			return 1;
		config_free(&cfg);
		printf("%s: configuration OK\n", o.config_given ? o.config_path : CONFIG_DEFAULT_PATH);
		return 0;
	}
	/* Run by auditd: no terminal, stdin is its socket, stderr goes nowhere. */
	under_auditd = !o.replay;
	if (under_auditd) {
		/* we chdir("/") below; SIGHUP reloads must still find a relative -c path */
		static char config_abs[PATH_MAX];

		if (o.config_path && o.config_path[0] != '/' && realpath(o.config_path, config_abs))
			o.config_path = config_abs;
		openlog("elfwatch", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		umask(077);
		if (chdir("/") < 0)
			return 1;
	}
	log_setup(under_auditd && !o.log_stderr, o.debug ? LOG_DEBUG : LOG_INFO);
	if (under_auditd) {
		parent_discover("/proc", (long long)getppid(), &stoppers);
		log_debug("SIGTERM stops the plugin from pid %lld (parent, %s) or %lld (auditd)",
			  stoppers.parent, stoppers.parent_comm, stoppers.auditd);
	}
	setup_signals();
	return run(&o);
}
