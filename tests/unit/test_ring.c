// SPDX-License-Identifier: MIT
/* Lock-free rings, single-threaded behaviour: bulk/burst, wrap, counts, errors. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma.h>
#include "unit.h"

#define P(x) ((void *)(uintptr_t)(x))

START_TEST(test_create_errors)
{
	static const unsigned bad[] = { 0, 3, 100, 1000, UD_RING_MAX_COUNT + 1u,
					UD_RING_MAX_COUNT * 2u };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_ptr_null(ud_ring_create("bad", bad[i], 0));
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_nonnull(strstr(ud_errmsg(), "power of two"));
	}
	errno = 0;
	ck_assert_ptr_null(ud_ring_create("bad", 8, 0x80));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "unknown"));
	ck_assert_uint_eq(ud_ring_memsize(6), 0);
	ck_assert_uint_ge(ud_ring_memsize(8), sizeof(struct ud_ring) + 64);
}
END_TEST

START_TEST(test_layout)
{
	struct ud_ring *r = ud_ring_create("lay", 16, 0);

	ck_assert_ptr_nonnull(r);
	uintptr_t ph = (uintptr_t)&r->prod.head, pt = (uintptr_t)&r->prod.tail;
	uintptr_t ch = (uintptr_t)&r->cons.head, sl = (uintptr_t)r->slots;
	/* producer and consumer indices on different cache lines, slots apart */
	ck_assert_uint_ge(ch - pt, UD_CACHE_LINE);
	ck_assert_uint_ge(sl - (uintptr_t)&r->cons.tail, UD_CACHE_LINE);
	ck_assert_uint_eq(ph % UD_CACHE_LINE, 0);
	ck_assert_uint_eq(ch % UD_CACHE_LINE, 0);
	ck_assert_str_eq(ud_ring_name(r), "lay");
	ud_ring_free(r);
}
END_TEST

