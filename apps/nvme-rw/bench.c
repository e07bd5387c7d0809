// SPDX-License-Identifier: MIT
/* nvme-rw bench: 4 KiB random I/O at a queue depth; see bench.h. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "common/app.h"
#include "common/usage.h"
#include "rw.h"

#define BLOCK	4096u		/* bytes per I/O */

struct bench {
	struct nvme_dev *n;
	int write, verify, irq;
	uint32_t nsid, seed;
	unsigned qd, queues, per;	/* per: LBAs per block */
	uint64_t lba, blocks;		/* the range, in LBAs and in blocks */
	uint64_t ios;			/* to issue; 0: until the deadline */
	uint64_t end_ns;		/* the deadline; 0: none */
	uint32_t *order;		/* writes: the blocks, shuffled */
	uint64_t rng;
	/* in flight: slot s of queue q is request q * qd + s, cid s */
	uint8_t *bufs;
	uint64_t *t_submit, *req_lba;
	/* results */
	uint64_t issued, done, errors, bad_blocks;
	uint32_t *lat_ns;		/* one per completed I/O */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The pattern of the block at @lba (rw_fill_sector() per 512 bytes). */
static void fill_block(const struct bench *b, uint8_t *p, uint64_t lba)
{
	uint64_t sector = lba * (b->n->lba_size / RW_SECTOR);

	for (unsigned i = 0; i < BLOCK / RW_SECTOR; i++)
		rw_fill_sector(p + i * RW_SECTOR, b->seed, sector + i);
}

/* Whether another I/O may be issued. */
static int more(const struct bench *b)
{
	if (app_stopping() || b->errors || b->issued >= b->ios)
		return 0;
	return !b->end_ns || now_ns() < b->end_ns;
}

/* Issue the next I/O in slot @s of queue @q. */
static int issue(struct bench *b, unsigned q, unsigned s)
{
	unsigned r = q * b->qd + s;
	uint64_t blk = b->write ? b->order[b->issued % b->blocks]
				: rng_next(&b->rng) % b->blocks;
	uint8_t *buf = b->bufs + (size_t)r * BLOCK;

	b->req_lba[r] = b->lba + blk * b->per;
	if (b->write)
		fill_block(b, buf, b->req_lba[r]);
	b->t_submit[r] = now_ns();
	if (nvme_submit(b->n, q, b->write ? NVME_CMD_WRITE : NVME_CMD_READ, b->nsid,
			b->req_lba[r], b->per, buf, (uint16_t)s))
		return -1;
	b->issued++;
	return 0;
}

/* One completion of slot @d->cid of queue @q at @t. */
static void complete(struct bench *b, unsigned q, const struct nvme_done *d, uint64_t t)
{
	unsigned r = q * b->qd + d->cid;
	uint8_t want[BLOCK];

	b->lat_ns[b->done++] = (uint32_t)(t - b->t_submit[r] > UINT32_MAX ? UINT32_MAX
					  : t - b->t_submit[r]);
	if (d->status) {
		if (b->errors++ < 8)
			app_err("%s of LBA %" PRIu64 " (queue %u, cid %u): status 0x%03x (%s)",
				b->write ? "WRITE" : "READ", b->req_lba[r], q + 1, d->cid,
				d->status, nvme_status_str(d->status));
		return;
	}
	if (!b->write && b->verify) {
		fill_block(b, want, b->req_lba[r]);
		if (memcmp(want, b->bufs + (size_t)r * BLOCK, BLOCK) && b->bad_blocks++ < 8)
			app_err("LBA %" PRIu64 ": the block read is not the pattern of seed 0x%x",
				b->req_lba[r], b->seed);
	}
}

/* Fill every slot, then keep them full until done; drain at the end. */
static int run(struct bench *b)
{
	struct nvme_done d[64];
	uint64_t last = now_ns();

	for (unsigned q = 0; q < b->queues; q++) {
		for (unsigned s = 0; s < b->qd && more(b); s++)
			if (issue(b, q, s))
				return -1;
		nvme_flush(b->n, q);
	}
	while (b->done < b->issued) {
		uint64_t t = now_ns();
		unsigned got = 0;

		for (unsigned q = 0; q < b->queues; q++) {
			unsigned k = nvme_reap(b->n, q, d, 64), again = 0;

			t = k ? now_ns() : t;
			for (unsigned i = 0; i < k; i++) {
				complete(b, q, &d[i], t);
				if (more(b)) {
					if (issue(b, q, d[i].cid))
						return -1;
					again = 1;
				}
			}
			if (again)
				nvme_flush(b->n, q);
			got += k;
		}
		if (got) {
			last = t;
		} else if (t - last > (uint64_t)b->n->timeout_ms * 1000000u) {
			return app_err("no completion for %d ms, %" PRIu64 " I/Os in flight",
				       b->n->timeout_ms, b->issued - b->done);
		} else if (b->irq && nvme_wait_irq(b->n, 10)) {
			return -1;
		}
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void report(struct bench *b, uint64_t ns, uint64_t cpu_ns)
{
	double s = ns / 1e9, p50 = 0, p99 = 0;

	if (b->done) {
		qsort(b->lat_ns, b->done, sizeof(*b->lat_ns), cmp_u32);
		p50 = b->lat_ns[(b->done - 1) * 50 / 100] / 1e3;
		p99 = b->lat_ns[(b->done - 1) * 99 / 100] / 1e3;
	}
	printf("bench %s: %" PRIu64 " I/Os of 4 KiB over LBAs %" PRIu64 "+%" PRIu64
	       ", QD %u x %u queue pair%s, %s: %.0f IOPS, %.2f MB/s; latency p50 %.1f us, "
	       "p99 %.1f us; CPU %.0f ns per I/O\n", b->write ? "randwrite" : "randread",
	       b->done, b->lba, b->blocks * b->per, b->qd, b->queues, b->queues > 1 ? "s" : "",
	       b->irq ? "MSI-X" : "polling", b->done / s, b->done * (double)BLOCK / s / 1e6,
	       p50, p99, b->done ? (double)cpu_ns / b->done : 0.0);
	if (b->verify)
		printf("verified %" PRIu64 " blocks read against seed 0x%x: %" PRIu64 " differ\n",
		       b->done - b->errors, b->seed, b->bad_blocks);
	/* Each block of the range once, or some of it: say which. */
	if (b->write && !b->errors && b->done == b->blocks)
		printf("disk: sector %" PRIu64 " count %" PRIu64 " seed 0x%x\n",
		       b->lba * (b->n->lba_size / RW_SECTOR),
		       b->blocks * b->per * (b->n->lba_size / RW_SECTOR), b->seed);
}

/* The range: whole 4 KiB blocks inside the namespace; 0, or -1 with a message. */
static int range(struct bench *b, uint64_t lbas)
{
	const struct nvme_dev *n = b->n;

	b->per = BLOCK / n->lba_size;
	if (!lbas)
		lbas = n->ns_blocks > b->lba ? (n->ns_blocks - b->lba) / b->per * b->per : 0;
	if (b->lba % b->per || lbas % b->per || !lbas)
		return app_err("LBA range %" PRIu64 "+%" PRIu64 " is not whole 4 KiB blocks: with "
			       "%u-byte LBAs its start and length must be multiples of %u (and "
			       "the length not 0)", b->lba, lbas, n->lba_size, b->per);
	if (b->lba + lbas > n->ns_blocks || b->lba + lbas < b->lba)
		return app_err("LBA range %" PRIu64 "+%" PRIu64 " ends past namespace %u, "
			       "whose LBAs are 0 to %" PRIu64, b->lba, lbas, b->nsid,
			       n->ns_blocks - 1);
	b->blocks = lbas / b->per;
	if (b->blocks > UINT32_MAX)
		return app_err("LBA range: more than 2^32 blocks");
	return 0;
}

/* Memory for the run; 0, or -1 with a message. */
static int prepare(struct bench *b)
{
	unsigned slots = b->qd * b->queues;
	struct ud_zone *z = app_zone(b->n->mem, "bench-bufs", (size_t)slots * BLOCK, BLOCK, 0, 0);
	uint64_t max_done = b->end_ns ? 1u << 24 : b->ios;

	b->bufs = z ? ud_zone_addr(z) : NULL;
	b->t_submit = calloc(slots, sizeof(*b->t_submit));
	b->req_lba = calloc(slots, sizeof(*b->req_lba));
	b->lat_ns = calloc(max_done, sizeof(*b->lat_ns));
	if (b->write)
		b->order = calloc(b->blocks, sizeof(*b->order));
	if (!b->bufs || !b->t_submit || !b->req_lba || !b->lat_ns || (b->write && !b->order))
		return app_err("out of memory for %u I/Os in flight", slots);
	if (b->end_ns)
		b->ios = max_done;	/* --seconds: at most what it records */
	for (uint64_t i = 0; b->write && i < b->blocks; i++) {
		uint64_t j = rng_next(&b->rng) % (i + 1);	/* Fisher-Yates */

		b->order[i] = b->order[j];
		b->order[j] = (uint32_t)i;
	}
	return 0;
}

static const char bench_usage[] =
	"usage: nvme-rw bench [OPTIONS] PCI_ADDR\n"
	"\n"
	"4 KiB random reads, or writes, over a range of LBAs, many in flight on\n"
	"one or more I/O queue pairs, completions found by polling (or --irq).\n"
	"  --write        random writes (default: random reads)\n"
	"  --qd N         commands in flight per queue pair, 1 to 255 (default 32)\n"
	"  --queues N     I/O queue pairs, 1 to 8 (default 1)\n"
	"  --ios N        I/Os in all (default: 20000 reads; writes: each 4 KiB\n"
	"                 block of the range once, in random order)\n"
	"  --seconds N    run this long instead of a number of I/Os\n"
	"  --lba N        first LBA of the range (default 0)\n"
	"  --lbas N       LBAs in the range (default: to the end of the namespace);\n"
	"                 start and count must be whole 4 KiB blocks\n"
	"  --verify       check every block read against the pattern of --seed\n"
	"  --seed N       the pattern writes write and --verify expects (0x5eed)\n"
	"  --irq          sleep on the I/O queues' MSI-X vectors\n"
	"  --nsid N, --timeout-ms N   as nvme-rw\n"
	"  -h, --help     print this text\n"
	"Exit status: 0 success, 1 an error status, a timeout, a block that does\n"
	"not verify, a range that is not aligned or does not fit, 2 usage.\n";

int bench_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "write", no_argument, NULL, 'w' }, { "qd", required_argument, NULL, 'q' },
		{ "queues", required_argument, NULL, 'Q' }, { "ios", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' }, { "lba", required_argument, NULL, 'l' },
		{ "lbas", required_argument, NULL, 'L' }, { "verify", no_argument, NULL, 'v' },
		{ "seed", required_argument, NULL, 'S' }, { "irq", no_argument, NULL, 'i' },
		{ "nsid", required_argument, NULL, 'N' }, { "timeout-ms", required_argument, NULL, 't' },
		{ 0 },
	};
	unsigned long long qd = 32, queues = 1, ios = 0, secs = 0, lba = 0, lbas = 0;
	unsigned long long seed = 0x5eed, nsid = 1, to = 5000;
	struct bench b = { .rng = 0x9e3779b97f4a7c15ull };
	struct nvme_dev n;
	uint64_t t0, c0;
	int c, bad = 0, ret = 1;

	if (app_help_asked(argc, argv))
		return app_usage(bench_usage, 1);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'w': b.write = 1; break;
		case 'q': bad |= app_num("--qd", optarg, 1, NVME_MAX_DEPTH - 1, &qd); break;
		case 'Q': bad |= app_num("--queues", optarg, 1, NVME_MAX_IOQ, &queues); break;
		case 'n': bad |= app_num("--ios", optarg, 1, 1u << 24, &ios); break;
		case 's': bad |= app_num("--seconds", optarg, 1, 3600, &secs); break;
		case 'l': bad |= app_num("--lba", optarg, 0, UINT64_MAX / 2, &lba); break;
		case 'L': bad |= app_num("--lbas", optarg, 1, UINT64_MAX / 2, &lbas); break;
		case 'v': b.verify = 1; break;
		case 'S': bad |= app_num("--seed", optarg, 0, UINT32_MAX, &seed); break;
		case 'i': b.irq = 1; break;
		case 'N': bad |= app_num("--nsid", optarg, 1, UINT32_MAX, &nsid); break;
		case 't': bad |= app_num("--timeout-ms", optarg, 1, 3600000, &to); break;
		default: bad = 1;
		}
	}
	if (bad || optind != argc - 1 || (b.write && b.verify) || (ios && secs))
		return app_usage(bench_usage, 0);
	b.n = &n;
	b.qd = (unsigned)qd;
	b.queues = (unsigned)queues;
	b.lba = lba;
	b.seed = (uint32_t)seed;
	b.nsid = (uint32_t)nsid;
	app_stop_on_signals();
	if (nvme_open(&n, argv[optind], &(struct nvme_config){ .nsid = b.nsid, .use_irq = b.irq,
		      .timeout_ms = (int)to, .io_queues = b.queues, .io_depth = b.qd + 1 }) ||
	    range(&b, lbas))
		goto out;
	b.ios = ios ? ios : b.write ? b.blocks : 20000;
	b.end_ns = secs ? now_ns() + secs * 1000000000ull : 0;
	if (prepare(&b))
		goto out;
	nvme_print(&n, b.nsid);
	t0 = now_ns();
	c0 = app_cpu_ns();
	ret = run(&b) ? 1 : 0;
	report(&b, now_ns() - t0, app_cpu_ns() - c0);
	if (app_stopping())
		printf("stopped by signal %d\n", app_stopping());
	ret |= b.errors || b.bad_blocks;
out:
	if (nvme_close(&n))
		ret = 1;
	free(b.order);
	free(b.t_submit);
	free(b.req_lba);
	free(b.lat_ns);
	return app_verdict(ret);
}
