// SPDX-License-Identifier: MIT
/* Strict parsers of the numbers the kernel writes in sysfs and procfs. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>

#include "parse.h"

static int digit_value(char c, int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < base ? d : -1;
}

/* Digits of @base at *@s into *@v, advancing *@s; -1 if none or overflow. */
static int digits(const char **s, int base, unsigned long *v)
{
	const char *p = *s;
	unsigned long r = 0;
	int d;

	for (; (d = digit_value(*p, base)) >= 0; p++) {
		if (r > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
			return -1;
		r = r * (unsigned long)base + (unsigned long)d;
	}
	if (p == *s)
		return -1;
	*s = p;
	*v = r;
	return 0;
}

int ud_parse_ulong(const char *s, int base, unsigned long *v)
{
	unsigned long r;

	if (base == 0) {
		base = 10;
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		}
	}
	if ((base != 10 && base != 16) || digits(&s, base, &r))
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return -1;
	*v = r;
	return 0;
}

size_t ud_parse_size(const char *s)
{
	unsigned long v;
	unsigned int shift = 0;

	if (digits(&s, 10, &v))
		return 0;
	switch (*s) {
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	}
	if (*s || v > (SIZE_MAX >> shift))
		return 0;
	return (size_t)v << shift;
}
