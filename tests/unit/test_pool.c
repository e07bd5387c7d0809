// SPDX-License-Identifier: MIT
/*
 * DMA buffer pools, single-threaded: parameters, layout (no crossing of
 * boundaries or pages, alignment, IOVA of every buffer) over caller memory
 * and over real hugepages, exhaustion and refill with and without caches,
 * debug checks, statistics.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uiodma.h>
#include "unit.h"
#include "hugepages.h"

#define PG (2u << 20)
#define FAKE_BASE 0x100000000ull

/* Caller memory: @pages 2 MiB "pages", contiguous at FAKE_BASE or, with
 * scramble, each page at a permuted IOVA (found through a function). */
struct fake_mem {
	char *va;
	size_t len;
	unsigned pages;
	unsigned *perm;
};

static uint64_t fake_v2i(const void *va, void *arg)
{
	const struct fake_mem *f = arg;
	uintptr_t off = (uintptr_t)va - (uintptr_t)f->va;

	if ((uintptr_t)va < (uintptr_t)f->va || off >= f->len)
		return UD_BAD_IOVA;
	return FAKE_BASE + (uint64_t)f->perm[off / PG] * PG + off % PG;
}

static void fake_init(struct fake_mem *f, unsigned pages)
{
	f->pages = pages;
	f->len = (size_t)pages * PG;
	f->va = aligned_alloc(PG, f->len);
	ck_assert_ptr_nonnull(f->va);
	f->perm = malloc(pages * sizeof(unsigned));
	for (unsigned i = 0; i < pages; i++)
		f->perm[i] = i;
	for (unsigned i = pages - 1; i > 0; i--) { /* shuffle */
		unsigned j = (unsigned)rand() % (i + 1), t = f->perm[i];

		f->perm[i] = f->perm[j];
		f->perm[j] = t;
	}
}

static void fake_fini(struct fake_mem *f)
{
	free(f->va);
	free(f->perm);
}

/*
 * Check every buffer of @p: DMA area aligned (VA and IOVA), within one
 * @page and one @boundary block in IOVA, IOVA as @v2i says, areas and
 * headers disjoint and inside [lo, hi).
 */
static void check_layout(struct ud_pool *p, const struct ud_pool_params *pp,
			 uint64_t (*v2i)(const void *, void *), void *arg,
			 size_t page, uintptr_t lo, uintptr_t hi)
{
	size_t align = pp->align < 64 ? 64 : pp->align;
	size_t bl = pp->headroom + pp->data_room;
	size_t priv = (pp->priv_size + 63) & ~(size_t)63;
	uintptr_t prev_end = lo;

	REQ_EQ(ud_pool_size(p), pp->n);
	for (unsigned i = 0; i < pp->n; i++) {
		struct ud_buf *b = ud_pool_buf(p, i);
		uintptr_t a = (uintptr_t)ud_buf_addr(b);
		uint64_t io = ud_buf_iova(b);

		REQ(b != NULL);
		REQ_EQ(b->index, i);
		REQ(b->pool == p);
		REQ_EQ(b->buf_len, bl);
		REQ_EQ(b->headroom, pp->headroom);
		REQ_EQ(ud_buf_room(b), pp->data_room);
		REQ(ud_buf_from_addr(ud_buf_addr(b)) == b);
		REQ_EQ(a % align, 0);
		REQ_EQ(io % align, 0);
		REQ_EQ(io, v2i((void *)a, arg));
		REQ_EQ(v2i((void *)(a + bl - 1), arg), io + bl - 1);
		REQ_EQ(ud_buf_data_iova(b), io + pp->headroom);
		REQ((uintptr_t)ud_buf_data(b) == a + pp->headroom);
		if (pp->boundary)
			REQ_EQ(io / pp->boundary, (io + bl - 1) / pp->boundary);
		if (page) {
			REQ_EQ(a / page, (a + bl - 1) / page);
			REQ_EQ(io / page, (io + bl - 1) / page);
		}
		if (priv) {
			REQ((uintptr_t)ud_buf_priv(b) == (uintptr_t)b - priv);
			REQ_EQ((uintptr_t)ud_buf_priv(b) % 64, 0);
			memset(ud_buf_priv(b), 0x5a, pp->priv_size);
		} else {
			REQ(ud_buf_priv(b) == NULL);
		}
		/* in order, disjoint, within the memory */
		REQ((uintptr_t)b - priv >= prev_end);
		REQ(a + bl <= hi);
		prev_end = a + bl;
		memset(ud_buf_addr(b), 0xc3, bl); /* whole area writable */
	}
	REQ(ud_pool_buf(p, pp->n) == NULL);
}

