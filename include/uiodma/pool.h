/* SPDX-License-Identifier: MIT */
/*
 * DMA buffer pools.
 *
 * A pool is @n buffers of one size carved from one zone of hugepage memory
 * (uiodma/mem.h), kept free in a lock-free ring (uiodma/ring.h).  Each
 * buffer is a DMA area (headroom, then data room) that a device may read
 * or write, preceded by a 64-byte header, struct ud_buf, and before that an
 * optional private area for the application:
 *
 *	| priv_size | struct ud_buf | headroom | data room |
 *	                            ^ ud_buf_addr(), IOVA ud_buf_iova()
 *	                                       ^ ud_buf_data(), ud_buf_data_iova()
 *
 * A struct ud_buf * is what the pool hands out.  Its header holds the IOVA
 * of the DMA area, read at creation, so ud_buf_iova() is one load: no
 * table lookup.  The DMA area is aligned as asked (64 bytes at least) and
 * never crosses a hugepage or the boundary given at creation (devices that
 * must not cross 4 KiB get that), so it is one IOVA-contiguous block.
 *
 * Threads take buffers through a per-thread cache (struct ud_pool_cache,
 * one per thread, like DPDK's per-lcore mempool caches): gets and puts hit
 * the cache and only move buffers to and from the shared ring in bulk.
 * The cache fast path is inline.  Without a cache every call goes to the
 * ring (ud_pool_get_bulk() and friends).
 *
 * An empty pool is an error (ENOBUFS, with a message), never a wrong
 * buffer.  UD_POOL_STATS counts gets, puts and failures (ud_pool_stats()).
 *
 * Misuse of buffers, the same on every pool:
 *  - With UD_POOL_DEBUG every get and put checks the buffer state: a
 *    double put, a buffer of another pool, or a pointer that is no buffer
 *    header is refused at the put (-1, EINVAL, a message naming the
 *    buffer and, for a foreign one, its pool), and none of the buffers of
 *    that call is given back; with UD_POOL_DEBUG_ABORT the message is
 *    printed and the process aborts instead.
 *  - Without it, ud_pool_put() and ud_pool_put_bulk() still refuse (EINVAL)
 *    NULL and any pointer outside the pool's memory or off a 64-byte
 *    boundary (another pool's buffer is named as such), without reading
 *    the buffers' headers (a trip through the ring leaves them cold); a
 *    pointer inside the pool that is no header (a data pointer) and a
 *    double put are not seen at the put, and the cache calls check
 *    nothing.
 *  - Whatever the flags, the shared ring holds exactly the pool's n
 *    buffers: a put that would make more than n free (a double put or a
 *    foreign buffer that got past the checks above) prints a message
 *    naming the pool and aborts, on every pool alike; and with
 *    UD_POOL_DEBUG a get that finds a buffer not free (its header was
 *    overwritten) aborts too.  In both cases one buffer would otherwise go
 *    to two users.  What happens before that point (a buffer handed to
 *    two users while others are in use) is undefined without
 *    UD_POOL_DEBUG.
 *
 * Errors: every call that fails returns -1 or NULL and sets errno and
 * ud_errmsg() (see uiodma/error.h); the buffer accessors (ud_buf_*())
 * cannot fail.
 *
 * Handles: the calls taking a struct ud_pool check it first: NULL, another
 * kind of handle and a freed pool (while the library has not reused its
 * memory) are refused with EINVAL; the accessors then return 0, "" or
 * NULL with errno EINVAL.  ud_pool_put() checks the pool named in the
 * buffer's header.  Caches are looked up in a table of live ones by
 * ud_pool_cache_flush() and ud_pool_cache_free(), so a second free is
 * EINVAL; the inline cache calls and the ud_buf_*() accessors check
 * nothing (NULL or a freed cache is undefined there).  Free calls accept
 * NULL.  Undefined: a buffer pointer that points nowhere readable, any
 * buffer after its pool is freed, a cache after its pool is freed.
 *
 * Ownership: a pool made by ud_pool_create() holds a zone of its region:
 * free the pool (ud_pool_free()) before ud_mem_close(), which refuses
 * (EBUSY) otherwise, and only once no device uses its buffers.
 * ud_pool_free() frees the pool's caches too.  Memory given to
 * ud_pool_create_mem() stays the caller's and must outlive the pool.
 *
 * Threads: ud_pool_get(), ud_pool_put(), ud_pool_get_bulk() and
 * ud_pool_put_bulk() may be called from any number of threads at once,
 * unless the pool is UD_POOL_SINGLE (then one thread at a time).  A cache
 * belongs to one thread at a time: its inline calls and
 * ud_pool_cache_flush() need no lock but must not run concurrently on the
 * same cache.  ud_pool_cache_create(), ud_pool_cache_free(),
 * ud_pool_avail() and ud_pool_stats() are thread-safe.  ud_pool_create()
 * may run in several threads at once; ud_pool_free() needs external
 * synchronisation: no other thread may use the pool, its caches or its
 * buffers meanwhile.

 * Example:
 *
 *	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
 *	pp.name = "rx";
 *	pp.n = 4096;
 *	pp.data_room = 2048;
 *	pp.headroom = 128;
 *	pp.boundary = 4096;          // device cannot cross 4 KiB
 *	struct ud_pool *pool = ud_pool_create(mem, &pp);
 *	if (!pool)
 *		errx(1, "%s", ud_errmsg());
 *
 *	// in each worker thread:
 *	struct ud_pool_cache *c = ud_pool_cache_create(pool, 256);
 *	struct ud_buf *bufs[32];
 *	if (ud_pool_cache_get_bulk(c, bufs, 32) == 0)
 *		for (int i = 0; i < 32; i++)
 *			post_rx(ud_buf_data_iova(bufs[i]), ud_buf_room(bufs[i]));
 *	...
 *	ud_pool_cache_put_bulk(c, bufs, 32);
 *	ud_pool_cache_free(c);       // gives its buffers back
 *	...
 *	ud_pool_free(pool);
 */
