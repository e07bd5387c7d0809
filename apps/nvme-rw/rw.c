// SPDX-License-Identifier: MIT
/* The transfers nvme-rw writes and reads back; see rw.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "rw.h"

#define BUF_SIZE	(4u << 20)		/* two hugepages per buffer zone */
#define HUGE_2M		(2u << 20)
#define GUARD		64u			/* poisoned bytes around a read */
#define POISON		0xa5

/* The transfers: LBA, blocks, offset of the write and read buffers. */
static const struct xfer {
	const char *what;
	uint64_t lba;
	uint32_t nlb;
	size_t woff, roff;
} xfers[] = {
	{ "1 block, PRP1 only",            16,    1, 0,    0 },
	{ "8 blocks, one page",            100,   8, 0,    0 },
	{ "8 blocks at +512: PRP1+PRP2",   200,   8, 512,  1536 },
	{ "32 blocks: PRP list",           1000, 32, 0,    4096 },
	{ "256 blocks at +1K: PRP list",   4096, 256, 1024, 2048 },
	{ "64 blocks across 2 MiB hugepage boundary", 8192, 64,
	  HUGE_2M - 16384, HUGE_2M - 12288 },
};

/* One 512-byte sector of the pattern. */
void rw_fill_sector(uint8_t *p, uint32_t seed, uint64_t sector)
{
	char hdr[64];
	int h = snprintf(hdr, sizeof(hdr), "nvme-rw seed %08x sector %010" PRIu64 "\n",
			 seed, sector);

	memcpy(p, hdr, (size_t)h);
	for (unsigned int i = (unsigned int)h; i < RW_SECTOR; i++)
		p[i] = (uint8_t)(seed ^ (sector * 131) ^ (i * 7) ^ (i >> 5));
}

/* Any number of blocks: split into commands of at most max_xfer bytes. */
static int do_io(struct nvme_dev *n, uint32_t nsid, uint8_t op, uint64_t lba,
		 uint32_t nlb, uint8_t *buf)
{
	uint32_t per = n->max_xfer / n->lba_size;

	while (nlb) {
		uint32_t k = nlb < per ? nlb : per;

		if (nvme_rw(n, op, nsid, lba, k, buf))
			return -1;
		lba += k;
		nlb -= k;
		buf += (size_t)k * n->lba_size;
	}
	return 0;
}

static uint8_t *buffer(struct nvme_dev *n, const char *name)
{
	/* Hugepage-aligned, not necessarily IOVA-contiguous: the offset
	 * HUGE_2M is a hugepage boundary. */
	struct ud_zone *z = app_zone(n->mem, name, BUF_SIZE, HUGE_2M, 0, 0);

	return z ? ud_zone_addr(z) : NULL;
}

static int run_xfer(struct nvme_dev *n, uint32_t nsid, uint32_t seed,
		    const struct xfer *x, uint8_t *wbuf, uint8_t *rbuf)
{
	size_t len = (size_t)x->nlb * n->lba_size;
	uint64_t sector = x->lba * (n->lba_size / RW_SECTOR);
	uint8_t *w = wbuf + x->woff, *r = rbuf + x->roff;
	size_t lo = x->roff < GUARD ? x->roff : GUARD;
	size_t hi = BUF_SIZE - x->roff - len < GUARD ? BUF_SIZE - x->roff - len : GUARD;

	if (x->woff + len > BUF_SIZE || x->roff + len > BUF_SIZE ||
	    x->lba + x->nlb > n->ns_blocks) {
		fprintf(stderr, "nvme-rw: %s: does not fit (%zu bytes; namespace of %" PRIu64
			" blocks)\n", x->what, len, n->ns_blocks);
		return -1;
	}
	for (size_t s = 0; s < len / RW_SECTOR; s++)
		rw_fill_sector(w + s * RW_SECTOR, seed, sector + s);
	memset(r - lo, POISON, lo + len + hi);

	printf("%-42s LBA %5" PRIu64 "+%-3u  write 0x%09" PRIx64 "  read 0x%09" PRIx64 ": ",
	       x->what, x->lba, x->nlb, ud_virt2iova(w), ud_virt2iova(r));
	fflush(stdout);
	if (do_io(n, nsid, NVME_CMD_WRITE, x->lba, x->nlb, w) ||
	    do_io(n, nsid, NVME_CMD_READ, x->lba, x->nlb, r)) {
		printf("ERROR\n");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (r[i] != w[i]) {
			printf("MISMATCH\n");
			fprintf(stderr, "nvme-rw: %s: data mismatch at byte %zu (LBA %" PRIu64
				"): wrote 0x%02x, read 0x%02x\n", x->what, i,
				x->lba + i / n->lba_size, w[i], r[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < lo + hi; i++) {
		uint8_t *g = i < lo ? r - lo + i : r + len + (i - lo);

		if (*g != POISON) {
			printf("OVERRUN\n");
			fprintf(stderr, "nvme-rw: %s: the controller wrote outside the read "
				"buffer (byte %td from its start)\n", x->what, g - r);
			return -1;
		}
	}
	printf("ok\n");
	if (x->roff < HUGE_2M && x->roff + len > HUGE_2M) {
		uint64_t a = ud_virt2iova(rbuf + HUGE_2M - 1), b = ud_virt2iova(rbuf + HUGE_2M);

		printf("  read buffer: hugepage ending at 0x%" PRIx64 ", next one at 0x%" PRIx64
		       " (%s)\n", a, b, b == a + 1 ?
		       "IOVA-contiguous: physically adjacent in PA mode, "
		       "neighbours in the window in VA mode" :
		       "not adjacent: PRP entries per page");
	}
	return 0;
}

int rw_run(struct nvme_dev *n, uint32_t nsid, uint32_t seed)
{
	const unsigned nx = sizeof(xfers) / sizeof(xfers[0]);
	uint8_t *wbuf = buffer(n, "write-buf"), *rbuf = buffer(n, "read-buf");
	uint64_t blocks = 0;

	if (!wbuf || !rbuf)
		return 1;
	for (unsigned i = 0; i < nx; i++) {
		if (run_xfer(n, nsid, seed, &xfers[i], wbuf, rbuf))
			return 1;
		blocks += xfers[i].nlb;
	}
	for (unsigned i = 0; i < nx; i++)
		printf("disk: sector %" PRIu64 " count %" PRIu64 " seed 0x%x\n",
		       xfers[i].lba * (n->lba_size / RW_SECTOR),
		       (uint64_t)xfers[i].nlb * (n->lba_size / RW_SECTOR), seed);
	printf("%u transfers, %" PRIu64 " blocks written and read back, all equal\n",
	       nx, blocks);
	return 0;
}
