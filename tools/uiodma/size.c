// SPDX-License-Identifier: MIT
/* Byte sizes as text, both ways: "2M" to 2097152 and back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

int parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (shift && (!strcmp(end, "B") || !strcmp(end, "iB") || !strcmp(end, "b")))
		end += strlen(end);
	if (*end || v == 0 || v > (~0ULL >> shift))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

void fmt_size(char *buf, size_t len, size_t bytes)
{
	if (bytes >= (1UL << 30) && !(bytes & ((1UL << 30) - 1)))
		snprintf(buf, len, "%zuG", bytes >> 30);
	else if (bytes >= (1UL << 20) && !(bytes & ((1UL << 20) - 1)))
		snprintf(buf, len, "%zuM", bytes >> 20);
	else
		snprintf(buf, len, "%zuk", bytes >> 10);
}
