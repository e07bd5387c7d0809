// SPDX-License-Identifier: MIT
/*
 * bench_pool - DMA buffer pools against DPDK's rte_mempool.
 *
 * Prints one line per result:
 *
 *   BENCH <name> ours=<v>ns rte_mempool=<v>ns ratio=<r>
 *
 * with the value in ns per buffer (one get plus one put), r = ours /
 * baseline, the median of the pairwise ratios of rounds run interleaved
 * (ours, baseline, ours, ...), and ours/baseline the medians of their
 * rounds.  Without DPDK each line is "BENCH-SKIP <name> libdpdk not
 * installed".  Notes go to stderr.
 *
 *   pool_get_put_cache        get one buffer, put it back, through a
 *                             per-thread cache of 256
 *   pool_get_put_bulk32_cache get 32, put 32, through the cache
 *   pool_get_put_bulk32_ring  get 32, put 32, no cache (shared ring; the
 *                             baseline is a mempool made with cache 0)
 *
 * Ours: 8192 buffers of 2048 bytes in a zone of 2 MiB hugepages
 * (ud_pool_create()); as root the hugepage pool is grown if needed and put
 * back on exit; without hugepages the pool is made over ordinary memory
 * (ud_pool_create_mem(), same fast path) and stderr says so.  Baseline:
 * rte_mempool_create(8191 objects of 2048 bytes, cache 256) after
 * rte_eal_init("--no-huge --no-pci -m 256 -l 0 --no-shconf
 * --no-telemetry --log-level=error"), from the main lcore so its default
 * per-lcore cache is used.
 *
 * Usage: bench_pool [-q]   (-q: fewer rounds and objects, a smoke run)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uiodma.h>
#include "bench_util.h"

#ifdef HAVE_DPDK
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#endif

#define NBUF 8192
#define ROOM 2048
#define CACHE 256
#define BURST 32

static int quick;
static const char *skip_why = "libdpdk not installed";
static struct hp_hold hp;

static void die(const char *what)
{
	fprintf(stderr, "bench_pool: %s: %s\n", what, ud_errmsg());
	exit(1);
}

static void hp_put_back(void)
{
	hp_restore(&hp);
}

/* ---- ours ---------------------------------------------------------------- */

static struct ud_mem *mem;
static void *plain_mem;

static struct ud_pool *ours_pool(void)
{
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	struct ud_pool *p;

	pp.name = "bench";
	pp.n = NBUF;
	pp.data_room = ROOM;
	/* as root, grow the 2 MiB hugepage pool to have 16 free pages */
	hp_reserve(&hp, 0, 16);
	if (hp.held)
		atexit(hp_put_back);
	mem = ud_mem_open(NULL);
	if (mem) {
		p = ud_pool_create(mem, &pp);
		if (p)
			return p;
		fprintf(stderr, "# bench_pool: no pool in hugepages (%s); "
			"using ordinary memory\n", ud_errmsg());
		ud_mem_close(mem);
		mem = NULL;
	} else {
		fprintf(stderr, "# bench_pool: no hugepage memory (%s); using "
			"ordinary memory\n", ud_errmsg());
	}
	struct ud_pool_mem pm = { 0 };

	pm.len = (size_t)NBUF * (ROOM + 128) + 4096;
	if (posix_memalign(&plain_mem, 4096, pm.len))
		die("posix_memalign");
	pm.va = plain_mem;
	pm.iova = 0x100000000ull; /* made up: nothing does DMA here */
	p = ud_pool_create_mem(&pp, &pm);
	if (!p)
		die("ud_pool_create_mem");
	return p;
}

static double ours_single(void *cache, long iters)
{
	struct ud_pool_cache *c = cache;
	uintptr_t sink = 0;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		struct ud_buf *b = ud_pool_cache_get(c);

		if (!b)
			die("get");
		sink += (uintptr_t)b;
		ud_pool_cache_put(c, b);
	}
	double t = now_ns() - t0;

	__asm__ __volatile__("" ::"r"(sink));
	return t / (double)iters;
}

static double ours_bulk(void *cache, long iters)
{
	struct ud_pool_cache *c = cache;
	struct ud_buf *b[BURST];
	uintptr_t sink = 0;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		if (ud_pool_cache_get_bulk(c, b, BURST))
			die("get_bulk");
		sink += (uintptr_t)b[i & (BURST - 1)];
		ud_pool_cache_put_bulk(c, b, BURST);
	}
	double t = now_ns() - t0;

	__asm__ __volatile__("" ::"r"(sink));
	return t / ((double)iters * BURST);
}

