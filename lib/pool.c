// SPDX-License-Identifier: MIT
/*
 * DMA buffer pools: layout, the shared ring, caches, debug checks and
 * statistics.  Pools over caller memory are made here; pools in a zone of
 * hugepage memory in pool_zone.c.  The cache fast path is inline in
 * uiodma/pool.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/error.h>
#include <uiodma/pool.h>
#include "handle.h"
#include "internal.h"
#include "util.h"
#include "pool_internal.h"

/* Caches still alive: their free and flush look them up first. */
static struct ud_hset caches_live = UD_HSET_INIT;

/* Every live pool, to name the owner of a stray buffer in debug messages. */
static pthread_mutex_t ud_pools_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ud_pool **ud_pools;
static size_t ud_npools, ud_pools_cap;

static void ud_pools_add(struct ud_pool *p)
{
	pthread_mutex_lock(&ud_pools_lock);
	if (ud_npools == ud_pools_cap) {
		size_t cap = ud_pools_cap ? 2 * ud_pools_cap : 16;
		struct ud_pool **n = realloc(ud_pools, cap * sizeof(*n));

		if (!n) { /* only debug messages get less precise */
			pthread_mutex_unlock(&ud_pools_lock);
			return;
		}
		ud_pools = n;
		ud_pools_cap = cap;
	}
	ud_pools[ud_npools++] = p;
	pthread_mutex_unlock(&ud_pools_lock);
}

static void ud_pools_del(struct ud_pool *p)
{
	pthread_mutex_lock(&ud_pools_lock);
	for (size_t i = 0; i < ud_npools; i++) {
		if (ud_pools[i] == p) {
			ud_pools[i] = ud_pools[--ud_npools];
			break;
		}
	}
	if (!ud_npools) {
		free(ud_pools);
		ud_pools = NULL;
		ud_pools_cap = 0;
	}
	pthread_mutex_unlock(&ud_pools_lock);
}

