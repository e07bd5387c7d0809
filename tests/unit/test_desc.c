// SPDX-License-Identifier: MIT
/*
 * Descriptor rings: parameter checks, barriers/MMIO helpers, and random
 * post/doorbell/complete/reap sequences against a reference model of the
 * driver and a simulated device, through many wrap-arounds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uiodma.h>
#include <uiodma/barrier.h>
#include "unit.h"
#include "hugepages.h"

struct tdesc {
	uint64_t addr;
	uint32_t len;
	uint32_t status;
};

#define DD 0x1u
#define OWN 0x80000000u
#define FAKE_IOVA 0x12340000ull

static void *alloc_ring_mem(size_t bytes)
{
	void *p = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);

	ck_assert_ptr_nonnull(p);
	memset(p, 0xa5, bytes); /* creation must zero it */
	return p;
}

START_TEST(test_params)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	char *mem = alloc_ring_mem(1 << 16);
	struct ud_desc_ring *r;

	p.desc_size = 16;
	p.count = 1;
	errno = 0;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "count 1"));
	p.count = 100;
	p.desc_size = 0;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	p.desc_size = 16;
	p.align = 100;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "power of two"));
	p.align = 4096;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA + 128,
						   1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "not aligned"));
	p.align = 0;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1000));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "more memory"));
	p.boundary = 1024;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "boundary"));
	p.boundary = 4096;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, 0xf80, 1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "crosses"));
	p.boundary = 0;
	p.iova_max = 0xffff;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, 0xff80, 1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "limit"));
	p.iova_max = 0;
	p.done_mask = DD;
	p.done_off = 14;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "done_off"));
	p.done_off = 16;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	p.done_off = 12;
	p.flags = UD_DESC_CLEAR_DONE | UD_DESC_DONE_ZERO;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	p.flags = 0x100;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	p.flags = 0;
	p.desc_size = 15;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "multiple of 4"));
	/* odd sizes are fine without done bits */
	p.done_mask = 0;
	r = ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 1 << 16);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ud_desc_ring_bytes(r), 1500);
	ck_assert_uint_eq(ud_desc_ring_iova(r), FAKE_IOVA);
	for (int i = 0; i < 1500; i++)
		ck_assert_int_eq(mem[i], 0);
	ck_assert_int_eq(mem[1500], (char)0xa5);
	ud_desc_ring_free(r);
	ud_desc_ring_free(NULL);
	free(mem);
}
END_TEST

START_TEST(test_barriers_mmio)
{
	uint32_t reg = 0, word = 0;

	/* the barriers must at least execute; their ordering effect is on
	 * hardware.  The accessors must do little-endian I/O. */
	ud_compiler_barrier();
	ud_dma_wmb();
	ud_dma_rmb();
	ud_mmio_wmb();
	ud_mmio_rmb();
	ud_mb();
	ud_smp_mb();
	ud_mmio_write32(&reg, 0x11223344);
	ck_assert_uint_eq(((uint8_t *)&reg)[0], 0x44);
	ck_assert_uint_eq(ud_mmio_read32(&reg), 0x11223344);
	ud_mmio_write32_relaxed(&reg, 7);
	ck_assert_uint_eq(ud_mmio_read32_relaxed(&reg), 7);
	ud_write_once32(&word, 5);
	ck_assert_uint_eq(ud_read_once32(&word), 5);
}
END_TEST

/*
 * Random model test.  _i selects a configuration.  The simulated device
 * keeps its own head (next descriptor it processes) and processes only
 * descriptors before the last doorbell value; it checks each descriptor it
 * processes against what the model says was posted there, then marks it
 * done (DD set, or OWN cleared) and writes a result into len.
 */
struct cfg {
	unsigned count;
	unsigned flags;
	int reap_mode; /* 0 done bits, 1 reap_upto, 2 predicate, 3 poll+consume */
	int post_mode; /* 0 copy, 1 next+post in place, 2 bulk */
};

static const struct cfg cfgs[] = {
	{ 7, 0, 0, 0 },
	{ 7, UD_DESC_USE_ALL, 0, 1 },
	{ 13, UD_DESC_CLEAR_DONE, 0, 1 },
	{ 13, UD_DESC_DONE_ZERO, 0, 2 },
	{ 256, 0, 1, 2 },
	{ 1000, UD_DESC_USE_ALL | UD_DESC_CLEAR_DONE, 3, 0 },
	{ 2, 0, 2, 0 },
	{ 2, UD_DESC_USE_ALL, 0, 2 },
	{ 100, UD_DESC_DONE_ZERO | UD_DESC_USE_ALL, 2, 1 },
	{ 64, 0, 1, 0 },
};

