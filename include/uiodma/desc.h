/* SPDX-License-Identifier: MIT */
/*
 * Device descriptor rings.
 *
 * A descriptor ring is @count descriptors of @desc_size bytes each, in one
 * IOVA-contiguous, aligned, zeroed block of DMA memory, that the driver
 * fills (posts) and the device completes.  The driver keeps two indices
 * that wrap at @count: head, the next slot to post, and tail, the oldest
 * posted slot not yet reaped.  With each posted slot goes a cookie (any
 * pointer, typically the struct ud_buf the descriptor points at), handed
 * back when the slot is reaped.
 *
 * Posting then ringing the doorbell (writing head to the device's tail
 * register) orders the descriptor stores before the register store
 * (ud_dma_wmb(), see uiodma/barrier.h).  Completions are found either by
 * polling a done bit the device sets in each descriptor (ud_desc_reap()),
 * or, after an interrupt or from a head index the device reports,
 * by reaping up to that index (ud_desc_reap_upto()); both order the
 * device's writes before the caller reads the descriptors (ud_dma_rmb()).
 *
 * By default one slot stays empty (at most @count - 1 posted), since most
 * devices read head == tail as "ring empty"; UD_DESC_USE_ALL lifts that.
 *
 * A ring is used by one thread at a time (a queue is per-thread in
 * userspace drivers); nothing here is atomic.
 *
 * Example (a TX ring of 16-byte descriptors with a done bit in byte 12):
 *
 *	struct txd { uint64_t addr; uint32_t cmd_len; uint32_t status; };
 *	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
 *	p.name = "txq0";
 *	p.count = 512;
 *	p.desc_size = sizeof(struct txd);
 *	p.doorbell = (volatile uint32_t *)(bar0 + TDT);
 *	p.done_off = offsetof(struct txd, status);
 *	p.done_mask = TXD_STAT_DD;
 *	struct ud_desc_ring *r = ud_desc_ring_create(mem, &p);
 *	// device: program ud_desc_ring_iova(r) and the ring length
 *
 *	struct txd d = { htole64(ud_buf_data_iova(b)), htole32(CMD | len), 0 };
 *	if (ud_desc_post_copy(r, &d, b) == 0)
 *		ud_desc_doorbell(r);
 *	...
 *	void *done[32];
 *	unsigned n = ud_desc_reap(r, done, 32);     // buffers sent
 *	ud_pool_put_bulk(pool, (struct ud_buf **)done, n);
 */
#ifndef UIODMA_DESC_H
#define UIODMA_DESC_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <uiodma/barrier.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ud_mem;
struct ud_zone;

/* struct ud_desc_ring_params.flags */
#define UD_DESC_USE_ALL    0x1u /* allow all @count slots posted at once */
#define UD_DESC_CLEAR_DONE 0x2u /* reaping clears the done bits */
#define UD_DESC_DONE_ZERO  0x4u /* done when the done bits are all 0 (an
				 * ownership bit the device clears); else
				 * done when any of them is 1 */
#define UD_DESC_NUMA       0x8u /* numa_node is set */

#define UD_DESC_NAME_LEN 32

/**
 * struct ud_desc_ring_params - how to make a descriptor ring; zero means
 * default.
 * @name: for messages and the zone name; NULL = "desc".
 * @count: number of descriptors, 2 to 65536 (any number, not only powers
 *	of two).
 * @desc_size: bytes per descriptor (> 0; a multiple of 4 when done bits
 *	are polled).
 * @align: alignment of the ring's IOVA, a power of two; 0 = 128.
 * @boundary: a power of two the ring must not cross in IOVA (e.g. 4 GiB
 *	for devices with a 32-bit ring-address high/low split); 0 = none.
 * @iova_max: highest IOVA any descriptor may have; 0 = no limit.
 * @doorbell: the device's tail register (written by ud_desc_doorbell()),
 *	or NULL.
 * @done_off: byte offset of the 32-bit little-endian word holding the done
 *	bits in a descriptor; 4-byte aligned.
 * @done_mask: the done bits in that word; 0 = no done bits (reap with
 *	ud_desc_reap_upto() or ud_desc_reap_fn()).
 * @numa_node: node of the memory, with UD_DESC_NUMA in @flags.
 * @flags: UD_DESC_*.
 */