/* Name of the live pool whose memory holds @addr, copied into @out. */
static int ud_pools_owner(uintptr_t addr, char *out, size_t len)
{
	int found = 0;

	pthread_mutex_lock(&ud_pools_lock);
	for (size_t i = 0; i < ud_npools; i++) {
		if (addr >= ud_pools[i]->lo && addr < ud_pools[i]->hi) {
			snprintf(out, len, "%s", ud_pools[i]->name);
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&ud_pools_lock);
	return found;
}

uint64_t ud_layout_contig_v2i(uintptr_t va, const struct ud_layout_mem *m)
{
	return m->iova + (va - m->va);
}

static uint64_t ud_layout_user_v2i(uintptr_t va, const struct ud_layout_mem *m)
{
	return m->user_v2i((const void *)va, m->arg);
}

int ud_pool_shape(struct ud_pool *p, const struct ud_pool_params *pp)
{
	const char *name = pp->name ? pp->name : "pool";
	size_t align = pp->align < 64 ? 64 : pp->align;
	unsigned known = UD_POOL_DEBUG | UD_POOL_DEBUG_ABORT | UD_POOL_STATS |
			 UD_POOL_SINGLE | UD_POOL_NUMA;

	if (strlen(name) >= sizeof(p->name))
		return ud_fail(ENAMETOOLONG, "pool name '%.20s...' has %zu bytes; "
			       "pool names have at most %zu", name, strlen(name),
			       sizeof(p->name) - 1);
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (pp->n == 0 || pp->n > UD_POOL_MAX_N)
		return ud_fail(EINVAL,
			       "pool '%s': %u buffers is out of range; ask for "
			       "1 to %u", name, pp->n, UD_POOL_MAX_N);
	if (pp->data_room == 0)
		return ud_fail(EINVAL, "pool '%s': data room is 0 bytes; set "
			       "data_room to the largest payload", name);
	if (pp->data_room > UINT32_MAX / 2 || pp->headroom > UINT32_MAX / 2 ||
	    pp->priv_size > UINT32_MAX / 2)
		return ud_fail(EINVAL, "pool '%s': buffer sizes above 2 GiB; "
			       "use smaller buffers", name);
	if (pp->align && !ud_is_pow2(pp->align))
		return ud_fail(EINVAL, "pool '%s': alignment %zu is not a power "
			       "of two; use e.g. 64, 128 or 4096",
			       name, pp->align);
	if (pp->boundary && !ud_is_pow2(pp->boundary))
		return ud_fail(EINVAL, "pool '%s': boundary %zu is not a power "
			       "of two; use e.g. 4096, or 0 for none",
			       name, pp->boundary);
	if (pp->boundary && pp->boundary < pp->headroom + pp->data_room)
		return ud_fail(EINVAL,
			       "pool '%s': a %zu-byte buffer (headroom %zu + data "
			       "room %zu) cannot fit within a boundary of %zu; "
			       "use smaller buffers or a larger boundary",
			       name, pp->headroom + pp->data_room, pp->headroom,
			       pp->data_room, pp->boundary);
	if (pp->flags & ~known)
		return ud_fail(EINVAL, "pool '%s': flags 0x%x hold unknown bits; "
			       "use only UD_POOL_* flags", name, pp->flags);
	p->n = pp->n;
	p->flags = pp->flags;
	p->buf_len = pp->headroom + pp->data_room;
	p->headroom = pp->headroom;
	p->priv_len = (pp->priv_size + 63) & ~(size_t)63;
	p->align = align;
	p->boundary = pp->boundary;
	p->iova_max = pp->iova_max;
	p->bufs = calloc(p->n, sizeof(*p->bufs));
	if (!p->bufs)
		return ud_fail(ENOMEM, "pool '%s': out of memory for a table of "
			       "%u buffers", name, p->n);
	pthread_mutex_init(&p->lock, NULL);
	return 0;
}

int ud_pool_layout(struct ud_pool *p, const struct ud_layout_mem *m,
		   struct ud_buf **bufs, size_t *used)
{
	const size_t hdr = sizeof(struct ud_buf) + p->priv_len;
	const size_t bl = p->buf_len, B = p->boundary;
	const uintptr_t end = m->va + m->len;
	uintptr_t cur = m->va;

	for (unsigned i = 0; i < p->n; i++) {
		uintptr_t s = (uintptr_t)ud_align_up(cur + hdr, p->align);
		uint64_t io;

		for (;;) {
			if (s < cur || s + bl < s || s + bl > end)
				return ud_fail(ENOMEM,
					       "pool '%s': only %u of %u buffers of "
					       "%zu bytes fit in %zu bytes of memory "
					       "(align %zu, boundary %zu); give more "
					       "memory or ask for fewer buffers",
					       p->name, i, p->n, bl, m->len,
					       p->align, B);
			if (m->page && s / m->page != (s + bl - 1) / m->page) {
				s = (uintptr_t)ud_align_up((s / m->page + 1) * m->page,
					     p->align);
				continue;
			}
			io = m->v2i(s, m);
			if (io == UD_BAD_IOVA)
				return ud_fail(EFAULT,
					       "pool '%s': address %p has no IOVA; "
					       "the memory must be mapped DMA memory",
					       p->name, (void *)s);
			if (B && io / B != (io + bl - 1) / B) {
				s = (uintptr_t)ud_align_up(s + (B - io % B), p->align);
				continue;
			}
			break;
		}
		if (io % p->align)
			return ud_fail(EINVAL,
				       "pool '%s': address %p is aligned to %zu "
				       "but its IOVA 0x%" PRIx64 " is not; give "
				       "memory whose VA and IOVA agree modulo %zu",
				       p->name, (void *)s, p->align, io, p->align);
		if (m->v2i(s + bl - 1, m) != io + bl - 1)
			return ud_fail(EINVAL,
				       "pool '%s': memory at %p is not "
				       "IOVA-contiguous over %zu bytes; give its "
				       "page size so buffers avoid page ends",
				       p->name, (void *)s, bl);
		if (p->iova_max && !m->dry && io + bl - 1 > p->iova_max)
			return ud_fail(ENOMEM,
				       "pool '%s': buffer IOVA 0x%" PRIx64 " is "
				       "above the device limit 0x%" PRIx64 "; "
				       "use memory below the limit",
				       p->name, io + bl - 1, p->iova_max);
		if (bufs) {
			struct ud_buf *b = (struct ud_buf *)s - 1;

			memset((char *)b - p->priv_len, 0, hdr);
			b->iova = io;
			b->pool = p;
			b->buf_len = (uint32_t)bl;
			b->headroom = (uint32_t)p->headroom;
			b->priv_size = (uint32_t)p->priv_len;
			b->index = i;
			atomic_init(&b->state, UD_BUF_FREE);
			bufs[i] = b;
		}
		cur = s + bl;
	}
	*used = cur - m->va;
	return 0;
}

int ud_pool_finish(struct ud_pool *p)
{
	unsigned count = 1;

	while (count < p->n)
		count <<= 1;
	p->ring = ud_ring_create(p->name, count,
				 (p->flags & UD_POOL_SINGLE) ?
					 UD_RING_SP_ENQ | UD_RING_SC_DEQ : 0);
	if (!p->ring)
		return -1;
	/* the ring holds exactly n: one buffer more than the pool has is
	 * caught the same way whatever n is (ud_ring_put()) */
	p->ring->capacity = p->n;
	if (ud_ring_enqueue_bulk(p->ring, (void *const *)p->bufs, p->n, NULL) !=
	    p->n)
		return ud_fail(EFAULT, "pool '%s': internal error filling the "
			       "ring", p->name);
	p->lo = (uintptr_t)p->bufs[0] - p->priv_len;
	p->hi = (uintptr_t)ud_buf_addr(p->bufs[p->n - 1]) + p->buf_len;
	ud_pools_add(p);
	return 0;
}

struct ud_pool *ud_pool_new(const struct ud_pool_params *pp)
{
	struct ud_pool *p = ud_handle_new(&ud_hk_pool);
	int e;

	if (!p)
		return NULL;
	if (ud_pool_shape(p, pp)) {
		e = errno;
		free(p->bufs);
		ud_handle_kill(&ud_hk_pool, p);
		errno = e;
		return NULL;
	}
	return p;
}

void *ud_pool_discard(struct ud_pool *p)
{
	int e = errno;

	ud_pool_destroy(p);
	errno = e;
	return NULL;
}

void ud_pool_destroy(struct ud_pool *p)
{
	struct ud_pool_cache *c, *next;

	ud_pools_del(p);
	for (c = p->caches; c; c = next) {
		next = c->next;
		ud_hset_del(&caches_live, c);
		ud_handle_poison(&ud_hk_cache, c);
		free(c);
	}
	ud_ring_free(p->ring);
	free(p->bufs);
	pthread_mutex_destroy(&p->lock);
	if (p->zone && p->zone_free)
		p->zone_free(p->zone);
	ud_handle_kill(&ud_hk_pool, p);
}

UD_EXPORT struct ud_pool *ud_pool_create_mem(const struct ud_pool_params *pp,
					     const struct ud_pool_mem *mem)
{
	struct ud_layout_mem lm;
	struct ud_pool *p;
	size_t used;

	if (!pp || !mem || !mem->va)
		return ud_fail_null(EINVAL, "ud_pool_create_mem: %s is NULL; "
				    "pass parameters and memory",
				    !pp ? "params" : "memory");
	if (mem->page_size && !ud_is_pow2(mem->page_size))
		return ud_fail_null(EINVAL, "ud_pool_create_mem: page size %zu "
				    "is not a power of two", mem->page_size);
	p = ud_pool_new(pp);
	if (!p)
		return NULL;
	if (mem->page_size && p->buf_len > mem->page_size) {
		ud_fail(EINVAL, "pool '%s': a %zu-byte buffer cannot fit in a "
			"%zu-byte page; use smaller buffers", p->name,
			p->buf_len, mem->page_size);
		goto fail;
	}
	memset(&lm, 0, sizeof(lm));
	lm.va = (uintptr_t)mem->va;
	lm.len = mem->len;
	lm.iova = mem->iova;
	lm.user_v2i = mem->virt2iova;
	lm.arg = mem->arg;
	lm.v2i = mem->virt2iova ? ud_layout_user_v2i : ud_layout_contig_v2i;
	lm.page = mem->page_size;
	if (ud_pool_layout(p, &lm, p->bufs, &used) || ud_pool_finish(p))
		goto fail;
	return p;
fail:
	return ud_pool_discard(p);
}

UD_EXPORT int ud_pool_free(struct ud_pool *p)
{
	if (!p)
		return 0;
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_free"))
		return -1;
	ud_pool_destroy(p);
	return 0;
}

UD_EXPORT const char *ud_pool_name(const struct ud_pool *p)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_name"))
		return "";
	return p->name;
}

