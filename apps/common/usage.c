// SPDX-License-Identifier: MIT
/* The example applications' usage texts; see usage.h. */
#include <stdio.h>
#include <string.h>

#include "usage.h"

int app_help_asked(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

int app_usage(const char *text, int asked)
{
	const char *end = strstr(text, "\n\n");
	const char *name = text + strlen("usage: "), *p = name;

	if (asked) {
		fputs(text, stdout);
		return 0;
	}
	/* the command: the words up to the first option or operand
	 * ("nvme-rw bench [OPTIONS] ..." -> "nvme-rw bench") */
	while (*p >= 'a' && *p <= 'z') {
		p += strcspn(p, " \n");
		if (p[0] == ' ' && p[1] >= 'a' && p[1] <= 'z')
			p++;
		else
			break;
	}
	/* an error: the synopsis, and where the options are described */
	fprintf(stderr, "%.*s\n(%.*s --help describes the options)\n",
		end ? (int)(end - text) : (int)strlen(text) - 1, text,
		(int)(p - name), name);
	return 2;
}
