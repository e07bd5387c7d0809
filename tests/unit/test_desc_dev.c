// SPDX-License-Identifier: MIT
/*
 * Descriptor ring against a device simulated by a second thread that
 * behaves like hardware: it polls the doorbell word, reads the posted
 * descriptors, writes a result, and sets the done bit last, with the
 * barrier helpers a device's DMA engine obeys implicitly.  The driver posts
 * as much as fits, rings, reaps by done bit or by the device's head index,
 * and checks every completion in order.  Then an NVMe-style queue pair: a
 * submission ring (the device's progress comes back as the SQ head in each
 * completion) and a phase ring of completions, which the device fills
 * only as far as the host's head doorbell allows.
 *
 * The two threads share memory the way a CPU and a device do (volatile
 * accesses and barriers, not C11 atomics), so this program is deliberately
 * not named *_mt: it is not meant for ThreadSanitizer.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uiodma.h>
#include <uiodma/barrier.h>
#include "unit.h"

struct tdesc {
	uint64_t addr;
	uint32_t len;
	uint32_t status;
};

#define DD 0x1u
#define RUN_NS 1500000000ull

struct dev {
	struct tdesc *ring;
	unsigned count;
	volatile uint32_t doorbell;  /* written by the driver */
	volatile uint32_t dev_head;  /* "register": next slot it processes */
	volatile int stop;
	uint64_t seq;                /* expected addr of the next descriptor */
	volatile int bad;
};

static void *device(void *arg)
{
	struct dev *d = arg;
	unsigned head = 0;

	while (!d->stop) {
		uint32_t tail = le32toh(d->doorbell);

		if (head == tail) {
			/* idle: let the driver run on a loaded machine */
			sched_yield();
			continue;
		}
		ud_dma_rmb(); /* doorbell before the descriptors it covers */
		while (head != tail) {
			struct tdesc *x = &d->ring[head];

			if (x->addr != d->seq || x->status != 0)
				d->bad = 1;
			d->seq++;
			x->len = (uint32_t)(x->addr * 3);
			ud_dma_wmb(); /* result before the done bit */
			ud_write_once32(&x->status, htole32(DD));
			head = head + 1 == d->count ? 0 : head + 1;
			if ((d->seq & 7) == 0)
				d->dev_head = head; /* reported now and then */
		}
		d->dev_head = head;
	}
	return NULL;
}

static void run(unsigned count, int by_index)
{
	struct dev *d = calloc(1, sizeof(*d));
	size_t bytes = count * sizeof(struct tdesc);
	void *mem = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	struct ud_desc_ring *r;
	pthread_t t;
	uint64_t next = 1, expect = 1, t0 = ut_now_ns();

	p.name = "dev";
	p.count = count;
	p.desc_size = sizeof(struct tdesc);
	p.doorbell = &d->doorbell;
	p.done_off = offsetof(struct tdesc, status);
	p.done_mask = DD;
	r = ud_desc_ring_create_mem(&p, mem, 0x80000000ull, bytes);
	ck_assert_ptr_nonnull(r);
	d->ring = mem;
	d->count = count;
	d->seq = 1;
	ck_assert_int_eq(pthread_create(&t, NULL, device, d), 0);

	while (ut_now_ns() - t0 < RUN_NS) {
		struct tdesc x = { 0, 0, 0 };
		unsigned n = 0;

		while (ud_desc_free_count(r) && n < 64) {
			x.addr = next;
			if (ud_desc_post_copy(r, &x, (void *)(uintptr_t)next))
				ck_abort_msg("post failed with free slots");
			next++;
			n++;
		}
		if (n)
			ud_desc_doorbell(r);

		void *ck[32];
		unsigned got;

		if (by_index) {
			got = ud_desc_reap_upto(r, ud_mmio_read32(&d->dev_head),
						ck, 32);
			for (unsigned i = 0; i < got; i++)
				if (ck[i] != (void *)(uintptr_t)(expect + i))
					ck_abort_msg("cookie %p, want %llu", ck[i],
						     (unsigned long long)(expect + i));
		} else {
			got = ud_desc_poll(r, 32);
			for (unsigned i = 0; i < got; i++) {
				struct tdesc *y = ud_desc_head_slot(r, i);

				if (y->len != (uint32_t)((expect + i) * 3))
					ck_abort_msg("descriptor %llu: len %u "
						     "read before the device wrote it",
						     (unsigned long long)(expect + i),
						     y->len);
			}
			ck_assert_uint_eq(ud_desc_consume(r, got, ck), got);
			for (unsigned i = 0; i < got; i++)
				if (ck[i] != (void *)(uintptr_t)(expect + i))
					ck_abort_msg("cookie %p, want %llu", ck[i],
						     (unsigned long long)(expect + i));
		}
		expect += got;
		if (!n && !got)
			sched_yield();
	}
	d->stop = 1;
	pthread_join(t, NULL);
	ck_assert_int_eq(d->bad, 0);
	printf("desc ring of %u (%s): %llu descriptors completed in order\n",
	       count, by_index ? "reap by head index" : "reap by done bit",
	       (unsigned long long)(expect - 1));
	ck_assert_uint_gt(expect, 1000);
	ud_desc_ring_free(r);
	free(mem);
	free(d);
}

