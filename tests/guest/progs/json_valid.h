/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON (RFC 8259) validator: one value, nothing after it but
 * whitespace; strings with valid escapes, no raw control characters and
 * valid UTF-8; numbers in JSON's grammar; nesting up to 64 levels.
 * Header-only, shared by tests/guest/progs/jsoncheck.c and the unit tests.
 */
#ifndef JSON_VALID_H
#define JSON_VALID_H

#include <stddef.h>
#include <string.h>

struct jv {
	const unsigned char *p, *end;
	int depth;
	const char *err;
	size_t err_at;
	const unsigned char *start;
};

static int jv_fail(struct jv *j, const char *why)
{
	if (!j->err) {
		j->err = why;
		j->err_at = (size_t)(j->p - j->start);
	}
	return -1;
}

static void jv_ws(struct jv *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jv_lit(struct jv *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return jv_fail(j, "bad literal");
	j->p += n;
	return 0;
}

static int jv_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int jv_string(struct jv *j)
{
	j->p++;	/* opening quote */
	while (j->p < j->end) {
		unsigned char c = *j->p;

		if (c == '"') {
			j->p++;
			return 0;
		}
		if (c < 0x20)
			return jv_fail(j, "raw control character in string");
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				break;
			if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
				j->p++;
			} else if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (j->p + i >= j->end || !jv_hex(j->p[i]))
						return jv_fail(j, "bad \\u escape");
				j->p += 5;
			} else {
				return jv_fail(j, "bad escape");
			}
			continue;
		}
		if (c < 0x80) {
			j->p++;
			continue;
		}
		/* UTF-8 */
		{
			int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
				c >= 0xf0 && c <= 0xf4 ? 4 : 0;
			unsigned int cp = n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;

			if (!n || j->end - j->p < n)
				return jv_fail(j, "invalid UTF-8");
			for (int i = 1; i < n; i++) {
				if ((j->p[i] & 0xc0) != 0x80)
					return jv_fail(j, "invalid UTF-8");
				cp = cp << 6 | (j->p[i] & 0x3f);
			}
			if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				return jv_fail(j, "invalid UTF-8");
			j->p += n;
		}
	}
	return jv_fail(j, "unterminated string");
}

static int jv_digits(struct jv *j)
{
	const unsigned char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : jv_fail(j, "digit expected");
}

static int jv_number(struct jv *j)
{
	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (jv_digits(j))
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (jv_digits(j))
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (jv_digits(j))
			return -1;
	}
	return 0;
}

static int jv_value(struct jv *j);

static int jv_container(struct jv *j, int obj)
{
	if (++j->depth > 64)
		return jv_fail(j, "nested too deeply");
	j->p++;
	jv_ws(j);
	if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		jv_ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return jv_fail(j, "object key expected");
			if (jv_string(j))
				return -1;
			jv_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return jv_fail(j, "':' expected");
			j->p++;
		}
		if (jv_value(j))
			return -1;
		jv_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
			j->p++;
			j->depth--;
			return 0;
		}
		return jv_fail(j, obj ? "',' or '}' expected" : "',' or ']' expected");
	}
}

static int jv_value(struct jv *j)
{
	jv_ws(j);
	if (j->p >= j->end)
		return jv_fail(j, "value expected");
	switch (*j->p) {
	case '{': return jv_container(j, 1);
	case '[': return jv_container(j, 0);
	case '"': return jv_string(j);
	case 't': return jv_lit(j, "true");
	case 'f': return jv_lit(j, "false");
	case 'n': return jv_lit(j, "null");
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return jv_number(j);
		return jv_fail(j, "value expected");
	}
}

/*
 * json_valid() - 1 if @s[0..@len) is one valid JSON text, else 0 with
 * *@err (if not NULL) describing the first problem and *@at its offset.
 */
static inline int json_valid(const char *s, size_t len, const char **err,
			     size_t *at)
{
	struct jv j = { (const unsigned char *)s, (const unsigned char *)s + len,
			0, NULL, 0, (const unsigned char *)s };

	if (jv_value(&j) == 0) {
		jv_ws(&j);
		if (j.p != j.end)
			jv_fail(&j, "trailing data after the value");
	}
	if (err)
		*err = j.err;
	if (at)
		*at = j.err_at;
	return j.err == NULL;
}

#endif /* JSON_VALID_H */