/* Bulk and burst semantics for each of the four modes (_i = flags). */
START_TEST(test_bulk_burst)
{
	struct ud_ring *r = ud_ring_create("bb", 8, (unsigned)_i);
	void *in[16], *out[16];
	unsigned fs, av;

	ck_assert_ptr_nonnull(r);
	for (int i = 0; i < 16; i++)
		in[i] = P(i + 1);
	ck_assert(ud_ring_empty(r));
	ck_assert_uint_eq(ud_ring_capacity(r), 8);
	ck_assert_uint_eq(ud_ring_free_count(r), 8);

	ck_assert_uint_eq(ud_ring_enqueue_bulk(r, in, 5, &fs), 5);
	ck_assert_uint_eq(fs, 3);
	ck_assert_uint_eq(ud_ring_count(r), 5);
	/* bulk all-or-nothing: 4 do not fit */
	ck_assert_uint_eq(ud_ring_enqueue_bulk(r, in + 5, 4, &fs), 0);
	ck_assert_uint_eq(fs, 3);
	ck_assert_uint_eq(ud_ring_count(r), 5);
	/* burst takes what fits */
	ck_assert_uint_eq(ud_ring_enqueue_burst(r, in + 5, 4, &fs), 3);
	ck_assert_uint_eq(fs, 0);
	ck_assert(ud_ring_full(r));
	errno = 0;
	ck_assert_int_eq(ud_ring_enqueue(r, in[9]), -1);
	ck_assert_int_eq(errno, ENOBUFS);

	ck_assert_uint_eq(ud_ring_dequeue_bulk(r, out, 9, &av), 0);
	ck_assert_uint_eq(av, 8);
	ck_assert_uint_eq(ud_ring_dequeue_bulk(r, out, 3, &av), 3);
	ck_assert_uint_eq(av, 5);
	ck_assert_uint_eq(ud_ring_dequeue_burst(r, out + 3, 10, &av), 5);
	ck_assert_uint_eq(av, 0);
	for (int i = 0; i < 8; i++)
		ck_assert_ptr_eq(out[i], in[i]);
	ck_assert(ud_ring_empty(r));
	void *o;
	errno = 0;
	ck_assert_int_eq(ud_ring_dequeue(r, &o), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(ud_ring_enqueue(r, P(77)), 0);
	ck_assert_int_eq(ud_ring_dequeue(r, &o), 0);
	ck_assert_ptr_eq(o, P(77));
	ck_assert_uint_eq(ud_ring_enqueue_burst(r, in, 0, NULL), 0);
	ck_assert_uint_eq(ud_ring_dequeue_burst(r, out, 0, NULL), 0);
	ud_ring_free(r);
}
END_TEST

/* Random operations against a FIFO model, through many wraps of the slots
 * and of the 32-bit indices (started near UINT32_MAX). */
START_TEST(test_wrap_model)
{
	const unsigned cap = 64;
	struct ud_ring *r = ud_ring_create("wrap", cap, (unsigned)_i);
	uint64_t model[64], next = 1;
	unsigned mh = 0, mc = 0; /* model head index, count */
	void *buf[80];

	ck_assert_ptr_nonnull(r);
	/* start the free-running indices just below the 32-bit wrap */
	uint32_t start = UINT32_MAX - 1000;
	atomic_store(&r->prod.head, start);
	atomic_store(&r->prod.tail, start);
	atomic_store(&r->cons.head, start);
	atomic_store(&r->cons.tail, start);
	srand(12345 + (unsigned)_i);
	for (int it = 0; it < 200000; it++) {
		unsigned n = (unsigned)rand() % 70;
		int bulk = rand() & 1;
		unsigned fs, av;

		if (rand() & 1) {
			for (unsigned i = 0; i < n; i++)
				buf[i] = P(next + i);
			unsigned got = bulk ? ud_ring_enqueue_bulk(r, buf, n, &fs)
					    : ud_ring_enqueue_burst(r, buf, n, &fs);
			unsigned fit = cap - mc;
			unsigned want = n <= fit ? n : (bulk ? 0 : fit);
			REQ_EQ(got, want);
			REQ_EQ(fs, fit - got);
			for (unsigned i = 0; i < got; i++)
				model[(mh + mc + i) % cap] = next + i;
			mc += got;
			next += got;
		} else {
			unsigned got = bulk ? ud_ring_dequeue_bulk(r, buf, n, &av)
					    : ud_ring_dequeue_burst(r, buf, n, &av);
			unsigned want = n <= mc ? n : (bulk ? 0 : mc);
			REQ_EQ(got, want);
			REQ_EQ(av, mc - got);
			for (unsigned i = 0; i < got; i++)
				REQ_EQ(buf[i], P(model[(mh + i) % cap]));
			mh = (mh + got) % cap;
			mc -= got;
		}
		REQ_EQ(ud_ring_count(r), mc);
		REQ_EQ(ud_ring_free_count(r), cap - mc);
	}
	ck_assert_uint_gt(next, 1000000); /* went well past the index wrap */
	ud_ring_reset(r);
	ck_assert(ud_ring_empty(r));
	ud_ring_free(r);
}
END_TEST

START_TEST(test_init_user_memory)
{
	size_t sz = ud_ring_memsize(4);
	void *mem = aligned_alloc(2 * UD_CACHE_LINE, (sz + 127) / 128 * 128);
	struct ud_ring *r = mem;

	ck_assert_int_eq(ud_ring_init(r, "u", 4, UD_RING_SP_ENQ), 0);
	ck_assert_int_eq(ud_ring_enqueue(r, P(1)), 0);
	/* not ours: refused, and left alone */
	ck_assert_int_eq(ud_ring_free(r), -1);
	ck_assert_int_eq(errno, EINVAL);
	void *o;
	ck_assert_int_eq(ud_ring_dequeue(r, &o), 0);
	ck_assert_ptr_eq(o, P(1));
	errno = 0;
	ck_assert_int_eq(ud_ring_init((struct ud_ring *)((char *)mem + 8), "u",
				      4, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "aligned"));
	ck_assert_int_eq(ud_ring_init(NULL, "u", 4, 0), -1);
	free(mem);
	/* count 1 is a valid power of two */
	r = ud_ring_create("one", 1, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(ud_ring_enqueue(r, P(5)), 0);
	ck_assert_int_eq(ud_ring_enqueue(r, P(6)), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	ck_assert_int_eq(ud_ring_dequeue(r, &o), 0);
	ck_assert_ptr_eq(o, P(5));
	ud_ring_free(r);
}
END_TEST

static Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("ring");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_create_errors);
	tcase_add_test(tc, test_layout);
	tcase_add_loop_test(tc, test_bulk_burst, 0, 4);
	tcase_add_loop_test(tc, test_wrap_model, 0, 4);
	tcase_add_test(tc, test_init_user_memory);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(ring_suite)