static double ours_ring(void *pool, long iters)
{
	struct ud_pool *p = pool;
	struct ud_buf *b[BURST];
	uintptr_t sink = 0;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		if (ud_pool_get_bulk(p, b, BURST))
			die("get_bulk");
		sink += (uintptr_t)b[i & (BURST - 1)];
		ud_pool_put_bulk(p, b, BURST);
	}
	double t = now_ns() - t0;

	__asm__ __volatile__("" ::"r"(sink));
	return t / ((double)iters * BURST);
}

/* ---- DPDK ------------------------------------------------------------------ */

#ifdef HAVE_DPDK
static struct rte_mempool *d_pool, *d_pool_nc;

static int dpdk_init(void)
{
	char *argv[] = { "bench_pool", "--no-huge", "--no-pci", "-m", "256",
			 "-l", "0", "--no-shconf", "--no-telemetry",
			 "--log-level=error", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_pool: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	d_pool = rte_mempool_create("bench", NBUF - 1, ROOM, CACHE, 0, NULL,
				    NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	d_pool_nc = rte_mempool_create("bench_nc", NBUF - 1, ROOM, 0, 0, NULL,
				       NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	if (!d_pool || !d_pool_nc) {
		fprintf(stderr, "bench_pool: rte_mempool_create: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	fprintf(stderr, "# rte_mempool ops '%s', lcore %u\n",
		rte_mempool_get_ops(d_pool->ops_index)->name, rte_lcore_id());
	return 0;
}

static double dpdk_single(void *pool, long iters)
{
	struct rte_mempool *mp = pool;
	uintptr_t sink = 0;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		void *o;

		if (rte_mempool_get(mp, &o))
			die("rte_mempool_get");
		sink += (uintptr_t)o;
		rte_mempool_put(mp, o);
	}
	double t = now_ns() - t0;

	__asm__ __volatile__("" ::"r"(sink));
	return t / (double)iters;
}

/* Through the mempool's cache, or its ring for one made with cache 0. */
static double dpdk_bulk(void *pool, long iters)
{
	struct rte_mempool *mp = pool;
	void *o[BURST];
	uintptr_t sink = 0;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		if (rte_mempool_get_bulk(mp, o, BURST))
			die("rte_mempool_get_bulk");
		sink += (uintptr_t)o[i & (BURST - 1)];
		rte_mempool_put_bulk(mp, o, BURST);
	}
	double t = now_ns() - t0;

	__asm__ __volatile__("" ::"r"(sink));
	return t / ((double)iters * BURST);
}
#endif

static void bench(const char *name, double (*ours)(void *, long), void *oarg,
		  double (*base)(void *, long), void *barg, long iters)
{
	bench_ab(name, quick ? 3 : 11, iters, ours, oarg, "rte_mempool", base,
		 barg, skip_why);
}

int main(int argc, char **argv)
{
	double (*b_single)(void *, long) = NULL, (*b_bulk)(void *, long) = NULL;
	void *b_cached = NULL, *b_nc = NULL;
	struct ud_pool_cache *o_cache;
	struct ud_pool *o_pool;
	long iters;

	quick = argc > 1 && strcmp(argv[1], "-q") == 0;
	iters = quick ? 200000 : 2000000;
#ifdef HAVE_DPDK
	if (dpdk_init() == 0) {
		b_single = dpdk_single;
		b_bulk = dpdk_bulk;
		b_cached = d_pool;
		b_nc = d_pool_nc;
	} else {
		skip_why = "DPDK present but rte_eal_init or "
			   "rte_mempool_create failed (see stderr)";
	}
#endif
	o_pool = ours_pool();
	o_cache = ud_pool_cache_create(o_pool, CACHE);
	if (!o_cache)
		die("ud_pool_cache_create");
	fprintf(stderr, "# ns per buffer (get + put), %d buffers of %d bytes, "
		"cache %d, median of %d interleaved rounds\n", NBUF, ROOM,
		CACHE, quick ? 3 : 11);
	bench("pool_get_put_cache", ours_single, o_cache, b_single, b_cached,
	      iters);
	bench("pool_get_put_bulk32_cache", ours_bulk, o_cache, b_bulk, b_cached,
	      iters / 8);
	bench("pool_get_put_bulk32_ring", ours_ring, o_pool, b_bulk, b_nc,
	      iters / 32);
	ud_pool_cache_free(o_cache);
	ud_pool_free(o_pool);
	ud_mem_close(mem);
	free(plain_mem);
#ifdef HAVE_DPDK
	if (b_single) {
		rte_mempool_free(d_pool);
		rte_mempool_free(d_pool_nc);
		rte_eal_cleanup();
	}
#endif
	return 0;
}
