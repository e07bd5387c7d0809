// SPDX-License-Identifier: MIT
/*
 * Handles under concurrency: several threads create, use and free rings,
 * pools, caches, descriptor rings and zones at once (the quarantine of
 * freed handles and the tables of live rings and caches are shared by all
 * threads), and free rings and caches twice at once: exactly one free
 * wins, the others get EINVAL.  Then, in one thread, every freed handle is
 * still seen as freed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma.h>
#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define THREADS 4
#define ROUNDS 300

HP_FIXTURE(PS, 4)

struct shared {
	struct ud_mem *mem;	/* NULL: no hugepages, no zones */
	_Atomic int bad;
	char badmsg[256];
};

static void flag_bad(struct shared *s, const char *what)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&s->bad, &zero, 1))
		snprintf(s->badmsg, sizeof(s->badmsg), "%s: %s", what,
			 ud_errmsg());
}

/* One round over caller memory: a pool and its cache, a descriptor ring. */
static void round_plain(struct shared *s, void *va, unsigned id)
{
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	struct ud_desc_ring_params dp = UD_DESC_RING_PARAMS_INIT;
	struct ud_pool_mem pm = { .va = va, .len = 65536,
				  .iova = 0x100000000ull + id * 65536ull };
	struct ud_pool_cache *c;
	struct ud_desc_ring *r;
	struct ud_pool *p;
	struct ud_buf *b;

	pp.n = 16;
	pp.data_room = 512;
	p = ud_pool_create_mem(&pp, &pm);
	if (!p) {
		flag_bad(s, "ud_pool_create_mem");
		return;
	}
	c = ud_pool_cache_create(p, 4);
	b = c ? ud_pool_cache_get(c) : NULL;
	if (!b || ud_pool_cache_put(c, b) || ud_pool_cache_free(c))
		flag_bad(s, "cache");
	if (ud_pool_cache_free(c) != -1 || errno != EINVAL)
		flag_bad(s, "cache freed twice");
	if (ud_pool_free(p))
		flag_bad(s, "ud_pool_free");
	dp.count = 8;
	dp.desc_size = 16;
	r = ud_desc_ring_create_mem(&dp, (char *)va + 65536, 0x200000000ull, 4096);
	if (!r || ud_desc_ring_free(r))
		flag_bad(s, "descriptor ring");
}

static void round_zone(struct shared *s)
{
	struct ud_zone *z = ud_zone_reserve(s->mem, NULL, 4096, NULL);

	if (!z) {
		flag_bad(s, "ud_zone_reserve");
		return;
	}
	memset(ud_zone_addr(z), 0x5a, 4096);
	if (ud_zone_free(z))
		flag_bad(s, "ud_zone_free");
}

struct worker {
	struct shared *s;
	unsigned id;
	struct ud_ring **race;	/* rings every thread frees at once */
	pthread_barrier_t *bar;
	unsigned won;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	void *va = aligned_alloc(4096, 65536 + 4096);

	for (unsigned i = 0; i < ROUNDS && va; i++) {
		struct ud_ring *r = ud_ring_create("t", 8, 0);

		if (!r || ud_ring_enqueue(r, va) || ud_ring_free(r))
			flag_bad(w->s, "ring");
		round_plain(w->s, va, w->id);
		if (w->s->mem)
			round_zone(w->s);
		/* every thread frees the same ring: one wins.  Nothing is
		 * allocated until all have tried (the second barrier): a new
		 * ring at the freed address would be a live ring again. */
		pthread_barrier_wait(w->bar);
		if (ud_ring_free(w->race[i]) == 0)
			w->won++;
		else if (errno != EINVAL)
			flag_bad(w->s, "racing ring free");
		pthread_barrier_wait(w->bar);
	}
	free(va);
	return NULL;
}

START_TEST(handles_concurrently)
{
	struct shared s = { 0 };
	struct worker w[THREADS];
	pthread_t t[THREADS];
	pthread_barrier_t bar;
	struct ud_ring **race = calloc(ROUNDS, sizeof(*race));
	struct ud_zone *z;
	unsigned won = 0;

	if (hp_avail(PS) >= 2 && geteuid() == 0)
		s.mem = ud_mem_open(NULL);
	for (unsigned i = 0; i < ROUNDS; i++) {
		race[i] = ud_ring_create("race", 4, 0);
		ck_assert_ptr_nonnull(race[i]);
	}
	pthread_barrier_init(&bar, NULL, THREADS);
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .s = &s, .id = i, .race = race,
					.bar = &bar };
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		won += w[i].won;
	}
	pthread_barrier_destroy(&bar);
	ck_assert_msg(!s.bad, "%s", s.badmsg);
	ck_assert_uint_eq(won, ROUNDS);	/* each raced ring freed once */
	for (unsigned i = 0; i < ROUNDS; i++) {
		errno = 0;
		ck_assert_int_eq(ud_ring_free(race[i]), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	free(race);
	if (!s.mem)
		return;
	/* a freed zone is still seen as freed after all that churn */
	z = ud_zone_reserve(s.mem, "last", 64, NULL);
	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(ud_zone_free(z), 0);
	errno = 0;
	ck_assert_int_eq(ud_zone_free(z), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ud_mem_close(s.mem), 0);
	printf("%u threads x %u rounds: every handle freed once, %u raced "
	       "frees refused\n", THREADS, ROUNDS, ROUNDS * (THREADS - 1));
}
END_TEST

static Suite *handles_mt_suite(void)
{
	Suite *s = suite_create("handles_mt");
	TCase *tc = tcase_create("threads");

	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, handles_concurrently);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(handles_mt_suite)
