// SPDX-License-Identifier: MIT
/*
 * nvme-rw - write and read back an NVMe namespace from userspace with
 * libuiodma (the controller bound to uio_dma).
 *
 *   nvme-rw [OPTIONS] PCI_ADDR
 *   nvme-rw --pattern SEED SECTOR COUNT > file
 *
 * Brings the controller up (nvme.c), prints what IDENTIFY says, then for
 * each transfer of the table below writes a pattern from one hugepage zone,
 * reads it back into another and compares, including the bytes around the
 * read buffer.  The transfers exercise PRP1 alone, PRP1+PRP2, PRP lists,
 * buffers that start inside a page, and buffers that cross a 2 MiB
 * hugepage boundary (one PRP entry per 4 KiB page, so the two hugepages
 * need not be physically adjacent).  Finally deletes the I/O queues and
 * shuts the controller down.
 *
 * The pattern is a function of the seed and the 512-byte sector of the
 * disk, so what was written can be checked through the kernel's driver
 * later: each sector starts with the text "nvme-rw seed XXXXXXXX sector
 * NNNNNNNNNN\n"; --pattern prints the exact bytes of sectors
 * [SECTOR, SECTOR+COUNT).  The "disk:" lines of the output say which
 * sectors hold the pattern.
 *
 *   --irq           sleep on the MSI-X vectors (0 admin, 1 I/O) instead of
 *                   spinning on the completion queue
 *   --seed N        pattern seed (default 0x5eed)
 *   --nsid N        namespace (default 1)
 *   --timeout-ms M  per command and per controller state change (default 5000)
 *   --past-end      instead, read one block past the end of the namespace:
 *                   must fail with "LBA Out of Range" (exit 1)
 *
 * Exit status: 0 success, 1 failure (mismatch, error status, timeout), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvme.h"

#define SECTOR		512u
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

struct opts {
	const char *addr;
	int irq;
	uint32_t seed;
	uint32_t nsid;
	int timeout_ms;
	int past_end;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nvme-rw [--irq] [--seed N] [--nsid N] [--timeout-ms MS] [--past-end] PCI_ADDR\n"
		   "       nvme-rw --pattern SEED SECTOR COUNT\n");
}

/* One 512-byte sector of the pattern. */
static void fill_sector(uint8_t *p, uint32_t seed, uint64_t sector)
{
	char hdr[64];
	int h = snprintf(hdr, sizeof(hdr), "nvme-rw seed %08x sector %010" PRIu64 "\n",
			 seed, sector);

	memcpy(p, hdr, (size_t)h);
	for (unsigned int i = (unsigned int)h; i < SECTOR; i++)
		p[i] = (uint8_t)(seed ^ (sector * 131) ^ (i * 7) ^ (i >> 5));
}

static int print_pattern(char **argv)
{
	uint32_t seed = (uint32_t)strtoul(argv[0], NULL, 0);
	uint64_t sector = strtoull(argv[1], NULL, 0);
	uint64_t count = strtoull(argv[2], NULL, 0);
	uint8_t buf[SECTOR];

	for (uint64_t s = sector; s < sector + count; s++) {
		fill_sector(buf, seed, s);
		if (fwrite(buf, 1, SECTOR, stdout) != SECTOR)
			return 1;
	}
	return fflush(stdout) ? 1 : 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "irq", no_argument, NULL, 'i' },
		{ "seed", required_argument, NULL, 's' },
		{ "nsid", required_argument, NULL, 'n' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "past-end", no_argument, NULL, 'p' },
		{ "pattern", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct opts){ .seed = 0x5eed, .nsid = 1, .timeout_ms = 5000 };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->irq = 1; break;
		case 's': o->seed = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'n': o->nsid = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 't': o->timeout_ms = atoi(optarg); break;
		case 'p': o->past_end = 1; break;
		case 'P':
			if (argc - optind != 3) {
				usage(stderr);
				exit(2);
			}
			exit(print_pattern(argv + optind));
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc - 1 || o->timeout_ms < 1) {
		usage(stderr);
		return -1;
	}
	o->addr = argv[optind];
	return 0;
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
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z;

	/* Hugepage-aligned, not necessarily IOVA-contiguous: the offset
	 * HUGE_2M is a hugepage boundary. */
	p.align = HUGE_2M;
	z = ud_zone_reserve(n->mem, name, BUF_SIZE, &p);
	if (!z) {
		fprintf(stderr, "nvme-rw: buffer %s: %s\n", name, ud_errmsg());
		return NULL;
	}
	return ud_zone_addr(z);
}

