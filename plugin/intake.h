/* intake: reads audit text from a descriptor (auditd's socket, a pipe or a log file) into
 * libauparse's feed API. Delivers events completed by their last record at once, ages
 * incomplete ones on a timer, flushes on EOF. */
#ifndef ELFWATCH_INTAKE_H
#define ELFWATCH_INTAKE_H

#include <signal.h>

#include <auparse.h>

struct intake_hooks {
	volatile sig_atomic_t *stop;        /* set: return after flushing */
	volatile sig_atomic_t *reload;      /* set: on_reload is called between reads */
	void (*on_reload)(void *ctx);
	void *ctx;
};

struct intake_stats {
	unsigned long long bytes, reads;
	unsigned long ages;
};

/* Feed fd into au until EOF or *stop. Returns 0 at EOF, 1 when stopped, negative errno on a
 * read error. Events are always flushed before returning. */
int intake_run(int fd, auparse_state_t *au, const struct intake_hooks *hooks,
	       struct intake_stats *stats);

#endif