struct ud_desc_ring_params {
	const char *name;
	unsigned count;
	size_t desc_size;
	size_t align;
	size_t boundary;
	uint64_t iova_max;
	volatile uint32_t *doorbell;
	uint32_t done_off;
	uint32_t done_mask;
	int numa_node;
	unsigned flags;
};

/** UD_DESC_RING_PARAMS_INIT - defaults, any NUMA node. */
#define UD_DESC_RING_PARAMS_INIT { .numa_node = -1 }

/*
 * struct ud_desc_ring - a descriptor ring.  Read its fields through the
 * functions below; they are public only so that those can be inline.
 */
struct ud_desc_ring {
	char *base;             /* first descriptor */
	uint64_t iova;          /* its IOVA */
	uint32_t desc_size;
	uint32_t count;
	uint32_t head;          /* next slot to post */
	uint32_t tail;          /* oldest posted slot not reaped */
	uint32_t in_flight;     /* posted, not reaped */
	uint32_t capacity;      /* count or count - 1 */
	uint32_t done_off;
	uint32_t done_mask;     /* little-endian (memory order) */
	uint32_t done_zero;     /* done when masked bits are 0 */
	uint32_t flags;
	volatile uint32_t *doorbell;
	void **cookies;         /* one per slot */
	struct ud_zone *zone;   /* owned, or NULL for caller memory */
	int (*zone_free)(struct ud_zone *);
	char name[UD_DESC_NAME_LEN];
};

/**
 * ud_desc_ring_create() - make a descriptor ring in a new zone of @m.
 * @m: hugepage memory (uiodma/mem.h).
 * @p: parameters.
 *
 * Reserves an IOVA-contiguous zone of @count * @desc_size bytes with the
 * requested alignment and boundary and zeroes it.
 *
 * Return: the ring, or NULL with errno set (EINVAL bad parameters, ENOMEM
 * no memory; the message says which and what to change).
 */
struct ud_desc_ring *ud_desc_ring_create(struct ud_mem *m,
					 const struct ud_desc_ring_params *p);

/**
 * ud_desc_ring_create_mem() - make a descriptor ring over memory the caller
 * provides.
 * @p: parameters; @align, @boundary and @iova_max are checked against @iova.
 * @va: the memory: at least @count * @desc_size bytes, physically
 *	contiguous (one IOVA block) and not moving for the ring's life.
 * @iova: IOVA of @va.
 * @len: bytes at @va.
 *
 * For memory from elsewhere (a device's on-chip memory, a zone shared with
 * something else, a plain buffer in a test).  The memory is zeroed.
 *
 * Return: the ring, or NULL with errno EINVAL/ENOMEM and a message.
 */
struct ud_desc_ring *ud_desc_ring_create_mem(const struct ud_desc_ring_params *p,
					     void *va, uint64_t iova,
					     size_t len);

/**
 * ud_desc_ring_free() - free a ring and, if it made one, its zone.
 * @r: the ring, or NULL.  The device must no longer use it.
 *
 * Cookies of descriptors still posted are not looked at.
 */
void ud_desc_ring_free(struct ud_desc_ring *r);

/**
 * ud_desc_ring_reset() - forget every posted descriptor and zero the ring.
 * @r: the ring.  The device must be stopped (its indices reset too).
 */
void ud_desc_ring_reset(struct ud_desc_ring *r);

/* ---- inline accessors -------------------------------------------------- */