/* A spread of sizes, alignments and boundaries over caller memory. */
static const size_t sizes[] = { 1, 60, 64, 100, 1500, 1984, 2048, 3000,
				4000, 4096, 9000, 65536 };
static const size_t aligns[] = { 0, 8, 64, 128, 512, 4096 };
static const size_t bounds[] = { 0, 4096, 8192, 65536, 1u << 20 };

START_TEST(test_layout_spread)
{
	struct fake_mem f;
	int scramble = _i;
	unsigned combos = 0;

	srand(77);
	fake_init(&f, 48);
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	for (size_t ai = 0; ai < sizeof(aligns) / sizeof(aligns[0]); ai++)
	for (size_t bi = 0; bi < sizeof(bounds) / sizeof(bounds[0]); bi++) {
		struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
		struct ud_pool_mem mem = { 0 };
		size_t head = (si * 64) % 256;

		pp.name = "spread";
		pp.data_room = sizes[si];
		pp.headroom = head;
		pp.priv_size = (ai * 24) % 100;
		pp.align = aligns[ai];
		pp.boundary = bounds[bi];
		pp.n = 1 + (unsigned)((si * 7 + ai * 13 + bi * 31) % 300);
		mem.va = f.va + (scramble ? 0 : 4096 * (ai + 1)); /* odd start */
		mem.len = f.len - 4096 * 8;
		if (scramble) {
			mem.virt2iova = fake_v2i;
			mem.arg = &f;
			mem.page_size = PG;
		} else {
			mem.iova = fake_v2i(mem.va, &f);
			/* contiguous only: identity permutation below 1 page */
		}
		if (pp.boundary && pp.boundary < pp.headroom + pp.data_room) {
			errno = 0;
			REQ(ud_pool_create_mem(&pp, &mem) == NULL);
			REQ_EQ(errno, EINVAL);
			continue;
		}
		struct ud_pool *p;
		uint64_t (*v2i)(const void *, void *) = fake_v2i;

		if (!scramble) {
			/* a contiguous view: the pool must use iova + offset */
			for (unsigned k = 0; k < f.pages; k++)
				f.perm[k] = k;
			mem.iova = fake_v2i(mem.va, &f);
		}
		p = ud_pool_create_mem(&pp, &mem);
		if (!p)
			ck_abort_msg("size %zu align %zu boundary %zu: %s",
				     sizes[si], aligns[ai], bounds[bi],
				     ud_errmsg());
		check_layout(p, &pp, v2i, &f, scramble ? PG : 0,
			     (uintptr_t)mem.va, (uintptr_t)mem.va + mem.len);
		ud_pool_free(p);
		combos++;
	}
	ck_assert_uint_gt(combos, 250);
	fake_fini(&f);
}
END_TEST

START_TEST(test_params)
{
	struct fake_mem f;
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	struct ud_pool_mem mem = { 0 };

	fake_init(&f, 2);
	mem.va = f.va;
	mem.len = f.len;
	mem.iova = FAKE_BASE;
	pp.data_room = 2048;
	pp.n = 0;
	errno = 0;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_int_eq(errno, EINVAL);
	pp.n = 10;
	pp.data_room = 0;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "data room"));
	pp.data_room = 2048;
	pp.align = 96;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "power of two"));
	pp.align = 0;
	pp.boundary = 1024;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "boundary"));
	pp.boundary = 0;
	pp.flags = 0x1000;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	pp.flags = 0;
	/* too many for the memory: the message says how many fit */
	pp.n = 4000;
	errno = 0;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "fit"));
	/* above the device's IOVA limit */
	pp.n = 10;
	pp.iova_max = 0xffffffff;
	errno = 0;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "limit"));
	pp.iova_max = 0;
	/* VA and IOVA not congruent modulo the alignment */
	pp.align = 4096;
	mem.iova = FAKE_BASE + 64;
	ck_assert_ptr_null(ud_pool_create_mem(&pp, &mem));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "IOVA"));
	mem.iova = FAKE_BASE;
	/* cache sizes */
	pp.align = 0;
	struct ud_pool *p = ud_pool_create_mem(&pp, &mem);

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(ud_pool_name(p), "pool");
	ck_assert_ptr_null(ud_pool_zone(p));
	ck_assert_ptr_null(ud_pool_cache_create(p, 0));
	ck_assert_ptr_null(ud_pool_cache_create(p, UD_POOL_CACHE_MAX + 1));
	ck_assert_int_eq(errno, EINVAL);
	ud_pool_free(p);
	ud_pool_free(NULL);
	ud_pool_cache_free(NULL);
	fake_fini(&f);
}
END_TEST

