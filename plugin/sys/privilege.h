/* privilege: what the plugin keeps of root once start-up is done. */
#ifndef ELFWATCH_PRIVILEGE_H
#define ELFWATCH_PRIVILEGE_H

struct privilege_plan {
	const char *user;        /* run as this user; NULL, "" or "root": keep uid 0 */
	const char *output_path; /* the alert file, re-opened on SIGHUP: given to user; or NULL */
};

/* As root: keep only CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE (empty bounding set), become
 * plan->user (its group, no supplementary groups), not dumpable, no_new_privs, umask 077.
 * A user that does not exist keeps uid 0 with those two capabilities (logged). As another
 * user: only no_new_privs and the umask. 0, or -errno (the process may be part-way). */
int privilege_drop(const struct privilege_plan *plan);

#endif