UD_EXPORT unsigned ud_pool_size(const struct ud_pool *p)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_size"))
		return 0;
	return p->n;
}

UD_EXPORT struct ud_buf *ud_pool_buf(const struct ud_pool *p, unsigned i)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_buf"))
		return NULL;
	if (i >= p->n)
		return ud_fail_null(EINVAL, "pool '%s': no buffer #%u, it has "
				    "%u", p->name, i, p->n);
	return p->bufs[i];
}

UD_EXPORT struct ud_zone *ud_pool_zone(const struct ud_pool *p)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_zone"))
		return NULL;
	return p->zone;
}

/* ---- errors and debug checks -------------------------------------------- */

static unsigned ud_cache_len_snapshot(const struct ud_pool_cache *c)
{
	return __atomic_load_n(&c->len, __ATOMIC_RELAXED);
}

static __attribute__((noinline, cold)) int
ud_pool_empty_err(struct ud_pool *p, const struct ud_pool_cache *c,
			     unsigned n)
{
	unsigned ring = ud_ring_count(p->ring);

	if (n > p->n)
		return ud_fail(ENOBUFS, "pool '%s' has %u buffers, %u wanted at "
			       "once; ask for at most %u, or create the pool "
			       "with more", p->name, p->n, n, p->n);
	if (c)
		return ud_fail(ENOBUFS,
			       "pool '%s' is out of buffers: %u wanted, %u free "
			       "in the shared ring and %u in this thread's cache "
			       "(%u in the pool; the rest are in use or in other "
			       "threads' caches); put buffers back sooner, use "
			       "smaller caches or create the pool with more "
			       "buffers",
			       p->name, n, ring, c->len, p->n);
	return ud_fail(ENOBUFS,
		       "pool '%s' is out of buffers: %u wanted, %u free in the "
		       "shared ring (%u in the pool; the rest are in use or in "
		       "caches); put buffers back sooner or create the pool "
		       "with more buffers",
		       p->name, n, ring, p->n);
}