#ifndef UIODMA_POOL_H
#define UIODMA_POOL_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include <uiodma/ring.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ud_mem;
struct ud_zone;
struct ud_pool;

/* struct ud_pool_params.flags */
#define UD_POOL_DEBUG       0x01u /* check every get and put */
#define UD_POOL_DEBUG_ABORT 0x02u /* with UD_POOL_DEBUG: abort on misuse */
#define UD_POOL_STATS       0x04u /* count gets, puts, failures */
#define UD_POOL_SINGLE      0x08u /* one thread at a time uses the ring */
#define UD_POOL_NUMA        0x10u /* numa_node is set */

#define UD_POOL_NAME_LEN 32
#define UD_POOL_CACHE_MAX 1024 /* largest per-thread cache size */

/**
 * struct ud_pool_params - what a pool is made of; zero means default.
 * @name: for messages and the zone name; NULL = "pool"; at most
 *	UD_POOL_NAME_LEN - 1 bytes (longer is ENAMETOOLONG).
 * @n: number of buffers, 1 to 2^30.
 * @data_room: bytes of data room per buffer, after the headroom (> 0).
 * @headroom: bytes reserved before the data in the DMA area.
 * @priv_size: bytes of private area per buffer (CPU only, not DMA).
 * @align: alignment of each DMA area (VA and IOVA), a power of two;
 *	0 = 64, values below 64 count as 64.
 * @boundary: a power of two no DMA area crosses (in IOVA), at least
 *	headroom + data room; 0 = only the hugepage boundary.  The 64-byte
 *	header and the private area sit before each DMA area, so k buffers
 *	fit in one boundary block when headroom + data room <= boundary / k
 *	- 64 - private size (e.g. 1984 bytes for two per 4 KiB).
 * @iova_max: highest IOVA a DMA area may have (0xffffffff for a 32-bit
 *	device); 0 = no limit.  Below the end of the lowest hugepage
 *	(ud_pool_create()) it is EINVAL.
 * @numa_node: node of the memory, with UD_POOL_NUMA in @flags.
 * @flags: UD_POOL_*; other bits are refused (EINVAL).
 */
struct ud_pool_params {
	const char *name;
	unsigned n;
	size_t data_room;
	size_t headroom;
	size_t priv_size;
	size_t align;
	size_t boundary;
	uint64_t iova_max;
	int numa_node;
	unsigned flags;
};

/** UD_POOL_PARAMS_INIT - defaults, any NUMA node. */
#define UD_POOL_PARAMS_INIT { .numa_node = -1 }

