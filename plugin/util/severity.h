/* severity: the five alert levels, in order, with their names. */
#ifndef ELFWATCH_SEVERITY_H
#define ELFWATCH_SEVERITY_H

enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
	SEV_COUNT
};

static inline const char *severity_name(enum severity s)
{
	static const char *const names[SEV_COUNT] = { "info", "low", "medium", "high", "critical" };
	return (unsigned)s < SEV_COUNT ? names[s] : "unknown";
}

#endif