UD_EXPORT int ud_pool__empty(struct ud_pool_cache *c, unsigned n)
{
	if (c->flags & UD_POOL_STATS)
		ud_pool__stat(c, &c->st_get_fails, 1);
	return ud_pool_empty_err(c->pool, c, n);
}

/* The pool is corrupt: say so and stop (see "Misuse" in uiodma/pool.h). */
static __attribute__((noreturn)) void ud_pool_abort(void)
{
	fprintf(stderr, "libuiodma: %s\n", ud_errmsg());
	abort();
}

static __attribute__((noinline)) int
ud_debug_get(struct ud_pool *p, struct ud_buf **bufs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t want = UD_BUF_FREE;

		if (!atomic_compare_exchange_strong(&bufs[i]->state, &want,
						    UD_BUF_USED)) {
			ud_fail(EFAULT,
				"pool '%s': buffer #%u (%p) was handed out but "
				"was not free (state 0x%x): its header was "
				"overwritten, or it was put back while in use "
				"through a path without checks; the pool "
				"cannot be trusted any more",
				p->name, bufs[i]->index, (void *)bufs[i], want);
			ud_pool_abort();
		}
	}
	return 0;
}

/* The error for @b, not a buffer of @p: names the pool it belongs to. */
static int ud_not_ours(struct ud_pool *p, const struct ud_buf *b)
{
	char owner[UD_POOL_NAME_LEN];

	if ((uintptr_t)b >= p->lo && (uintptr_t)b < p->hi)
		return ud_fail(EINVAL, "pool '%s': %p is inside the pool's "
			       "memory but is not a buffer header; put back the "
			       "struct ud_buf pointer, not a data pointer",
			       p->name, (void *)b);
	if (ud_pools_owner((uintptr_t)b, owner, sizeof(owner)))
		return ud_fail(EINVAL, "pool '%s': buffer %p belongs to pool "
			       "'%s'; put it back to its own pool", p->name,
			       (void *)b, owner);
	return ud_fail(EINVAL, "pool '%s': %p is not a buffer of any pool "
		       "(outside every pool's memory); put back only pointers "
		       "a pool handed out", p->name, (void *)b);
}

