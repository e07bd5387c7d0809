/* SPDX-License-Identifier: MIT */
/*
 * Lock-free rings of pointers.
 *
 * A ring holds up to @count objects (void *), where @count is a power of two.
 * Each side is single- or multi-threaded, chosen when the ring is made:
 * UD_RING_SP_ENQ (one enqueuing thread at a time) or multi-producer (the
 * default), UD_RING_SC_DEQ (one dequeuing thread at a time) or
 * multi-consumer (the default).  Single-threaded sides skip the
 * compare-and-swap and are faster.
 *
 * Bulk calls move all @n objects or none; burst calls move as many as they
 * can.  Objects leave the ring in the order they entered it, so the objects
 * of any one producer are seen by the consumers in the order it enqueued
 * them.  The rings are not lock-free in the strictest sense on the multi
 * sides: like DPDK's rte_ring, a thread preempted between reserving slots
 * and publishing them delays the threads of the same side behind it.
 *
 * The fast path is inline here; creation and debugging helpers live in
 * lib/ring.c.
 *
 * Errors: creation returns NULL (ud_ring_memsize(): 0) with errno and
 * ud_errmsg() set.  The inline calls keep the fast path's conventions
 * (uiodma/error.h): bulk and burst calls return a count, 0 when nothing
 * moved, and touch no errno; ud_ring_enqueue() and ud_ring_dequeue()
 * return -1 with errno ENOBUFS (full) or ENOENT (empty) and record no
 * message, a full or empty ring being a normal condition.
 *
 * Handles: ud_ring_free() looks the ring up in the table of rings
 * ud_ring_create() made and has not freed, before touching it: NULL does
 * nothing, anything else not in it (a ring freed already, one from
 * ud_ring_init()) is refused with EINVAL and left alone.  ud_ring_reset()
 * and ud_ring_name() check the ring's magic number (EINVAL for NULL or a
 * non-ring; reading a freed ring is undefined).  The inline calls check
 * nothing: NULL, a freed ring or too small an @objs array is undefined.
 *
 * Ownership: a ring holds pointers, never what they point at.  A ring
 * from ud_ring_create() is the library's until ud_ring_free(); one made by
 * ud_ring_init() lives in the caller's memory, which the caller releases
 * once no thread uses the ring.
 *
 * Threads: as above, per side, as chosen at creation; ud_ring_count() and
 * the other queries may run at any time and return a snapshot.
 * ud_ring_reset() and ud_ring_free() need external synchronisation: no
 * other thread may use the ring meanwhile.
 *
 * Example:
 *
 *	struct ud_ring *r = ud_ring_create("rx-free", 1024, UD_RING_SP_ENQ |
 *					   UD_RING_SC_DEQ);
 *	if (!r)
 *		errx(1, "%s", ud_errmsg());
 *	void *objs[32], *out[32];
 *	...
 *	if (ud_ring_enqueue_bulk(r, objs, 32, NULL) != 32)
 *		... ring full: nothing was enqueued ...
 *	unsigned n = ud_ring_dequeue_burst(r, out, 32, NULL);
 *	...
 *	ud_ring_free(r);
 */
#ifndef UIODMA_RING_H
#define UIODMA_RING_H

#include <errno.h>
#include <sched.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Atomics that C11 and C++ share (libstdc++ and libc++ lay out
 * std::atomic<T> as _Atomic(T)): the inline fast paths below use these,
 * so the headers compile as C11 and as C++.  Not an API of their own.
 */