static struct ud_pool *small_pool(struct fake_mem *f, unsigned n,
				  unsigned flags, const char *name)
{
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	struct ud_pool_mem mem = { 0 };
	struct ud_pool *p;

	mem.va = f->va;
	mem.len = f->len;
	mem.iova = FAKE_BASE;
	pp.name = name;
	pp.n = n;
	pp.data_room = 512;
	pp.flags = flags;
	p = ud_pool_create_mem(&pp, &mem);
	ck_assert_msg(p != NULL, "%s", ud_errmsg());
	return p;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* All distinct and all buffers of @p. */
static void check_set(struct ud_pool *p, struct ud_buf **b, unsigned n)
{
	struct ud_buf **s = malloc(n * sizeof(*s));

	memcpy(s, b, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_ptr);
	for (unsigned i = 0; i < n; i++) {
		REQ(s[i]->pool == p);
		REQ(ud_pool_buf(p, s[i]->index) == s[i]);
		if (i)
			REQ(s[i] != s[i - 1]);
	}
	free(s);
}

/* Exhaustion and refill; _i: 0 no cache, 1 cache, 2 cache + debug + stats,
 * 3 cache on a single-threaded (SP/SC ring) pool. */
START_TEST(test_exhaust_refill)
{
	const unsigned n = 1000;
	struct fake_mem f;
	struct ud_pool *p;
	struct ud_pool_cache *c = NULL;
	struct ud_buf **got = malloc(n * sizeof(*got));
	struct ud_buf *extra[4];
	unsigned flags = _i == 2 ? UD_POOL_DEBUG | UD_POOL_STATS
				 : _i == 3 ? UD_POOL_SINGLE : 0;

	fake_init(&f, 2);
	p = small_pool(&f, n, flags, "exh");
	if (_i)
		c = ud_pool_cache_create(p, 64);
	for (int round = 0; round < 3; round++) {
		unsigned k = 0;

		while (k < n) {
			unsigned want = 1 + (unsigned)rand() % 40;
			int rc;

			if (want > n - k)
				want = n - k;
			if (want == 1 && rand() % 2) {
				struct ud_buf *b = c ? ud_pool_cache_get(c)
						     : ud_pool_get(p);

				ck_assert_ptr_nonnull(b);
				got[k++] = b;
				continue;
			}
			rc = c ? ud_pool_cache_get_bulk(c, got + k, want)
			       : ud_pool_get_bulk(p, got + k, want);
			ck_assert_int_eq(rc, 0);
			k += want;
		}
		check_set(p, got, n);
		ck_assert_uint_eq(ud_pool_avail(p), 0);
		/* empty: a clear error, and no buffer */
		for (unsigned w = 1; w <= 3; w++) {
			extra[0] = NULL;
			errno = 0;
			int rc = c ? ud_pool_cache_get_bulk(c, extra, w)
				   : ud_pool_get_bulk(p, extra, w);
			ck_assert_int_eq(rc, -1);
			ck_assert_int_eq(errno, ENOBUFS);
			ck_assert_ptr_null(extra[0]);
			ck_assert_ptr_nonnull(strstr(ud_errmsg(), "out of buffers"));
			ck_assert_ptr_nonnull(strstr(ud_errmsg(), "exh"));
		}
		errno = 0;
		ck_assert_ptr_null(c ? ud_pool_cache_get(c) : ud_pool_get(p));
		ck_assert_int_eq(errno, ENOBUFS);
		/* put back in random batches, then all are available again */
		for (unsigned i = n - 1; i > 0; i--) {
			unsigned j = (unsigned)rand() % (i + 1);
			struct ud_buf *t = got[i];

			got[i] = got[j];
			got[j] = t;
		}
		k = 0;
		while (k < n) {
			unsigned m = 1 + (unsigned)rand() % 100;

			if (m > n - k)
				m = n - k;
			if (m == 1)
				ck_assert_int_eq(c ? ud_pool_cache_put(c, got[k])
						   : ud_pool_put(got[k]), 0);
			else
				ck_assert_int_eq(c ? ud_pool_cache_put_bulk(c, got + k, m)
						   : ud_pool_put_bulk(p, got + k, m), 0);
			k += m;
		}
		ck_assert_uint_eq(ud_pool_avail(p), n);
	}
	if (_i == 2) {
		struct ud_pool_stats st;

		ck_assert_int_eq(ud_pool_stats(p, &st), 0);
		ck_assert_uint_eq(st.gets, 3 * n);
		ck_assert_uint_eq(st.puts, 3 * n);
		ck_assert_uint_eq(st.get_fails, 3 * 4);
		ck_assert_uint_eq(st.size, n);
		ck_assert_uint_eq(st.in_ring + st.in_caches, n);
		ck_assert_uint_eq(st.in_use, 0);
		ck_assert_uint_eq(st.caches, 1);
	}
	if (c) {
		ck_assert_uint_le(c->len, c->flushthresh);
		ud_pool_cache_free(c);
	}
	ck_assert_uint_eq(ud_pool_avail(p), n);
	ud_pool_free(p);
	free(got);
	fake_fini(&f);
}
END_TEST

/* A cache with buffers parked in it: other caches see the pool as empty
 * until it flushes. */
START_TEST(test_cache_flush)
{
	struct fake_mem f;
	struct ud_pool *p;
	struct ud_pool_cache *a, *b;
	struct ud_buf *x[64];

	fake_init(&f, 1);
	p = small_pool(&f, 64, UD_POOL_STATS, "fl");
	a = ud_pool_cache_create(p, 32);
	b = ud_pool_cache_create(p, 32);
	ck_assert_int_eq(ud_pool_cache_get_bulk(a, x, 16), 0);
	/* a refilled itself up to its size on top of the 16 */
	ck_assert_uint_eq(a->len, 32);
	ck_assert_uint_eq(ud_pool_avail(p), 48);
	ck_assert_int_eq(ud_pool_cache_get_bulk(b, x + 16, 16), 0);
	ck_assert_int_eq(ud_pool_cache_get_bulk(b, x + 32, 32), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	ud_pool_cache_flush(a);
	ck_assert_uint_eq(a->len, 0);
	ck_assert_int_eq(ud_pool_cache_get_bulk(b, x + 32, 32), 0);
	check_set(p, x, 64);
	/* a bulk bigger than the cache goes straight through */
	ck_assert_int_eq(ud_pool_cache_put_bulk(a, x, 64), 0);
	ck_assert_uint_eq(a->len, 0);
	ck_assert_uint_eq(ud_pool_avail(p), 64);
	struct ud_pool_stats st;

	ud_pool_stats(p, &st);
	ck_assert_uint_eq(st.caches, 2);
	ck_assert_uint_eq(st.gets, 64);
	ck_assert_uint_eq(st.get_fails, 1);
	ud_pool_cache_free(a);
	ud_pool_stats(p, &st);
	ck_assert_uint_eq(st.caches, 1);
	ck_assert_uint_eq(st.gets, 64); /* kept after the cache is freed */
	/* b is freed with the pool */
	ud_pool_free(p);
	fake_fini(&f);
}
END_TEST

START_TEST(test_debug_checks)
{
	struct fake_mem f, g;
	struct ud_pool *p, *q;
	struct ud_pool_cache *c;
	struct ud_buf *b[4], *o;
	char junk[128];

	fake_init(&f, 1);
	fake_init(&g, 1);
	p = small_pool(&f, 16, UD_POOL_DEBUG, "dbg");
	q = small_pool(&g, 16, UD_POOL_DEBUG, "other");
	c = ud_pool_cache_create(p, 4);

	ck_assert_int_eq(ud_pool_cache_get_bulk(c, b, 2), 0);
	ck_assert_int_eq(ud_pool_cache_put(c, b[0]), 0);
	/* double free, through the cache and without */
	errno = 0;
	ck_assert_int_eq(ud_pool_cache_put(c, b[0]), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "double free"));
	ck_assert_int_eq(ud_pool_put(b[0]), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "double free"));
	/* the same buffer twice in one bulk: refused whole */
	b[2] = b[1];
	ck_assert_int_eq(ud_pool_cache_put_bulk(c, b + 1, 2), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "double free"));
	ck_assert_int_eq(ud_pool_cache_put(c, b[1]), 0); /* still in use: ok */
	/* a buffer of another pool */
	o = ud_pool_get(q);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(ud_pool_cache_put(c, o), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "belongs to pool 'other'"));
	ck_assert_int_eq(ud_pool_put_bulk(p, &o, 1), -1);
	ck_assert_int_eq(ud_pool_put(o), 0); /* to its own pool: fine */
	/* not a buffer at all; a data pointer instead of the header */
	ck_assert_int_eq(ud_pool_cache_put(c, (struct ud_buf *)junk), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "not a buffer of any pool"));
	ck_assert_int_eq(ud_pool_cache_get_bulk(c, b, 1), 0);
	ck_assert_int_eq(ud_pool_cache_put(c, (struct ud_buf *)ud_buf_data(b[0])), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "not a buffer header"));
	ck_assert_int_eq(ud_pool_cache_put(c, NULL), -1);
	ck_assert_int_eq(ud_pool_cache_put(c, b[0]), 0);
	ud_pool_cache_free(c);
	ck_assert_uint_eq(ud_pool_avail(p), 16);
	ck_assert_uint_eq(ud_pool_avail(q), 16);
	ud_pool_free(p);
	ud_pool_free(q);
	fake_fini(&f);
	fake_fini(&g);
}
END_TEST

