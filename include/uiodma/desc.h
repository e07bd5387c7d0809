/* SPDX-License-Identifier: MIT */
/*
 * Device descriptor rings.
 *
 * A descriptor ring is @count descriptors of @desc_size bytes each, in one
 * IOVA-contiguous, aligned, zeroed block of DMA memory.  Its words are the
 * devices' own (Intel's datasheets, the NVMe specification) and io_uring's:
 * the producer of a ring owns its tail, the consumer its head.  Both
 * indices wrap at @count.
 *
 * Producer rings (the default).  The driver produces: it fills (posts)
 * descriptors at its tail, the next free slot, and rings the doorbell,
 * which writes the tail to the device's tail register.  The device
 * consumes them from its own head and marks each done (a done bit in the
 * descriptor) or reports its head (a register, or a field of a completion).
 * The driver's head is the oldest posted slot it has not reaped yet.  With
 * each posted slot goes a cookie (any pointer, typically the struct ud_buf
 * the descriptor points at), handed back when the slot is reaped.  By
 * default one slot stays empty (at most @count - 1 posted), since devices
 * read head == tail as "ring empty"; UD_DESC_USE_ALL lifts that.
 *
 * Phase rings (UD_DESC_PHASE), the NVMe completion-queue model.  The
 * device produces entries; the driver consumes them from its head and
 * rings the doorbell, which writes the head to the device's head
 * register, handing the slots back.  The device's tail is its own; the
 * driver learns of new entries from a phase tag (@done_mask, one bit) that
 * the device inverts in each entry it writes, pass after pass: 1 on its
 * first pass over the zeroed ring, 0 on the second, and so on.  The driver
 * expects phase 1 first (ud_desc_ring_phase()), takes the entries whose tag
 * matches, and flips what it expects each time its head wraps.  The driver
 * posts nothing to a phase ring.
 *
 * Which index goes to which register:
 *
 *   ring             ud_desc_doorbell() writes     the device reports
 *   82574 TX         tail -> TDT (BAR0 0x03818)    DD bit, or TDH (0x03810)
 *   82574 RX         tail -> RDT (BAR0 0x02818)    DD bit, or RDH (0x02810)
 *   NVMe SQ y        tail -> SQyTDBL, at BAR0      its SQ head in each
 *                    0x1000 + 2y * (4 << DSTRD)    completion (SQHD)
 *   NVMe CQ y        head -> CQyHDBL, at BAR0      the Phase Tag of
 *   (phase ring)     0x1000 + (2y+1) * (4<<DSTRD)  each entry it writes
 *
 * An 82574 ring is a producer ring reaped by done bit (ud_desc_reap()) or
 * by the head register (ud_desc_reap_upto(r, TDH)); an NVMe submission
 * queue is a producer ring without done bits, reaped up to the SQ Head
 * Pointer each completion carries (ud_desc_reap_upto(sq, SQHD)); its
 * completion queue is a phase ring whose done_mask is the Phase Tag.
 *
 * Sources: Intel 82574 GbE Controller Family datasheet, section 7.1.8
 * (receive descriptor queue structure: software adds descriptors by
 * writing the tail, hardware advances the head, head == tail is empty),
 * the transmit descriptor ring of section 7.2 and the RDH/RDT/TDH/TDT
 * register descriptions (also the PCI/PCI-X Family Software Developer's
 * Manual 13.4.29 RDT, 13.4.39 TDH, 13.4.40 TDT); NVM Express Base
 * Specification 1.4, section 4.1 (the submitter of a queue owns its tail,
 * the consumer its head; a queue is full when head == tail + 1), 3.1.25
 * (SQyTDBL), 3.1.26 (CQyHDBL) and 4.6 (completion queue entry: SQ Head
 * Pointer in DW2 15:0, Phase Tag in DW3 bit 16, inverted by the
 * controller on each pass);
 * io_uring(7) (the application advances the SQ tail and the CQ head).
 *
 * Ordering: ringing the doorbell orders the descriptor stores before the
 * register store (ud_dma_wmb(), see uiodma/barrier.h); polling orders the
 * device's writes before the caller reads the descriptors (ud_dma_rmb()).
 *
 * Errors: creation returns NULL, ud_desc_ring_free() and
 * ud_desc_ring_reset() -1, with errno and ud_errmsg() set.  The inline
 * calls keep the fast path's conventions (uiodma/error.h): bulk, poll and
 * reap calls return a count (0: nothing done, errno untouched);
 * ud_desc_post_copy() returns -1 and ud_desc_next() NULL with errno
 * ENOBUFS when the ring is full, recording no message.
 *
 * Handles: ud_desc_ring_free() and ud_desc_ring_reset() check the ring
 * first: NULL (free: nothing to do), another kind of handle and a ring
 * freed already (while the library has not reused its memory) are refused
 * with EINVAL.  The inline calls check nothing: NULL or a freed ring is
 * undefined there, as is an index out of range.
 *
 * Ownership: a ring made by ud_desc_ring_create() holds a zone of its
 * region: free the ring (ud_desc_ring_free()) before ud_mem_close(), which
 * refuses (EBUSY) otherwise, and only once the device no longer uses it;
 * ud_zone_free() refuses that zone.  A ring over caller memory
 * (ud_desc_ring_create_mem()) leaves that memory the caller's.  Cookies
 * stay the caller's.
 *
 * Threads: a ring is used by one thread at a time (a queue is per-thread
 * in userspace drivers); nothing here is atomic, so sharing a ring needs a
 * lock around every call.  ud_desc_ring_create() may run in several
 * threads at once (for different rings), as ud_zone_reserve() may.

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
 *		ud_desc_doorbell(r);                // TDT = tail
 *	...
 *	void *done[32];
 *	unsigned n = ud_desc_reap(r, done, 32);     // buffers sent
 *	ud_pool_put_bulk(pool, (struct ud_buf **)done, n);
 *
 * Example (an NVMe completion queue of 16-byte entries):
 *
 *	p.count = depth;
 *	p.desc_size = 16;
 *	p.align = 4096;
 *	p.doorbell = cq_head_doorbell;
 *	p.done_off = 12;                            // DW3
 *	p.done_mask = 1u << 16;                     // Phase Tag
 *	p.flags = UD_DESC_PHASE;
 *	struct ud_desc_ring *cq = ud_desc_ring_create(mem, &p);
 *	...
 *	void *cqe[8];
 *	unsigned n = ud_desc_reap(cq, cqe, 8);      // entries, oldest first
 *	// read them, then hand the slots back:
 *	ud_desc_doorbell(cq);                       // CQyHDBL = head
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
#define UD_DESC_PHASE      0x10u /* a phase ring: the device produces, the
				 * done_mask bit is its phase tag (see
				 * above); not with the three flags above
				 * it but UD_DESC_NUMA */