/**
 * struct ud_buf - header of a pool buffer, just before its DMA area.
 * @iova: IOVA of the DMA area (headroom start).
 * @pool: the pool the buffer belongs to.
 * @buf_len: bytes of the DMA area: headroom + data room.
 * @headroom: bytes of headroom.
 * @priv_size: bytes of the private area before the header (rounded up).
 * @index: 0 to n - 1, the buffer's number in its pool.
 * @data_len: free for the application (e.g. bytes received); the pool
 *	never touches it after creation.
 * @state: pool's bookkeeping (UD_POOL_DEBUG); do not touch.
 * @udata: free for the application.
 */
struct ud_buf {
	alignas(64) uint64_t iova;
	struct ud_pool *pool;
	uint32_t buf_len;
	uint32_t headroom;
	uint32_t priv_size;
	uint32_t index;
	uint32_t data_len;
	UD__ATOMIC(uint32_t) state;
	uint64_t udata;
};

/**
 * struct ud_pool_cache - a per-thread cache of free buffers of one pool.
 *
 * Made by ud_pool_cache_create(); used by one thread at a time.  Its
 * fields are public only for the inline functions below.
 */
struct ud_pool_cache {
	uint32_t magic;             /* a live cache */
	struct ud_ring *ring;       /* the pool's free ring */
	struct ud_pool *pool;
	uint32_t size;              /* refill target */
	uint32_t flushthresh;       /* flush above this */
	uint32_t len;               /* buffers in objs[] */
	uint32_t flags;             /* the pool's UD_POOL_* */
	UD__ATOMIC(uint64_t) st_gets, st_get_fails, st_puts; /* UD_POOL_STATS */
	struct ud_pool_cache *next, *prev; /* the pool's list */
	void *objs[];
};

/* ---- buffers ------------------------------------------------------------ */

/**
 * ud_buf_addr() - start of a buffer's DMA area (its headroom).
 * @b: the buffer.
 *
 * Return: the address.
 */
static inline void *ud_buf_addr(const struct ud_buf *b)
{
	return (void *)(b + 1);
}

/**
 * ud_buf_iova() - IOVA of ud_buf_addr().
 * @b: the buffer.
 *
 * Return: the IOVA, O(1) from the header.
 */
static inline uint64_t ud_buf_iova(const struct ud_buf *b)
{
	return b->iova;
}

/**
 * ud_buf_data() - start of the data room (after the headroom).
 * @b: the buffer.
 *
 * Return: the address.
 */
static inline void *ud_buf_data(const struct ud_buf *b)
{
	return (char *)(b + 1) + b->headroom;
}

/**
 * ud_buf_data_iova() - IOVA of ud_buf_data(): what a device is given.
 * @b: the buffer.
 *
 * Return: the IOVA.
 */
static inline uint64_t ud_buf_data_iova(const struct ud_buf *b)
{
	return b->iova + b->headroom;
}

/**
 * ud_buf_room() - bytes of data room.
 * @b: the buffer.
 *
 * Return: buf_len - headroom.
 */
static inline uint32_t ud_buf_room(const struct ud_buf *b)
{
	return b->buf_len - b->headroom;
}

/**
 * ud_buf_priv() - the buffer's private area.
 * @b: the buffer.
 *
 * Return: the address (64-byte aligned), or NULL if the pool has none.
 */
static inline void *ud_buf_priv(const struct ud_buf *b)
{
	return b->priv_size ? (char *)b - b->priv_size : NULL;
}

/**
 * ud_buf_from_addr() - the buffer whose DMA area starts at @addr.
 * @addr: a value of ud_buf_addr().
 *
 * Return: the buffer.
 */
static inline struct ud_buf *ud_buf_from_addr(void *addr)
{
	return (struct ud_buf *)addr - 1;
}

/* ---- pools -------------------------------------------------------------- */

/**
 * ud_pool_create() - make a pool in a new zone of @m.
 * @m: hugepage memory from ud_mem_open().
 * @p: parameters.
 *
 * Lays out the buffers so that no DMA area crosses a hugepage or
 * @p->boundary, reads each area's IOVA into its header and checks it.
 * The data rooms are not zeroed.
 *
 * Return: the pool, or NULL with errno set (EINVAL bad parameters or @m
 * not a live region, ENAMETOOLONG name too long, ENOMEM no memory) and a
 * message naming the cause and the fix.
 */
struct ud_pool *ud_pool_create(struct ud_mem *m, const struct ud_pool_params *p);

