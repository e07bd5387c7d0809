// SPDX-License-Identifier: MIT
/*
 * bench_ring - lock-free rings against DPDK's rte_ring.
 *
 * Prints one line per result:
 *
 *   BENCH <name> ours=<v>ns <baseline>=<v>ns ratio=<r>
 *
 * with the value in ns per object (one enqueue plus one dequeue), r = ours /
 * baseline, the median of the pairwise ratios of rounds run interleaved
 * (ours, baseline, ours, baseline, ...), and ours/baseline the medians of
 * their rounds.  Without DPDK each line is "BENCH-SKIP <name> libdpdk not
 * installed".  Notes go to stderr.
 *
 *   ring_spsc_bulk32      one thread: enqueue 32, dequeue 32, on a
 *                         single-producer/single-consumer ring of 1024
 *   ring_mpmc_bulk32      the same on a multi-producer/multi-consumer ring
 *                         (compare-and-swap path, uncontended)
 *   ring_mpmc_bulk32_2t   two threads at once on one MP/MC ring, each
 *                         enqueue 32 then dequeue 32 (contended), for a
 *                         fixed time; a round where a thread was off
 *                         its CPU more than 10% of the time is rerun (5
 *                         tries), else the row is "BENCH-SKIP <name>
 *                         machine too busy ..." (no contended number)
 *
 * Built with -DHAVE_DPDK and DPDK's cflags/libs (pkg-config libdpdk), the
 * baseline is rte_ring_enqueue_bulk()/rte_ring_dequeue_bulk() on rings made
 * with rte_ring_init() in ordinary memory, so no EAL is needed.
 *
 * Usage: bench_ring [-q]   (-q: fewer rounds and objects, a smoke run)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uiodma.h>
#include "bench_util.h"

#ifdef HAVE_DPDK
#include <rte_ring.h>
#endif

#define BURST 32
#define RING_SIZE 1024

static int quick;

/* One implementation under test: enqueue/dequeue bulk on its ring. */
struct impl {
	void *ring;
	unsigned (*enq)(void *r, void *const *objs, unsigned n);
	unsigned (*deq)(void *r, void **objs, unsigned n);
};

static unsigned ours_enq(void *r, void *const *objs, unsigned n)
{
	return ud_ring_enqueue_bulk(r, objs, n, NULL);
}

static unsigned ours_deq(void *r, void **objs, unsigned n)
{
	return ud_ring_dequeue_bulk(r, objs, n, NULL);
}

#ifdef HAVE_DPDK
static unsigned dpdk_enq(void *r, void *const *objs, unsigned n)
{
	return rte_ring_enqueue_bulk(r, objs, n, NULL);
}

static unsigned dpdk_deq(void *r, void **objs, unsigned n)
{
	return rte_ring_dequeue_bulk(r, objs, n, NULL);
}

static struct rte_ring *dpdk_ring(const char *name, unsigned flags)
{
	ssize_t sz = rte_ring_get_memsize(RING_SIZE);
	struct rte_ring *r;

	if (sz < 0 || posix_memalign((void **)&r, 128, (size_t)sz))
		return NULL;
	if (rte_ring_init(r, name, RING_SIZE, flags)) {
		free(r);
		return NULL;
	}
	return r;
}
#endif

/*
 * The loop is inlined per implementation (through the function pointers
 * being constant at each call site after inlining) so neither side pays an
 * indirect call the other does not.
 */
static inline __attribute__((always_inline)) double
run_loop(const struct impl *im, long iters)
{
	void *in[BURST], *out[BURST];
	double t0;
	uintptr_t sink = 0;

	for (int i = 0; i < BURST; i++)
		in[i] = (void *)(uintptr_t)(i + 1);
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		if (im->enq(im->ring, in, BURST) != BURST ||
		    im->deq(im->ring, out, BURST) != BURST) {
			fprintf(stderr, "bench_ring: ring op failed\n");
			exit(1);
		}
		sink += (uintptr_t)out[i & (BURST - 1)];
	}
	double t = now_ns() - t0;

	__asm__ __volatile__("" ::"r"(sink));
	return t / ((double)iters * BURST);
}

static double run_ours(void *r, long iters)
{
	struct impl im = { r, ours_enq, ours_deq };

	return run_loop(&im, iters);
}

#ifdef HAVE_DPDK
static double run_dpdk(void *r, long iters)
{
	struct impl im = { r, dpdk_enq, dpdk_deq };

	return run_loop(&im, iters);
}
#endif

/* ---- two threads ---------------------------------------------------------- */

/*
 * Both threads run the same enqueue/dequeue loop on one ring for a fixed
 * time, started and stopped together.  A round in which either thread was
 * off its CPU for more than 10% of it (CPU time against wall time, e.g.
 * preempted by another process) is not a contended measurement: it is run
 * again, up to 5 times.  Result: ns per object per thread, averaged.
 */
struct two {
	const struct impl *im;
	_Atomic int go, stop;
	double ns[2], cpu_frac[2];
	long objs[2];
};

