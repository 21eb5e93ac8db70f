/* record_decode: number parsers shared by record.c's extraction (the string decoders are
 * in record.h: rec_decode_value, rec_parse_dev). */
#ifndef ELFWATCH_RECORD_DECODE_H
#define ELFWATCH_RECORD_DECODE_H

#include <stdbool.h>

#include "model/record.h"

/* An unsigned number in base 8, 10 or 16, the whole string; false on junk or overflow. */
bool rec_parse_u64(const char *s, unsigned base, unsigned long long *ret);

/* A signed decimal (exit=-2) or unsigned number, or REC_ID_UNSET. */
long long rec_parse_ll(const char *s, int base);

#endif
