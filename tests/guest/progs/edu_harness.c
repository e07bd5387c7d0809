// SPDX-License-Identifier: MIT
/*
 * edu_harness - the guest tests' checks of what edu-dma's driver
 * (apps/edu-dma/edu.c) and the library's address sources promise, beside
 * the copies edu-dma itself makes.
 *
 *   edu_harness refusal BITS PCI_ADDR
 *	find hugepage memory above a BITS-bit DMA limit and check that
 *	edu_dma() refuses it with ERANGE before touching the device
 *   edu_harness compare-pa PCI_ADDR
 *	with addresses from uio_dma's pin source (kpin), check that every
 *	hugepage of a zone has the address pagemap gives
 *   edu_harness trip-check PCI_ADDR
 *	check that edu-dma's round-trip check (apps/edu-dma/trip.c) sees a
 *	wrong byte: a true round trip passes, one whose way back writes one
 *	byte more is caught at exactly that byte
 *
 * Prints what it saw; exit status 0 when the promise holds, 1 when not,
 * 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "edu-dma/edu.h"
#include "edu-dma/trip.h"

/* Memory above the device's limit must be refused before any register write. */
static int refusal(struct edu *e, struct ud_mem *m, unsigned bits)
{
	uint64_t limit = (1ull << bits) - 1;
	char err[512], name[16];

	for (int i = 0; i < 256; i++) {
		struct ud_zone *z;
		uint64_t iova;

		snprintf(name, sizeof(name), "probe%d", i);
		z = app_zone(m, name, EDU_BUF_SIZE, 2u << 20, 0, UD_ZONE_IOVA_CONTIG);
		if (!z)
			return 1;
		iova = ud_zone_iova(z);
		if (iova + EDU_MAX_XFER <= limit)
			continue;
		if (edu_dma(e, iova, 0, EDU_MAX_XFER, 1, err, sizeof(err)) == 0) {
			printf("DMA to IOVA 0x%" PRIx64 " above the limit was sent\n", iova);
			return 1;
		}
		printf("refused (errno %d): %s\n", errno, err);
		return errno != ERANGE;
	}
	printf("no hugepage above the %u-bit limit to test with\n", bits);
	return 1;
}

static int compare_pa(struct ud_mem *m)
{
	struct ud_zone *z = app_zone(m, "cmp", 8u << 20, 0, 0, 0);
	int bad = 0;

	if (!z)
		return 1;
	for (size_t off = 0; off < ud_zone_len(z); off += 2u << 20) {
		uint8_t *va = (uint8_t *)ud_zone_addr(z) + off;
		uint64_t pm, lib = ud_virt2iova(va);

		if (ud_pagemap_virt2phys(va, &pm)) {
			app_err("pagemap: %s", ud_errmsg());
			return 1;
		}
		printf("page at +%zu MiB: library 0x%" PRIx64 " pagemap 0x%" PRIx64 "\n",
		       off >> 20, lib, pm);
		bad |= lib != pm;
	}
	return bad;
}

static int trip_check(struct edu *e, struct ud_mem *m)
{
	struct edu_trip t;
	struct edu_trip_round r;
	char err[256];
	size_t w;

	if (edu_trip_init(&t, m, 0, 7))
		return 1;
	do
		edu_trip_next(&t, &r);
	while (r.dev_off + r.len + 1 > EDU_MAX_XFER ||
	       r.src_off + r.len + 1 > EDU_TRIP_AREA ||
	       r.dst_off + r.len + 1 > EDU_TRIP_AREA);
	if (edu_trip_dma(e, &t, &r, r.len, r.len, err, sizeof(err)))
		return app_err("%s", err) < 0;
	w = edu_trip_check(&t, &r);
	printf("round trip of %u bytes: %s\n", r.len,
	       w == EDU_TRIP_AREA ? "every byte right" : "a byte wrong");
	if (w != EDU_TRIP_AREA)
		return 1;
	/* The device buffer's next byte is made unlike the guard. */
	t.src[r.src_off + r.len] = (uint8_t)~EDU_TRIP_GUARD;
	if (edu_trip_dma(e, &t, &r, r.len + 1, r.len + 1, err, sizeof(err)))
		return app_err("%s", err) < 0;
	w = edu_trip_check(&t, &r);
	printf("the same with one byte too many written back: the check names byte %zu of the destination area (the first past the copy: %zu)\n",
	       w, r.dst_off + r.len);
	return w != r.dst_off + r.len;
}

int main(int argc, char **argv)
{
	int is_refusal = argc == 4 && !strcmp(argv[1], "refusal");
	int is_trip = argc == 3 && !strcmp(argv[1], "trip-check");
	unsigned long long bits = 64;
	struct ud_pa_source kpin;
	struct ud_mem *m;
	struct edu e;
	int ret;

	app_init("edu_harness");
	if (!is_refusal && !is_trip &&
	    !(argc == 3 && !strcmp(argv[1], "compare-pa"))) {
		fprintf(stderr, "usage: edu_harness refusal BITS PCI_ADDR | compare-pa PCI_ADDR | trip-check PCI_ADDR\n");
		return 2;
	}
	if (is_refusal && app_num("BITS", argv[2], 12, 63, &bits))
		return 2;
	if (edu_open(&e, argv[argc - 1], (unsigned)bits, 0)) {
		edu_close(&e);
		return 1;
	}
	m = app_mem_open("edu_harness", is_refusal || is_trip ? NULL : e.addr, &kpin);
	ret = !m ? 1 : is_refusal ? refusal(&e, m, (unsigned)bits)
		 : is_trip ? trip_check(&e, m) : compare_pa(m);
	ud_mem_close(m);
	edu_close(&e);
	return app_verdict(ret);
}
