/* fixture: helpers for tests that build ELF fixtures at test time (temporary directory, shell
 * commands, whole-file read/write, header patches). Test code only. */
#ifndef ELFWATCH_TEST_FIXTURE_H
#define ELFWATCH_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Create a private temporary directory (removed by fixture_cleanup); its path, or NULL. */
const char *fixture_dir(void);
void fixture_cleanup(void);
/* Path of name inside the fixture directory (static buffer rotated over 8 slots). */
const char *fixture_path(const char *name);
/* Run a shell command with the fixture directory as cwd; true on exit status 0. */
bool fixture_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whole file into a malloc'd buffer; NULL on error. */
unsigned char *fixture_read(const char *path, size_t *ret_len);
bool fixture_write(const char *path, const void *b, size_t len, int mode);
/* Write a copy of src with len bytes at off replaced by the given bytes. */
bool fixture_patch(const char *src, const char *dst, size_t off, const void *bytes, size_t len);
/* True if the command exists in PATH. */
bool fixture_have(const char *cmd);

#endif