#define UD_DESC_NAME_LEN 32

/**
 * struct ud_desc_ring_params - how to make a descriptor ring; zero means
 * default.
 * @name: for messages and the zone name; NULL = "desc"; at most
 *	UD_DESC_NAME_LEN - 1 bytes (longer is ENAMETOOLONG).
 * @count: number of descriptors, 2 to 65536 (any number, not only powers
 *	of two).
 * @desc_size: bytes per descriptor (> 0; a multiple of 4 when done bits
 *	are polled).
 * @align: alignment of the ring's IOVA, a power of two; 0 = 128.
 * @boundary: a power of two the ring must not cross in IOVA (e.g. 4 GiB
 *	for devices with a 32-bit ring-address high/low split); 0 = none.
 * @iova_max: highest IOVA any descriptor may have; 0 = no limit.
 * @doorbell: the device register ud_desc_doorbell() writes: its tail
 *	register for a producer ring (TDT, RDT, SQyTDBL), its head register
 *	for a phase ring (CQyHDBL); or NULL.
 * @done_off: byte offset of the 32-bit little-endian word holding the done
 *	bits (or the phase tag) in a descriptor; 4-byte aligned.
 * @done_mask: the done bits in that word; 0 = no done bits (reap with
 *	ud_desc_reap_upto() or ud_desc_reap_fn()).  With UD_DESC_PHASE, the
 *	phase tag: exactly one bit.
 * @numa_node: node of the memory, with UD_DESC_NUMA in @flags.
 * @flags: UD_DESC_*; other bits are refused (EINVAL).
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
	uint32_t magic;         /* a live ring (checked by lib/desc.c) */
	char *base;             /* first descriptor */
	uint64_t iova;          /* its IOVA */
	uint32_t desc_size;
	uint32_t count;
	uint32_t tail;          /* producer ring: next slot to post */
	uint32_t head;          /* oldest slot not consumed (reaped) */
	uint32_t in_flight;     /* producer ring: posted, not reaped */
	uint32_t capacity;      /* count, count - 1, or 0 for a phase ring */
	uint32_t phase;         /* phase ring: the tag of new entries at head */
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
 * Return: the ring, or NULL with errno set (EINVAL bad parameters or @m
 * not a live region, ENAMETOOLONG name too long, ENOMEM no memory; the
 * message says which and what to change).  Thread-safe for different @p,
 * as ud_zone_reserve() is.
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
 * @r: the ring, or NULL (nothing to do).  The device must no longer use it.
 *
 * Cookies of descriptors still posted are not looked at.
 *
 * Return: 0, or -1 with errno EINVAL (@r is not a live ring, e.g. freed
 * already).
 */