/*
 * Without UD_POOL_DEBUG the cache-less put checks addresses, not headers:
 * NULL, another pool's buffer and a pointer inside the pool off a 64-byte
 * boundary are refused and nothing is given back; every buffer of the pool
 * in one bulk, lowest and highest address together (past the quick bounds
 * test), is taken back.
 */
START_TEST(test_put_checks)
{
	struct fake_mem f, g;
	struct ud_pool *p, *q;
	struct ud_buf *b[64], *o, *bad[3];

	fake_init(&f, 4);
	fake_init(&g, 1);
	p = small_pool(&f, 64, 0, "plain");
	q = small_pool(&g, 4, 0, "other");
	ck_assert_int_eq(ud_pool_get_bulk(p, b, 64), 0);
	o = ud_pool_get(q);
	ck_assert_ptr_nonnull(o);
	bad[0] = b[0];
	bad[2] = b[2];
	bad[1] = NULL;
	ck_assert_int_eq(ud_pool_put_bulk(p, bad, 3), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "NULL put back"));
	bad[1] = o;
	ck_assert_int_eq(ud_pool_put_bulk(p, bad, 3), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "belongs to pool 'other'"));
	bad[1] = (struct ud_buf *)((char *)b[1] + 8);
	ck_assert_int_eq(ud_pool_put_bulk(p, bad, 3), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "not a buffer header"));
	ck_assert_uint_eq(ud_pool_avail(p), 0);
	qsort(b, 64, sizeof(b[0]), cmp_ptr);
	bad[0] = b[63];
	bad[1] = b[0];
	ck_assert_int_eq(ud_pool_put_bulk(p, bad, 2), 0);
	ck_assert_int_eq(ud_pool_put_bulk(p, b + 1, 62), 0);
	ck_assert_uint_eq(ud_pool_avail(p), 64);
	ck_assert_int_eq(ud_pool_put(o), 0);
	ud_pool_free(p);
	ud_pool_free(q);
	fake_fini(&f);
	fake_fini(&g);
}
END_TEST

