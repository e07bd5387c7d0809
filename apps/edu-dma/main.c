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
 *   --pa SOURCE     in PA mode (uio_dma), physical addresses from
 *                   "pagemap" (default) or "kpin" (uio_dma pins the
 *                   pages, no CAP_SYS_ADMIN needed); in VA mode (vfio-pci)
 *                   the library chooses the IOVAs
 *
 * The banner says which: memory in VA mode, or in PA mode and from which
 * source (app_mem_addresses()).
 *
 * Exit status: 0 success, 1 failure, 2 usage.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/app.h"
#include "common/usage.h"
#include "edu.h"
#include "trip.h"

static const char usage[] =
	"usage: edu-dma [--rounds N] [--dma-bits B] [--irq] [--pa pagemap|kpin] PCI_ADDR\n"
	"\n"
	"DMA random bytes from hugepage memory through QEMU's edu device and\n"
	"back, at random lengths and offsets, and check every byte.\n"
	"  --rounds N      round trips (default 4)\n"
	"  --dma-bits B    the device's DMA address width (default 64; QEMU's edu\n"
	"                  without dma_mask= has 28)\n"
	"  --irq           wait for completion on the interrupt, not by polling\n"
	"  --pa SOURCE     in PA mode (uio_dma), physical addresses from pagemap\n"
	"                  (default) or kpin (uio_dma pins the pages); in VA mode\n"
	"                  (vfio-pci) the library chooses the IOVAs\n"
	"  -h, --help      print this text\n"
	"Exit status: 0 success, 1 failure, 2 usage.\n";

static int copy_rounds(struct edu *e, struct ud_mem *m, unsigned long rounds, unsigned bits)
{
	uint64_t limit = bits >= 64 ? 0 : (1ull << bits) - 1, t0 = app_now_ms();
	unsigned long n, bad = 0, bytes = 0;
	struct edu_trip t;
	char err[256];

	if (edu_trip_init(&t, m, limit, 42))
		return 1;
	for (n = 0; n < rounds && bad < 10; n++) {
		struct edu_trip_round r;
		size_t wrong;

		edu_trip_next(&t, &r);
		if (edu_trip_dma(e, &t, &r, r.len, r.len, err, sizeof(err))) {
			app_err("%s", err);
			return 1;
		}
		wrong = edu_trip_check(&t, &r);
		bytes += r.len;
		if (wrong == EDU_TRIP_AREA)
			continue;
		bad++;
		printf("  %u bytes 0x%" PRIx64 " -> device+%u -> 0x%" PRIx64 ": byte %zu of the destination area is wrong\n",
		       r.len, ud_virt2iova(t.src + r.src_off), r.dev_off,
		       ud_virt2iova(t.dst + r.dst_off), wrong);
	}
	printf("%lu round trips of 1-%u bytes at random offsets (%lu bytes): %lu wrong, in %llu ms\n",
	       n, EDU_MAX_XFER, bytes, bad, (unsigned long long)(app_now_ms() - t0));
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
	if (app_help_asked(argc, argv))
		return app_usage(usage, 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': bad |= app_num("--rounds", optarg, 1, 1000000, &rounds); break;
		case 'b': bad |= app_num("--dma-bits", optarg, 12, 64, &bits); break;
		case 'i': irq = 1; break;
		case 'p': pa = optarg; break;
		default: bad = 1;
		}
	}
	if (bad || optind != argc - 1 || (strcmp(pa, "pagemap") && strcmp(pa, "kpin")))
		return app_usage(usage, 0);
	if (edu_open(&e, argv[optind], (unsigned)bits, irq)) {
		edu_close(&e);
		return 1;
	}
	m = app_mem_open("edu-dma", strcmp(pa, "kpin") ? NULL : e.addr, &kpin);
	if (m)
		printf("edu %s: id 0x%08x, DMA limit %llu bits, completion by %s, memory in %s\n",
		       e.addr, edu_id(&e), bits, irq ? "interrupt" : "polling",
		       app_mem_addresses(m, strcmp(pa, "kpin") ? NULL : &kpin));
	ret = m ? copy_rounds(&e, m, (unsigned long)rounds, (unsigned)bits) : 1;
	ud_mem_close(m);
	edu_close(&e);
	return app_verdict(ret);
}