/**
 * ud_desc_ring_iova() - IOVA of the first descriptor, to program into the
 * device.
 * @r: the ring.
 *
 * Return: the IOVA.
 */
static inline uint64_t ud_desc_ring_iova(const struct ud_desc_ring *r)
{
	return r->iova;
}

/**
 * ud_desc_ring_bytes() - size of the ring in bytes (count * desc_size), to
 * program into the device.
 * @r: the ring.
 *
 * Return: the size.
 */
static inline size_t ud_desc_ring_bytes(const struct ud_desc_ring *r)
{
	return (size_t)r->count * r->desc_size;
}

/**
 * ud_desc_ring_count() - number of descriptors (slots).
 * @r: the ring.
 *
 * Return: the count.
 */
static inline unsigned ud_desc_ring_count(const struct ud_desc_ring *r)
{
	return r->count;
}

/**
 * ud_desc_ring_head() - index of the next slot to post; the value the
 * doorbell gets.
 * @r: the ring.
 *
 * Return: 0 to count - 1.
 */
static inline unsigned ud_desc_ring_head(const struct ud_desc_ring *r)
{
	return r->head;
}

/**
 * ud_desc_ring_tail() - index of the oldest posted slot not yet reaped.
 * @r: the ring.
 *
 * Return: 0 to count - 1.
 */
static inline unsigned ud_desc_ring_tail(const struct ud_desc_ring *r)
{
	return r->tail;
}

/**
 * ud_desc_in_flight() - descriptors posted and not yet reaped.
 * @r: the ring.
 *
 * Return: the number.
 */
static inline unsigned ud_desc_in_flight(const struct ud_desc_ring *r)
{
	return r->in_flight;
}

/**
 * ud_desc_free_count() - descriptors that can be posted now.
 * @r: the ring.
 *
 * Return: the number.
 */
static inline unsigned ud_desc_free_count(const struct ud_desc_ring *r)
{
	return r->capacity - r->in_flight;
}

/**
 * ud_desc_slot() - address of descriptor @idx.
 * @r: the ring.
 * @idx: 0 to count - 1.
 *
 * Return: the address.
 */
static inline void *ud_desc_slot(const struct ud_desc_ring *r, unsigned idx)
{
	return r->base + (size_t)idx * r->desc_size;
}

static inline unsigned ud_desc__add(const struct ud_desc_ring *r, unsigned idx,
				    unsigned n)
{
	idx += n;
	return idx >= r->count ? idx - r->count : idx;
}

/**
 * ud_desc_tail_slot() - address of the @i-th oldest posted descriptor.
 * @r: the ring.
 * @i: 0 (the oldest) to in_flight - 1.
 *
 * For reading completions found by ud_desc_poll() before ud_desc_consume().
 *
 * Return: the address.
 */
static inline void *ud_desc_tail_slot(const struct ud_desc_ring *r, unsigned i)
{
	return ud_desc_slot(r, ud_desc__add(r, r->tail, i));
}

/* ---- posting ----------------------------------------------------------- */

/**
 * ud_desc_next() - the slot the next ud_desc_post() posts, to fill in place.
 * @r: the ring.
 *
 * Fill the whole descriptor, done word included (a slot keeps what the
 * device last wrote into it).
 *
 * Return: the slot, or NULL when the ring is full.
 */
static inline void *ud_desc_next(const struct ud_desc_ring *r)
{
	return r->in_flight < r->capacity ? ud_desc_slot(r, r->head) : NULL;
}

/**
 * ud_desc_post() - post the slot ud_desc_next() returned.
 * @r: the ring; not full.
 * @cookie: handed back when the slot is reaped.
 *
 * The device does not see it before ud_desc_doorbell().
 *
 * Return: the index of the posted slot.
 */
static inline unsigned ud_desc_post(struct ud_desc_ring *r, void *cookie)
{
	unsigned idx = r->head;

	r->cookies[idx] = cookie;
	r->head = ud_desc__add(r, idx, 1);
	r->in_flight++;
	return idx;
}