/* Is @b a buffer header of @p?  Without touching it unless it is in @p. */
static int ud_debug_valid(struct ud_pool *p, const struct ud_buf *b)
{
	uintptr_t a = (uintptr_t)b;

	if (!b)
		return ud_fail(EINVAL, "pool '%s': NULL put back as a buffer; "
			       "check the caller's buffer array", p->name);
	if (a < p->lo || a >= p->hi || a % 64 || b->index >= p->n ||
	    p->bufs[b->index] != b)
		return ud_not_ours(p, b);
	return 0;
}

static __attribute__((noinline)) int
ud_debug_put(struct ud_pool *p, struct ud_buf *const *bufs,
			unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		uint32_t want = UD_BUF_USED;

		if (ud_debug_valid(p, bufs[i]))
			break;
		if (!atomic_compare_exchange_strong(&bufs[i]->state, &want,
						    UD_BUF_FREE)) {
			if (want == UD_BUF_FREE)
				ud_fail(EINVAL,
					"pool '%s': double free of buffer #%u "
					"(%p, IOVA 0x%" PRIx64 "): it is already "
					"free; a buffer must be put back once",
					p->name, bufs[i]->index, (void *)bufs[i],
					bufs[i]->iova);
			else
				ud_fail(EINVAL,
					"pool '%s': buffer #%u (%p) has a corrupt "
					"state 0x%x; its header was overwritten",
					p->name, bufs[i]->index, (void *)bufs[i],
					want);
			break;
		}
	}
	if (i == n)
		return 0;
	/* undo: none of them is given back */
	while (i--)
		atomic_store(&bufs[i]->state, UD_BUF_USED);
	if (p->flags & UD_POOL_DEBUG_ABORT)
		ud_pool_abort();
	return -1;
}

UD_EXPORT int ud_pool__debug_get(struct ud_pool_cache *c, struct ud_buf **bufs,
				 unsigned n)
{
	return ud_debug_get(c->pool, bufs, n);
}

UD_EXPORT int ud_pool__debug_put(struct ud_pool_cache *c,
				 struct ud_buf *const *bufs, unsigned n)
{
	return ud_debug_put(c->pool, bufs, n);
}

/*
 * Into the shared ring, which holds exactly the pool's n buffers: more
 * means one buffer is now free twice (put twice, or another pool's, or no
 * buffer at all, through a path without checks), and the ring would hand
 * it to two users.  That is never a silent success: every pool stops here.
 */
static __attribute__((noinline, cold, noreturn)) void
ud_ring_overflow(struct ud_pool *p, unsigned n)
{
	ud_fail(EOVERFLOW,
		"pool '%s': more buffers put back than the pool has "
		"(%u free in the ring, %u more put, %u in the pool): a "
		"buffer was put twice, or one that is not this pool's "
		"was put; create the pool with UD_POOL_DEBUG to be told "
		"at the put that does it",
		p->name, ud_ring_count(p->ring), n, p->n);
	ud_pool_abort();
}

/* Inlined into every caller: ud_pool_put_bulk()'s path is this and a check. */
static inline __attribute__((always_inline)) void
ud_ring_put(struct ud_pool *p, void *const *objs, unsigned n)
{
	if (__builtin_expect(ud_ring_enqueue_bulk(p->ring, objs, n, NULL) != n, 0))
		ud_ring_overflow(p, n);
}

UD_EXPORT int ud_pool__ring_put(struct ud_pool_cache *c, void *const *objs,
				unsigned n)
{
	ud_ring_put(c->pool, objs, n);
	return 0;
}