/**
 * struct ud_pool_mem - memory given to ud_pool_create_mem().
 * @va: start of the memory.
 * @len: bytes.
 * @iova: IOVA of @va when the memory is one IOVA-contiguous block (used
 *	when @virt2iova is NULL).
 * @virt2iova: otherwise, the IOVA of any byte; returns UD_BAD_IOVA
 *	(all ones) when it has none.  Called once per buffer at creation.
 * @arg: passed to @virt2iova.
 * @page_size: a power of two no DMA area may cross in VA, e.g. the size of
 *	the pages behind @va when they are not IOVA-contiguous; 0 = none.
 */
struct ud_pool_mem {
	void *va;
	size_t len;
	uint64_t iova;
	uint64_t (*virt2iova)(const void *va, void *arg);
	void *arg;
	size_t page_size;
};

/* "No IOVA": the same definition as in mem.h. */
#define UD_BAD_IOVA ((uint64_t)-1)

/**
 * ud_pool_create_mem() - make a pool in memory the caller provides.
 * @p: parameters.
 * @mem: the memory; it must stay mapped, locked and at its IOVA for the
 *	pool's life.
 *
 * The same as ud_pool_create() but for memory from elsewhere (a zone the
 * application carved itself, device memory, or in a test plain memory
 * with a made-up IOVA).  The main path is ud_pool_create().
 *
 * Return: the pool, or NULL with errno set (ENOMEM: @mem too small for
 * @n buffers; the message says how many fit).
 */
struct ud_pool *ud_pool_create_mem(const struct ud_pool_params *p,
				   const struct ud_pool_mem *mem);

/**
 * ud_pool_free() - free a pool, its caches and (ud_pool_create()) its zone.
 * @p: the pool, or NULL (nothing to do).  No buffer of it may be in use by
 *	a device, and no other thread may use it, its caches or its buffers.
 *
 * Return: 0, or -1 with errno EINVAL (@p is not a live pool, e.g. freed
 * already).
 */
int ud_pool_free(struct ud_pool *p);

/**
 * ud_pool_get_bulk() - take @n buffers from the shared ring, all or none.
 * @p: the pool.
 * @bufs: receives the buffers.
 * @n: how many.
 *
 * Thread-safe (unless UD_POOL_SINGLE); slower than a cache.
 *
 * Return: 0, or -1 with errno ENOBUFS (fewer than @n free) or EINVAL (@p
 * not a live pool, @bufs NULL) and a message.
 */
int ud_pool_get_bulk(struct ud_pool *p, struct ud_buf **bufs, unsigned n);

/**
 * ud_pool_put_bulk() - give @n buffers back to the shared ring.
 * @p: the pool they came from.
 * @bufs: the buffers.
 * @n: how many.
 *
 * Checks that each pointer lies in @p's memory on a 64-byte boundary,
 * without reading the buffers (UD_POOL_DEBUG: that it is a buffer of @p in
 * use); see "Misuse" above for what is not checked.
 *
 * Return: 0, or -1 with errno EINVAL and a message when @p is not a live
 * pool or one of them is NULL, another pool's, outside @p's memory, off a
 * 64-byte boundary or (UD_POOL_DEBUG) not a buffer of @p in use; then none
 * is given back.
 */
int ud_pool_put_bulk(struct ud_pool *p, struct ud_buf *const *bufs,
		     unsigned n);

/**
 * ud_pool_get() - take one buffer from the shared ring.
 * @p: the pool.
 *
 * Return: the buffer, or NULL with errno ENOBUFS (empty) or EINVAL (@p not
 * a live pool) and a message.
 */
struct ud_buf *ud_pool_get(struct ud_pool *p);

/**
 * ud_pool_put() - give one buffer back to its pool's shared ring.
 * @b: the buffer (its header names the pool).
 *
 * Return: 0, or -1 as ud_pool_put_bulk() (EINVAL also for NULL, or a
 * header that names no live pool).
 */
int ud_pool_put(struct ud_buf *b);

/**
 * ud_pool_name() - the pool's name.
 * @p: the pool.
 *
 * Return: the name ("", errno EINVAL, for anything but a live pool).
 */
const char *ud_pool_name(const struct ud_pool *p);

/**
 * ud_pool_size() - number of buffers in the pool.
 * @p: the pool.
 *
 * Return: @n of the parameters (0, errno EINVAL, for anything but a live
 * pool).
 */
unsigned ud_pool_size(const struct ud_pool *p);

