// SPDX-License-Identifier: MIT
/*
 * nvme-rw - write and read back an NVMe namespace from userspace with
 * libuiodma (the controller bound to uio_dma).
 *
 *   nvme-rw [--irq] [--seed N] [--nsid N] [--timeout-ms MS] PCI_ADDR
 *   nvme-rw bench [OPTIONS] PCI_ADDR     (4 KiB random I/O: see bench.h)
 *
 * Brings the controller up (nvme.c), prints what IDENTIFY says, then
 * writes each transfer of a table from one hugepage zone, reads it back
 * into another and compares (rw.c): PRP1 alone, PRP1+PRP2, PRP lists,
 * buffers that start inside a page or cross a 2 MiB hugepage boundary.
 * Finally deletes the I/O queues and shuts the controller down.  The
 * "disk:" lines of the output say which 512-byte sectors now hold the
 * pattern (a function of the seed and the sector, see rw.h), for checking
 * through the kernel's driver later.
 *
 *   --irq           sleep on the MSI-X vectors (0 admin, 1 I/O) instead of
 *                   spinning on the completion queue
 *   --seed N        pattern seed (default 0x5eed)
 *   --nsid N        namespace (default 1)
 *   --timeout-ms M  per command and per controller state change (default 5000)
 *
 * Exit status: 0 success, 1 failure (mismatch, error status, timeout), 2 usage.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "common/app.h"
#include "common/usage.h"
#include "rw.h"

static const char usage[] =
	"usage: nvme-rw [--irq] [--seed N] [--nsid N] [--timeout-ms MS] PCI_ADDR\n"
	"       nvme-rw bench [OPTIONS] PCI_ADDR\n"
	"\n"
	"Write and read back an NVMe namespace from userspace (the controller\n"
	"bound to uio_dma): PRP1 alone, PRP1+PRP2, PRP lists, buffers inside a\n"
	"page or across a hugepage boundary; the \"disk:\" lines say which sectors\n"
	"now hold the pattern.\n"
	"  --irq           sleep on the MSI-X vectors (0 admin, 1 I/O) instead of\n"
	"                  spinning on the completion queue\n"
	"  --seed N        pattern seed (default 0x5eed)\n"
	"  --nsid N        namespace (default 1)\n"
	"  --timeout-ms M  per command and per controller state change (default 5000)\n"
	"  -h, --help      print this text\n"
	"bench: 4 KiB random reads or writes, many in flight on one or more queue\n"
	"pairs; prints IOPS, MB/s, latency p50/p99 and CPU time per I/O (its\n"
	"options: nvme-rw bench --help).\n"
	"Exit status: 0 success, 1 failure (mismatch, error status, timeout),\n"
	"2 usage.\n";

/* Interrupts counted while waiting, and those still pending. */
static int irq_report(struct nvme_dev *n, int ret)
{
	int64_t a = ud_irq_ack(n->irq, n->admin.vector);
	int64_t b = n->io[0].vector != n->admin.vector ? ud_irq_ack(n->irq, n->io[0].vector) : 0;

	n->admin.interrupts += a > 0 ? (uint64_t)a : 0;
	n->io[0].interrupts += b > 0 ? (uint64_t)b : 0;
	printf("interrupts (%s): admin vector %u: %" PRIu64 ", I/O vector %u: %" PRIu64 "\n",
	       ud_irq_mode_name(ud_irq_mode(n->irq)), n->admin.vector,
	       n->admin.interrupts, n->io[0].vector, n->io[0].interrupts);
	if (!ret && n->io[0].interrupts == 0) {
		app_err("--irq: no interrupt arrived on vector %u", n->io[0].vector);
		return 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "irq", no_argument, NULL, 'i' },
		{ "seed", required_argument, NULL, 's' },
		{ "nsid", required_argument, NULL, 'n' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ 0 },
	};
	unsigned long long seed = 0x5eed, nsid = 1, timeout_ms = 5000;
	struct nvme_dev n;
	int c, irq = 0, bad = 0, ret;

	app_init("nvme-rw");
	if (argc > 1 && !strcmp(argv[1], "bench"))
		return bench_main(argc - 1, argv + 1);
	if (app_help_asked(argc, argv))
		return app_usage(usage, 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': irq = 1; break;
		case 's': bad |= app_num("--seed", optarg, 0, UINT32_MAX, &seed); break;
		case 'n': bad |= app_num("--nsid", optarg, 1, UINT32_MAX, &nsid); break;
		case 't': bad |= app_num("--timeout-ms", optarg, 1, 3600000, &timeout_ms); break;
		default: bad = 1;
		}
	}
	if (bad || optind != argc - 1)
		return app_usage(usage, 0);
	if (nvme_open(&n, argv[optind], &(struct nvme_config){ .nsid = (uint32_t)nsid,
		      .use_irq = irq, .timeout_ms = (int)timeout_ms })) {
		nvme_close(&n);
		return 1;
	}
	nvme_print(&n, (uint32_t)nsid);
	ret = rw_run(&n, (uint32_t)nsid, (uint32_t)seed);
	if (n.irq)
		ret = irq_report(&n, ret);
	printf("commands: %" PRIu64 " admin, %" PRIu64 " I/O\n", n.admin.commands,
	       n.io[0].commands);
	if (nvme_close(&n)) {
		app_err("shutdown failed");
		ret = 1;
	} else {
		printf("I/O queues deleted, controller shut down\n");
	}
	return app_verdict(ret);
}
