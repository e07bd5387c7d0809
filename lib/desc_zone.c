// SPDX-License-Identifier: MIT
/*
 * Descriptor rings in a zone of hugepage memory.  Kept apart from desc.c so
 * that programs using only caller memory do not pull in the memory module.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <uiodma/desc.h>
#include <uiodma/error.h>
#include <uiodma/mem.h>
#include "handle.h"
#include "internal.h"
#include "desc_internal.h"

UD_EXPORT struct ud_desc_ring *
ud_desc_ring_create(struct ud_mem *m, const struct ud_desc_ring_params *p)
{
	static _Atomic unsigned seq;
	const char *name;
	char zname[64];
	struct ud_zone_params zp = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z;
	struct ud_desc_ring *r;

	if (ud_handle_check(&ud_hk_mem, m, "ud_desc_ring_create"))
		return NULL;
	if (!p)
		return ud_fail_null(EINVAL, "ud_desc_ring_create: params is "
				    "NULL; pass a struct ud_desc_ring_params");
	name = p->name ? p->name : "desc";
	if (ud_desc_check(p, name))
		return NULL;
	zp.align = p->align ? p->align : UD_DESC_DEF_ALIGN;
	zp.boundary = p->boundary;
	zp.iova_max = p->iova_max;
	zp.flags = UD_ZONE_IOVA_CONTIG;
	if (p->flags & UD_DESC_NUMA) {
		zp.flags |= UD_ZONE_NUMA;
		zp.numa_node = p->numa_node;
	}
	snprintf(zname, sizeof(zname), "ud-desc-%.31s-%u", name,
		 atomic_fetch_add(&seq, 1));
	z = ud_zone_reserve(m, zname, (size_t)p->count * p->desc_size, &zp);
	if (!z) {
		ud_fail_wrap(errno, "descriptor ring '%s': cannot reserve %zu "
			     "bytes of IOVA-contiguous memory: ", name,
			     (size_t)p->count * p->desc_size);
		return NULL;
	}
	r = ud_desc_new(p, name, ud_zone_addr(z), ud_zone_iova(z));
	if (!r) {
		int e = errno;

		ud_zone_free(z);
		errno = e;
		return NULL;
	}
	r->zone = z;
	r->zone_free = ud_zone_release;
	ud_zone_set_owner(z, "descriptor ring", r->name);
	return r;
}
