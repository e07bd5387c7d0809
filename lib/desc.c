// SPDX-License-Identifier: MIT
/* Descriptor rings: creation over caller memory (desc_zone.c: in a zone); posting and reaping are inline in uiodma/desc.h. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/desc.h>
#include <uiodma/error.h>
#include "handle.h"
#include "internal.h"
#include "util.h"

#include "desc_internal.h"

/* A phase ring: one tag bit, and none of the producer-ring flags. */
static int check_phase(const struct ud_desc_ring_params *p, const char *name)
{
	if (!ud_is_pow2(p->done_mask))
		return ud_fail(EINVAL,
			       "descriptor ring '%s': a phase ring needs its "
			       "phase tag as done_mask, exactly one bit (0x%x "
			       "is not); e.g. 1u << 16 for an NVMe completion",
			       name, p->done_mask);
	if (p->flags & (UD_DESC_USE_ALL | UD_DESC_CLEAR_DONE |
			UD_DESC_DONE_ZERO))
		return ud_fail(EINVAL,
			       "descriptor ring '%s': UD_DESC_PHASE does not go "
			       "with UD_DESC_USE_ALL, UD_DESC_CLEAR_DONE or "
			       "UD_DESC_DONE_ZERO (the device produces a phase "
			       "ring and flips the tag itself); drop them",
			       name);
	return 0;
}

int ud_desc_check(const struct ud_desc_ring_params *p, const char *name)
{
	if (strlen(name) >= UD_DESC_NAME_LEN)
		return ud_fail(ENAMETOOLONG, "descriptor ring name '%.20s...' has "
			       "%zu bytes; names have at most %d", name,
			       strlen(name), UD_DESC_NAME_LEN - 1);
	if (p->count < 2 || p->count > UD_DESC_MAX_COUNT)
		return ud_fail(EINVAL,
			       "descriptor ring '%s': count %u is out of range; "
			       "use 2 to %u descriptors",
			       name, p->count, UD_DESC_MAX_COUNT);
	if (p->desc_size == 0 || p->desc_size > 4096)
		return ud_fail(EINVAL,
			       "descriptor ring '%s': descriptor size %zu is out "
			       "of range; use 1 to 4096 bytes",
			       name, p->desc_size);
	if (p->align && !ud_is_pow2(p->align))
		return ud_fail(EINVAL,
			       "descriptor ring '%s': alignment %zu is not a "
			       "power of two; use e.g. 128 or 4096",
			       name, p->align);
	if (p->boundary && !ud_is_pow2(p->boundary))
		return ud_fail(EINVAL,
			       "descriptor ring '%s': boundary %zu is not a power "
			       "of two; use 0 for none",
			       name, p->boundary);
	if (p->boundary && p->boundary < (size_t)p->count * p->desc_size)
		return ud_fail(EINVAL,
			       "descriptor ring '%s': %zu bytes of descriptors "
			       "cannot fit within a boundary of %zu; use fewer "
			       "descriptors or a larger boundary",
			       name, (size_t)p->count * p->desc_size,
			       p->boundary);
	if (p->done_mask) {
		if (p->desc_size % 4)
			return ud_fail(EINVAL,
				       "descriptor ring '%s': descriptor size "
				       "%zu is not a multiple of 4, so done words "
				       "would be misaligned; pad the descriptor",
				       name, p->desc_size);
		if (p->done_off % 4 || p->done_off + 4 > p->desc_size)
			return ud_fail(EINVAL,
				       "descriptor ring '%s': done word offset "
				       "%u is not a 4-byte aligned offset inside "
				       "a %zu-byte descriptor; fix done_off",
				       name, p->done_off, p->desc_size);
	}
	if (p->flags & ~(UD_DESC_USE_ALL | UD_DESC_CLEAR_DONE |
			 UD_DESC_DONE_ZERO | UD_DESC_NUMA | UD_DESC_PHASE))
		return ud_fail(EINVAL,
			       "descriptor ring '%s': flags 0x%x hold unknown "
			       "bits; use only UD_DESC_* flags",
			       name, p->flags);
	if ((p->flags & UD_DESC_CLEAR_DONE) && (p->flags & UD_DESC_DONE_ZERO))
		return ud_fail(EINVAL,
			       "descriptor ring '%s': UD_DESC_CLEAR_DONE with "
			       "UD_DESC_DONE_ZERO would hand slots back to the "
			       "device; drop one of the two",
			       name);
	if (p->flags & UD_DESC_PHASE)
		return check_phase(p, name);
	return 0;
}

