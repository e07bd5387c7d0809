// SPDX-License-Identifier: MIT
/*
 * Physical ordering of pages (DPDK 17.11 "legacy" memory): sort pages by
 * physical address and put each at its place in the region's window, so
 * physically adjacent pages become virtually adjacent.  A page is mapped by
 * its file slot, so moving it is one mmap(MAP_FIXED) and its physical
 * address does not change (and is not read again).
 *
 * Used by legacy regions at open, by dynamic regions for UD_MEM_SORT, and
 * when a dynamic region places a physically contiguous run it found among
 * new pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "mem_internal.h"

static const uint64_t *sort_pa;

static int cmp_idx(const void *a, const void *b)
{
	uint64_t x = sort_pa[*(const uint32_t *)a], y = sort_pa[*(const uint32_t *)b];

	return (x > y) - (x < y);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

void ud_sort_by_pa(uint32_t *idx, const uint64_t *pa, size_t n)
{
	pthread_mutex_lock(&sort_lock);
	sort_pa = pa;
	qsort(idx, n, sizeof(*idx), cmp_idx);
	sort_pa = NULL;
	pthread_mutex_unlock(&sort_lock);
}

/* Unpublish the first @n pages ud_place_pages() published at @dst. */
static void unplace(struct ud_mem *m, size_t dst, const uint64_t *pa,
		    const uint32_t *ord, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		__atomic_store_n(&m->iova[dst + i], UD_BAD_IOVA, __ATOMIC_RELEASE);
		ud_page_unpublish(m, pa[ord[i]], m->base + (dst + i) * m->pgsz);
	}
}

int ud_place_pages(struct ud_mem *m, size_t dst, const uint32_t *slots,
		   const uint64_t *pa, const int16_t *node,
		   const uint32_t *ord, size_t n, const size_t *cur_page)
{
	size_t ps = m->pgsz;
	char *va = m->base + dst * ps;

	for (size_t i = 0; i < n; i++) {
		uint32_t c = ord[i];

		if (cur_page[c] == dst + i)
			continue;
		if (ud_bk_map(&m->bk, va + i * ps, &slots[c], 1, true))
			return -1;
	}
	if (!(m->flags & UD_MEM_NO_MLOCK) && mlock(va, n * ps)) {
		int e = errno;

		return ud_fail(e, "mlock of %zu bytes of hugepages failed: %s; "
			       "raise RLIMIT_MEMLOCK (ulimit -l) or grant "
			       "CAP_IPC_LOCK, or set UD_MEM_NO_MLOCK", n * ps,
			       strerror(e));
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t c = ord[i];
		size_t p = dst + i;

		if (ud_page_publish(m, pa[c], va + i * ps)) {
			unplace(m, dst, pa, ord, i);
			return -1;
		}
		m->pg[p].slot = (int32_t)slots[c];
		m->pg[p].node = node[c];
		m->pg[p].users = 0;
		m->pg[p].flags = 0;
		__atomic_store_n(&m->iova[p], pa[c], __ATOMIC_RELEASE);
	}
	if (ud_ext_add(m, dst * ps, n * ps)) {
		unplace(m, dst, pa, ord, n);
		return -1;
	}
	m->mapped += n;
	return 0;
}
