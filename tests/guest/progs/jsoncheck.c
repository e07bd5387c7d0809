// SPDX-License-Identifier: MIT
/*
 * jsoncheck - exit 0 if standard input is one strict JSON text (RFC 8259),
 * else print where it goes wrong and exit 1.  The guest has no python.
 */
#include <stdio.h>
#include <stdlib.h>

#include "json_valid.h"

int main(void)
{
	size_t len = 0, cap = 1 << 16, at;
	char *buf = malloc(cap);
	const char *err;
	size_t n;

	if (!buf)
		return 2;
	while ((n = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap) {
			char *p = realloc(buf, cap *= 2);

			if (!p)
				return 2;
			buf = p;
		}
	}
	if (!json_valid(buf, len, &err, &at)) {
		fprintf(stderr, "jsoncheck: invalid JSON at byte %zu: %s\n", at, err);
		fprintf(stderr, "  near: %.40s\n", buf + (at > 20 ? at - 20 : 0));
		free(buf);
		return 1;
	}
	printf("valid JSON, %zu bytes\n", len);
	free(buf);
	return 0;
}