static int pred_done(const void *desc, void *arg)
{
	const struct tdesc *d = desc;

	(void)arg;
	return (ud_read_once32(&d->status) & htole32(DD)) != 0;
}

START_TEST(test_model)
{
	const struct cfg *c = &cfgs[_i];
	const unsigned count = c->count;
	const int own = !!(c->flags & UD_DESC_DONE_ZERO);
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	size_t bytes = (size_t)count * sizeof(struct tdesc);
	struct tdesc *mem = alloc_ring_mem(bytes);
	volatile uint32_t doorbell = 0xdeadbeef;
	uint64_t *model_cookie = calloc(count, sizeof(uint64_t));
	uint64_t *fifo = calloc(count, sizeof(uint64_t)); /* posted, oldest first */
	unsigned f_head = 0, f_n = 0;     /* model FIFO of posted cookies */
	unsigned dev_head = 0, dev_done = 0; /* device position, done not reaped */
	unsigned cap = (c->flags & UD_DESC_USE_ALL) ? count : count - 1;
	uint64_t next_id = 1, reaped_total = 0, wraps = 0;
	struct ud_desc_ring *r;

	p.name = "model";
	p.count = count;
	p.desc_size = sizeof(struct tdesc);
	p.doorbell = &doorbell;
	p.done_off = offsetof(struct tdesc, status);
	p.done_mask = own ? OWN : DD;
	p.flags = c->flags;
	r = ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, bytes);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ud_desc_ring_count(r), count);
	ck_assert_uint_eq(ud_desc_free_count(r), cap);
	ck_assert_ptr_nonnull(model_cookie);
	ck_assert_ptr_nonnull(fifo);
	srand(1000 + (unsigned)_i);

	for (int it = 0; it < 200000; it++) {
		int op = rand() % 4;

		if (op == 0) { /* post a random batch */
			unsigned n = (unsigned)rand() % (count < 40 ? count + 1 : 40);
			unsigned want = n <= cap - f_n ? n : 0;
			struct tdesc ds[40];
			void *ck[40];

			for (unsigned i = 0; i < n; i++) {
				ds[i].addr = next_id + i;
				ds[i].len = 0;
				ds[i].status = own ? htole32(OWN) : 0;
				ck[i] = (void *)(uintptr_t)(next_id + i);
			}
			if (c->post_mode == 2) {
				REQ_EQ(ud_desc_post_bulk(r, ds, ck, n),
						  want);
			} else {
				for (unsigned i = 0; i < n; i++) {
					unsigned t = ud_desc_ring_tail(r);

					if (c->post_mode == 0) {
						int rc = ud_desc_post_copy(r, &ds[i],
									   ck[i]);
						REQ_EQ(rc, f_n + i < cap ? 0 : -1);
						if (rc) {
							REQ_EQ(errno, ENOBUFS);
							break;
						}
					} else {
						struct tdesc *d = ud_desc_next(r);

						if (f_n + i >= cap) {
							REQ(d == NULL);
							break;
						}
						REQ_EQ(d, &mem[t]);
						d->addr = ds[i].addr;
						d->len = 0;
						/* with CLEAR_DONE the done bit
						 * must already be clear */
						if (c->flags & UD_DESC_CLEAR_DONE)
							REQ_EQ(d->status, 0);
						else
							d->status = ds[i].status;
						REQ_EQ(ud_desc_post(r, ck[i]), t);
					}
				}
				want = n <= cap - f_n ? n : cap - f_n;
			}
			for (unsigned i = 0; i < want; i++) {
				unsigned slot = (f_head + f_n) % count;

				fifo[slot] = next_id;
				model_cookie[slot] = next_id;
				if (slot == count - 1)
					wraps++;
				next_id++;
				f_n++;
			}
			REQ_EQ(ud_desc_ring_tail(r), (f_head + f_n) % count);
		} else if (op == 1) { /* doorbell */
			if (rand() % 2) {
				ud_desc_doorbell(r);
				REQ_EQ(doorbell, htole32((f_head + f_n) % count));
			}
		} else if (op == 2) { /* device completes some */
			uint32_t db = le32toh(doorbell);

			if (db == 0xdeadbeef)
				continue;
			/* posted to the device and not yet processed */
			unsigned avail = f_n - dev_done;
			unsigned upto = (db + count - dev_head) % count;

			if (upto > avail || (upto == 0 && avail == count &&
					     dev_head == db))
				upto = avail; /* full ring rung: all of it */
			unsigned k = upto ? (unsigned)rand() % (upto + 1) : 0;

			for (unsigned i = 0; i < k; i++) {
				struct tdesc *d = &mem[dev_head];

				REQ_EQ(d->addr, model_cookie[dev_head]);
				if (own)
					REQ_EQ(d->status, htole32(OWN));
				else
					REQ_EQ(d->status, 0);
				d->len = (uint32_t)(d->addr * 3);
				ud_dma_wmb();
				d->status = own ? 0 : htole32(DD);
				dev_head = (dev_head + 1) % count;
				dev_done++;
			}
		} else { /* reap */
			unsigned max = 1 + (unsigned)rand() % 50;
			void *out[50];
			unsigned got, expect = dev_done < max ? dev_done : max;

			switch (c->reap_mode) {
			case 0:
				got = ud_desc_reap(r, out, max);
				break;
			case 1:
				got = ud_desc_reap_upto(r, dev_head, out, max);
				/* index reporting cannot tell a whole ring done */
				if (dev_done == count)
					expect = 0;
				break;
			case 2:
				if (own)
					got = ud_desc_reap(r, out, max);
				else
					got = ud_desc_reap_fn(r, pred_done, NULL,
							      out, max);
				break;
			default:
				got = ud_desc_poll(r, max);
				REQ_EQ(got, expect);
				for (unsigned i = 0; i < got; i++) {
					struct tdesc *d = ud_desc_head_slot(r, i);

					REQ_EQ(d->len,
							  (uint32_t)(fifo[(f_head + i) % count] * 3));
				}
				got = ud_desc_consume(r, got, out);
				break;
			}
			REQ_EQ(got, expect);
			for (unsigned i = 0; i < got; i++) {
				REQ_EQ(out[i],
						 (void *)(uintptr_t)fifo[f_head]);
				f_head = (f_head + 1) % count;
			}
			f_n -= got;
			dev_done -= got;
			reaped_total += got;
			REQ_EQ(ud_desc_ring_head(r), f_head);
		}
		REQ_EQ(ud_desc_in_flight(r), f_n);
		REQ_EQ(ud_desc_free_count(r), cap - f_n);
	}
	ck_assert_uint_gt(reaped_total, 5000);
	ck_assert_uint_gt(wraps, 10);
	ud_desc_ring_reset(r);
	ck_assert_uint_eq(ud_desc_in_flight(r), 0);
	ck_assert_uint_eq(ud_desc_ring_tail(r), 0);
	ud_desc_ring_free(r);
	free(model_cookie);
	free(fifo);
	free(mem);
}
END_TEST