/**
 * ud_pool_buf() - buffer number @i, for walking every buffer.
 * @p: the pool.
 * @i: 0 to ud_pool_size() - 1.
 *
 * Return: the buffer (free or not), or NULL with errno EINVAL (no such
 * buffer, or @p not a live pool).
 */
struct ud_buf *ud_pool_buf(const struct ud_pool *p, unsigned i);

/**
 * ud_pool_zone() - the zone the pool lives in.
 * @p: the pool.
 *
 * The zone stays the pool's: ud_zone_free() refuses it.
 *
 * Return: the zone, or NULL for ud_pool_create_mem() pools (NULL with
 * errno EINVAL for anything but a live pool).
 */
struct ud_zone *ud_pool_zone(const struct ud_pool *p);

/**
 * ud_pool_avail() - free buffers: in the ring and in every cache.
 * @p: the pool.
 *
 * Exact only while no thread gets or puts; the cache part is read without
 * synchronisation.
 *
 * Return: the number (0, errno EINVAL, for anything but a live pool).
 */
unsigned ud_pool_avail(struct ud_pool *p);

/**
 * struct ud_pool_stats - see ud_pool_stats().
 * @gets: buffers handed out (UD_POOL_STATS only).
 * @get_fails: get calls that found too few buffers (UD_POOL_STATS only).
 * @puts: buffers given back (UD_POOL_STATS only).
 * @size: buffers in the pool.
 * @in_ring: free buffers in the shared ring.
 * @in_caches: free buffers in caches.
 * @in_use: the rest.
 * @caches: caches of the pool.
 */
struct ud_pool_stats {
	uint64_t gets;
	uint64_t get_fails;
	uint64_t puts;
	unsigned size;
	unsigned in_ring;
	unsigned in_caches;
	unsigned in_use;
	unsigned caches;
};

/**
 * ud_pool_stats() - counters of a pool, summed over its caches.
 * @p: the pool.
 * @st: filled in.
 *
 * Safe at any time; cache counts are a snapshot (see ud_pool_avail()).
 *
 * Return: 0, or -1 with errno EINVAL (@p not a live pool, or @st NULL).
 */
int ud_pool_stats(struct ud_pool *p, struct ud_pool_stats *st);

/* ---- per-thread caches ---------------------------------------------------- */

/**
 * ud_pool_cache_create() - make a cache of @p for one thread.
 * @p: the pool.
 * @size: buffers it aims to hold, 1 to UD_POOL_CACHE_MAX (256 is a good
 *	start; keep size * threads well below the pool's @n).
 *
 * Return: the cache, or NULL with errno EINVAL (size out of range, @p not a
 * live pool) or ENOMEM and a message.
 */
struct ud_pool_cache *ud_pool_cache_create(struct ud_pool *p, unsigned size);

/**
 * ud_pool_cache_flush() - give every buffer in the cache back to the ring.
 * @c: the cache; only its owner thread may call this.
 *
 * Return: 0, or -1 with errno EINVAL (@c NULL, freed or never made).
 */
int ud_pool_cache_flush(struct ud_pool_cache *c);

/**
 * ud_pool_cache_free() - flush and free a cache.
 * @c: the cache, or NULL (nothing to do).
 *
 * Return: 0, or -1 with errno EINVAL (@c freed already, by this call or
 * with its pool, or never made).
 */
int ud_pool_cache_free(struct ud_pool_cache *c);

/* Out-of-line parts of the inline cache functions; not for direct use. */
int ud_pool__empty(struct ud_pool_cache *c, unsigned n);
int ud_pool__debug_get(struct ud_pool_cache *c, struct ud_buf **bufs,
		       unsigned n);
int ud_pool__debug_put(struct ud_pool_cache *c, struct ud_buf *const *bufs,
		       unsigned n);
int ud_pool__ring_put(struct ud_pool_cache *c, void *const *objs, unsigned n);

static inline void ud_pool__stat(struct ud_pool_cache *c,
				 UD__ATOMIC(uint64_t) *s, uint64_t v)
{
	/* only the owner thread writes: no read-modify-write needed */
	ud__atomic_store(s, ud__atomic_load(s, relaxed) + v, relaxed);
	(void)c;
}

static inline int ud_pool__cache_get(struct ud_pool_cache *c,
				     struct ud_buf **bufs, unsigned n)
{
	void **objs = c->objs;

