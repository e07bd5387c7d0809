// SPDX-License-Identifier: MIT
/*
 * 'uiodma hugepages show|reserve|clean': the kernel's hugepage pools and
 * stale hugetlbfs files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <uiodma.h>

#include "cli.h"
#include "commands.h"
#include "hp_limit.h"
#include "size.h"

int cmd_hp_show(void)
{
	struct ud_hp_info hp;

	if (ud_hp_discover(&hp) || ud_hp_print(stdout, &hp)) {
		cmd_fail("hugepages show");
		return 1;
	}
	return 0;
}

int cmd_hp_reserve(const struct cli *c)
{
	unsigned long granted = 0;
	char sz[24], msg[512];

	if (hp_check_reserve(c->count, c->page_size, c->node, msg, sizeof(msg))) {
		fprintf(stderr, "uiodma hugepages reserve: %s (%s)\n", msg,
			strerror(errno));
		return 1;
	}
	if (ud_hp_set_pages(c->page_size, c->node, c->count, &granted)) {
		cmd_fail("hugepages reserve");
		return 1;
	}
	if (c->page_size)
		fmt_size(sz, sizeof(sz), c->page_size);
	else
		snprintf(sz, sizeof(sz), "default-size");
	/* (a failed growth was undone by the library, which says so) */
	printf("%lu %s pages reserved", granted, sz);
	if (c->node >= 0)
		printf(" on node %d", c->node);
	if (granted > c->count)
		printf(" (%lu more than asked are in use; they go when freed)",
		       granted - c->count);
	printf("\n");
	return 0;
}

int cmd_hp_clean(const struct cli *c)
{
	struct ud_clean_stats st;
	long n = ud_hp_clean_stale(c->dir, NULL, &st, stdout);

	if (n < 0) {
		cmd_fail("hugepages clean");
		return 1;
	}
	printf("%lu stale file(s) removed (%llu bytes freed), %lu in use kept\n",
	       st.files_removed, (unsigned long long)st.bytes_freed,
	       st.files_in_use);
	return 0;
}
