// SPDX-License-Identifier: MIT
/* Lock-free rings: creation; the fast path is inline in uiodma/ring.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/ring.h>
#include "handle.h"
#include "internal.h"

/* Rings from ud_ring_create() still alive: ud_ring_free() frees only those. */
static struct ud_hset rings_made = UD_HSET_INIT;

static int check_name(const char *name, const char *fn)
{
	if (name && strlen(name) >= UD_RING_NAME_LEN)
		return ud_fail(ENAMETOOLONG, "%s: ring name '%.20s...' has %zu "
			       "bytes; ring names have at most %d", fn, name,
			       strlen(name), UD_RING_NAME_LEN - 1);
	return 0;
}

static int ud_ring_check_count(unsigned count)
{
	if (count == 0 || (count & (count - 1)) || count > UD_RING_MAX_COUNT)
		return ud_fail(EINVAL,
			       "ring count %u is not a power of two from 1 to "
			       "%u; round it up to the next power of two",
			       count, UD_RING_MAX_COUNT);
	return 0;
}

UD_EXPORT size_t ud_ring_memsize(unsigned count)
{
	if (ud_ring_check_count(count))
		return 0;
	return sizeof(struct ud_ring) + (size_t)count * sizeof(void *);
}

UD_EXPORT int ud_ring_init(struct ud_ring *r, const char *name,
			   unsigned count, unsigned flags)
{
	if (!r)
		return ud_fail(EINVAL, "ud_ring_init: ring memory is NULL; "
				       "pass ud_ring_memsize(count) bytes");
	if ((uintptr_t)r % alignof(struct ud_ring))
		return ud_fail(EINVAL,
			       "ud_ring_init: ring memory %p is not aligned to "
			       "%zu bytes; allocate it with aligned_alloc()",
			       (void *)r, alignof(struct ud_ring));
	if (flags & ~(UD_RING_SP_ENQ | UD_RING_SC_DEQ))
		return ud_fail(EINVAL,
			       "ring flags 0x%x hold unknown bits; use only "
			       "UD_RING_SP_ENQ and UD_RING_SC_DEQ",
			       flags);
	if (ud_ring_check_count(count) || check_name(name, "ud_ring_init"))
		return -1;
	memset(r, 0, sizeof(*r));
	r->magic = ud_hk_ring.live;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	r->mask = count - 1;
	r->capacity = count;
	r->flags = flags;
	r->prod.single = !!(flags & UD_RING_SP_ENQ);
	r->cons.single = !!(flags & UD_RING_SC_DEQ);
	atomic_init(&r->prod.head, 0);
	atomic_init(&r->prod.tail, 0);
	atomic_init(&r->cons.head, 0);
	atomic_init(&r->cons.tail, 0);
	return 0;
}

UD_EXPORT struct ud_ring *ud_ring_create(const char *name, unsigned count,
					 unsigned flags)
{
	size_t sz = ud_ring_memsize(count);
	size_t al = alignof(struct ud_ring);
	struct ud_ring *r;

	if (!sz || check_name(name, "ud_ring_create"))
		return NULL;
	r = aligned_alloc(al, (sz + al - 1) / al * al);
	if (!r)
		return ud_fail_null(ENOMEM,
				    "ring '%s': cannot allocate %zu bytes for "
				    "%u slots; use a smaller count",
				    name ? name : "", sz, count);
	if (ud_ring_init(r, name, count, flags)) {
		free(r);
		return NULL;
	}
	r->allocated = 1;
	if (ud_hset_add(&rings_made, r)) {
		free(r);
		return NULL;
	}
	return r;
}

UD_EXPORT int ud_ring_free(struct ud_ring *r)
{
	if (!r)
		return 0;
	/* looked up before it is touched: a freed ring is not ours to read */
	if (!ud_hset_del(&rings_made, r))
		return ud_fail(EINVAL, "ud_ring_free: %p is not a live ring made "
			       "by ud_ring_create(): it was freed already, or "
			       "made by ud_ring_init() in the caller's memory "
			       "(nothing to free: release that memory when no "
			       "thread uses the ring)", (void *)r);
	ud_handle_poison(&ud_hk_ring, r);
	free(r);
	return 0;
}

UD_EXPORT int ud_ring_reset(struct ud_ring *r)
{
	if (ud_handle_check(&ud_hk_ring, r, "ud_ring_reset"))
		return -1;
	atomic_store(&r->prod.head, 0);
	atomic_store(&r->prod.tail, 0);
	atomic_store(&r->cons.head, 0);
	atomic_store(&r->cons.tail, 0);
	return 0;
}

UD_EXPORT const char *ud_ring_name(const struct ud_ring *r)
{
	if (ud_handle_check(&ud_hk_ring, r, "ud_ring_name"))
		return "";
	return r->name;
}