	if (__builtin_expect(n > c->size, 0)) {
		if (ud_ring_dequeue_bulk(c->ring, (void **)bufs, n, NULL) != n)
			return ud_pool__empty(c, n);
		return 0;
	}
	if (c->len < n) {
		unsigned need = c->size + n - c->len;

		if (ud_ring_dequeue_bulk(c->ring, &objs[c->len], need, NULL) !=
		    need) {
			need = n - c->len;
			if (ud_ring_dequeue_bulk(c->ring, &objs[c->len], need,
						 NULL) != need)
				return ud_pool__empty(c, n);
		}
		c->len += need;
	}
	/* the most recently put buffers: still in the CPU cache */
	c->len -= n;
	__builtin_memcpy(bufs, &objs[c->len], n * sizeof(void *));
	return 0;
}

static inline int ud_pool__cache_put(struct ud_pool_cache *c,
				     struct ud_buf *const *bufs, unsigned n)
{
	void **objs = c->objs;

	if (__builtin_expect(n > c->size, 0))
		return ud_pool__ring_put(c, (void *const *)bufs, n);
	__builtin_memcpy(&objs[c->len], bufs, n * sizeof(void *));
	c->len += n;
	if (c->len >= c->flushthresh) {
		ud_pool__ring_put(c, &objs[c->size], c->len - c->size);
		c->len = c->size;
	}
	return 0;
}

/**
 * ud_pool_cache_get_bulk() - take @n buffers, all or none, through a cache.
 * @c: the calling thread's cache.
 * @bufs: receives the buffers.
 * @n: how many; more than the cache size goes straight to the ring.
 *
 * Return: 0, or -1 with errno ENOBUFS and a message when the pool (ring
 * and this cache) has fewer than @n free; buffers in other threads' caches
 * are not reachable.
 */
static inline int ud_pool_cache_get_bulk(struct ud_pool_cache *c,
					 struct ud_buf **bufs, unsigned n)
{
	if (__builtin_expect(c->flags & (UD_POOL_DEBUG | UD_POOL_STATS), 0)) {
		int rc = ud_pool__cache_get(c, bufs, n);

		if (rc == 0 && (c->flags & UD_POOL_STATS))
			ud_pool__stat(c, &c->st_gets, n);
		if (rc == 0 && (c->flags & UD_POOL_DEBUG))
			rc = ud_pool__debug_get(c, bufs, n);
		return rc;
	}
	return ud_pool__cache_get(c, bufs, n);
}

/**
 * ud_pool_cache_put_bulk() - give @n buffers back through a cache.
 * @c: the calling thread's cache, of the pool the buffers came from.
 * @bufs: the buffers.
 * @n: how many.
 *
 * Return: 0, or (UD_POOL_DEBUG) -1 with errno EINVAL and a message when
 * one of them is not a buffer of the pool in use (double free, another
 * pool's buffer); then none is given back.
 */
static inline int ud_pool_cache_put_bulk(struct ud_pool_cache *c,
					 struct ud_buf *const *bufs, unsigned n)
{
	if (__builtin_expect(c->flags & (UD_POOL_DEBUG | UD_POOL_STATS), 0)) {
		if ((c->flags & UD_POOL_DEBUG) && ud_pool__debug_put(c, bufs, n))
			return -1;
		if (c->flags & UD_POOL_STATS)
			ud_pool__stat(c, &c->st_puts, n);
	}
	return ud_pool__cache_put(c, bufs, n);
}

/**
 * ud_pool_cache_get() - take one buffer through a cache.
 * @c: the calling thread's cache.
 *
 * Return: the buffer, or NULL with errno ENOBUFS and a message.
 */
static inline struct ud_buf *ud_pool_cache_get(struct ud_pool_cache *c)
{
	struct ud_buf *b;

	if (__builtin_expect(c->len != 0 &&
				     !(c->flags & (UD_POOL_DEBUG | UD_POOL_STATS)),
			     1))
		return (struct ud_buf *)c->objs[--c->len];
	return ud_pool_cache_get_bulk(c, &b, 1) ? NULL : b;
}

/**
 * ud_pool_cache_put() - give one buffer back through a cache.
 * @c: the calling thread's cache, of the buffer's pool.
 * @b: the buffer.
 *
 * Return: 0, or -1 as ud_pool_cache_put_bulk().
 */
static inline int ud_pool_cache_put(struct ud_pool_cache *c, struct ud_buf *b)
{
	return ud_pool_cache_put_bulk(c, &b, 1);
}

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_POOL_H */
