// SPDX-License-Identifier: MIT
/*
 * edu-dma - DMA through QEMU's edu device from userspace with libuiodma.
 *
 *   edu-dma [--rounds N] [--dma-bits B] [--irq] [--pa pagemap|kpin] PCI_ADDR
 *
 * Reserves two zones of hugepage DMA memory on different hugepages, fills
 * one with random bytes, has the device (edu.c) DMA them into its own
 * buffer and back out into the other zone, and checks every byte of that
 * zone: the copy, and a guard value around it.  Each round (a round trip)
 * uses a random length (1-4095), source offset, device offset and
 * destination offset; the run prints how many rounds went wrong.
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

#define GUARD	0xa5	/* what the destination zone holds outside the copy */

/* xorshift64*: a fast, reproducible stream for sizes, offsets and data. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

/* The first byte of @dz that is not the copy of @s at [@off, @off+@len)
 * nor GUARD elsewhere; @dzlen if none. */
static size_t first_wrong(const uint8_t *dz, size_t dzlen, size_t off,
			  const uint8_t *s, size_t len)
{
	static uint8_t guard[2 * EDU_BUF_SIZE];

	if (!guard[0])
		memset(guard, GUARD, sizeof(guard));
	if (!memcmp(dz, guard, off) && !memcmp(dz + off, s, len) &&
	    !memcmp(dz + off + len, guard, dzlen - off - len))
		return dzlen;
	for (size_t i = 0; ; i++)
		if (dz[i] != (i - off < len ? s[i - off] : GUARD))
			return i;
}

/*
 * One round trip of @len random bytes from @s into the device buffer at
 * @doff and back out to the destination zone @dz at @doff2, checking every
 * byte of that zone: a DMA that wrote a byte too many, or to the wrong
 * place, shows in the guard around the copy.  0 when right, 1 when not,
 * -1 when the device failed.
 */
static int round_trip(struct edu *e, uint8_t *s, uint8_t *dz, size_t dzlen,
		      size_t doff2, uint32_t len, uint32_t doff, uint64_t *x)
{
	uint8_t *d = dz + doff2;
	char err[256];
	size_t bad;

	for (uint32_t i = 0; i < len; i += 8) {
		uint64_t v = rnd(x);

		memcpy(s + i, &v, len - i < 8 ? len - i : 8);
	}
	if (edu_dma(e, ud_virt2iova(s), doff, len, 1, err, sizeof(err)) ||
	    edu_dma(e, ud_virt2iova(d), doff, len, 0, err, sizeof(err)))
		return app_err("%s", err);
	bad = first_wrong(dz, dzlen, doff2, s, len);
	memset(d, GUARD, len);
	if (bad == dzlen)
		return 0;
	printf("  %u bytes 0x%" PRIx64 " -> device+%u -> 0x%" PRIx64 ": byte %zu of the destination zone is wrong\n",
	       len, ud_virt2iova(s), doff, ud_virt2iova(d), bad);
	return 1;
}

static int copy_rounds(struct edu *e, struct ud_mem *m, unsigned long rounds, unsigned bits)
{
	uint64_t limit = bits >= 64 ? 0 : (1ull << bits) - 1, x = 42, t0 = app_now_ms();
	/* Page-aligned: the two zones land on different hugepages. */
	struct ud_zone *src = app_zone(m, "src", 2 * EDU_BUF_SIZE, 2u << 20, limit, UD_ZONE_IOVA_CONTIG);
	struct ud_zone *dst = app_zone(m, "dst", 2 * EDU_BUF_SIZE, 2u << 20, limit, UD_ZONE_IOVA_CONTIG);
	unsigned long r, bad = 0, bytes = 0;

	if (!src || !dst)
		return 1;
	if (limit && (ud_zone_iova(src) + ud_zone_len(src) - 1 > limit ||
		      ud_zone_iova(dst) + ud_zone_len(dst) - 1 > limit)) {
		app_err("a zone lies above the %u-bit DMA limit", bits);
		return 1;
	}
	memset(ud_zone_addr(dst), GUARD, ud_zone_len(dst));
	for (r = 0; r < rounds && bad < 10; r++) {
		uint32_t len = 1 + (uint32_t)(rnd(&x) % EDU_MAX_XFER);
		uint32_t doff = (uint32_t)(rnd(&x) % (EDU_MAX_XFER - len + 1));
		uint8_t *s = (uint8_t *)ud_zone_addr(src) + rnd(&x) % EDU_BUF_SIZE;
		int c = round_trip(e, s, ud_zone_addr(dst), ud_zone_len(dst),
				   rnd(&x) % EDU_BUF_SIZE, len, doff, &x);

		if (c < 0)
			return 1;
		bad += (unsigned long)c;
		bytes += len;
	}
	printf("%lu round trips of 1-%u bytes at random offsets (%lu bytes): %lu wrong, in %llu ms\n",
	       r, EDU_MAX_XFER, bytes, bad, (unsigned long long)(app_now_ms() - t0));
	return bad != 0;
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
	ret = m ? copy_rounds(&e, m, (unsigned long)rounds, (unsigned)bits) : 1;
	ud_mem_close(m);
	edu_close(&e);
	return app_verdict(ret);
}