/* ---- phase rings (NVMe completion queues) ------------------------------ */

/* A completion entry as NVMe lays it out: the phase tag is bit 16 of DW3. */
struct tcqe {
	uint32_t result;
	uint32_t rsvd;
	uint32_t sq;
	uint32_t status;
};

#define PHASE_BIT (1u << 16)

static struct ud_desc_ring *phase_ring(struct tcqe *mem, unsigned count,
				       volatile uint32_t *db)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;

	p.name = "cq";
	p.count = count;
	p.desc_size = sizeof(struct tcqe);
	p.doorbell = db;
	p.done_off = offsetof(struct tcqe, status);
	p.done_mask = PHASE_BIT;
	p.flags = UD_DESC_PHASE;
	return ud_desc_ring_create_mem(&p, mem, FAKE_IOVA,
				       count * sizeof(struct tcqe));
}

/* The controller posts entry @id at its tail @t with its phase @ph. */
static void cq_write(struct tcqe *cq, unsigned t, uint32_t id, unsigned ph)
{
	cq[t].result = id;
	ud_dma_wmb();
	ud_write_once32(&cq[t].status, htole32(ph ? PHASE_BIT : 0) |
			(cq[t].status & ~htole32(PHASE_BIT)));
}

START_TEST(test_phase_params)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	struct tcqe *mem = alloc_ring_mem(16 * sizeof(struct tcqe));
	volatile uint32_t db = 0;
	struct ud_desc_ring *r;
	struct tcqe e = { 0 };

	p.count = 16;
	p.desc_size = sizeof(struct tcqe);
	p.done_off = offsetof(struct tcqe, status);
	p.flags = UD_DESC_PHASE;
	errno = 0;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 4096));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "exactly one bit"));
	p.done_mask = PHASE_BIT | 1;
	ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA, 4096));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "exactly one bit"));
	p.done_mask = PHASE_BIT;
	for (unsigned f = UD_DESC_USE_ALL; f <= UD_DESC_DONE_ZERO; f <<= 1) {
		p.flags = UD_DESC_PHASE | f;
		ck_assert_ptr_null(ud_desc_ring_create_mem(&p, mem, FAKE_IOVA,
							   4096));
		ck_assert_ptr_nonnull(strstr(ud_errmsg(), "does not go with"));
	}

	r = phase_ring(mem, 16, &db);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ud_desc_ring_phase(r), 1);
	ck_assert_uint_eq(ud_desc_ring_head(r), 0);
	/* The device produces: nothing can be posted. */
	ck_assert_uint_eq(ud_desc_free_count(r), 0);
	errno = 0;
	ck_assert_ptr_null(ud_desc_next(r));
	ck_assert_int_eq(errno, ENOBUFS);
	errno = 0;
	ck_assert_int_eq(ud_desc_post_copy(r, &e, NULL), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	ck_assert_uint_eq(ud_desc_post_bulk(r, &e, NULL, 1), 0);
	/* Zeroed memory holds no entry; neither reap_upto nor reap_fn
	 * consume from a phase ring. */
	ck_assert_uint_eq(ud_desc_poll(r, 16), 0);
	cq_write(mem, 0, 7, 1);
	ck_assert_uint_eq(ud_desc_reap_upto(r, 1, NULL, 16), 0);
	ck_assert_uint_eq(ud_desc_reap_fn(r, pred_done, NULL, NULL, 16), 0);
	ck_assert_uint_eq(ud_desc_poll(r, 16), 1);
	ud_desc_ring_reset(r);
	ck_assert_uint_eq(ud_desc_poll(r, 16), 0);
	ud_desc_ring_free(r);
	free(mem);
}
END_TEST

