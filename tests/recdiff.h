/* recdiff: holds record_text.c to libauparse. One event's text (as assembly hands it on)
 * goes through rec_extract_text and, in a fresh feed state, through libauparse and
 * rec_extract; the two rec_events must agree field by field. Shared by
 * tests/test_record_text.c and fuzz/fuzz_record_text.c. */
#ifndef ELFWATCH_RECDIFF_H
#define ELFWATCH_RECDIFF_H

#include <stddef.h>

#include "model/record.h"

enum recdiff_result {
	RECDIFF_REFUSED,        /* rec_extract_text left it to libauparse */
	RECDIFF_SAME,
	RECDIFF_DIFFERENT,      /* why says where */
};

/* What libauparse (in a fresh feed state) and rec_extract make of text, into lib: the result of
 * rec_extract, or -1000 when libauparse made no event of it. events: how many it made. */
int recdiff_lib(const char *text, size_t len, struct rec_event *lib, int *events);

/* lib and text: initialised events (rec_event_init with the same limits). */
enum recdiff_result recdiff_event(const char *text, size_t len, struct rec_event *lib,
				  struct rec_event *txt, char *why, size_t why_len);

#endif
