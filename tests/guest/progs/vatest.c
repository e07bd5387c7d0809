// SPDX-License-Identifier: MIT
/*
 * vatest - VA mode (IOVA as VA) on an edu bound to vfio-pci, behind the
 * guest's IOMMU (tests/guest/vfio.sh).
 *
 *   vatest mode PCI_ADDR        open the device, then memory in the default
 *                               (auto) mode: prints "mode VA" or "mode PA"
 *                               and the region's dump; exits 0 for VA
 *   vatest isolation PCI_ADDR   the device copies a pattern through a zone
 *                               (so its DMA works), then is pointed at
 *                               process memory that was never mapped into
 *                               the container, at an IOVA inside the IOMMU's
 *                               39-bit width (0x7000000000): the IOMMU must
 *                               refuse the write (the guest's dmesg shows
 *                               the DMAR fault) and that memory must be
 *                               unchanged
 *
 * Exits 0 when all holds, 1 with the reason on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiodma.h>

#include "common/app.h"
#include "edu-dma/edu.h"

#define VICTIM 0x7000000000ull	/* inside 39 bits, far from the windows */
#define LEN 256u

static int mode(struct edu *e, struct ud_mem *m)
{
	(void)e;
	printf("mode %s\n", ud_mem_iova_mode(m) == UD_IOVA_MODE_VA ? "VA" : "PA");
	ud_mem_dump(stdout, m);
	return ud_mem_iova_mode(m) == UD_IOVA_MODE_VA ? 0 : 1;
}

static int dma(struct edu *e, uint64_t iova, int to_device)
{
	char err[256];

	if (edu_dma(e, iova, 0, LEN, to_device, err, sizeof(err))) {
		fprintf(stderr, "vatest: DMA %s IOVA %#llx: %s\n",
			to_device ? "from" : "to", (unsigned long long)iova, err);
		return -1;
	}
	return 0;
}

/* @p's LEN bytes all @v? */
static int all(const uint8_t *p, uint8_t v)
{
	for (unsigned i = 0; i < LEN; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int isolation(struct edu *e, struct ud_mem *m)
{
	struct ud_zone *src = app_zone(m, "src", LEN, 4096, 0, 0);
	struct ud_zone *dst = app_zone(m, "dst", LEN, 4096, 0, 0);
	uint8_t *victim;

	if (!src || !dst)
		return 1;
	if (ud_mem_iova_mode(m) != UD_IOVA_MODE_VA) {
		fprintf(stderr, "vatest: memory is not in VA mode\n");
		return 1;
	}
	/* the device works: src -> device -> dst */
	memset(ud_zone_addr(src), 0x3c, LEN);
	memset(ud_zone_addr(dst), 0, LEN);
	if (dma(e, ud_zone_iova(src), 1) || dma(e, ud_zone_iova(dst), 0))
		return 1;
	if (!all(ud_zone_addr(dst), 0x3c)) {
		fprintf(stderr, "vatest: the copy through the device is wrong\n");
		return 1;
	}
	printf("copy through IOVA %#llx and %#llx: ok\n",
	       (unsigned long long)ud_zone_iova(src),
	       (unsigned long long)ud_zone_iova(dst));
	/* memory of this process the container never saw */
	victim = mmap((void *)(uintptr_t)VICTIM, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_LOCKED,
		      -1, 0);
	if (victim == MAP_FAILED || (uintptr_t)victim != VICTIM) {
		fprintf(stderr, "vatest: cannot map %#llx: %s\n",
			(unsigned long long)VICTIM, strerror(errno));
		return 1;
	}
	memset(victim, 0x5a, LEN);
	if (dma(e, VICTIM, 0))
		return 1;
	if (!all(victim, 0x5a)) {
		fprintf(stderr, "vatest: the device wrote memory at %#llx that "
			"was never mapped for it\n", (unsigned long long)VICTIM);
		return 1;
	}
	printf("DMA to unmapped IOVA %#llx: memory there unchanged\n",
	       (unsigned long long)VICTIM);
	return 0;
}

int main(int argc, char **argv)
{
	struct ud_mem *m;
	struct edu e;
	int ret;

	app_init("vatest");
	if (argc != 3 || (strcmp(argv[1], "mode") && strcmp(argv[1], "isolation"))) {
		fprintf(stderr, "usage: vatest mode|isolation PCI_ADDR\n");
		return 2;
	}
	if (edu_open(&e, argv[2], 64, 0)) {
		edu_close(&e);
		return 1;
	}
	m = app_mem_open("vatest", NULL, NULL);
	if (!m) {
		edu_close(&e);
		return 1;
	}
	ret = !strcmp(argv[1], "mode") ? mode(&e, m) : isolation(&e, m);
	ud_mem_close(m);
	edu_close(&e);
	return ret;
}