/* Step by step through two wraps of a 4-entry ring: partial batches, a
 * batch across the wrap, the flip of the expected phase, the doorbell. */
START_TEST(test_phase_wrap)
{
	struct tcqe *mem = alloc_ring_mem(4 * sizeof(struct tcqe));
	volatile uint32_t db = 0xdeadbeef;
	struct ud_desc_ring *r = phase_ring(mem, 4, &db);
	void *e[4];

	ck_assert_ptr_nonnull(r);
	/* pass 1 (tag 1): entries 1, 2, 3 in slots 0..2 */
	for (unsigned i = 0; i < 3; i++)
		cq_write(mem, i, 1 + i, 1);
	ck_assert_uint_eq(ud_desc_poll(r, 2), 2);       /* max honoured */
	ck_assert_uint_eq(ud_desc_poll(r, 4), 3);
	ck_assert_uint_eq(((struct tcqe *)ud_desc_head_slot(r, 2))->result, 3);
	ck_assert_uint_eq(ud_desc_consume(r, 1, e), 1); /* part of a batch */
	ck_assert_ptr_eq(e[0], &mem[0]);
	ck_assert_uint_eq(ud_desc_poll(r, 4), 2);
	ck_assert_uint_eq(ud_desc_reap(r, e, 4), 2);
	ck_assert_ptr_eq(e[1], &mem[2]);
	ck_assert_uint_eq(ud_desc_ring_head(r), 3);
	ck_assert_uint_eq(ud_desc_ring_phase(r), 1);
	ck_assert_uint_eq(ud_desc_poll(r, 4), 0);       /* old entries stay old */
	ud_desc_doorbell(r);
	ck_assert_uint_eq(db, htole32(3));

	/* slot 3 closes pass 1 (tag 1); slots 0, 1 open pass 2 (tag 0) */
	cq_write(mem, 3, 4, 1);
	cq_write(mem, 0, 5, 0);
	cq_write(mem, 1, 6, 0);
	ck_assert_uint_eq(ud_desc_poll(r, 4), 3);       /* across the wrap */
	ck_assert_uint_eq(((struct tcqe *)ud_desc_head_slot(r, 1))->result, 5);
	ck_assert_uint_eq(ud_desc_reap(r, e, 1), 1);
	ck_assert_uint_eq(ud_desc_ring_head(r), 0);
	ck_assert_uint_eq(ud_desc_ring_phase(r), 0);    /* flipped at the wrap */
	ck_assert_uint_eq(ud_desc_reap(r, e, 4), 2);
	ck_assert_uint_eq(ud_desc_ring_head(r), 2);
	ck_assert_uint_eq(ud_desc_poll(r, 4), 0);       /* slot 2 still tag 1 */
	ud_desc_doorbell(r);
	ck_assert_uint_eq(db, htole32(2));

	/* the rest of pass 2, then pass 3 (tag 1) into slot 0 */
	cq_write(mem, 2, 7, 0);
	cq_write(mem, 3, 8, 0);
	cq_write(mem, 0, 9, 1);
	ck_assert_uint_eq(ud_desc_reap(r, e, 4), 3);
	ck_assert_ptr_eq(e[2], &mem[0]);
	ck_assert_uint_eq(mem[0].result, 9);
	ck_assert_uint_eq(ud_desc_ring_head(r), 1);
	ck_assert_uint_eq(ud_desc_ring_phase(r), 1);
	ck_assert_uint_eq(ud_desc_poll(r, 4), 0);
	ud_desc_ring_free(r);
	free(mem);
}
END_TEST