/**
 * ud_desc_post_copy() - copy one descriptor into the next slot and post it.
 * @r: the ring.
 * @desc: desc_size bytes, in the device's byte order.
 * @cookie: handed back when the slot is reaped.
 *
 * Return: 0, or -ENOBUFS when the ring is full (errno left alone).
 */
static inline int ud_desc_post_copy(struct ud_desc_ring *r, const void *desc,
				    void *cookie)
{
	if (r->in_flight >= r->capacity)
		return -ENOBUFS;
	memcpy(ud_desc_slot(r, r->head), desc, r->desc_size);
	ud_desc_post(r, cookie);
	return 0;
}

/**
 * ud_desc_post_bulk() - copy and post @n descriptors, all or none.
 * @r: the ring.
 * @descs: @n descriptors back to back.
 * @cookies: @n cookies, or NULL for all-NULL cookies.
 * @n: how many.
 *
 * Return: @n, or 0 when fewer than @n slots were free.
 */
static inline unsigned ud_desc_post_bulk(struct ud_desc_ring *r,
					 const void *descs, void *const *cookies,
					 unsigned n)
{
	const char *src = (const char *)descs;

	if (n > r->capacity - r->in_flight)
		return 0;
	unsigned first = r->count - r->head;

	if (first > n)
		first = n;
	memcpy(ud_desc_slot(r, r->head), src, (size_t)first * r->desc_size);
	if (n > first)
		memcpy(r->base, src + (size_t)first * r->desc_size,
		       (size_t)(n - first) * r->desc_size);
	for (unsigned i = 0; i < n; i++)
		r->cookies[ud_desc__add(r, r->head, i)] = cookies ? cookies[i]
								  : NULL;
	r->head = ud_desc__add(r, r->head, n);
	r->in_flight += n;
	return n;
}

/**
 * ud_desc_doorbell() - tell the device about everything posted: write the
 * head index to the doorbell register, after the descriptor stores
 * (ud_mmio_write32(): ud_dma_wmb() then the MMIO store).
 * @r: the ring, made with a doorbell.
 *
 * For a write-combining doorbell mapping, follow with ud_mmio_wmb().
 */
static inline void ud_desc_doorbell(struct ud_desc_ring *r)
{
	ud_mmio_write32(r->doorbell, r->head);
}

/* ---- completion -------------------------------------------------------- */

/**
 * ud_desc_is_done() - whether the device has marked slot @idx done.
 * @r: the ring, made with a done_mask.
 * @idx: slot.
 *
 * One volatile load of the done word; no barrier.
 *
 * Return: nonzero when done.
 */
static inline int ud_desc_is_done(const struct ud_desc_ring *r, unsigned idx)
{
	uint32_t w = ud_read_once32(r->base + (size_t)idx * r->desc_size +
				    r->done_off) & r->done_mask;

	return r->done_zero ? w == 0 : w != 0;
}

/**
 * ud_desc_poll() - count completed descriptors from the tail, oldest
 * first, without reaping them.
 * @r: the ring, made with a done_mask.
 * @max: count at most this many.
 *
 * Stops at the first slot that is not done.  When it returns nonzero it
 * has issued ud_dma_rmb(): the caller may read those descriptors
 * (ud_desc_tail_slot()) and then ud_desc_consume() them.
 *
 * Return: the number done, 0 to min(@max, in-flight).
 */
static inline unsigned ud_desc_poll(const struct ud_desc_ring *r, unsigned max)
{
	unsigned n = 0, idx = r->tail;

	if (max > r->in_flight)
		max = r->in_flight;
	while (n < max && ud_desc_is_done(r, idx)) {
		n++;
		idx = ud_desc__add(r, idx, 1);
	}
	if (n)
		ud_dma_rmb();
	return n;
}

