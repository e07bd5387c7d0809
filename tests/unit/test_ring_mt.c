// SPDX-License-Identifier: MIT
/*
 * Lock-free rings under concurrency: SPSC (1 producer, 1 consumer) and MPMC
 * (2 producers, 2 consumers).  Every item is (producer << 40 | sequence);
 * consumers check that each producer's sequences arrive in increasing order
 * and count every item; at the end each produced item was seen exactly once.
 * Each run is bounded by both an item count and a time limit.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uiodma.h>
#include "unit.h"

#define MAXP 2
#define MAXC 2
#define ITEMS (1u << 21) /* per producer, at most */
#define RUN_NS (2500000000ull)

struct mt {
	struct ud_ring *r;
	int np, nc;
	_Atomic int producers_left;
	uint32_t produced[MAXP];
	_Atomic uint8_t *seen[MAXP];
	_Atomic int bad;
	uint64_t t0;
};

struct arg {
	struct mt *m;
	int id;
};

static void *producer(void *p)
{
	struct arg *a = p;
	struct mt *m = a->m;
	uint32_t seq = 0;
	unsigned rs = 7u * (unsigned)a->id + 1;
	void *buf[48];

	while (seq < ITEMS) {
		if ((seq & 1023) < 48 && ut_now_ns() - m->t0 > RUN_NS)
			break;
		unsigned n = 1 + (unsigned)rand_r(&rs) % 40;
		int bulk = rand_r(&rs) & 1;

		if (n > ITEMS - seq)
			n = ITEMS - seq;
		for (unsigned i = 0; i < n; i++)
			buf[i] = (void *)(uintptr_t)(((uint64_t)(a->id) << 40) |
						     (seq + i));
		unsigned got = bulk ? ud_ring_enqueue_bulk(m->r, buf, n, NULL)
				    : ud_ring_enqueue_burst(m->r, buf, n, NULL);
		if (bulk && got != 0 && got != n)
			atomic_store(&m->bad, 1);
		seq += got;
		if (!got)
			ud_ring_cpu_relax();
	}
	m->produced[a->id] = seq;
	atomic_fetch_sub(&m->producers_left, 1);
	return NULL;
}

static void *consumer(void *p)
{
	struct arg *a = p;
	struct mt *m = a->m;
	int64_t last[MAXP];
	unsigned rs = 31u * (unsigned)a->id + 3;
	void *buf[48];

	for (int i = 0; i < MAXP; i++)
		last[i] = -1;
	for (;;) {
		int done = atomic_load(&m->producers_left) == 0;
		unsigned n = 1 + (unsigned)rand_r(&rs) % 40;
		int bulk = rand_r(&rs) & 1;
		unsigned got = bulk ? ud_ring_dequeue_bulk(m->r, buf, n, NULL)
				    : ud_ring_dequeue_burst(m->r, buf, n, NULL);

		if (bulk && got != 0 && got != n)
			atomic_store(&m->bad, 2);
		for (unsigned i = 0; i < got; i++) {
			uint64_t v = (uintptr_t)buf[i];
			unsigned pid = (unsigned)(v >> 40);
			uint32_t seq = (uint32_t)(v & 0xffffffffffull);

			if (pid >= (unsigned)m->np || seq >= ITEMS) {
				atomic_store(&m->bad, 3);
				continue;
			}
			if ((int64_t)seq <= last[pid])
				atomic_store(&m->bad, 4); /* out of order */
			last[pid] = seq;
			atomic_fetch_add_explicit(&m->seen[pid][seq], 1,
						  memory_order_relaxed);
		}
		if (!got) {
			/* a bulk may fail on a nearly empty ring: drain by burst */
			if (done && ud_ring_empty(m->r))
				break;
			ud_ring_cpu_relax();
		}
	}
	return NULL;
}

static void run(int np, int nc, unsigned count, unsigned flags)
{
	struct mt m;
	pthread_t tp[MAXP], tc[MAXC];
	struct arg ap[MAXP], ac[MAXC];

	memset(&m, 0, sizeof(m));
	m.r = ud_ring_create("mt", count, flags);
	ck_assert_ptr_nonnull(m.r);
	m.np = np;
	m.nc = nc;
	atomic_init(&m.producers_left, np);
	atomic_init(&m.bad, 0);
	for (int i = 0; i < np; i++) {
		m.seen[i] = calloc(ITEMS, 1);
		ck_assert_ptr_nonnull(m.seen[i]);
	}
	m.t0 = ut_now_ns();
	for (int i = 0; i < nc; i++) {
		ac[i] = (struct arg){ &m, i };
		ck_assert_int_eq(pthread_create(&tc[i], NULL, consumer, &ac[i]), 0);
	}
	for (int i = 0; i < np; i++) {
		ap[i] = (struct arg){ &m, i };
		ck_assert_int_eq(pthread_create(&tp[i], NULL, producer, &ap[i]), 0);
	}
	for (int i = 0; i < np; i++)
		pthread_join(tp[i], NULL);
	for (int i = 0; i < nc; i++)
		pthread_join(tc[i], NULL);

	ck_assert_int_eq(atomic_load(&m.bad), 0);
	uint64_t total = 0;
	for (int p = 0; p < np; p++) {
		ck_assert_uint_gt(m.produced[p], 1000);
		for (uint32_t s = 0; s < ITEMS; s++) {
			uint8_t v = atomic_load_explicit(&m.seen[p][s],
							 memory_order_relaxed);
			if (s < m.produced[p] && v != 1)
				ck_abort_msg("producer %d item %u seen %u times",
					     p, s, v);
			if (s >= m.produced[p] && v != 0)
				ck_abort_msg("producer %d item %u never produced "
					     "but seen %u times", p, s, v);
		}
		total += m.produced[p];
		free(m.seen[p]);
	}
	printf("ring %dP%dC count %u: %llu items, each seen once, in order\n",
	       np, nc, count, (unsigned long long)total);
	ck_assert(ud_ring_empty(m.r));
	ud_ring_free(m.r);
}

START_TEST(test_spsc)
{
	run(1, 1, 256, UD_RING_SP_ENQ | UD_RING_SC_DEQ);
}
END_TEST

START_TEST(test_mpmc)
{
	run(2, 2, 256, 0);
}
END_TEST

START_TEST(test_mpmc_small)
{
	/* a tiny ring: constant full/empty races and slot reuse */
	run(2, 2, 16, 0);
}
END_TEST

static Suite *ring_mt_suite(void)
{
	Suite *s = suite_create("ring_mt");
	TCase *tc = tcase_create("ring_mt");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_spsc);
	tcase_add_test(tc, test_mpmc);
	tcase_add_test(tc, test_mpmc_small);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(ring_mt_suite)
