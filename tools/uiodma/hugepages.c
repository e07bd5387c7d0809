// SPDX-License-Identifier: MIT
/*
 * 'uiodma hugepages show|reserve|clean': the kernel's hugepage pools and
 * stale hugetlbfs files.
 */
#include <stdio.h>

#include <uiodma.h>

#include "cli.h"
#include "commands.h"
#include "size.h"

int cmd_hp_show(void)
{
	struct ud_hp_info hp;

	if (ud_hp_discover(&hp) || ud_hp_print(stdout, &hp)) {
		fprintf(stderr, "uiodma hugepages show: %s\n", ud_errmsg());
		return 1;
	}
	return 0;
}

int cmd_hp_reserve(const struct cli *c)
{
	unsigned long granted = 0;
	char sz[24];

	if (ud_hp_set_pages(c->page_size, c->node, c->count, &granted)) {
		fprintf(stderr, "uiodma hugepages reserve: %s\n", ud_errmsg());
		return 1;
	}
	if (c->page_size)
		fmt_size(sz, sizeof(sz), c->page_size);
	else
		snprintf(sz, sizeof(sz), "default-size");
	if (granted < c->count) {
		char where[32] = "";

		if (c->node >= 0)
			snprintf(where, sizeof(where), " on node %d", c->node);
		fprintf(stderr,
			"uiodma hugepages reserve: the kernel gave %lu of %lu %s pages%s: memory is too fragmented or too small; free memory, or reserve them at boot (hugepages=%lu on the kernel command line)\n",
			granted, c->count, sz, where, c->count);
		return 1;
	}
	if (c->node >= 0)
		printf("%lu %s pages reserved on node %d\n", granted, sz, c->node);
	else
		printf("%lu %s pages reserved\n", granted, sz);
	return 0;
}

int cmd_hp_clean(const struct cli *c)
{
	struct ud_clean_stats st;
	long n = ud_hp_clean_stale(c->dir, NULL, &st, stdout);

	if (n < 0) {
		fprintf(stderr, "uiodma hugepages clean: %s\n", ud_errmsg());
		return 1;
	}
	printf("%lu stale file(s) removed (%llu bytes freed), %lu in use kept\n",
	       st.files_removed, (unsigned long long)st.bytes_freed,
	       st.files_in_use);
	return 0;
}