/* ---- cache-less calls ----------------------------------------------------- */

/*
 * The ring's inline calls are inlined here whatever GCC's heuristics say
 * (flatten; the error and debug paths are noinline): GCC called the
 * enqueue out of line, a call and a second frame per burst, 0.86-0.89
 * instead of 0.84 ns per buffer in make bench-host's
 * pool_get_put_bulk32_ring.
 */
UD_EXPORT __attribute__((flatten)) int
ud_pool_get_bulk(struct ud_pool *p, struct ud_buf **bufs, unsigned n)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_get_bulk"))
		return -1;
	if (!bufs && n)
		return ud_fail(EINVAL, "ud_pool_get_bulk: bufs is NULL; pass "
			       "an array of %u pointers", n);
	if (ud_ring_dequeue_bulk(p->ring, (void **)bufs, n, NULL) != n) {
		if (p->flags & UD_POOL_STATS)
			atomic_fetch_add_explicit(&p->st_get_fails, 1,
						  memory_order_relaxed);
		return ud_pool_empty_err(p, NULL, n);
	}
	if (p->flags & UD_POOL_STATS)
		atomic_fetch_add_explicit(&p->st_gets, n, memory_order_relaxed);
	if (p->flags & UD_POOL_DEBUG)
		ud_debug_get(p, bufs, n);
	return 0;
}

/* Two pointers at a time, on every CPU GCC and clang target (SSE2, NEON). */
typedef uint64_t ud_v2u64 __attribute__((vector_size(16)));
_Static_assert(sizeof(void *) == sizeof(uint64_t), "64-bit pointers");

/*
 * Do all of @bufs lie in @p's memory, 64-byte aligned as headers are?
 * Each pointer's offset from lo (64-byte aligned), OR-ed together: the OR
 * is at least every offset, so OR < hi - lo puts every pointer in
 * [lo, hi), and its low six bits are theirs.  A pointer below lo wraps to
 * a huge offset.  One subtraction and one OR per pair of pointers, no
 * header read: this runs before the ring's compare-and-swap, which waits
 * for it, so every instruction here counts (make bench-host).  Offsets
 * all in range may still OR to hi - lo or more (a burst spread over the
 * pool's top power of two): then ud_check_owner() decides.
 */
static inline int ud_in_pool_fast(const struct ud_pool *p,
				  struct ud_buf *const *bufs, unsigned n)
{
	const uint64_t lo = p->lo;
	const ud_v2u64 vlo = { lo, lo };
	ud_v2u64 o0 = { 0, 0 }, o1 = o0;
	uint64_t o;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		ud_v2u64 w, x, y, z;

		memcpy(&w, bufs + i, sizeof(w));
		memcpy(&x, bufs + i + 2, sizeof(x));
		memcpy(&y, bufs + i + 4, sizeof(y));
		memcpy(&z, bufs + i + 6, sizeof(z));
		o0 |= (w - vlo) | (x - vlo);
		o1 |= (y - vlo) | (z - vlo);
	}
	o0 |= o1;
	o = o0[0] | o0[1];
	for (; i < n; i++)
		o |= (uintptr_t)bufs[i] - lo;
	return o < p->hi - lo && !(o & 63);
}

/*
 * The same question answered exactly, for the bursts the OR above cannot
 * vouch for: offset d = pointer - lo is in range when d < 2^63 (the OR of
 * all of them has its top bit clear) and d - (hi - lo) is negative (the
 * AND of all of them has its top bit set).
 */
static int ud_in_pool_exact(const struct ud_pool *p,
			    struct ud_buf *const *bufs, unsigned n)
{
	const uint64_t lo = p->lo, span = p->hi - p->lo;
	const ud_v2u64 vlo = { lo, lo }, vspan = { span, span };
	ud_v2u64 o0 = { 0, 0 }, o1 = o0, a0 = ~o0, a1 = a0;
	uint64_t o, a;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		ud_v2u64 w, x;

