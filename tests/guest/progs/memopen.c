// SPDX-License-Identifier: MIT
/*
 * memopen - open a region of hugepage DMA memory with the defaults (auto
 * IOVA mode; in PA mode the pagemap source: physical addresses) and close
 * it.  Prints "ok, IOVA mode PA" (or VA) and exits 0, or prints the
 * library's error and exits 1.  The guest's IOMMU tests use it: behind a
 * translating IOMMU PA mode must be refused and auto mode must be VA.
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
	printf("ok, IOVA mode %s\n",
	       ud_mem_iova_mode(m) == UD_IOVA_MODE_VA ? "VA" : "PA");
	ud_mem_close(m);
	return 0;
}