int ud_desc_ring_free(struct ud_desc_ring *r);

/**
 * ud_desc_ring_reset() - forget every posted descriptor and zero the ring:
 * head and tail back to 0, a phase ring expects phase 1 again.
 * @r: the ring.  The device must be stopped (its indices reset too).
 *
 * Return: 0, or -1 with errno EINVAL (@r is not a live ring).
 */
int ud_desc_ring_reset(struct ud_desc_ring *r);

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
 * ud_desc_ring_tail() - the producer index of a producer ring: the next
 * slot to post, the value the doorbell writes to the device's tail
 * register (TDT, RDT, SQyTDBL).
 * @r: the ring.
 *
 * Return: 0 to count - 1 (0 for a phase ring).
 */
static inline unsigned ud_desc_ring_tail(const struct ud_desc_ring *r)
{
	return r->tail;
}

/**
 * ud_desc_ring_head() - the consumer index: the oldest posted slot not yet
 * reaped (producer ring), or the next entry to consume (phase ring, the
 * value the doorbell writes to the device's head register, CQyHDBL).
 * @r: the ring.
 *
 * Return: 0 to count - 1.
 */
static inline unsigned ud_desc_ring_head(const struct ud_desc_ring *r)
{
	return r->head;
}

/**
 * ud_desc_ring_phase() - the phase tag a phase ring expects in the entry
 * at its head: 1 on the device's first pass, flipped at each wrap.
 * @r: the ring.
 *
 * Return: 0 or 1 (1 for a producer ring, where it has no meaning).
 */
static inline unsigned ud_desc_ring_phase(const struct ud_desc_ring *r)
{
	return r->phase;
}

/**
 * ud_desc_in_flight() - descriptors posted and not yet reaped.
 * @r: the ring.
 *
 * Return: the number (0 for a phase ring).
 */
static inline unsigned ud_desc_in_flight(const struct ud_desc_ring *r)
{
	return r->in_flight;
}

/**
 * ud_desc_free_count() - descriptors that can be posted now.
 * @r: the ring.
 *
 * Return: the number (0 for a phase ring).
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
 * ud_desc_head_slot() - address of the @i-th slot from the head: the
 * @i-th oldest posted descriptor (producer ring) or new entry (phase ring).
 * @r: the ring.
 * @i: 0 (the oldest) to what ud_desc_poll() returned - 1.
 *
 * For reading completions found by ud_desc_poll() before ud_desc_consume().
 *
 * Return: the address.
 */
static inline void *ud_desc_head_slot(const struct ud_desc_ring *r, unsigned i)
{
	return ud_desc_slot(r, ud_desc__add(r, r->head, i));
}

/* ---- posting ----------------------------------------------------------- */

/**
 * ud_desc_next() - the slot the next ud_desc_post() posts, to fill in place.
 * @r: the ring.
 *
 * Fill the whole descriptor, done word included (a slot keeps what the
 * device last wrote into it).
 *
 * Return: the slot, or NULL with errno ENOBUFS when the ring is full
 * (always for a phase ring); no message is recorded.
 */
static inline void *ud_desc_next(const struct ud_desc_ring *r)
{
	if (__builtin_expect(r->in_flight < r->capacity, 1))
		return ud_desc_slot(r, r->tail);
	errno = ENOBUFS;
	return NULL;
}