#ifdef __cplusplus
#include <atomic>
#define UD__ATOMIC(T) std::atomic<T>
#define ud__atomic_load(p, mo) \
	std::atomic_load_explicit((p), std::memory_order_##mo)
#define ud__atomic_store(p, v, mo) \
	std::atomic_store_explicit((p), (v), std::memory_order_##mo)
#define ud__atomic_cas_weak(p, e, d, ms, mf) \
	std::atomic_compare_exchange_weak_explicit((p), (e), (d), \
		std::memory_order_##ms, std::memory_order_##mf)
#else
#include <stdatomic.h>
#define UD__ATOMIC(T) _Atomic(T)
#define ud__atomic_load(p, mo) atomic_load_explicit((p), memory_order_##mo)
#define ud__atomic_store(p, v, mo) \
	atomic_store_explicit((p), (v), memory_order_##mo)
#define ud__atomic_cas_weak(p, e, d, ms, mf) \
	atomic_compare_exchange_weak_explicit((p), (e), (d), \
		memory_order_##ms, memory_order_##mf)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Size of a cache line on every CPU libuiodma supports (x86-64, arm64). */
#define UD_CACHE_LINE 64

/* Flags of ud_ring_create() and ud_ring_init(). */
#define UD_RING_SP_ENQ 0x1u /* one enqueuing thread at a time */
#define UD_RING_SC_DEQ 0x2u /* one dequeuing thread at a time */

/* Largest count a ring may have. */
#define UD_RING_MAX_COUNT (1u << 30)

#define UD_RING_NAME_LEN 32

/* One side (producer or consumer) of a ring: free-running 32-bit indices. */
struct ud_ring_side {
	UD__ATOMIC(uint32_t) head; /* next slot to reserve */
	UD__ATOMIC(uint32_t) tail; /* slots before it are published */
	uint32_t single;       /* nonzero: single-threaded side */
};

/*
 * struct ud_ring - a ring; its fields are private to the inline functions
 * below.  The producer and the consumer indices sit on cache lines of
 * their own (two lines apart, against adjacent-line prefetch), the slots
 * follow.
 */
struct ud_ring {
	uint32_t magic;    /* checked by the calls of lib/ring.c */
	char name[UD_RING_NAME_LEN];
	uint32_t mask;     /* count - 1 */
	uint32_t capacity; /* objects it holds: count (a pool's ring: fewer) */
	uint32_t flags;
	uint32_t allocated; /* made by ud_ring_create() */
	alignas(2 * UD_CACHE_LINE) struct ud_ring_side prod;
	alignas(2 * UD_CACHE_LINE) struct ud_ring_side cons;
	alignas(2 * UD_CACHE_LINE) void *slots[];
};

/**
 * ud_ring_memsize() - bytes needed for a ring of @count objects.
 * @count: a power of two, 1 to UD_RING_MAX_COUNT.
 *
 * For placing a ring in memory of one's own (shared memory, a zone) with
 * ud_ring_init().
 *
 * Return: the size, or 0 with errno EINVAL and a message when @count is not
 * a power of two in range.
 */
size_t ud_ring_memsize(unsigned count);

/**
 * ud_ring_init() - make a ring in memory the caller provides.
 * @r: at least ud_ring_memsize(@count) bytes aligned to 2 * UD_CACHE_LINE.
 * @name: a name for messages, at most UD_RING_NAME_LEN - 1 bytes (longer
 *	is ENAMETOOLONG), or NULL.
 * @count: number of objects the ring holds, a power of two.
 * @flags: UD_RING_SP_ENQ, UD_RING_SC_DEQ or 0.
 *
 * Return: 0, or -1 with errno EINVAL (or ENAMETOOLONG) and a message.
 */
int ud_ring_init(struct ud_ring *r, const char *name, unsigned count,
		 unsigned flags);

/**
 * ud_ring_create() - allocate and initialise a ring.
 * @name: a name for messages, at most UD_RING_NAME_LEN - 1 bytes, or NULL.
 * @count: number of objects the ring holds, a power of two.
 * @flags: UD_RING_SP_ENQ, UD_RING_SC_DEQ or 0 (multi-producer and
 *	multi-consumer).
 *
 * Return: the ring, or NULL with errno EINVAL, ENAMETOOLONG or ENOMEM and
 * a message.
 */
struct ud_ring *ud_ring_create(const char *name, unsigned count,
			       unsigned flags);

/**
 * ud_ring_free() - free a ring made by ud_ring_create().
 * @r: the ring, or NULL (nothing to do).  No thread may use it any more.
 *
 * A ring made by ud_ring_init() is refused and left alone: its memory is
 * the caller's.
 *
 * Return: 0, or -1 with errno EINVAL (@r is not a live ring from
 * ud_ring_create(): freed already, or from ud_ring_init()).
 */
int ud_ring_free(struct ud_ring *r);

/**
 * ud_ring_reset() - empty a ring.  No other thread may use it meanwhile.
 * @r: the ring.
 *
 * Return: 0, or -1 with errno EINVAL (@r is not a ring).
 */
int ud_ring_reset(struct ud_ring *r);

/**
 * ud_ring_name() - the name a ring was made with.
 * @r: the ring.
 *
 * Return: the name, owned by the ring ("", errno EINVAL, if @r is not a
 * ring).
 */
const char *ud_ring_name(const struct ud_ring *r);

/* ---- fast path ---------------------------------------------------------- */

/**
 * ud_ring_cpu_relax() - tell the CPU this is a spin-wait loop (x86 pause,
 * arm64 yield); for loops that retry a ring operation.
 */
static inline void ud_ring_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * Reserve up to @n slots on side @s against the other side's tail @other.
 * @room: capacity for the producer (free = room + other.tail - head), 0 for
 * the consumer (entries = other.tail - head).  @fixed: all or nothing.
 * Returns the number reserved and sets *@old to the first reserved index
 * and *@avail to what was available at reservation time.
 */
static inline unsigned ud_ring__reserve(struct ud_ring_side *s,
					struct ud_ring_side *other,
					uint32_t room, unsigned n, int fixed,
					uint32_t *old, uint32_t *avail)
{
	uint32_t head, other_tail, avl;

	if (s->single) {
		head = ud__atomic_load(&s->head, relaxed);
		/* Synchronises with the other side's release of its tail:
		 * its slot accesses happen before ours. */
		other_tail = ud__atomic_load(&other->tail, acquire);
		avl = room + other_tail - head;
		if (n > avl)
			n = fixed ? 0 : avl;
		if (n)
			ud__atomic_store(&s->head, head + n, relaxed);
		*old = head;
		*avail = avl;
		return n;
	}
	/*
	 * Load our head before the other side's tail (acquire): with the
	 * loads the other way round, a stale tail and a newer head could
	 * make the difference wrap and reserve slots that are not there.
	 */
	head = ud__atomic_load(&s->head, acquire);
	for (;;) {
		unsigned want = n;

		other_tail = ud__atomic_load(&other->tail, acquire);
		avl = room + other_tail - head;
		if (want > avl)
			want = fixed ? 0 : avl;
		if (!want) {
			*old = head;
			*avail = avl;
			return 0;
		}
		if (ud__atomic_cas_weak(&s->head, &head, head + want,
					acquire, acquire)) {
			*old = head;
			*avail = avl;
			return want;
		}
	}
}

/*
 * Wait until earlier reservations on side @s have published (its tail
 * reaches @old).  Out of line: the fast path finds them published and
 * keeps its registers.  Acquire so that their slot accesses happen
 * before our release.
 */
static __attribute__((noinline, cold, unused)) void
ud_ring__wait_tail(struct ud_ring_side *s, uint32_t old)
{
	unsigned spins = 0;

	while (ud__atomic_load(&s->tail, acquire) != old) {
		ud_ring_cpu_relax();
		/* the thread ahead of us may have been preempted: on an
		 * oversubscribed CPU, give it the core */
		if (++spins % 4096 == 0)
			sched_yield();
	}
}

/* Publish slots [@old, @old + @n) of side @s. */
static inline void ud_ring__publish(struct ud_ring_side *s, uint32_t old,
				    unsigned n)
{
	/* earlier reservations on this side publish first */
	if (!s->single && ud__atomic_load(&s->tail, acquire) != old)
		ud_ring__wait_tail(s, old);
	ud__atomic_store(&s->tail, old + n, release);
}

/* Copy @n pointers between @objs and the slots from @idx, wrapping;
 * @in: into the ring.  Unrolled by four: the bulks are short. */
static inline void ud_ring__copy_run(void **__restrict dst,
				     void *const *__restrict src, unsigned n)
{
	/* a 64-bit index: a 32-bit one costs a zero extension per access */
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		dst[i] = src[i];
		dst[i + 1] = src[i + 1];
		dst[i + 2] = src[i + 2];
		dst[i + 3] = src[i + 3];
	}
	switch (n & 3) {
	case 3:
		dst[i + 2] = src[i + 2];
		/* fallthrough */
	case 2:
		dst[i + 1] = src[i + 1];
		/* fallthrough */
	case 1:
		dst[i] = src[i];
	}
}

static inline void ud_ring__copy(struct ud_ring *r, uint32_t idx, unsigned n,
				 void *const *objs, int in)
{
	void **slots = r->slots;
	unsigned first = r->mask + 1 - idx;

	/* the usual case, laid out as the straight path */
	if (__builtin_expect(first >= n, 1)) {
		if (in)
			ud_ring__copy_run(slots + idx, objs, n);
		else
			ud_ring__copy_run((void **)objs, slots + idx, n);
		return;
	}
	if (in) {
		ud_ring__copy_run(slots + idx, objs, first);
		ud_ring__copy_run(slots, objs + first, n - first);
	} else {
		ud_ring__copy_run((void **)objs, slots + idx, first);
		ud_ring__copy_run((void **)objs + first, slots, n - first);
	}
}

static inline unsigned ud_ring__enqueue(struct ud_ring *r, void *const *objs,
					unsigned n, int fixed,
					unsigned *free_space)
{
	uint32_t old, avail;
	unsigned got = ud_ring__reserve(&r->prod, &r->cons, r->capacity, n,
					fixed, &old, &avail);

	if (got) {
		ud_ring__copy(r, old & r->mask, got, objs, 1);
		ud_ring__publish(&r->prod, old, got);
	}
	if (free_space)
		*free_space = avail - got;
	return got;
}

static inline unsigned ud_ring__dequeue(struct ud_ring *r, void **objs,
					unsigned n, int fixed,
					unsigned *available)
{
	uint32_t old, avail;
	unsigned got = ud_ring__reserve(&r->cons, &r->prod, 0, n, fixed, &old,
					&avail);

	if (got) {
		ud_ring__copy(r, old & r->mask, got, objs, 0);
		ud_ring__publish(&r->cons, old, got);
	}
	if (available)
		*available = avail - got;
	return got;
}

/**
 * ud_ring_enqueue_bulk() - enqueue all @n objects or none.
 * @r: the ring.
 * @objs: the objects.
 * @n: how many.
 * @free_space: if not NULL, set to the free slots left after the call.
 *
 * Safe from several threads at once unless the ring is UD_RING_SP_ENQ.
 * A full ring is no error: nothing is recorded in ud_errmsg().
 *
 * Return: @n, or 0 when fewer than @n slots were free.
 */
static inline unsigned ud_ring_enqueue_bulk(struct ud_ring *r,
					    void *const *objs, unsigned n,
					    unsigned *free_space)
{
	return ud_ring__enqueue(r, objs, n, 1, free_space);
}

/**
 * ud_ring_enqueue_burst() - enqueue as many of @n objects as fit.
 * @r: the ring.
 * @objs: the objects; the first ones are enqueued.
 * @n: how many.
 * @free_space: if not NULL, set to the free slots left after the call.
 *
 * Return: the number enqueued, 0 to @n.
 */
static inline unsigned ud_ring_enqueue_burst(struct ud_ring *r,
					     void *const *objs, unsigned n,
					     unsigned *free_space)
{
	return ud_ring__enqueue(r, objs, n, 0, free_space);
}

/**
 * ud_ring_dequeue_bulk() - dequeue @n objects or none.
 * @r: the ring.
 * @objs: receives the objects, oldest first.
 * @n: how many.
 * @available: if not NULL, set to the objects left after the call.
 *
 * Safe from several threads at once unless the ring is UD_RING_SC_DEQ.
 *
 * Return: @n, or 0 when fewer than @n objects were in the ring.
 */
static inline unsigned ud_ring_dequeue_bulk(struct ud_ring *r, void **objs,
					    unsigned n, unsigned *available)
{
	return ud_ring__dequeue(r, objs, n, 1, available);
}

/**
 * ud_ring_dequeue_burst() - dequeue up to @n objects.
 * @r: the ring.
 * @objs: receives the objects, oldest first.
 * @n: at most this many.
 * @available: if not NULL, set to the objects left after the call.
 *
 * Return: the number dequeued, 0 to @n.
 */
static inline unsigned ud_ring_dequeue_burst(struct ud_ring *r, void **objs,
					     unsigned n, unsigned *available)
{
	return ud_ring__dequeue(r, objs, n, 0, available);
}

/**
 * ud_ring_enqueue() - enqueue one object.
 * @r: the ring.
 * @obj: the object.
 *
 * A full ring is a normal condition of the fast path: errno is set, no
 * message is recorded in ud_errmsg().
 *
 * Return: 0, or -1 with errno ENOBUFS when the ring is full.
 */
static inline int ud_ring_enqueue(struct ud_ring *r, void *obj)
{
	if (__builtin_expect(ud_ring__enqueue(r, &obj, 1, 1, NULL), 1))
		return 0;
	errno = ENOBUFS;
	return -1;
}

/**
 * ud_ring_dequeue() - dequeue one object.
 * @r: the ring.
 * @obj: receives the object.
 *
 * An empty ring is a normal condition of the fast path: errno is set, no
 * message is recorded in ud_errmsg().
 *
 * Return: 0, or -1 with errno ENOENT when the ring is empty.
 */
static inline int ud_ring_dequeue(struct ud_ring *r, void **obj)
{
	if (__builtin_expect(ud_ring__dequeue(r, obj, 1, 1, NULL), 1))
		return 0;
	errno = ENOENT;
	return -1;
}

/**
 * ud_ring_count() - objects in the ring.
 * @r: the ring.
 *
 * Exact when no thread is enqueuing or dequeuing, a snapshot otherwise.
 *
 * Return: 0 to ud_ring_capacity().
 */
static inline unsigned ud_ring_count(const struct ud_ring *r)
{
	uint32_t ct = ud__atomic_load(&((struct ud_ring *)r)->cons.tail, acquire);
	uint32_t pt = ud__atomic_load(&((struct ud_ring *)r)->prod.tail, acquire);
	uint32_t c = pt - ct;

	return c > r->capacity ? r->capacity : c;
}

/**
 * ud_ring_capacity() - how many objects the ring holds when full.
 * @r: the ring.
 *
 * Return: the count it was made with.
 */
static inline unsigned ud_ring_capacity(const struct ud_ring *r)
{
	return r->capacity;
}

/**
 * ud_ring_free_count() - free slots in the ring.
 * @r: the ring.
 *
 * Return: ud_ring_capacity() - ud_ring_count().
 */
static inline unsigned ud_ring_free_count(const struct ud_ring *r)
{
	return r->capacity - ud_ring_count(r);
}

/**
 * ud_ring_empty() - whether the ring holds no object.
 * @r: the ring.
 *
 * Return: nonzero when empty.
 */
static inline int ud_ring_empty(const struct ud_ring *r)
{
	return ud_ring_count(r) == 0;
}

/**
 * ud_ring_full() - whether the ring has no free slot.
 * @r: the ring.
 *
 * Return: nonzero when full.
 */
static inline int ud_ring_full(const struct ud_ring *r)
{
	return ud_ring_count(r) == r->capacity;
}

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_RING_H */
