// SPDX-License-Identifier: MIT
/*
 * nvme_harness - the guest tests' checks around nvme-rw (apps/nvme-rw/):
 *
 *   nvme_harness past-end PCI_ADDR
 *	bring the controller up as nvme-rw does and read one block past the
 *	end of namespace 1: the driver must report the error status by name
 *	(on stderr) and the status must be LBA Out of Range (SCT 0, SC 0x80);
 *	exit 0 when both hold, 1 when not
 *   nvme_harness wrap PCI_ADDR
 *	write and read back one block per command, enough commands for the
 *	I/O queue's submission and completion rings to wrap several times
 *	(the phase tag flips each pass); exit 0 when every command completed
 *	and every block read back as written
 *   nvme_harness pattern SEED SECTOR COUNT
 *	write to stdout the exact bytes nvme-rw --seed SEED wrote to the
 *	512-byte sectors [SECTOR, SECTOR+COUNT), to compare with what the
 *	kernel's driver reads from the disk
 *
 * Exit status 2: usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "nvme-rw/rw.h"

#define LBA_OUT_OF_RANGE 0x080	/* SCT 0 (generic), SC 0x80 */
#define WRAP_LBA	16384	/* past what nvme-rw's table writes */
#define WRAP_SEED	0x3a9

/* Block @lba of the wrap run's pattern into @buf. */
static void wrap_block(const struct nvme_dev *n, uint8_t *buf, uint64_t lba)
{
	for (uint32_t s = 0; s < n->lba_size / RW_SECTOR; s++)
		rw_fill_sector(buf + s * RW_SECTOR, WRAP_SEED,
			       lba * (n->lba_size / RW_SECTOR) + s);
}

/* One block per command: 5 passes over the I/O queue, half writes, half
 * reads of what was written. */
static int wrap(struct nvme_dev *n, uint8_t *w)
{
	unsigned blocks = 5u * n->io[0].depth / 2;
	uint8_t *r = w + NVME_PAGE;

	if (WRAP_LBA + blocks > n->ns_blocks || n->lba_size > NVME_PAGE) {
		app_err("namespace of %" PRIu64 " blocks of %u bytes: too small for "
			"the wrap run", n->ns_blocks, n->lba_size);
		return 1;
	}
	for (unsigned i = 0; i < blocks; i++) {
		wrap_block(n, w, WRAP_LBA + i);
		if (nvme_rw(n, NVME_CMD_WRITE, 1, WRAP_LBA + i, 1, w))
			return 1;
	}
	for (unsigned i = 0; i < blocks; i++) {
		memset(r, 0, n->lba_size);
		wrap_block(n, w, WRAP_LBA + i);
		if (nvme_rw(n, NVME_CMD_READ, 1, WRAP_LBA + i, 1, r))
			return 1;
		if (memcmp(w, r, n->lba_size)) {
			app_err("block %u read back differs", WRAP_LBA + i);
			return 1;
		}
	}
	printf("%" PRIu64 " commands through an I/O queue of %u entries: %" PRIu64
	       " passes, the host now expects phase %u at CQ head %u\n",
	       n->io[0].commands, n->io[0].depth, n->io[0].commands / n->io[0].depth,
	       ud_desc_ring_phase(n->io[0].cq), ud_desc_ring_head(n->io[0].cq));
	return n->io[0].commands < 4u * n->io[0].depth;
}

/* Read one block past the end of namespace 1 into @buf. */
static int past_end(struct nvme_dev *n, uint8_t *buf)
{
	printf("reading LBA %" PRIu64 ", one past the end of namespace 1\n", n->ns_blocks);
	if (nvme_rw(n, NVME_CMD_READ, 1, n->ns_blocks, 1, buf) == 0) {
		app_err("a read past the end of the namespace succeeded");
		return 1;
	}
	printf("status 0x%03x: %s\n", n->last_status, nvme_status_str(n->last_status));
	return n->last_status != LBA_OUT_OF_RANGE ||
	       strcmp(nvme_status_str(n->last_status), "LBA Out of Range");
}

/* Bring the controller up as nvme-rw does and run @fn with two pages of
 * DMA memory. */
static int with_nvme(const char *addr, int (*fn)(struct nvme_dev *, uint8_t *))
{
	struct nvme_dev n;
	struct ud_zone *z;
	int ret = 1;

	if (!nvme_open(&n, addr, &(struct nvme_config){ .nsid = 1 })) {
		nvme_print(&n, 1);
		z = app_zone(n.mem, "harness-buf", 2 * NVME_PAGE, NVME_PAGE, 0, 0);
		ret = z ? fn(&n, ud_zone_addr(z)) : 1;
	}
	if (nvme_close(&n))
		ret = 1;
	return ret;
}

static int pattern(char **argv)
{
	unsigned long long seed, sector, count;
	uint8_t buf[RW_SECTOR];

	if (app_num("SEED", argv[0], 0, UINT32_MAX, &seed) ||
	    app_num("SECTOR", argv[1], 0, UINT64_MAX / 2, &sector) ||
	    app_num("COUNT", argv[2], 0, UINT64_MAX / 2, &count))
		return 2;
	for (uint64_t s = sector; s < sector + count; s++) {
		rw_fill_sector(buf, (uint32_t)seed, s);
		if (fwrite(buf, 1, RW_SECTOR, stdout) != RW_SECTOR)
			return 1;
	}
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	app_init("nvme_harness");
	if (argc == 3 && !strcmp(argv[1], "past-end"))
		return app_verdict(with_nvme(argv[2], past_end));
	if (argc == 3 && !strcmp(argv[1], "wrap"))
		return app_verdict(with_nvme(argv[2], wrap));
	if (argc == 5 && !strcmp(argv[1], "pattern"))
		return pattern(argv + 2);
	fprintf(stderr, "usage: nvme_harness past-end|wrap PCI_ADDR | pattern SEED SECTOR COUNT\n");
	return 2;
}
