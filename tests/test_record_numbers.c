/* record numbers: rec_parse_u64 and rec_parse_ll read a field's whole value in base 8, 10 or
 * 16 as strtoull would without its sign, space and prefix leniency, and refuse junk and
 * overflow by one. An event's stamp is held to [0, REC_SEC_MAX] seconds by either reader,
 * so that the time arithmetic after it cannot overflow (the id keeps the stamp's text). */
#include <limits.h>
#include <stdio.h>

#include <string.h>

#include "model/record.h"
#include "model/record_decode.h"
#include "recdiff.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void test_u64(void)
{
	static const struct {
		const char *s;
		unsigned base;
		bool ok;
		unsigned long long want;
	} rows[] = {
		{ "0", 10, true, 0 },
		{ "59", 10, true, 59 },
		{ "4294967295", 10, true, 4294967295ull },
		{ "999999999999999999", 10, true, 999999999999999999ull },      /* 18 digits */
		{ "18446744073709551615", 10, true, ULLONG_MAX },
		{ "18446744073709551616", 10, false, 0 },
		{ "99999999999999999999", 10, false, 0 },
		{ "00000000000000000000000000059", 10, true, 59 },              /* zeros never overflow */
		{ "1a", 10, false, 0 },
		{ "-1", 10, false, 0 },
		{ "+1", 10, false, 0 },
		{ " 1", 10, false, 0 },
		{ "1 ", 10, false, 0 },
		{ "", 10, false, 0 },
		{ "c000003e", 16, true, 0xc000003eull },
		{ "C000003E", 16, true, 0xc000003eull },
		{ "7ffd1c2e8a10", 16, true, 0x7ffd1c2e8a10ull },
		{ "ffffffffffffffff", 16, true, ULLONG_MAX },
		{ "10000000000000000", 16, false, 0 },
		{ "0x10", 16, false, 0 },
		{ "g", 16, false, 0 },
		{ "100755", 8, true, 0100755 },
		{ "1777777777777777777777", 8, true, ULLONG_MAX },
		{ "2000000000000000000000", 8, false, 0 },
		{ "8", 8, false, 0 },
		{ "19", 8, false, 0 },
		{ "1", 2, false, 0 },                                           /* no other base */
	};

	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		unsigned long long v = 12345;
		bool ok = rec_parse_u64(rows[i].s, rows[i].base, &v);

		tap_ok(ok == rows[i].ok && (ok ? v == rows[i].want : v == 12345),
		       "u64 '%s' base %u -> %s", rows[i].s, rows[i].base,
		       rows[i].ok ? "read" : "refused, result untouched");
	}
	tap_ok(!rec_parse_u64(NULL, 10, &(unsigned long long){ 0 }), "u64 NULL refused");
}

static void test_ll(void)
{
	static const struct {
		const char *s;
		int base;
		long long want;
	} rows[] = {
		{ "-2", 10, -2 },
		{ "-9223372036854775807", 10, -LLONG_MAX },
		{ "9223372036854775807", 10, LLONG_MAX },
		{ "9223372036854775808", 10, REC_ID_UNSET },
		{ "4294967295", 10, 4294967295ll },
		{ "-", 10, REC_ID_UNSET },
		{ "--1", 10, REC_ID_UNSET },
		{ "-1", 16, REC_ID_UNSET },                     /* a sign only in base 10 */
		{ "c000003e", 16, 0xc000003ell },
		{ "0100644", 8, 0100644 },
		{ "x", 10, REC_ID_UNSET },
	};

	for (size_t i = 0; i < N_ELEMS(rows); i++)
		tap_ok(rec_parse_ll(rows[i].s, rows[i].base) == rows[i].want, "ll '%s' base %d",
		       rows[i].s, rows[i].base);
	tap_ok(rec_parse_ll(NULL, 10) == REC_ID_UNSET, "ll NULL unset");
}

static void test_stamps(void)
{
	static const struct {
		const char *stamp;
		long long want;
		bool text;      /* the text reader reads it (else libauparse) */
		int lib;        /* rec_extract's result through libauparse; -1: its version decides */
		const char *id; /* the event id, if not the stamp */
	} rows[] = {
		{ "1795365073.725:1433", 1795365073, true, 1, NULL },
		{ "1.000:1", 1, true, 1, NULL },
		{ "999999999999.999:1", 999999999999, true, 1, NULL },
		/* libauparse takes second 0 for no stamp and gives the records no fields */
		{ "0.001:1", 0, false, 0, NULL },
		{ "1000000000000.000:1", REC_SEC_MAX, false, 1, NULL },
		{ "1795365073795366040.725:1433", REC_SEC_MAX, false, 1, NULL }, /* * 1000 overflowed */
		/* libauparse 3.0.9 and 4.0 read a negative time_t (strtoul of 2^64 - 1), 4.2 no
		 * event at all */
		{ "18446744073709551615.000:1", REC_SEC_MAX, false, -1, "-1.000:1" },
	};
	static const struct rec_limits limits = { 8192 };
	struct rec_event lib, txt;
	char text[2048], why[256];

	rec_event_init(&lib, &limits);
	rec_event_init(&txt, &limits);
	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		const char *s = rows[i].stamp;
		enum recdiff_result r;
		int lib_r, events;
		int n = snprintf(text, sizeof(text),
			"type=SYSCALL msg=audit(%s): arch=c000003e syscall=59 success=yes exit=0 a0=1 "
			"a1=2 a2=3 a3=4 items=1 ppid=1 pid=2 auid=0 uid=0 euid=0 tty=(none) ses=1 "
			"comm=\"true\" exe=\"/usr/bin/true\" key=(null)\n"
			"type=CWD msg=audit(%s): cwd=\"/\"\n"
			"type=EOE msg=audit(%s):\n", s, s, s);

		why[0] = '\0';
		r = recdiff_event(text, (size_t)n, &lib, &txt, why, sizeof(why));
		tap_ok(r == (rows[i].text ? RECDIFF_SAME : RECDIFF_REFUSED), "stamp %s: %s%s%s", s,
		       rows[i].text ? "both readers agree" : "left to libauparse", why[0] ? ": " : "", why);
		lib_r = recdiff_lib(text, (size_t)n, &lib, &events);
		if (rows[i].lib < 0 && events == 0) {
			tap_ok(1, "stamp %s through libauparse: no event (this version refuses it)", s);
			continue;
		}
		tap_ok(lib_r == (rows[i].lib < 0 ? 1 : rows[i].lib) && events == 1 &&
		       (lib_r != 1 || (lib.sec == rows[i].want &&
					   strcmp(lib.id, rows[i].id ? rows[i].id : s) == 0)),
		       "stamp %s through libauparse: sec %lld (want %lld), id %s", s,
		       (long long)lib.sec, rows[i].want, lib.id);
	}
	rec_event_free(&lib);
	rec_event_free(&txt);
}

int main(void)
{
	test_u64();
	test_ll();
	test_stamps();
	return tap_done();
}