		memcpy(&w, bufs + i, sizeof(w));
		memcpy(&x, bufs + i + 2, sizeof(x));
		w -= vlo;
		x -= vlo;
		o0 |= w;
		o1 |= x;
		a0 &= w - vspan;
		a1 &= x - vspan;
	}
	o0 |= o1;
	a0 &= a1;
	o = o0[0] | o0[1];
	a = a0[0] & a0[1];
	for (; i < n; i++) {
		uint64_t d = (uintptr_t)bufs[i] - lo;

		o |= d;
		a &= d - span;
	}
	return !(o >> 63) && (a >> 63) && !(o & 63);
}

/*
 * Without UD_POOL_DEBUG: each pointer must lie in @p's memory on a 64-byte
 * boundary.  That refuses NULL and every other pool's buffer (pools do not
 * share memory) without reading the headers, which a trip through the ring
 * has left cold: one cache miss each, five times the ring's own cost in
 * make bench-host.  A pointer inside the pool that is no header is seen
 * only with UD_POOL_DEBUG (uiodma/pool.h).  Out of line: the put's fast
 * path is ud_in_pool_fast().
 */
static __attribute__((noinline, cold)) int
ud_check_owner(struct ud_pool *p, struct ud_buf *const *bufs, unsigned n)
{
	if (ud_in_pool_exact(p, bufs, n))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)bufs[i];

		if (!bufs[i])
			return ud_fail(EINVAL, "pool '%s': NULL put back as a "
				       "buffer; check the caller's buffer array",
				       p->name);
		if (a - p->lo >= p->hi - p->lo || a % 64)
			return ud_not_ours(p, bufs[i]);
	}
	return 0;
}

UD_EXPORT __attribute__((flatten)) int
ud_pool_put_bulk(struct ud_pool *p, struct ud_buf *const *bufs, unsigned n)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_put_bulk"))
		return -1;
	if (!bufs && n)
		return ud_fail(EINVAL, "ud_pool_put_bulk: bufs is NULL; pass "
			       "the %u buffers", n);
	if (__builtin_expect(p->flags & UD_POOL_DEBUG, 0)) {
		if (ud_debug_put(p, bufs, n))
			return -1;
	} else if (!ud_in_pool_fast(p, bufs, n) && ud_check_owner(p, bufs, n)) {
		return -1;
	}
	if (p->flags & UD_POOL_STATS)
		atomic_fetch_add_explicit(&p->st_puts, n, memory_order_relaxed);
	ud_ring_put(p, (void *const *)bufs, n);
	return 0;
}

UD_EXPORT struct ud_buf *ud_pool_get(struct ud_pool *p)
{
	struct ud_buf *b;

	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_get"))
		return NULL;
	return ud_pool_get_bulk(p, &b, 1) ? NULL : b;
}

UD_EXPORT int ud_pool_put(struct ud_buf *b)
{
	if (!b)
		return ud_fail(EINVAL, "ud_pool_put: NULL buffer; pass a buffer "
			       "a pool handed out");
	if (ud_handle_check(&ud_hk_pool, b->pool, "ud_pool_put"))
		return -1;
	return ud_pool_put_bulk(b->pool, &b, 1);
}

/* ---- caches --------------------------------------------------------------- */