static int run_xfer(struct nvme_dev *n, const struct opts *o, const struct xfer *x,
		    uint8_t *wbuf, uint8_t *rbuf)
{
	size_t len = (size_t)x->nlb * n->lba_size;
	uint64_t sector = x->lba * (n->lba_size / SECTOR);
	uint8_t *w = wbuf + x->woff, *r = rbuf + x->roff;
	size_t lo = x->roff < GUARD ? x->roff : GUARD;
	size_t hi = BUF_SIZE - x->roff - len < GUARD ? BUF_SIZE - x->roff - len : GUARD;

	if (x->woff + len > BUF_SIZE || x->roff + len > BUF_SIZE ||
	    x->lba + x->nlb > n->ns_blocks) {
		fprintf(stderr, "nvme-rw: %s: does not fit (%zu bytes; namespace of %" PRIu64
			" blocks)\n", x->what, len, n->ns_blocks);
		return -1;
	}
	for (size_t s = 0; s < len / SECTOR; s++)
		fill_sector(w + s * SECTOR, o->seed, sector + s);
	memset(r - lo, POISON, lo + len + hi);

	printf("%-42s LBA %5" PRIu64 "+%-3u  write 0x%09" PRIx64 "  read 0x%09" PRIx64 ": ",
	       x->what, x->lba, x->nlb, ud_virt2iova(w), ud_virt2iova(r));
	fflush(stdout);
	if (do_io(n, o->nsid, NVME_CMD_WRITE, x->lba, x->nlb, w) ||
	    do_io(n, o->nsid, NVME_CMD_READ, x->lba, x->nlb, r)) {
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
		       " (%s)\n", a, b, b == a + 1 ? "physically adjacent" :
		       "not adjacent: PRP entries per page");
	}
	return 0;
}

static int past_end(struct nvme_dev *n, const struct opts *o, uint8_t *buf)
{
	printf("reading LBA %" PRIu64 ", one past the end of namespace %u\n",
	       n->ns_blocks, o->nsid);
	if (nvme_rw(n, NVME_CMD_READ, o->nsid, n->ns_blocks, 1, buf) == 0) {
		fprintf(stderr, "nvme-rw: a read past the end of the namespace succeeded\n");
		return 1;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct nvme_dev n;
	struct opts o;
	uint8_t *wbuf, *rbuf;
	uint64_t blocks = 0;
	int ret = 0, nx = (int)(sizeof(xfers) / sizeof(xfers[0]));

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse(argc, argv, &o))
		return 2;
	if (nvme_open(&n, o.addr, o.nsid, o.irq, o.timeout_ms)) {
		nvme_close(&n);
		return 1;
	}
	printf("nvme %s: %s, serial %s, firmware %s, version 0x%08x\n", o.addr, n.model,
	       n.serial, n.firmware, ud_reg_read32(n.bar, NVME_REG_VS));
	printf("  CAP 0x%016" PRIx64 ": doorbell stride %u bytes, max transfer %u KiB; "
	       "admin queue %u entries, I/O queue %u entries; completion by %s\n",
	       n.cap, 4u << n.dstrd, n.max_xfer >> 10, n.admin.depth, n.io.depth,
	       n.irq ? "interrupt" : "polling");
	printf("namespace %u: %" PRIu64 " blocks of %u bytes (%" PRIu64 " MiB)\n", o.nsid,
	       n.ns_blocks, n.lba_size, (n.ns_blocks * n.lba_size) >> 20);

	wbuf = buffer(&n, "write-buf");
	rbuf = buffer(&n, "read-buf");
	if (!wbuf || !rbuf) {
		ret = 1;
	} else if (o.past_end) {
		ret = past_end(&n, &o, rbuf);
	} else {
		for (int i = 0; i < nx && !ret; i++) {
			ret = run_xfer(&n, &o, &xfers[i], wbuf, rbuf) ? 1 : 0;
			blocks += xfers[i].nlb;
		}
	}
	if (!ret && !o.past_end) {
		for (int i = 0; i < nx; i++)
			printf("disk: sector %" PRIu64 " count %" PRIu64 " seed 0x%x\n",
			       xfers[i].lba * (n.lba_size / SECTOR),
			       (uint64_t)xfers[i].nlb * (n.lba_size / SECTOR), o.seed);
		printf("%d transfers, %" PRIu64 " blocks written and read back, all equal\n",
		       nx, blocks);
	}
	if (n.irq) {
		int64_t a = ud_irq_ack(n.irq, n.admin.vector);
		int64_t b = n.io.vector != n.admin.vector ? ud_irq_ack(n.irq, n.io.vector) : 0;

		n.admin.interrupts += a > 0 ? (uint64_t)a : 0;
		n.io.interrupts += b > 0 ? (uint64_t)b : 0;
		printf("interrupts (%s): admin vector %u: %" PRIu64 ", I/O vector %u: %" PRIu64 "\n",
		       ud_irq_mode_name(ud_irq_mode(n.irq)), n.admin.vector,
		       n.admin.interrupts, n.io.vector, n.io.interrupts);
		if (!ret && !o.past_end && n.io.interrupts == 0) {
			fprintf(stderr, "nvme-rw: --irq: no interrupt arrived on vector %u\n",
				n.io.vector);
			ret = 1;
		}
	}
	printf("commands: %" PRIu64 " admin, %" PRIu64 " I/O\n", n.admin.commands,
	       n.io.commands);
	if (nvme_close(&n)) {
		fprintf(stderr, "nvme-rw: shutdown failed\n");
		ret = 1;
	} else {
		printf("I/O queues deleted, controller shut down\n");
	}
	printf("%s\n", ret ? "FAILED" : "OK");
	return ret;
}
