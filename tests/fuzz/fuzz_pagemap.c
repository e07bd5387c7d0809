// SPDX-License-Identifier: MIT
/*
 * ud_pagemap_decode(): any 64-bit entry, address and base page size is
 * safe; an accepted entry gives the address of the byte: its page is the
 * entry's PFN, its offset the address's, and it is never 0.
 */
#include "fuzz.h"
#include "mem_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t e, va, pa = 0;
	size_t psz;

	if (size < 17)
		return 0;
	memcpy(&e, data, 8);
	memcpy(&va, data + 8, 8);
	psz = (size_t)4096 << (data[16] % 3 * 1);	/* 4, 8 or 16 KiB pages */
	if (ud_pagemap_decode(e, (uintptr_t)va, psz, &pa) == 0) {
		uint64_t pfn = e & ((1ULL << 55) - 1);

		FUZZ_REQUIRE(pa != 0, "entry %#llx gave address 0",
			     (unsigned long long)e);
		FUZZ_REQUIRE(pa % psz == va % psz, "offset lost");
		FUZZ_REQUIRE(pa / psz == pfn, "entry %#llx (PFN %#llx, %zu-byte "
			     "pages) gave %#llx: the PFN does not fit",
			     (unsigned long long)e, (unsigned long long)pfn, psz,
			     (unsigned long long)pa);
	}
	return 0;
}
