// SPDX-License-Identifier: MIT
/*
 * DMA buffer pools under concurrency: two threads hammer one pool for a
 * couple of seconds through their own caches (or without, or mixed), taking
 * and returning random bulks and holding a random number of buffers.  A
 * per-buffer "held" flag catches a buffer handed to two holders at once;
 * at the end every buffer is counted back: none lost, none duplicated.
 * The pool is small so that it runs empty often.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uiodma.h>
#include "unit.h"

#define NBUF 500
#define HOLD_MAX 300
#define RUN_NS 2000000000ull

struct shared {
	struct ud_pool *p;
	_Atomic uint8_t held[NBUF];
	_Atomic int bad;
	char badmsg[256];
	uint64_t t0;
	int mode; /* 0 both cached, 1 both direct, 2 mixed */
};

struct worker {
	struct shared *s;
	int id;
	uint64_t ops, empties;
};

static void flag_bad(struct shared *s, int code, const char *what)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&s->bad, &zero, code))
		snprintf(s->badmsg, sizeof(s->badmsg), "%s", what);
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;
	int cached = s->mode == 0 || (s->mode == 2 && w->id == 0);
	struct ud_pool_cache *c = cached ? ud_pool_cache_create(s->p, 64) : NULL;
	struct ud_buf *held[HOLD_MAX + 64];
	unsigned nheld = 0, rs = 17u + (unsigned)w->id;
	uint64_t it = 0;

	if (cached && !c) {
		flag_bad(s, 9, ud_errmsg());
		return NULL;
	}
	for (;; it++) {
		if ((it & 255) == 0 && ut_now_ns() - s->t0 > RUN_NS)
			break;
		unsigned n = 1 + (unsigned)rand_r(&rs) % 48;

		if (rand_r(&rs) % 2 && nheld + n <= HOLD_MAX) {
			int rc;

			if (n == 1 && rand_r(&rs) % 2) {
				held[nheld] = c ? ud_pool_cache_get(c)
						: ud_pool_get(s->p);
				rc = held[nheld] ? 0 : -1;
			} else {
				rc = c ? ud_pool_cache_get_bulk(c, held + nheld, n)
				       : ud_pool_get_bulk(s->p, held + nheld, n);
			}
			if (rc) {
				if (errno != ENOBUFS)
					flag_bad(s, 1, "get failed without ENOBUFS");
				w->empties++;
				continue;
			}
			for (unsigned i = 0; i < n; i++) {
				struct ud_buf *b = held[nheld + i];

				if (!b || b->index >= NBUF ||
				    ud_pool_buf(s->p, b->index) != b) {
					flag_bad(s, 2, "got a pointer that is not a buffer");
					continue;
				}
				if (atomic_exchange(&s->held[b->index], 1))
					flag_bad(s, 3, "buffer handed out twice");
				b->udata = (uint64_t)w->id; /* write to it */
			}
			nheld += n;
		} else if (nheld) {
			if (n > nheld)
				n = nheld;
			/* give back a random slice */
			unsigned at = (unsigned)rand_r(&rs) % (nheld - n + 1);

			for (unsigned i = 0; i < n; i++) {
				struct ud_buf *b = held[at + i];

				if (b->udata != (uint64_t)w->id)
					flag_bad(s, 4, "buffer changed hands while held");
				if (!atomic_exchange(&s->held[b->index], 0))
					flag_bad(s, 5, "held flag lost");
			}
			int rc = n == 1 ? (c ? ud_pool_cache_put(c, held[at])
					     : ud_pool_put(held[at]))
					: (c ? ud_pool_cache_put_bulk(c, held + at, n)
					     : ud_pool_put_bulk(s->p, held + at, n));
			if (rc)
				flag_bad(s, 6, ud_errmsg());
			memmove(held + at, held + at + n,
				(nheld - at - n) * sizeof(held[0]));
			nheld -= n;
		}
		w->ops++;
	}
	for (unsigned i = 0; i < nheld; i++)
		atomic_store(&s->held[held[i]->index], 0);
	if (nheld && (c ? ud_pool_cache_put_bulk(c, held, nheld)
			: ud_pool_put_bulk(s->p, held, nheld)))
		flag_bad(s, 7, ud_errmsg());
	ud_pool_cache_free(c); /* flushes */
	return NULL;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static void hammer(int mode, unsigned flags)
{
	static char mem[NBUF * 1024 + 4096] __attribute__((aligned(4096)));
	struct shared *s = calloc(1, sizeof(*s));
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	struct ud_pool_mem pm = { 0 };
	struct worker w[2];
	pthread_t t[2];
	struct ud_buf **all = malloc(NBUF * sizeof(*all));

	pm.va = mem;
	pm.len = sizeof(mem);
	pm.iova = 0x40000000;
	pp.name = "mt";
	pp.n = NBUF;
	pp.data_room = 900;
	pp.flags = flags;
	s->p = ud_pool_create_mem(&pp, &pm);
	ck_assert_msg(s->p != NULL, "%s", ud_errmsg());
	s->mode = mode;
	s->t0 = ut_now_ns();
	for (int i = 0; i < 2; i++) {
		w[i] = (struct worker){ s, i, 0, 0 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ck_assert_msg(atomic_load(&s->bad) == 0, "code %d: %s",
		      atomic_load(&s->bad), s->badmsg);

	/* count every buffer: all NBUF are back, each once */
	ck_assert_uint_eq(ud_pool_avail(s->p), NBUF);
	ck_assert_int_eq(ud_pool_get_bulk(s->p, all, NBUF), 0);
	ck_assert_int_eq(ud_pool_get_bulk(s->p, all, 1), -1);
	qsort(all, NBUF, sizeof(*all), cmp_ptr);
	for (unsigned i = 0; i < NBUF; i++) {
		ck_assert_ptr_eq(all[i]->pool, s->p);
		ck_assert_ptr_eq(ud_pool_buf(s->p, all[i]->index), all[i]);
		if (i)
			ck_assert_ptr_ne(all[i], all[i - 1]);
	}
	if (flags & UD_POOL_STATS) {
		struct ud_pool_stats st;

		ud_pool_stats(s->p, &st);
		/* every get was matched by a put, plus our final NBUF get */
		ck_assert_uint_eq(st.gets, st.puts + NBUF);
		ck_assert_uint_eq(st.in_use, NBUF);
	}
	printf("pool mode %d flags 0x%x: %llu + %llu ops, %llu + %llu empty "
	       "gets, %u buffers all back once\n", mode, flags,
	       (unsigned long long)w[0].ops, (unsigned long long)w[1].ops,
	       (unsigned long long)w[0].empties,
	       (unsigned long long)w[1].empties, NBUF);
	/* a loaded machine under TSan can be slow: ask only for real work */
	ck_assert_uint_gt(w[0].ops, 200);
	ck_assert_uint_gt(w[1].ops, 200);
	ud_pool_free(s->p);
	free(all);
	free(s);
}

START_TEST(test_cached)
{
	hammer(0, 0);
}
END_TEST

START_TEST(test_cached_debug_stats)
{
	hammer(0, UD_POOL_DEBUG | UD_POOL_STATS);
}
END_TEST

START_TEST(test_direct)
{
	hammer(1, UD_POOL_STATS);
}
END_TEST

START_TEST(test_mixed)
{
	hammer(2, UD_POOL_DEBUG);
}
END_TEST

static Suite *pool_mt_suite(void)
{
	Suite *s = suite_create("pool_mt");
	TCase *tc = tcase_create("pool_mt");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cached);
	tcase_add_test(tc, test_cached_debug_stats);
	tcase_add_test(tc, test_direct);
	tcase_add_test(tc, test_mixed);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(pool_mt_suite)