/*
 * The cache-less put's address check over bursts of every length up to 40
 * (its vector loops and their scalar tails) in shuffled order, so that most
 * bursts spread over the pool and take the exact check after the quick
 * one: the pool's own buffers are always taken back; NULL, another pool's
 * buffer, a pointer off a 64-byte boundary, one 64 bytes below the pool's
 * memory and one at its end, at the start, middle or end of a burst, are
 * always refused, and nothing of that burst is given back.
 */
START_TEST(test_put_check_bursts)
{
	struct fake_mem f, g;
	struct ud_pool *p, *q;
	struct ud_buf *b[64], *burst[40], *bad[5], *last;

	fake_init(&f, 4);
	fake_init(&g, 1);
	p = small_pool(&f, 64, 0, "plain");
	q = small_pool(&g, 4, 0, "other");
	last = ud_pool_buf(p, 63);
	bad[0] = NULL;
	bad[1] = ud_pool_get(q);
	ck_assert_ptr_nonnull(bad[1]);
	bad[2] = (struct ud_buf *)((char *)ud_pool_buf(p, 5) + 8);
	bad[3] = (struct ud_buf *)((char *)ud_pool_buf(p, 0) - 64);
	bad[4] = (struct ud_buf *)((char *)ud_buf_addr(last) + last->buf_len);
	for (unsigned len = 1; len <= 40; len++) {
		ck_assert_int_eq(ud_pool_get_bulk(p, b, 64), 0);
		for (unsigned i = 63; i > 0; i--) {
			unsigned j = (unsigned)rand() % (i + 1);
			struct ud_buf *t = b[i];

			b[i] = b[j];
			b[j] = t;
		}
		for (unsigned k = 0; k < 5; k++) {
			unsigned at[3] = { 0, len / 2, len - 1 };

			for (unsigned w = 0; w < 3; w++) {
				memcpy(burst, b, len * sizeof(b[0]));
				burst[at[w]] = bad[k];
				ck_assert_msg(ud_pool_put_bulk(p, burst, len) == -1,
					      "len %u, bad #%u at %u taken back",
					      len, k, at[w]);
				ck_assert_int_eq(errno, EINVAL);
				ck_assert_uint_eq(ud_pool_avail(p), 0);
			}
		}
		for (unsigned i = 0; i < 64; i += len) {
			unsigned m = 64 - i < len ? 64 - i : len;

			ck_assert_msg(ud_pool_put_bulk(p, b + i, m) == 0,
				      "len %u at %u: %s", len, i, ud_errmsg());
		}
		ck_assert_uint_eq(ud_pool_avail(p), 64);
	}
	ck_assert_int_eq(ud_pool_put(bad[1]), 0);
	ud_pool_free(p);
	ud_pool_free(q);
	fake_fini(&f);
	fake_fini(&g);
}
END_TEST

