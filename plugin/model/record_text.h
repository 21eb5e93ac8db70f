/* record_text: reads the records of one whole event (as the assembly stage hands it on) the
 * way libauparse would, without libauparse: record.c extracts from it what it extracts
 * from libauparse. Only the record types of exec and write events (SYSCALL, EXECVE, CWD,
 * PATH, then EOE) are read; an event with anything libauparse might read otherwise (another
 * record type, a stamp that is not plain digits or differs between records, a record libauparse
 * would cut, a NUL or 0x1d byte, a key of several names, an empty value) is refused, and goes to libauparse instead.
 * Fields are split as libauparse splits them: on spaces; a token without '=' is not a field;
 * "msg=audit(...)" is skipped, "msg='" dropped from the token; a leading '(' is dropped from
 * a name; one of each trailing ':', ',', '\'' and ')' (but for "(none)", "(null)") is
 * dropped from a value. fuzz/fuzz_record_text.c holds both readers to the same result. Pure:
 * no allocation, no I/O. */
#ifndef ELFWATCH_RECORD_TEXT_H
#define ELFWATCH_RECORD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest record read (libauparse's MAX_AUDIT_MESSAGE_LENGTH); a longer one is refused. */
#define REC_TEXT_MAX 8970
/* The header ([node=N ]type=T msg=audit(STAMP):) must end within this many bytes (libauparse
 * looks for the stamp in a line's first 340). */
#define REC_TEXT_HEADER_MAX 256
/* Lines whose place and type rec_text_begin keeps; later ones are found again (an exec event
 * has ~7 records) */
#define REC_TEXT_LINES 16

struct rec_text {
	const char *text, *end;         /* the event: whole lines */
	const char *rec, *rec_end;      /* the current record, without its '\n' */
	int type;                       /* its AUDIT_* type */
	unsigned line;                  /* its index */
	unsigned nlines;                /* lines in the event */
	uint64_t sec, serial;           /* the event's stamp */
	unsigned milli;
	char *p;                        /* next token in buf */
	const char *name, *value;       /* the current field */
	bool unsure;                    /* set by a field only libauparse reads right */
	/* not cleared by rec_text_begin, filled up to nlines: */
	struct {                        /* the first REC_TEXT_LINES, as rec_text_begin found them */
		uint32_t end;           /* offset of the line's '\n' */
		int type;
	} lines[REC_TEXT_LINES];
	char buf[REC_TEXT_MAX + 1];     /* the current record, split in place; last (not
					 * cleared by rec_text_begin) */
};

/* Check the event [text, text + len) and start reading it (its first record current).
 * 0, or -EAGAIN when libauparse must read it (nothing is read then). */
int rec_text_begin(struct rec_text *t, const char *text, size_t len);

/* Make the first / next record current; false when there is none. */
bool rec_text_first_record(struct rec_text *t);
bool rec_text_next_record(struct rec_text *t);

/* Make the current record's first / next field current (t->name, t->value); false at the
 * end. A field libauparse would read otherwise sets t->unsure (the caller gives up). */
bool rec_text_first_field(struct rec_text *t);
bool rec_text_next_field(struct rec_text *t);

/* The value of the current record's first field called name, from its first field on, or
 * NULL (then t->unsure: libauparse would look on in the next records). */
const char *rec_text_find_field(struct rec_text *t, const char *name);

#endif
