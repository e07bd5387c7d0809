// SPDX-License-Identifier: MIT
/* /proc/self/mountinfo: parse a line, walk the entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"

char *ud_unescape_octal(char *s)
{
	char *in = s, *o = s;

	while (*in) {
		/* (\000 stays as it is: no name holds a NUL, and decoding
		 * it would cut the string short) */
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
		    in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7' &&
		    !(in[1] == '0' && in[2] == '0' && in[3] == '0')) {
			*o++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 +
				      (in[3] - '0'));
			in += 4;
		} else {
			*o++ = *in++;
		}
	}
	*o = '\0';
	return s;
}

int ud_mountinfo_parse(char *line, struct ud_mountinfo *mi)
{
	char *tok[6], *save = NULL, *t, *fstype, *source, *superopts;
	unsigned int maj, min;
	char tail;

	line[strcspn(line, "\n")] = '\0';
	/* id parent maj:min root mnt opts */
	for (int n = 0; n < 6; n++) {
		tok[n] = strtok_r(n ? NULL : line, " ", &save);
		if (!tok[n])
			return -1;
	}
	/* optional fields up to the lone "-" */
	do
		t = strtok_r(NULL, " ", &save);
	while (t && strcmp(t, "-"));
	if (!t)
		return -1;
	fstype = strtok_r(NULL, " ", &save);
	source = strtok_r(NULL, " ", &save);
	superopts = strtok_r(NULL, " ", &save);
	if (!fstype || !source ||
	    sscanf(tok[2], "%u:%u%c", &maj, &min, &tail) != 2)
		return -1;
	mi->major = maj;
	mi->minor = min;
	mi->root = ud_unescape_octal(tok[3]);
	mi->mnt = ud_unescape_octal(tok[4]);
	mi->fstype = ud_unescape_octal(fstype);
	mi->source = ud_unescape_octal(source);
	mi->superopts = superopts ? superopts : "";
	return 0;
}

int ud_mountinfo_each(int (*fn)(const struct ud_mountinfo *mi, void *arg),
		      void *arg)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	if (!f)
		return -1;
	while (!r && getline(&line, &cap, f) > 0) {
		struct ud_mountinfo mi;

		if (ud_mountinfo_parse(line, &mi) == 0)
			r = fn(&mi, arg);
	}
	free(line);
	fclose(f);
	return r;
}