/* UD_POOL_DEBUG_ABORT: a double free kills the process with a message. */
START_TEST(test_debug_abort)
{
	struct fake_mem f;
	struct ud_pool *p;
	struct ud_buf *b;

	fake_init(&f, 1);
	p = small_pool(&f, 4, UD_POOL_DEBUG | UD_POOL_DEBUG_ABORT, "abrt");
	b = ud_pool_get(p);
	ud_pool_put(b);
	ud_pool_put(b); /* aborts */
	ck_abort_msg("double free did not abort");
}
END_TEST

/* ---- real hugepages ---------------------------------------------------- */

#define HP_NEED 48
/* HP_NEED free pages of the default size (2 MiB), reserved as root; the
 * teardown restores the pool. */
HP_FIXTURE(0, HP_NEED)

static struct ud_mem *hp_open(char *why, size_t len)
{
	struct ud_mem *m = ud_mem_open(NULL);

	if (!m) {
		snprintf(why, len, "%s", ud_errmsg());
		return NULL;
	}
	/* probe: can we have pages with known physical addresses? */
	struct ud_zone *z = ud_zone_reserve(m, "probe", 4096, NULL);

	if (!z) {
		snprintf(why, len, "%s", ud_errmsg());
		ud_mem_close(m);
		return NULL;
	}
	ud_zone_free(z);
	return m;
}

static uint64_t real_v2i(const void *va, void *arg)
{
	(void)arg;
	return ud_virt2iova(va);
}

