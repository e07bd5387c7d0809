// SPDX-License-Identifier: MIT
/*
 * edu-dma - DMA through QEMU's edu device from userspace with libuiodma.
 *
 *   edu-dma [OPTIONS] PCI_ADDR
 *
 * Reserves two zones of hugepage DMA memory on different hugepages, fills
 * one with a pattern, has the device DMA it into its own buffer and back
 * out into the other zone, and compares.  Each round uses a random length,
 * source offset and device offset.
 *
 *   --rounds N      rounds of copy-in/copy-out (default 4)
 *   --dma-bits B    the device's DMA address width (default 64; QEMU's
 *                   edu without dma_mask= has 28): zones are reserved
 *                   below that limit and every address is checked against it
 *   --irq           wait for completion on the interrupt, not by polling
 *   --pa SOURCE     physical addresses from "pagemap" (default) or "kpin"
 *                   (uio_dma pins the pages, no CAP_SYS_ADMIN needed)
 *   --refusal       instead of copying, find memory above the DMA limit and
 *                   check that edu_dma() refuses it before touching the device
 *   --compare-pa    check that kpin and pagemap give the same addresses
 *
 * Exit status: 0 success, 1 failure, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu.h"

struct opts {
	const char *addr;
	int rounds;
	unsigned int dma_bits;
	int irq;
	const char *pa;
	int refusal;
	int compare_pa;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: edu-dma [--rounds N] [--dma-bits B] [--irq] [--pa pagemap|kpin]\n"
		   "               [--refusal] [--compare-pa] PCI_ADDR\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "dma-bits", required_argument, NULL, 'b' },
		{ "irq", no_argument, NULL, 'i' },
		{ "pa", required_argument, NULL, 'p' },
		{ "refusal", no_argument, NULL, 'R' },
		{ "compare-pa", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct opts){ .rounds = 4, .dma_bits = 64, .pa = "pagemap" };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'r': o->rounds = atoi(optarg); break;
		case 'b': o->dma_bits = (unsigned int)atoi(optarg); break;
		case 'i': o->irq = 1; break;
		case 'p': o->pa = optarg; break;
		case 'R': o->refusal = 1; break;
		case 'c': o->compare_pa = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc - 1 || o->rounds < 1 || o->dma_bits < 12 ||
	    o->dma_bits > 64 ||
	    (strcmp(o->pa, "pagemap") && strcmp(o->pa, "kpin"))) {
		usage(stderr);
		return -1;
	}
	o->addr = argv[optind];
	return 0;
}

static struct ud_mem *open_mem(const struct opts *o, struct ud_pa_source *kpin)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	char ctl[64];
	struct ud_mem *m;

	if (!strcmp(o->pa, "kpin")) {
		snprintf(ctl, sizeof(ctl), "/dev/uio_dma/%s", o->addr);
		if (ud_pa_source_kpin(kpin, ctl)) {
			fprintf(stderr, "edu-dma: kpin source: %s\n", ud_errmsg());
			return NULL;
		}
		cfg.pa_source = kpin;
	}
	cfg.va_size = 1ull << 30;
	m = ud_mem_open(&cfg);
	if (!m)
		fprintf(stderr, "edu-dma: hugepage memory: %s\n", ud_errmsg());
	return m;
}

static struct ud_zone *zone(struct ud_mem *m, const char *name, size_t len,
			    uint64_t iova_max)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z;

	/* Page-aligned: the two zones land on different hugepages. */
	p.align = 2u << 20;
	p.iova_max = iova_max;
	p.flags = UD_ZONE_IOVA_CONTIG;
	z = ud_zone_reserve(m, name, len, &p);
	if (!z)
		fprintf(stderr, "edu-dma: zone %s: %s\n", name, ud_errmsg());
	return z;
}

static int copy_rounds(struct edu *e, struct ud_mem *m, const struct opts *o)
{
	uint64_t limit = o->dma_bits >= 64 ? 0 : (1ull << o->dma_bits) - 1;
	struct ud_zone *src = zone(m, "src", 2 * EDU_BUF_SIZE, limit);
	struct ud_zone *dst = zone(m, "dst", 2 * EDU_BUF_SIZE, limit);
	char err[256];
	int bad = 0;

	if (!src || !dst)
		return 1;
	srand(42);
	for (int r = 0; r < o->rounds; r++) {
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
			fprintf(stderr, "edu-dma: %s\n", err);
			return 1;
		}
		printf("round %d: %u bytes, 0x%" PRIx64 " -> device+%u -> 0x%" PRIx64 ": %s\n",
		       r, len, siova, doff, diova,
		       memcmp(s, d, len) ? "MISMATCH" : "ok");
		bad |= memcmp(s, d, len) != 0;
		if (limit && (siova + len - 1 > limit || diova + len - 1 > limit)) {
			printf("  zone above the %u-bit limit\n", o->dma_bits);
			bad = 1;
		}
	}
	return bad;
}

/* Memory above the device's limit must be refused before any register write. */
static int refusal(struct edu *e, struct ud_mem *m, const struct opts *o)
{
	uint64_t limit = (1ull << o->dma_bits) - 1;
	char err[512], name[16];

	for (int i = 0; i < 256; i++) {
		struct ud_zone *z;
		uint64_t iova;

		snprintf(name, sizeof(name), "probe%d", i);
		z = zone(m, name, EDU_BUF_SIZE, 0);
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
	printf("no hugepage above the %u-bit limit to test with\n", o->dma_bits);
	return 1;
}

static int compare_pa(struct ud_mem *m)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z = ud_zone_reserve(m, "cmp", 8u << 20, &p);
	int bad = 0;

	if (!z) {
		fprintf(stderr, "edu-dma: %s\n", ud_errmsg());
		return 1;
	}
	for (size_t off = 0; off < ud_zone_len(z); off += 2u << 20) {
		uint8_t *va = (uint8_t *)ud_zone_addr(z) + off;
		uint64_t pm, lib = ud_virt2iova(va);

		if (ud_pagemap_virt2phys(va, &pm)) {
			fprintf(stderr, "edu-dma: pagemap: %s\n", ud_errmsg());
			return 1;
		}
		printf("page at +%zu MiB: library 0x%" PRIx64 " pagemap 0x%" PRIx64 "\n",
		       off >> 20, lib, pm);
		bad |= lib != pm;
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct ud_pa_source kpin;
	struct opts o;
	struct ud_mem *m;
	struct edu e;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse(argc, argv, &o))
		return 2;
	if (edu_open(&e, o.addr, o.dma_bits, o.irq))
		return 1;
	printf("edu %s: id 0x%08x, DMA limit %u bits, completion by %s, addresses from %s\n",
	       o.addr, edu_id(&e), o.dma_bits, o.irq ? "interrupt" : "polling", o.pa);
	m = open_mem(&o, &kpin);
	if (!m) {
		edu_close(&e);
		return 1;
	}
	if (o.refusal)
		ret = refusal(&e, m, &o);
	else if (o.compare_pa)
		ret = compare_pa(m);
	else
		ret = copy_rounds(&e, m, &o);
	ud_mem_close(m);
	edu_close(&e);
	printf("%s\n", ret ? "FAILED" : "OK");
	return ret;
}
