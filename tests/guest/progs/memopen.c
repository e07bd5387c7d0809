// SPDX-License-Identifier: MIT
/*
 * memopen - open a region of hugepage DMA memory with the defaults (the
 * pagemap source: physical addresses) and close it.  Prints "ok" and exits
 * 0, or prints the library's error and exits 1.  The guest's IOMMU tests
 * use it: behind a translating IOMMU ud_mem_open() must refuse.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <uiodma.h>

int main(void)
{
	struct ud_mem *m = ud_mem_open(NULL);

	if (!m) {
		fprintf(stderr, "memopen: ud_mem_open: %s (errno %s)\n",
			ud_errmsg(), strerrorname_np(errno));
		return 1;
	}
	ud_mem_close(m);
	printf("ok\n");
	return 0;
}
