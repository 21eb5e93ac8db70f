/* sandbox: the seccomp allow-list of the system calls elfwatch makes after start-up. */
#ifndef ELFWATCH_SANDBOX_H
#define ELFWATCH_SANDBOX_H

#include <stdbool.h>

/* Is the allow-list built in (libseccomp found, no sanitizer)? */
bool sandbox_available(void);

/* Install the allow-list on the calling thread; threads created later inherit it. Call after
 * start-up (configuration, outputs, syslog opened) and before the reader thread starts.
 * Sets no_new_privs. 0, or -errno (-ENOSYS when not built in). */
int sandbox_install(void);

#endif