/*
 * Random model of a controller and a host over many wraps.  The controller
 * writes entries at its own tail, never filling the ring past the last
 * head the host rang (full is head == tail + 1, as in NVMe); the host
 * polls, consumes and rings in random, partial batches.  Every entry must
 * be consumed once, in order, and poll() must count exactly the entries
 * written and not consumed.
 */
START_TEST(test_phase_model)
{
	static const unsigned counts[] = { 2, 3, 7, 64, 1000 };
	const unsigned count = counts[_i];
	struct tcqe *mem = alloc_ring_mem(count * sizeof(struct tcqe));
	volatile uint32_t db = 0;
	struct ud_desc_ring *r = phase_ring(mem, count, &db);
	unsigned dev_tail = 0, dev_phase = 1, dev_head = 0; /* controller */
	unsigned host_head = 0, host_phase = 1, pending = 0;
	uint32_t next_id = 1, expect_id = 1;
	uint64_t flips = 0;

	ck_assert_ptr_nonnull(r);
	srand(2000 + (unsigned)_i);
	for (int it = 0; it < 200000; it++) {
		int op = rand() % 3;

		if (op == 0) { /* the controller posts what room allows */
			unsigned room = (dev_head + count - dev_tail - 1) % count;
			unsigned k = (unsigned)rand() % (room + 1);

			for (unsigned i = 0; i < k; i++) {
				cq_write(mem, dev_tail, next_id++, dev_phase);
				if (++dev_tail == count) {
					dev_tail = 0;
					dev_phase ^= 1;
				}
			}
			pending += k;
		} else if (op == 1) { /* the host takes a partial batch */
			unsigned max = 1 + (unsigned)rand() % count;
			unsigned n = ud_desc_poll(r, max), take;
			void *e[1000];

			REQ_EQ(n, pending < max ? pending : max);
			for (unsigned i = 0; i < n; i++)
				REQ_EQ(((struct tcqe *)ud_desc_head_slot(r, i))->result,
				       expect_id + i);
			take = n ? (unsigned)rand() % (n + 1) : 0;
			REQ_EQ(ud_desc_consume(r, take, e), take);
			for (unsigned i = 0; i < take; i++)
				REQ_EQ(((struct tcqe *)e[i])->result, expect_id++);
			pending -= take;
			host_head += take;
			if (host_head >= count) {
				host_head -= count;
				host_phase ^= 1;
				flips++;
			}
			REQ_EQ(ud_desc_ring_head(r), host_head);
			REQ_EQ(ud_desc_ring_phase(r), host_phase);
		} else if (rand() % 2) { /* the host rings the head doorbell */
			ud_desc_doorbell(r);
			REQ_EQ(le32toh(db), host_head);
			dev_head = host_head;
		}
	}
	ck_assert_uint_gt(expect_id, 10000);
	ck_assert_uint_gt(flips, 10);
	ud_desc_ring_free(r);
	free(mem);
}
END_TEST

/* ---- real hugepages ---------------------------------------------------- */

#define HP_NEED 64
/* HP_NEED free pages of the default size (2 MiB), reserved as root; the
 * teardown restores the pool.  64 gives the 4 MiB ring a fair chance of
 * two physically adjacent pages. */
HP_FIXTURE(0, HP_NEED)

