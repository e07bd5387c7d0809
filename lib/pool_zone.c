// SPDX-License-Identifier: MIT
/*
 * DMA buffer pools in a zone of hugepage memory (the main path).  Kept
 * apart from pool.c so that programs using only caller memory do not pull
 * in the memory module.
 *
 * The zone is aligned to the block the layout repeats on (the boundary if
 * it is below the hugepage size, else the hugepage size), and a hugepage
 * has the same offset in VA and in IOVA, so a dry run of the layout over
 * made-up contiguous memory gives exactly the length the real one needs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/error.h>
#include <uiodma/mem.h>
#include <uiodma/pool.h>
#include "handle.h"
#include "internal.h"
#include "pool_internal.h"

static uint64_t ud_zone_v2i(uintptr_t va, const struct ud_layout_mem *m)
{
	(void)m;
	return ud_virt2iova((const void *)va);
}

UD_EXPORT struct ud_pool *ud_pool_create(struct ud_mem *m,
					 const struct ud_pool_params *pp)
{
	static _Atomic unsigned seq;
	struct ud_zone_params zp = UD_ZONE_PARAMS_INIT;
	struct ud_mem_stats ms;
	struct ud_layout_mem lm;
	struct ud_pool *p;
	struct ud_zone *z;
	size_t page, blk, used;
	char zname[64];

	if (ud_handle_check(&ud_hk_mem, m, "ud_pool_create"))
		return NULL;
	if (!pp)
		return ud_fail_null(EINVAL, "ud_pool_create: params is NULL; "
				    "pass a struct ud_pool_params");
	if (ud_mem_stats(m, &ms))
		return NULL;
	page = ms.page_size;
	p = ud_pool_new(pp);
	if (!p)
		return NULL;
	if (p->iova_max && p->iova_max < page - 1) {
		ud_fail(EINVAL, "pool '%s': DMA limit %#" PRIx64 " is below the "
			"end of the lowest hugepage (%#zx): no DMA memory can lie "
			"under it; give the device's real limit (0xffffffff for "
			"32-bit addresses) or 0 for none", p->name, p->iova_max,
			page - 1);
		goto fail;
	}
	if (!page || p->buf_len > page) {
		ud_fail(EINVAL, "pool '%s': a %zu-byte buffer cannot fit in a "
			"%zu-byte hugepage; use smaller buffers or larger pages",
			p->name, p->buf_len, page);
		goto fail;
	}
	blk = (p->boundary && p->boundary < page) ? p->boundary : page;

	/* dry run over contiguous memory aligned like the zone will be */
	memset(&lm, 0, sizeof(lm));
	lm.va = blk > p->align ? blk : p->align;
	lm.len = SIZE_MAX - 2 * lm.va;
	lm.iova = lm.va;
	lm.v2i = ud_layout_contig_v2i;
	lm.page = page;
	lm.dry = 1;
	if (ud_pool_layout(p, &lm, NULL, &used))
		goto fail;

	zp.align = blk > p->align ? blk : p->align;
	zp.iova_max = p->iova_max;
	if (pp->flags & UD_POOL_NUMA) {
		zp.flags |= UD_ZONE_NUMA;
		zp.numa_node = pp->numa_node;
	}
	snprintf(zname, sizeof(zname), "ud-pool-%.31s-%u", p->name,
		 atomic_fetch_add(&seq, 1));
	z = ud_zone_reserve(m, zname, used, &zp);
	if (!z) {
		ud_fail_wrap(errno, "pool '%s': cannot reserve %zu bytes for %u "
			     "buffers: ", p->name, used, p->n);
		goto fail;
	}
	p->zone = z;
	p->zone_free = ud_zone_release;
	ud_zone_set_owner(z, "pool", p->name);

	memset(&lm, 0, sizeof(lm));
	lm.va = (uintptr_t)ud_zone_addr(z);
	lm.len = ud_zone_len(z);
	lm.v2i = ud_zone_v2i;
	lm.page = page;
	if (ud_pool_layout(p, &lm, p->bufs, &used) || ud_pool_finish(p))
		goto fail;
	return p;
fail:
	return ud_pool_discard(p);
}
