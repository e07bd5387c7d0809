// SPDX-License-Identifier: MIT
/*
 * edu-dma - DMA through QEMU's edu device from userspace with libuiodma.
 *
 *   edu-dma [--rounds N] [--dma-bits B] [--irq] [--pa pagemap|kpin] PCI_ADDR
 *
 * Reserves two zones of hugepage DMA memory on different hugepages, fills
 * one with a pattern, has the device (edu.c) DMA it into its own buffer and
 * back out into the other zone, and compares.  Each round uses a random
 * length, source offset and device offset.
 *
 *   --rounds N      rounds of copy-in/copy-out (default 4)
 *   --dma-bits B    the device's DMA address width (default 64; QEMU's
 *                   edu without dma_mask= has 28): zones are reserved
 *                   below that limit and every address is checked against it
 *   --irq           wait for completion on the interrupt, not by polling
 *   --pa SOURCE     physical addresses from "pagemap" (default) or "kpin"
 *                   (uio_dma pins the pages, no CAP_SYS_ADMIN needed)
 *
 * Exit status: 0 success, 1 failure, 2 usage.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/app.h"
#include "edu.h"

static int copy_rounds(struct edu *e, struct ud_mem *m, int rounds, unsigned bits)
{
	uint64_t limit = bits >= 64 ? 0 : (1ull << bits) - 1;
	/* Page-aligned: the two zones land on different hugepages. */
	struct ud_zone *src = app_zone(m, "src", 2 * EDU_BUF_SIZE, 2u << 20, limit, UD_ZONE_IOVA_CONTIG);
	struct ud_zone *dst = app_zone(m, "dst", 2 * EDU_BUF_SIZE, 2u << 20, limit, UD_ZONE_IOVA_CONTIG);
	char err[256];
	int bad = 0;

	if (!src || !dst)
		return 1;
	srand(42);
	for (int r = 0; r < rounds; r++) {
		uint32_t len = 1 + (uint32_t)rand() % EDU_MAX_XFER;
		uint32_t doff = (uint32_t)rand() % (EDU_BUF_SIZE - len + 1);
		uint8_t *s = (uint8_t *)ud_zone_addr(src) + rand() % EDU_BUF_SIZE;
		uint8_t *d = (uint8_t *)ud_zone_addr(dst) + rand() % EDU_BUF_SIZE;
		uint64_t siova = ud_virt2iova(s), diova = ud_virt2iova(d);

		for (uint32_t i = 0; i < len; i++)
			s[i] = (uint8_t)(rand() ^ i);
		memset(d, 0, len);
		if (edu_dma(e, siova, doff, len, 1, err, sizeof(err)) ||
		    edu_dma(e, diova, doff, len, 0, err, sizeof(err))) {
			app_err("%s", err);
			return 1;
		}
		printf("round %d: %u bytes, 0x%" PRIx64 " -> device+%u -> 0x%" PRIx64 ": %s\n",
		       r, len, siova, doff, diova, memcmp(s, d, len) ? "MISMATCH" : "ok");
		bad |= memcmp(s, d, len) != 0;
		if (limit && (siova + len - 1 > limit || diova + len - 1 > limit)) {
			printf("  zone above the %u-bit limit\n", bits);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "dma-bits", required_argument, NULL, 'b' },
		{ "irq", no_argument, NULL, 'i' },
		{ "pa", required_argument, NULL, 'p' },
		{ 0 },
	};
	unsigned long long rounds = 4, bits = 64;
	const char *pa = "pagemap";
	struct ud_pa_source kpin;
	struct ud_mem *m;
	struct edu e;
	int c, irq = 0, bad = 0, ret;

	app_init("edu-dma");
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': bad |= app_num("--rounds", optarg, 1, 1000000, &rounds); break;
		case 'b': bad |= app_num("--dma-bits", optarg, 12, 64, &bits); break;
		case 'i': irq = 1; break;
		case 'p': pa = optarg; break;
		default: bad = 1;
		}
	}
	if (bad || optind != argc - 1 || (strcmp(pa, "pagemap") && strcmp(pa, "kpin"))) {
		fprintf(stderr, "usage: edu-dma [--rounds N] [--dma-bits B] [--irq] [--pa pagemap|kpin] PCI_ADDR\n");
		return 2;
	}
	if (edu_open(&e, argv[optind], (unsigned)bits, irq)) {
		edu_close(&e);
		return 1;
	}
	printf("edu %s: id 0x%08x, DMA limit %llu bits, completion by %s, addresses from %s\n",
	       e.addr, edu_id(&e), bits, irq ? "interrupt" : "polling", pa);
	m = app_mem_open("edu-dma", strcmp(pa, "kpin") ? NULL : e.addr, &kpin);
	ret = m ? copy_rounds(&e, m, (int)rounds, (unsigned)bits) : 1;
	ud_mem_close(m);
	edu_close(&e);
	return app_verdict(ret);
}