START_TEST(test_done_bits)
{
	run(_i ? 7 : 512, 0);
}
END_TEST

START_TEST(test_head_index)
{
	run(_i ? 13 : 256, 1);
}
END_TEST

/* ---- an NVMe-style queue pair ------------------------------------------ */

struct sqe {
	uint64_t id;
	uint64_t pad;
};

struct cqe {
	uint64_t id;
	uint32_t sqhd;   /* the device's SQ head after this command */
	uint32_t status; /* bit 16: phase tag */
};

#define PTAG (1u << 16)

struct qdev {
	struct sqe *sq;
	struct cqe *cq;
	unsigned count;
	volatile uint32_t sq_tail_db; /* written by the host */
	volatile uint32_t cq_head_db; /* written by the host */
	volatile int stop;
	volatile int bad;
};

/* The controller: consume the SQ up to the tail doorbell, post one
 * completion per command while the CQ has room (full: head == tail + 1). */
static void *controller(void *arg)
{
	struct qdev *q = arg;
	unsigned sq_head = 0, cq_tail = 0, phase = 1;
	uint64_t seq = 1;

	while (!q->stop) {
		unsigned tail = le32toh(q->sq_tail_db);
		unsigned cq_head = le32toh(q->cq_head_db);

		if (sq_head == tail || (cq_tail + 1) % q->count == cq_head) {
			sched_yield();
			continue;
		}
		ud_dma_rmb(); /* doorbell before the command it covers */
		if (q->sq[sq_head].id != seq)
			q->bad = 1;
		sq_head = (sq_head + 1) % q->count;
		q->cq[cq_tail].id = seq++;
		q->cq[cq_tail].sqhd = htole32(sq_head);
		ud_dma_wmb(); /* the entry before its phase tag */
		ud_write_once32(&q->cq[cq_tail].status, htole32(phase ? PTAG : 0));
		if (++cq_tail == q->count) {
			cq_tail = 0;
			phase ^= 1;
		}
	}
	return NULL;
}

static struct ud_desc_ring *qring(const char *name, void *mem, unsigned count,
				  size_t size, volatile uint32_t *db,
				  uint32_t phase_bit)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;

	p.name = name;
	p.count = count;
	p.desc_size = size;
	p.doorbell = db;
	if (phase_bit) {
		p.done_off = offsetof(struct cqe, status);
		p.done_mask = phase_bit;
		p.flags = UD_DESC_PHASE;
	}
	return ud_desc_ring_create_mem(&p, mem, 0x80000000ull, count * size);
}

START_TEST(test_queue_pair)
{
	const unsigned count = _i ? 5 : 64;
	struct qdev *q = calloc(1, sizeof(*q));
	struct ud_desc_ring *sq, *cq;
	pthread_t t;
	uint64_t next = 1, expect = 1, t0 = ut_now_ns();

	q->count = count;
	q->sq = aligned_alloc(4096, 4096 * 2);
	q->cq = aligned_alloc(4096, 4096);
	sq = qring("sq", q->sq, count, sizeof(struct sqe), &q->sq_tail_db, 0);
	cq = qring("cq", q->cq, count, sizeof(struct cqe), &q->cq_head_db, PTAG);
	ck_assert_ptr_nonnull(sq);
	ck_assert_ptr_nonnull(cq);
	ck_assert_int_eq(pthread_create(&t, NULL, controller, q), 0);

	while (ut_now_ns() - t0 < RUN_NS) {
		struct sqe c = { 0, 0 };
		void *done[64];
		unsigned n = 0, got;

		while (ud_desc_free_count(sq) && n < 8) {
			c.id = next++;
			ck_assert_int_eq(ud_desc_post_copy(sq, &c, NULL), 0);
			n++;
		}
		if (n)
			ud_desc_doorbell(sq);           /* SQ tail */
		got = ud_desc_reap(cq, done, 1 + (unsigned)rand() % 64);
		for (unsigned i = 0; i < got; i++) {
			const struct cqe *e = done[i];

			if (e->id != expect)
				ck_abort_msg("completion %llu, want %llu",
					     (unsigned long long)e->id,
					     (unsigned long long)expect);
			expect++;
			/* the SQ slots the device has read are free again */
			ud_desc_reap_upto(sq, le32toh(e->sqhd), NULL, count);
		}
		if (got)
			ud_desc_doorbell(cq);           /* CQ head */
		if (!n && !got)
			sched_yield();
	}
	q->stop = 1;
	pthread_join(t, NULL);
	ck_assert_int_eq(q->bad, 0);
	printf("queue pair of %u: %llu commands completed in order\n", count,
	       (unsigned long long)(expect - 1));
	ck_assert_uint_gt(expect, 1000);
	ud_desc_ring_free(sq);
	ud_desc_ring_free(cq);
	free(q->sq);
	free(q->cq);
	free(q);
}
END_TEST

static Suite *desc_dev_suite(void)
{
	Suite *s = suite_create("desc_dev");
	TCase *tc = tcase_create("desc_dev");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_done_bits, 0, 2);
	tcase_add_loop_test(tc, test_head_index, 0, 2);
	tcase_add_loop_test(tc, test_queue_pair, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(desc_dev_suite)
