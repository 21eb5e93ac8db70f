/* bench/loadgen.c: spawn short processes (fork + exec of a program, /bin/true by default) at a
 * fixed rate for the live benchmark. A 1 ms timer (timerfd) paces the spawns: at each tick
 * the processes owed by the schedule are started, so the average rate holds even when single
 * ticks run late. Bounded: stops after SECONDS or COUNT spawns, never has more than 512
 * children alive (a spawn that would exceed it is skipped and counted as behind). Children are
 * reaped as they end. Prints one JSON line: wanted and achieved rate, spawned, failed, behind.
 *
 * usage: loadgen RATE SECONDS [COUNT [PROGRAM]] */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOADGEN_TICK_NS 1000000L
#define LOADGEN_MAX_ALIVE 512

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long reap(unsigned long *alive)
{
	unsigned long failed = 0;
	int status;
	pid_t p;

	while (*alive > 0 && (p = waitpid(-1, &status, WNOHANG)) > 0) {
		(*alive)--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	return failed;
}

int main(int argc, char **argv)
{
	struct itimerspec its = { { 0, LOADGEN_TICK_NS }, { 0, LOADGEN_TICK_NS } };
	unsigned long spawned = 0, failed = 0, behind = 0, alive = 0, count;
	const char *prog = "/bin/true";
	double rate, seconds, start, elapsed;
	int tfd;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: loadgen RATE SECONDS [COUNT [PROGRAM]]\n");
		return 2;
	}
	rate = strtod(argv[1], NULL);
	seconds = strtod(argv[2], NULL);
	count = argc > 3 ? strtoul(argv[3], NULL, 10) : (unsigned long)(rate * seconds);
	if (argc > 4)
		prog = argv[4];
	if (rate <= 0 || rate > 100000 || seconds <= 0 || seconds > 3600 || count == 0) {
		fprintf(stderr, "loadgen: RATE in (0, 100000], SECONDS in (0, 3600], COUNT > 0\n");
		return 2;
	}
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0) {
		perror("loadgen: timerfd");
		return 1;
	}
	start = now_s();
	while ((elapsed = now_s() - start) < seconds && spawned + behind < count) {
		uint64_t ticks;
		unsigned long owed = (unsigned long)(elapsed * rate);

		if (owed > count)
			owed = count;
		while (spawned + behind < owed && now_s() - start < seconds) {
			pid_t p;

			if (alive >= LOADGEN_MAX_ALIVE) {
				failed += reap(&alive);
				if (alive >= LOADGEN_MAX_ALIVE) {
					behind++;
					continue;
				}
			}
			p = fork();
			if (p == 0) {
				execl(prog, prog, (char *)NULL);
				_exit(127);
			}
			if (p < 0) {
				behind++;
				continue;
			}
			spawned++;
			alive++;
		}
		failed += reap(&alive);
		if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EINTR) {
			perror("loadgen: read timerfd");
			break;
		}
	}
	elapsed = now_s() - start;
	while (alive > 0) {
		int status;

		if (wait(&status) < 0)
			break;
		alive--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	printf("{\"rate_wanted\": %.0f, \"rate_achieved\": %.1f, \"seconds\": %.2f, \"spawned\": %lu, "
	       "\"failed\": %lu, \"behind\": %lu}\n",
	       rate, (double)spawned / elapsed, elapsed, spawned, failed, behind);
	return 0;
}
