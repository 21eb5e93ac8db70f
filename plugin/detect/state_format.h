/* state_format: what state.c (the checks), state_encode.c and state_decode.c share about the
 * saved tables' byte layout. Not for other modules.
 *
 * Layout, little-endian throughout:
 *   header (64 bytes): magic "ELFWSTAT", u32 version, u32 header length, u64 payload length,
 *     u64 FNV-1a of the whole file with this field zero, i64 monotonic ms, i64 real s,
 *     16 bytes boot id
 *   payload: u32 count, then that many process entries; the same for followed files, then
 *     for recent verdicts. Strings are u16 length + bytes (no NUL, shorter than the field
 *     they fill), identities u8 valid + u32 major + u32 minor + u64 inode.
 * The checksum finds a torn or damaged file; it is no signature: the file is trusted as far
 * as its owner and directory are (statefile.c). */
#ifndef ELFWATCH_STATE_FORMAT_H
#define ELFWATCH_STATE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/mitre.h"
#include "detect/state.h"

#define STATE_ID_BYTES 17

/* A technique as saved: its index in the format's table (one byte), -1 when it has none. */
int state_mitre_index(const struct mitre *m);
/* The technique index i stands for (NULL for 0); false when i names none. */
bool state_mitre_at(uint64_t i, const struct mitre **ret);

#endif