/**
 * ud_desc_post() - post the slot ud_desc_next() returned.
 * @r: a producer ring, not full (undefined otherwise).
 * @cookie: handed back when the slot is reaped.
 *
 * Advances the tail.  The device does not see the slot before
 * ud_desc_doorbell().
 *
 * Return: the index of the posted slot.
 */
static inline unsigned ud_desc_post(struct ud_desc_ring *r, void *cookie)
{
	unsigned idx = r->tail;

	r->cookies[idx] = cookie;
	r->tail = ud_desc__add(r, idx, 1);
	r->in_flight++;
	return idx;
}

/**
 * ud_desc_post_copy() - copy one descriptor into the next slot and post it.
 * @r: the ring.
 * @desc: desc_size bytes, in the device's byte order.
 * @cookie: handed back when the slot is reaped.
 *
 * Return: 0, or -1 with errno ENOBUFS when the ring is full (always for a
 * phase ring); no message is recorded.
 */
static inline int ud_desc_post_copy(struct ud_desc_ring *r, const void *desc,
				    void *cookie)
{
	if (__builtin_expect(r->in_flight >= r->capacity, 0)) {
		errno = ENOBUFS;
		return -1;
	}
	memcpy(ud_desc_slot(r, r->tail), desc, r->desc_size);
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
 * Return: @n, or 0 when fewer than @n slots were free (a phase ring has
 * none).
 */
static inline unsigned ud_desc_post_bulk(struct ud_desc_ring *r,
					 const void *descs, void *const *cookies,
					 unsigned n)
{
	const char *src = (const char *)descs;

	if (n > r->capacity - r->in_flight)
		return 0;
	unsigned first = r->count - r->tail;

	if (first > n)
		first = n;
	memcpy(ud_desc_slot(r, r->tail), src, (size_t)first * r->desc_size);
	if (n > first)
		memcpy(r->base, src + (size_t)first * r->desc_size,
		       (size_t)(n - first) * r->desc_size);
	for (unsigned i = 0; i < n; i++)
		r->cookies[ud_desc__add(r, r->tail, i)] = cookies ? cookies[i]
								  : NULL;
	r->tail = ud_desc__add(r, r->tail, n);
	r->in_flight += n;
	return n;
}

/**
 * ud_desc_doorbell() - tell the device: for a producer ring, about
 * everything posted (the tail goes to its tail register: TDT, RDT,
 * SQyTDBL); for a phase ring, that the entries consumed are free again
 * (the head goes to its head register: CQyHDBL).
 * @r: the ring, made with a doorbell.
 *
 * The store comes after every earlier store to DMA memory
 * (ud_mmio_write32(): ud_dma_wmb() then the MMIO store).  For a
 * write-combining doorbell mapping, follow with ud_mmio_wmb().
 */
static inline void ud_desc_doorbell(struct ud_desc_ring *r)
{
	ud_mmio_write32(r->doorbell,
			(r->flags & UD_DESC_PHASE) ? r->head : r->tail);
}

/* ---- completion -------------------------------------------------------- */

/**
 * ud_desc_is_done() - whether the device has marked slot @idx done (for a
 * phase ring: written it on its current pass).
 * @r: the ring, made with a done_mask.
 * @idx: slot.
 *
 * One volatile load of the done word; no barrier.  In a phase ring, slots
 * from the head to the end of the ring are new when their tag equals the
 * expected phase, slots before the head (the device's next pass) when it
 * differs.
 *
 * Return: nonzero when done.
 */
static inline int ud_desc_is_done(const struct ud_desc_ring *r, unsigned idx)
{
	uint32_t w = ud_read_once32(r->base + (size_t)idx * r->desc_size +
				    r->done_off) & r->done_mask;

	if (r->flags & UD_DESC_PHASE)
		return (w != 0) == (idx >= r->head ? r->phase : !r->phase);
	return r->done_zero ? w == 0 : w != 0;
}

/**
 * ud_desc_poll() - count completed descriptors (phase ring: new entries)
 * from the head, oldest first, without consuming them.
 * @r: the ring, made with a done_mask.
 * @max: count at most this many.
 *
 * Stops at the first slot that is not done.  When it returns nonzero it
 * has issued ud_dma_rmb(): the caller may read those descriptors
 * (ud_desc_head_slot()) and then ud_desc_consume() them.
 *
 * Return: the number done, 0 to min(@max, in-flight), or for a phase ring
 * 0 to min(@max, count).
 */
static inline unsigned ud_desc_poll(const struct ud_desc_ring *r, unsigned max)
{
	unsigned n = 0, idx = r->head;
	unsigned lim = (r->flags & UD_DESC_PHASE) ? r->count : r->in_flight;

	if (max > lim)
		max = lim;
	while (n < max && ud_desc_is_done(r, idx)) {
		n++;
		idx = ud_desc__add(r, idx, 1);
	}
	if (n)
		ud_dma_rmb();
	return n;
}

/* ud_desc_consume() of a phase ring: the head moves, the phase flips at
 * the wrap (at most one: @n <= count). */
static inline unsigned ud_desc__consume_phase(struct ud_desc_ring *r,
					      unsigned n, void **cookies)
{
	if (n > r->count)
		n = r->count;
	for (unsigned i = 0; cookies && i < n; i++)
		cookies[i] = ud_desc_head_slot(r, i);
	r->head += n;
	if (r->head >= r->count) {
		r->head -= r->count;
		r->phase ^= 1;
	}
	return n;
}

/**
 * ud_desc_consume() - reap the @n oldest posted descriptors (phase ring:
 * consume the @n entries at the head).
 * @r: the ring.
 * @n: at most in-flight (more is clamped); for a phase ring at most what
 *	ud_desc_poll() returned (only count is checked).
 * @cookies: receives their cookies, oldest first, or NULL.  A phase ring
 *	has no cookies: it stores the entries' addresses, readable until the
 *	next ud_desc_doorbell() hands the slots back to the device.
 *
 * Advances the head; a phase ring flips its expected phase when the head
 * wraps.  With UD_DESC_CLEAR_DONE the done bits of those slots are
 * cleared.  The device learns of a phase ring's progress only from
 * ud_desc_doorbell().
 *
 * Return: the number consumed.
 */
static inline unsigned ud_desc_consume(struct ud_desc_ring *r, unsigned n,
				       void **cookies)
{
	if (r->flags & UD_DESC_PHASE)
		return ud_desc__consume_phase(r, n, cookies);
	if (n > r->in_flight)
		n = r->in_flight;
	for (unsigned i = 0; i < n; i++) {
		unsigned idx = r->head;

		if (cookies)
			cookies[i] = r->cookies[idx];
		if (r->flags & UD_DESC_CLEAR_DONE) {
			char *w = r->base + (size_t)idx * r->desc_size +
				  r->done_off;

			ud_write_once32(w, ud_read_once32(w) & ~r->done_mask);
		}
		r->head = ud_desc__add(r, idx, 1);
	}
	r->in_flight -= n;
	return n;
}

/**
 * ud_desc_reap() - reap the completed descriptors at the head (poll the
 * done bits or phase tags, then consume).
 * @r: the ring, made with a done_mask.
 * @cookies: receives the cookies (phase ring: the entries), oldest first,
 *	or NULL.
 * @max: at most this many.
 *
 * Use in a polling loop, or after an interrupt.  The slots' contents stay
 * readable until they are posted again (phase ring: until
 * ud_desc_doorbell()).
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
 * @r: a producer ring (a phase ring reaps nothing here).
 * @hw_idx: the device's head (next slot it will process), as read from its
 *	register (TDH, RDH, with ud_mmio_read32()), a head write-back after
 *	an interrupt, or the SQ Head Pointer of an NVMe completion.  Out of
 *	range or beyond what was posted: clamped to in-flight.
 * @cookies: receives the cookies, oldest first, or NULL.
 * @max: at most this many.
 *
 * @hw_idx == head means nothing done (so with UD_DESC_USE_ALL a full ring
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
	n = hw_idx >= r->head ? hw_idx - r->head : hw_idx + r->count - r->head;
	if (n > r->in_flight)
		n = r->in_flight;
	if (n > max)
		n = max;
	ud_dma_rmb();
	return ud_desc_consume(r, n, cookies);
}

/**
 * ud_desc_reap_fn() - reap completed descriptors at the head as judged by
 * a predicate.
 * @r: a producer ring (a phase ring reaps nothing here).
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
	unsigned n = 0, idx = r->head;

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
