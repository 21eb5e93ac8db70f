#include "model/record_text.h"

#include <errno.h>
#include <string.h>

#include <libaudit.h>

/* The type of a record named [s, s + n), or 0 for one this reader does not take. */
static int type_of(const char *s, size_t n)
{
#define T(name, v) if (n == sizeof(name) - 1 && memcmp(s, name, n) == 0) return v
	T("SYSCALL", AUDIT_SYSCALL);
	T("EXECVE", AUDIT_EXECVE);
	T("CWD", AUDIT_CWD);
	T("PATH", AUDIT_PATH);
	T("EOE", AUDIT_EOE);
#undef T
	return 0;
}

/* 1 to max plain decimal digits at p, then stop: what strtoul reads alike whatever its
 * base rules. Returns what follows stop, or NULL. */
static const char *digits(const char *p, const char *end, size_t max, char stop, uint64_t *ret)
{
	const char *start = p;
	uint64_t v = 0;

	while (p < end && (unsigned char)(*p - '0') < 10 && (size_t)(p - start) < max)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == start || p >= end || *p != stop)
		return NULL;
	*ret = v;
	return p + 1;
}

struct head {
	int type;
	size_t node_len;                /* "node=N " with its space, or 0 */
	const char *stamp;              /* "msg=audit(...):" */
	size_t stamp_len;
	uint64_t sec, milli, serial;
};

/* The header of the record line [line, end): [node=N ]type=T msg=audit(SEC.MSE:SERIAL):
 * with single spaces, a type this reader takes, the stamp in plain digits and within
 * REC_TEXT_HEADER_MAX bytes. False otherwise. */
static bool parse_head(const char *line, const char *end, struct head *h)
{
	const char *p = line, *sp, *q;
	const char *lim = end - line > REC_TEXT_HEADER_MAX ? line + REC_TEXT_HEADER_MAX : end;

	h->node_len = 0;
	if (lim - p > 5 && memcmp(p, "node=", 5) == 0) {
		sp = memchr(p, ' ', (size_t)(lim - p));
		if (!sp || sp == p + 5)     /* libauparse makes no event of an empty node name */
			return false;
		p = sp + 1;
		h->node_len = (size_t)(p - line);
	}
	if (lim - p < 5 || memcmp(p, "type=", 5) != 0 || !(sp = memchr(p, ' ', (size_t)(lim - p))) ||
	    !(h->type = type_of(p + 5, (size_t)(sp - p - 5))))
		return false;
	h->stamp = p = sp + 1;
	if (lim - p < 10 || memcmp(p, "msg=audit(", 10) != 0 ||
	    !(p = digits(p + 10, lim, 12, '.', &h->sec)) ||
	    !(q = digits(p, lim, 3, ':', &h->milli)) || q - p != 4 ||
	    !(p = digits(q, lim, 19, ')', &h->serial)) || p >= lim || *p != ':' ||
	    h->sec == 0)                /* libauparse takes second 0 for no stamp */
		return false;
	p++;
	if (p < end && *p != ' ')       /* "):x=1" is one token, skipped whole */
		return false;
	h->stamp_len = (size_t)(p - h->stamp);
	return true;
}

/* A later record's header, [line, end): the first record's node prefix, a type this reader
 * takes, then byte for byte the first record's stamp (checked by parse_head) ending within
 * REC_TEXT_HEADER_MAX bytes and followed by a space or the line's end: what parse_head and
 * a comparison of the two stamps accept, without reading the digits again. Its type, or 0. */
static int later_head(const char *line, const char *end, const char *text, const struct head *first)
{
	const char *p = line + first->node_len, *sp;
	const char *lim = end - line > REC_TEXT_HEADER_MAX ? line + REC_TEXT_HEADER_MAX : end;
	int type;

	if (first->node_len && (lim - line <= (ptrdiff_t)first->node_len ||
				memcmp(line, text, first->node_len) != 0))
		return 0;
	if (lim - p < 5 || memcmp(p, "type=", 5) != 0 || !(sp = memchr(p, ' ', (size_t)(lim - p))) ||
	    !(type = type_of(p + 5, (size_t)(sp - p - 5))))
		return 0;
	p = sp + 1;
	if ((size_t)(lim - p) < first->stamp_len || memcmp(p, first->stamp, first->stamp_len) != 0)
		return 0;
	p += first->stamp_len;
	return p == end || *p == ' ' ? type : 0;
}