START_TEST(test_hugepage_ring)
{
	struct ud_mem *m = ud_mem_open(NULL);
	static const struct { unsigned count; size_t size, align, boundary; } v[] = {
		{ 512, 16, 0, 0 },
		{ 4096, 16, 4096, 0 },
		{ 1000, 32, 128, 1ull << 32 },
		{ 100, 64, 65536, 65536 },
		{ 8192, 32, 4096, 0 }, /* 256 KiB */
		{ 65536, 64, 4096, 0 }, /* 4 MiB: more than one hugepage */
	};
	uint32_t db = 0;
	struct hp_hold fresh = { 0 };	/* the pool grown here, if it was */

	if (!m)
		UD_SKIP("no hugepage memory: %s", ud_errmsg());
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;

		p.name = "hp";
		p.count = v[i].count;
		p.desc_size = v[i].size;
		p.align = v[i].align;
		p.boundary = v[i].boundary;
		p.doorbell = &db;
		p.done_mask = DD;
		p.done_off = 12;
		struct ud_desc_ring *r = ud_desc_ring_create(m, &p);

		if (!r && i == 0)
			UD_SKIP("no IOVA-contiguous hugepage memory: %s",
				ud_errmsg());
		if (!r && v[i].count * v[i].size > (2u << 20) && errno == ENOMEM &&
		    strstr(ud_errmsg(), "no IOVA-contiguous run") && !fresh.held) {
			/* the pool's free pages may all be scattered (they
			 * sat there since long before): once, fresh ones */
			hp_grow_fresh(&fresh, 0, HP_NEED);
			i--;
			continue;
		}
		if (!r && v[i].count * v[i].size > (2u << 20) && errno == ENOMEM &&
		    strstr(ud_errmsg(), "no IOVA-contiguous run")) {
			/* Physical adjacency is the host's luck, not ours:
			 * record a skip (never a pass) and go on. */
			printf("SKIP %s: ring %zu (%zu bytes) needs physically adjacent hugepages: %s\n",
			       tcase_name(), i, (size_t)v[i].count * v[i].size,
			       ud_errmsg());
			continue;
		}
		ck_assert_msg(r != NULL, "ring %zu: %s", i, ud_errmsg());
		size_t bytes = ud_desc_ring_bytes(r);
		char *base = ud_desc_slot(r, 0);
		uint64_t io = ud_desc_ring_iova(r);

		ck_assert_uint_eq(bytes, (size_t)v[i].count * v[i].size);
		ck_assert_uint_eq(io, ud_virt2iova(base));
		/* IOVA-contiguous: every page of it where the base says */
		for (size_t off = 0; off < bytes; off += 4096)
			REQ_EQ(ud_virt2iova(base + off), io + off);
		ck_assert_uint_eq(ud_virt2iova(base + bytes - 1), io + bytes - 1);
		ck_assert_uint_eq(io % (v[i].align ? v[i].align : 128), 0);
		if (v[i].boundary)
			ck_assert_uint_eq(io / v[i].boundary,
					  (io + bytes - 1) / v[i].boundary);
		for (size_t k = 0; k < bytes; k++)
			REQ_EQ(base[k], 0);
		/* one round trip through it */
		uint64_t d[8] = { 1, 0 }; /* up to 64-byte descriptors */

		ck_assert_int_eq(ud_desc_post_copy(r, d, base), 0);
		ud_desc_doorbell(r);
		ck_assert_uint_eq(db, htole32(1));
		ck_assert_uint_eq(ud_desc_reap(r, NULL, 8), 0);
		((struct tdesc *)base)->status = htole32(DD);
		void *ck;

		ck_assert_uint_eq(ud_desc_reap(r, &ck, 8), 1);
		ck_assert_ptr_eq(ck, base);
		ud_desc_ring_free(r);
	}
	ud_mem_close(m);
	hp_restore(&fresh);
}
END_TEST

static Suite *desc_suite(void)
{
	Suite *s = suite_create("desc");
	TCase *tc = tcase_create("desc");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_barriers_mmio);
	tcase_add_loop_test(tc, test_model, 0, (int)(sizeof(cfgs) / sizeof(cfgs[0])));
	tcase_add_test(tc, test_phase_params);
	tcase_add_test(tc, test_phase_wrap);
	tcase_add_loop_test(tc, test_phase_model, 0, 5);
	suite_add_tcase(s, tc);

	TCase *hp = tcase_create("hugepages");

	tcase_set_timeout(hp, 60);
	tcase_add_unchecked_fixture(hp, hp_setup, hp_teardown);
	tcase_add_test(hp, test_hugepage_ring);
	suite_add_tcase(s, hp);
	return s;
}

UD_TEST_MAIN(desc_suite)