/**
 * ud_desc_consume() - reap the @n oldest posted descriptors.
 * @r: the ring.
 * @n: at most in-flight (more is clamped).
 * @cookies: receives their cookies, oldest first, or NULL.
 *
 * With UD_DESC_CLEAR_DONE the done bits of those slots are cleared.
 *
 * Return: the number reaped.
 */
static inline unsigned ud_desc_consume(struct ud_desc_ring *r, unsigned n,
				       void **cookies)
{
	if (n > r->in_flight)
		n = r->in_flight;
	for (unsigned i = 0; i < n; i++) {
		unsigned idx = r->tail;

		if (cookies)
			cookies[i] = r->cookies[idx];
		if (r->flags & UD_DESC_CLEAR_DONE) {
			char *w = r->base + (size_t)idx * r->desc_size +
				  r->done_off;

			ud_write_once32(w, ud_read_once32(w) & ~r->done_mask);
		}
		r->tail = ud_desc__add(r, idx, 1);
	}
	r->in_flight -= n;
	return n;
}

/**
 * ud_desc_reap() - reap the completed descriptors at the tail (poll the
 * done bits, then consume).
 * @r: the ring, made with a done_mask.
 * @cookies: receives the cookies, oldest first, or NULL.
 * @max: at most this many.
 *
 * Use in a polling loop, or after an interrupt.  The slots' contents stay
 * readable until they are posted again.
 *
 * Return: the number reaped.
 */
static inline unsigned ud_desc_reap(struct ud_desc_ring *r, void **cookies,
				    unsigned max)
{
	return ud_desc_consume(r, ud_desc_poll(r, max), cookies);
}

/**
 * ud_desc_reap_upto() - reap every posted descriptor before slot @hw_idx.
 * @r: the ring.
 * @hw_idx: the device's head (next slot it will process), as read from its
 *	register (with ud_mmio_read32()) or a head write-back after an
 *	interrupt.  Out of range or beyond what was posted: clamped to
 *	in-flight.
 * @cookies: receives the cookies, oldest first, or NULL.
 * @max: at most this many.
 *
 * @hw_idx == tail means nothing done (so with UD_DESC_USE_ALL a full ring
 * that the device completed entirely cannot be told from one it has not
 * started; devices that report indices need count - 1 slots).  Issues
 * ud_dma_rmb() before returning.
 *
 * Return: the number reaped.
 */
static inline unsigned ud_desc_reap_upto(struct ud_desc_ring *r,
					 unsigned hw_idx, void **cookies,
					 unsigned max)
{
	unsigned n;

	if (hw_idx >= r->count)
		hw_idx %= r->count;
	n = hw_idx >= r->tail ? hw_idx - r->tail : hw_idx + r->count - r->tail;
	if (n > r->in_flight)
		n = r->in_flight;
	if (n > max)
		n = max;
	ud_dma_rmb();
	return ud_desc_consume(r, n, cookies);
}

/**
 * ud_desc_reap_fn() - reap completed descriptors at the tail as judged by
 * a predicate.
 * @r: the ring.
 * @done: called on each descriptor from the oldest; returns nonzero when
 *	it is complete.  Read the done word with ud_read_once32().
 * @arg: passed to @done.
 * @cookies: receives the cookies, oldest first, or NULL.
 * @max: at most this many.
 *
 * Return: the number reaped.
 */
static inline unsigned ud_desc_reap_fn(struct ud_desc_ring *r,
				       int (*done)(const void *desc, void *arg),
				       void *arg, void **cookies, unsigned max)
{
	unsigned n = 0, idx = r->tail;

	if (max > r->in_flight)
		max = r->in_flight;
	while (n < max && done(ud_desc_slot(r, idx), arg)) {
		n++;
		idx = ud_desc__add(r, idx, 1);
	}
	if (n)
		ud_dma_rmb();
	return ud_desc_consume(r, n, cookies);
}

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_DESC_H */