int rec_text_begin(struct rec_text *t, const char *text, size_t len)
{
	const char *end = text + len, *line = text;
	struct head first = { 0 };
	int last = 0;

	memset(t, 0, offsetof(struct rec_text, lines));
	/* a NUL ends a record for libauparse; 0x1d starts interpretations (ENRICHED), which
	 * assembly cuts off; offsets are kept in 32 bits */
	if (len == 0 || len > UINT32_MAX || end[-1] != '\n' || memchr(text, '\0', len) ||
	    memchr(text, 0x1d, len))
		return -EAGAIN;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));

		/* an EOE ends an event in libauparse: only the last record may be one */
		if (last == AUDIT_EOE || (size_t)(nl - line) > REC_TEXT_MAX)
			return -EAGAIN;
		if (line == text) {
			if (!parse_head(line, nl, &first))
				return -EAGAIN;
			last = first.type;
		} else if (!(last = later_head(line, nl, text, &first))) {
			return -EAGAIN;
		}
		if (t->nlines < REC_TEXT_LINES) {
			t->lines[t->nlines].end = (uint32_t)(nl - text);
			t->lines[t->nlines].type = last;
		}
		t->nlines++;
		line = nl + 1;
	}
	/* libauparse makes no event of a lone EOE */
	if (last != AUDIT_EOE || first.type == AUDIT_EOE)
		return -EAGAIN;
	t->text = text;
	t->end = end;
	t->sec = first.sec;
	t->milli = (unsigned)first.milli;
	t->serial = first.serial;
	return rec_text_first_record(t) ? 0 : -EAGAIN;
}

/* Make line number i, starting at line, current (its header was checked by rec_text_begin). */
static bool load(struct rec_text *t, unsigned i, const char *line)
{
	const char *p = line, *sp;

	if (i >= t->nlines)
		return false;
	t->line = i;
	t->rec = line;
	t->p = NULL;
	if (i < REC_TEXT_LINES) {
		t->rec_end = t->text + t->lines[i].end;
		t->type = t->lines[i].type;
		return true;
	}
	t->rec_end = memchr(line, '\n', (size_t)(t->end - line));
	if (memcmp(p, "node=", 5) == 0)
		p = (const char *)memchr(p, ' ', (size_t)(t->rec_end - p)) + 1;
	sp = memchr(p, ' ', (size_t)(t->rec_end - p));
	t->type = type_of(p + 5, (size_t)(sp - p - 5));
	return true;
}

bool rec_text_first_record(struct rec_text *t)
{
	return load(t, 0, t->text);
}

bool rec_text_next_record(struct rec_text *t)
{
	return t->rec && load(t, t->line + 1, t->rec_end + 1);
}

bool rec_text_first_field(struct rec_text *t)
{
	size_t n = (size_t)(t->rec_end - t->rec);

	memcpy(t->buf, t->rec, n);
	t->buf[n] = '\0';
	t->p = t->buf;
	return rec_text_next_field(t);
}

/* what ends a token's name: its '=', or the token without one */
static const bool name_stop[256] = { ['\0'] = true, [' '] = true, ['='] = true };

/* libauparse's split of a record into fields, token by token (ellist.c parse_up_record). */
bool rec_text_next_field(struct rec_text *t)
{
	char *p = t->p;

	if (!p)
		return false;
	for (;;) {
		char *tok, *eq, *v, *e;
		size_t n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		tok = p;
		for (eq = tok; !name_stop[(unsigned char)*eq]; eq++)
			;
		e = *eq == '=' ? strchrnul(eq, ' ') : eq;
		p = *e ? e + 1 : e;
		if (*eq != '=')
			continue;               /* no '=': not a field */
		*e = '\0';
		if (eq - tok == 3 && memcmp(tok, "msg", 3) == 0) {
			if (eq[1] == 'a')
				continue;       /* the msg=audit(...): stamp */
			if (eq[1] == '\'') {
				tok = eq + 2;
				if (!(eq = strchr(tok, '=')))
					continue;
			}
		}
		*eq = '\0';
		v = eq + 1;
		if (*tok == '(')
			tok++;
		n = (size_t)(e - v);
		if (n && v[n - 1] == ':')
			v[--n] = '\0';
		if (n && v[n - 1] == ',')
			v[--n] = '\0';
		if (n && v[n - 1] == '\'')
			v[--n] = '\0';
		if (n && v[n - 1] == ')' && !(n == 6 && (memcmp(v, "(none)", 6) == 0 ||
							   memcmp(v, "(null)", 6) == 0)))
			v[--n] = '\0';
		/* a key not in quotes is hex of several keys, which libauparse splits; an
		 * empty value libauparse does not hand on as one */
		if (n == 0 || (tok[0] == 'k' && tok[1] == 'e' && tok[2] == 'y' && tok[3] == '\0' &&
			       *v != '(' && *v != '"'))
			t->unsure = true;
		t->name = tok;
		t->value = v;
		t->p = p;
		return true;
	}
	t->p = p;
	t->name = t->value = NULL;
	return false;
}

const char *rec_text_find_field(struct rec_text *t, const char *name)
{
	for (bool ok = rec_text_first_field(t); ok; ok = rec_text_next_field(t))
		if (strcmp(t->name, name) == 0)
			return t->value;
	t->unsure = true;
	return NULL;
}