UD_EXPORT struct ud_pool_cache *ud_pool_cache_create(struct ud_pool *p,
						     unsigned size)
{
	struct ud_pool_cache *c;
	unsigned thresh, cap;
	size_t bytes;

	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_cache_create"))
		return NULL;
	if (size == 0 || size > UD_POOL_CACHE_MAX)
		return ud_fail_null(EINVAL,
				    "pool '%s': cache size %u is out of range; "
				    "use 1 to %u (256 is typical)",
				    p->name, size, UD_POOL_CACHE_MAX);
	thresh = size + (size + 1) / 2;
	cap = thresh + size;
	bytes = sizeof(*c) + (size_t)cap * sizeof(void *);
	c = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
	if (!c)
		return ud_fail_null(ENOMEM, "pool '%s': out of memory for a "
				    "cache of %u buffers", p->name, size);
	memset(c, 0, sizeof(*c));
	c->magic = ud_hk_cache.live;
	c->ring = p->ring;
	c->pool = p;
	c->size = size;
	c->flushthresh = thresh;
	c->flags = p->flags;
	atomic_init(&c->st_gets, 0);
	atomic_init(&c->st_get_fails, 0);
	atomic_init(&c->st_puts, 0);
	if (ud_hset_add(&caches_live, c)) {
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	c->next = p->caches;
	if (p->caches)
		p->caches->prev = c;
	p->caches = c;
	p->ncaches++;
	pthread_mutex_unlock(&p->lock);
	return c;
}

/* Check a cache before touching it: a freed one is not ours to read. */
static int ud_cache_check(struct ud_pool_cache *c, const char *fn)
{
	if (!c)
		return ud_fail(EINVAL, "%s: the cache is NULL; pass one from "
			       "ud_pool_cache_create()", fn);
	if (!ud_hset_has(&caches_live, c))
		return ud_fail(EINVAL, "%s: %p is not a live pool cache: freed "
			       "already (by ud_pool_cache_free() or with its "
			       "pool), or never made by ud_pool_cache_create()",
			       fn, (void *)c);
	return 0;
}

UD_EXPORT int ud_pool_cache_flush(struct ud_pool_cache *c)
{
	if (ud_cache_check(c, "ud_pool_cache_flush"))
		return -1;
	if (c->len)
		ud_ring_put(c->pool, c->objs, c->len);
	c->len = 0;
	return 0;
}

UD_EXPORT int ud_pool_cache_free(struct ud_pool_cache *c)
{
	struct ud_pool *p;

	if (!c)
		return 0;
	if (!ud_hset_del(&caches_live, c))
		return ud_cache_check(c, "ud_pool_cache_free");
	p = c->pool;
	if (c->len)
		ud_ring_put(p, c->objs, c->len);
	c->len = 0;
	pthread_mutex_lock(&p->lock);
	/* keep the counts of a freed cache in the pool's totals */
	atomic_fetch_add(&p->st_gets, atomic_load(&c->st_gets));
	atomic_fetch_add(&p->st_get_fails, atomic_load(&c->st_get_fails));
	atomic_fetch_add(&p->st_puts, atomic_load(&c->st_puts));
	if (c->prev)
		c->prev->next = c->next;
	else
		p->caches = c->next;
	if (c->next)
		c->next->prev = c->prev;
	p->ncaches--;
	pthread_mutex_unlock(&p->lock);
	ud_handle_poison(&ud_hk_cache, c);
	free(c);
	return 0;
}

UD_EXPORT unsigned ud_pool_avail(struct ud_pool *p)
{
	unsigned n;

	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_avail"))
		return 0;
	n = ud_ring_count(p->ring);
	pthread_mutex_lock(&p->lock);
	for (struct ud_pool_cache *c = p->caches; c; c = c->next)
		n += ud_cache_len_snapshot(c);
	pthread_mutex_unlock(&p->lock);
	return n;
}

UD_EXPORT int ud_pool_stats(struct ud_pool *p, struct ud_pool_stats *st)
{
	if (ud_handle_check(&ud_hk_pool, p, "ud_pool_stats"))
		return -1;
	if (!st)
		return ud_fail(EINVAL, "ud_pool_stats: st is NULL; pass a struct "
			       "ud_pool_stats to fill in");
	memset(st, 0, sizeof(*st));
	st->size = p->n;
	pthread_mutex_lock(&p->lock);
	st->gets = atomic_load(&p->st_gets);
	st->get_fails = atomic_load(&p->st_get_fails);
	st->puts = atomic_load(&p->st_puts);
	for (struct ud_pool_cache *c = p->caches; c; c = c->next) {
		st->gets += atomic_load_explicit(&c->st_gets,
						 memory_order_relaxed);
		st->get_fails += atomic_load_explicit(&c->st_get_fails,
						      memory_order_relaxed);
		st->puts += atomic_load_explicit(&c->st_puts,
						 memory_order_relaxed);
		st->in_caches += ud_cache_len_snapshot(c);
		st->caches++;
	}
	pthread_mutex_unlock(&p->lock);
	st->in_ring = ud_ring_count(p->ring);
	st->in_use = p->n - st->in_ring - st->in_caches;
	return 0;
}