START_TEST(test_hugepage_iova)
{
	char why[512];
	struct ud_mem *m = hp_open(why, sizeof(why));
	static const size_t rooms[] = { 1984, 2048, 3000, 9000 };
	static const size_t bnd[] = { 0, 4096, 16384, 1u << 21, 1ull << 32 };
	unsigned checked = 0;

	if (!m)
		UD_SKIP("no hugepage memory with known IOVAs: %s", why);
	for (size_t r = 0; r < sizeof(rooms) / sizeof(rooms[0]); r++)
	for (size_t k = 0; k < sizeof(bnd) / sizeof(bnd[0]); k++) {
		struct ud_pool_params pp = UD_POOL_PARAMS_INIT;

		pp.name = "hp";
		pp.n = 2000 + 37 * (unsigned)(r + k);
		pp.data_room = rooms[r];
		pp.headroom = k % 2 ? 128 : 0;
		pp.priv_size = r % 2 ? 48 : 0;
		pp.align = k == 2 ? 2048 : 0;
		pp.boundary = bnd[k];
		if (pp.boundary && pp.boundary < pp.data_room + pp.headroom)
			continue;
		pp.flags = UD_POOL_DEBUG;
		struct ud_pool *p = ud_pool_create(m, &pp);

		if (!p)
			ck_abort_msg("room %zu boundary %zu: %s", rooms[r],
				     bnd[k], ud_errmsg());
		struct ud_zone *z = ud_pool_zone(p);

		ck_assert_ptr_nonnull(z);
		/* every buffer's IOVA is what the memory module says */
		check_layout(p, &pp, real_v2i, NULL, UD_PGSZ_2M,
			     (uintptr_t)ud_zone_addr(z),
			     (uintptr_t)ud_zone_addr(z) + ud_zone_len(z));
		for (unsigned i = 0; i < pp.n; i++) {
			struct ud_buf *b = ud_pool_buf(p, i);

			REQ_EQ(ud_buf_iova(b), ud_virt2iova(ud_buf_addr(b)));
			REQ_EQ(ud_buf_data_iova(b), ud_virt2iova(ud_buf_data(b)));
			/* and the memory module can map it back */
			REQ(ud_iova2virt(ud_buf_iova(b)) == ud_buf_addr(b));
			checked++;
		}
		/* get everything through a cache and give it back */
		struct ud_pool_cache *c = ud_pool_cache_create(p, 256);
		struct ud_buf **all = malloc(pp.n * sizeof(*all));

		for (unsigned i = 0; i < pp.n; i += 32) {
			unsigned w = pp.n - i < 32 ? pp.n - i : 32;

			ck_assert_int_eq(ud_pool_cache_get_bulk(c, all + i, w), 0);
		}
		check_set(p, all, pp.n);
		ck_assert_ptr_null(ud_pool_cache_get(c));
		ck_assert_int_eq(errno, ENOBUFS);
		for (unsigned i = 0; i < pp.n; i += 32) {
			unsigned w = pp.n - i < 32 ? pp.n - i : 32;

			ck_assert_int_eq(ud_pool_cache_put_bulk(c, all + i, w), 0);
		}
		free(all);
		ud_pool_cache_free(c);
		ck_assert_uint_eq(ud_pool_avail(p), pp.n);
		ud_pool_free(p);
	}
	printf("hugepage pools: %u buffer IOVAs match ud_virt2iova()\n", checked);
	ud_mem_close(m);
}
END_TEST

static Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	TCase *hp = tcase_create("hugepages");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_params);
	tcase_add_loop_test(tc, test_layout_spread, 0, 2);
	tcase_add_loop_test(tc, test_exhaust_refill, 0, 4);
	tcase_add_test(tc, test_cache_flush);
	tcase_add_test(tc, test_debug_checks);
	tcase_add_test(tc, test_put_checks);
	tcase_add_test(tc, test_put_check_bursts);
	tcase_add_test_raise_signal(tc, test_debug_abort, SIGABRT);
	suite_add_tcase(s, tc);

	tcase_set_timeout(hp, 60);
	tcase_add_unchecked_fixture(hp, hp_setup, hp_teardown);
	tcase_add_test(hp, test_hugepage_iova);
	suite_add_tcase(s, hp);
	return s;
}

UD_TEST_MAIN(pool_suite)