struct two_arg {
	struct two *t;
	int id;
};

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline __attribute__((always_inline)) void
two_loop(struct two *t, int id, const struct impl *im)
{
	void *in[BURST], *out[BURST];
	long n = 0;

	for (int i = 0; i < BURST; i++)
		in[i] = (void *)(uintptr_t)(i + 1);
	while (!atomic_load(&t->go))
		;
	double t0 = now_ns(), c0 = cpu_ns();

	while (!atomic_load_explicit(&t->stop, memory_order_relaxed)) {
		if (im->enq(im->ring, in, BURST) != BURST ||
		    im->deq(im->ring, out, BURST) != BURST) {
			fprintf(stderr, "bench_ring: ring op failed\n");
			exit(1);
		}
		n++;
	}
	double w = now_ns() - t0;

	t->cpu_frac[id] = (cpu_ns() - c0) / w;
	t->ns[id] = w;
	t->objs[id] = n * BURST;
}

static void *two_ours_thread(void *p)
{
	struct two_arg *a = p;
	struct impl im = { a->t->im->ring, ours_enq, ours_deq };

	two_loop(a->t, a->id, &im);
	return NULL;
}

#ifdef HAVE_DPDK
static void *two_dpdk_thread(void *p)
{
	struct two_arg *a = p;
	struct impl im = { a->t->im->ring, dpdk_enq, dpdk_deq };

	two_loop(a->t, a->id, &im);
	return NULL;
}
#endif

static double run_two(void *(*thread)(void *), void *ring, long iters)
{
	struct impl im = { ring, NULL, NULL };
	/* about as long as @iters bulks take uncontended, at least 20 ms */
	long run_us = iters / 20 > 20000 ? iters / 20 : 20000;

	for (int attempt = 0;; attempt++) {
		struct two t = { .im = &im };
		struct two_arg a[2] = { { &t, 0 }, { &t, 1 } };
		pthread_t th[2];

		atomic_init(&t.go, 0);
		atomic_init(&t.stop, 0);
		for (int i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, thread, &a[i]);
		atomic_store(&t.go, 1);
		struct timespec d = { 0, run_us * 1000 };

		nanosleep(&d, NULL);
		atomic_store(&t.stop, 1);
		for (int i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		if (t.cpu_frac[0] >= 0.9 && t.cpu_frac[1] >= 0.9)
			return (t.ns[0] / (double)t.objs[0] +
				t.ns[1] / (double)t.objs[1]) / 2;
		if (attempt == 4) {
			fprintf(stderr, "# ring 2t: threads kept being preempted "
				"(%.0f%%, %.0f%% on CPU)\n",
				100 * t.cpu_frac[0], 100 * t.cpu_frac[1]);
			return -1; /* no contended measurement to be had */
		}
	}
}

static double two_ours(void *r, long iters)
{
	return run_two(two_ours_thread, r, iters);
}

#ifdef HAVE_DPDK
static double two_dpdk(void *r, long iters)
{
	return run_two(two_dpdk_thread, r, iters);
}
#endif

/* ---- reporting -------------------------------------------------------------- */

/* A two-thread run that cannot get both threads on CPUs gives -1. */
static void bench(const char *name, double (*ours)(void *, long), void *oring,
		  double (*base)(void *, long), void *bring, long iters)
{
	if (bench_ab(name, quick ? 3 : 11, iters, ours, oring, "rte_ring",
		     base, bring, "libdpdk not installed") < 0)
		report_skip(name, "machine too busy: both threads could not "
			    "stay on a CPU (see stderr)");
}

int main(int argc, char **argv)
{
	long iters;
	struct ud_ring *o_sp, *o_mp;
	double (*b_one)(void *, long) = NULL, (*b_two)(void *, long) = NULL;
	void *b_sp = NULL, *b_mp = NULL;

	quick = argc > 1 && strcmp(argv[1], "-q") == 0;
	iters = quick ? 100000 : 1000000;
	o_sp = ud_ring_create("sp", RING_SIZE, UD_RING_SP_ENQ | UD_RING_SC_DEQ);
	o_mp = ud_ring_create("mp", RING_SIZE, 0);
	if (!o_sp || !o_mp) {
		fprintf(stderr, "bench_ring: %s\n", ud_errmsg());
		return 1;
	}
#ifdef HAVE_DPDK
	b_sp = dpdk_ring("sp", RING_F_SP_ENQ | RING_F_SC_DEQ);
	b_mp = dpdk_ring("mp", 0);
	if (!b_sp || !b_mp) {
		fprintf(stderr, "bench_ring: rte_ring_init failed\n");
		return 1;
	}
	b_one = run_dpdk;
	b_two = two_dpdk;
#endif
	fprintf(stderr, "# ns per object (enqueue + dequeue), bulk of %d, ring "
		"of %d, median of %d interleaved rounds of %ld bulks\n",
		BURST, RING_SIZE, quick ? 3 : 11, iters);
	bench("ring_spsc_bulk32", run_ours, o_sp, b_one, b_sp, iters);
	bench("ring_mpmc_bulk32", run_ours, o_mp, b_one, b_mp, iters);
	bench("ring_mpmc_bulk32_2t", two_ours, o_mp, b_two, b_mp, iters / 2);
	ud_ring_free(o_sp);
	ud_ring_free(o_mp);
#ifdef HAVE_DPDK
	free(b_sp);
	free(b_mp);
#endif
	return 0;
}
