// SPDX-License-Identifier: MIT
/* Reading one-line sysfs attributes. */
#include <stdio.h>
#include <string.h>

#include "sysfs.h"

int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