struct ud_desc_ring *ud_desc_new(const struct ud_desc_ring_params *p,
					const char *name, void *va,
					uint64_t iova)
{
	struct ud_desc_ring *r = ud_handle_new(&ud_hk_desc);

	if (!r)
		return NULL;
	r->cookies = calloc(p->count, sizeof(void *));
	if (!r->cookies) {
		ud_handle_kill(&ud_hk_desc, r);
		return ud_fail_null(ENOMEM,
				    "descriptor ring '%s': out of memory for "
				    "%u cookies", name, p->count);
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->base = va;
	r->iova = iova;
	r->desc_size = (uint32_t)p->desc_size;
	r->count = p->count;
	if (p->flags & UD_DESC_PHASE)
		r->capacity = 0;	/* the device produces */
	else if (p->flags & UD_DESC_USE_ALL)
		r->capacity = p->count;
	else
		r->capacity = p->count - 1;
	r->phase = 1;
	r->done_off = p->done_off;
	r->done_mask = htole32(p->done_mask);
	r->done_zero = !!(p->flags & UD_DESC_DONE_ZERO);
	r->flags = p->flags;
	r->doorbell = p->doorbell;
	memset(va, 0, (size_t)p->count * p->desc_size);
	return r;
}

UD_EXPORT struct ud_desc_ring *
ud_desc_ring_create_mem(const struct ud_desc_ring_params *p, void *va,
			uint64_t iova, size_t len)
{
	const char *name;
	size_t bytes;

	if (!p || !va)
		return ud_fail_null(EINVAL, "ud_desc_ring_create_mem: %s is "
				    "NULL; pass parameters and the memory",
				    !p ? "params" : "memory");
	name = p->name ? p->name : "desc";
	if (ud_desc_check(p, name))
		return NULL;
	bytes = (size_t)p->count * p->desc_size;
	if (len < bytes)
		return ud_fail_null(EINVAL,
				    "descriptor ring '%s': %zu bytes of memory "
				    "for %zu bytes of descriptors; pass more "
				    "memory or fewer descriptors",
				    name, len, bytes);
	size_t align = p->align ? p->align : UD_DESC_DEF_ALIGN;

	if (iova % align)
		return ud_fail_null(EINVAL,
				    "descriptor ring '%s': IOVA 0x%llx is not "
				    "aligned to %zu; align the memory",
				    name, (unsigned long long)iova, align);
	if (p->boundary &&
	    iova / p->boundary != (iova + bytes - 1) / p->boundary)
		return ud_fail_null(EINVAL,
				    "descriptor ring '%s': IOVA 0x%llx-0x%llx "
				    "crosses a multiple of the boundary %zu; "
				    "place the memory elsewhere",
				    name, (unsigned long long)iova,
				    (unsigned long long)(iova + bytes - 1),
				    p->boundary);
	if (p->iova_max && iova + bytes - 1 > p->iova_max)
		return ud_fail_null(EINVAL,
				    "descriptor ring '%s': IOVA 0x%llx-0x%llx "
				    "is above the limit 0x%llx; use lower memory",
				    name, (unsigned long long)iova,
				    (unsigned long long)(iova + bytes - 1),
				    (unsigned long long)p->iova_max);
	return ud_desc_new(p, name, va, iova);
}

UD_EXPORT int ud_desc_ring_free(struct ud_desc_ring *r)
{
	if (!r)
		return 0;
	if (ud_handle_check(&ud_hk_desc, r, "ud_desc_ring_free"))
		return -1;
	if (r->zone && r->zone_free)
		r->zone_free(r->zone);
	free(r->cookies);
	ud_handle_kill(&ud_hk_desc, r);
	return 0;
}

UD_EXPORT int ud_desc_ring_reset(struct ud_desc_ring *r)
{
	if (ud_handle_check(&ud_hk_desc, r, "ud_desc_ring_reset"))
		return -1;
	r->head = r->tail = r->in_flight = 0;
	r->phase = 1;
	memset(r->cookies, 0, r->count * sizeof(void *));
	memset(r->base, 0, (size_t)r->count * r->desc_size);
	return 0;
}
