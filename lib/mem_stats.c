// SPDX-License-Identifier: MIT
/* What a region holds: counters (ud_mem_stats) and a readable dump. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "handle.h"
#include "internal.h"
#include "mem_internal.h"

UD_EXPORT int ud_mem_stats(struct ud_mem *m, struct ud_mem_stats *st)
{
	if (ud_handle_check(&ud_hk_mem, m, "ud_mem_stats"))
		return -1;
	if (!st)
		return ud_fail(EINVAL, "ud_mem_stats: st is NULL; pass a struct "
			       "ud_mem_stats to fill in");
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&m->lock);
	st->page_size = m->pgsz;
	st->pages_mapped = m->mapped;
	st->pages_max = m->max_pages;
	st->zones = m->n_zones;
	st->bytes_in_zones = m->bytes_in_zones;
	for (struct ud_ext *e = m->ext_head; e; e = e->next)
		st->bytes_free += e->len;
	st->largest_contig = ud_region_largest_run(m) * m->pgsz;
	st->pages_given_back = m->given_back;
	st->stale_files_removed = m->bk.stale.files_removed;
	st->stale_bytes_freed = m->bk.stale.bytes_freed;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

UD_EXPORT int ud_mem_dump(FILE *f, struct ud_mem *m)
{
	if (ud_handle_check(&ud_hk_mem, m, "ud_mem_dump"))
		return -1;
	if (!f)
		return ud_fail(EINVAL, "ud_mem_dump: the stream is NULL; pass "
			       "one to write to, e.g. stdout");
	pthread_mutex_lock(&m->lock);
	fprintf(f, "region %p: %zu kB pages, %zu mapped (max %zu), %s, "
		"backing %d, PA source %s\n", (void *)m->base, m->pgsz >> 10,
		m->mapped, m->max_pages,
		m->mode == UD_MEM_LEGACY ? "legacy" : "dynamic",
		(int)m->bk.kind, m->pas.name ? m->pas.name : "custom");
	fprintf(f, "  IOVA mode %s: %s\n", ud_iova_mode_name(m->iova_mode),
		m->iova_why);
	if (m->iova_mode == UD_IOVA_MODE_VA)
		fprintf(f, "  window %p at IOVA %#" PRIx64 "%s\n", (void *)m->base,
			m->iova_base, (uint64_t)(uintptr_t)m->base == m->iova_base ?
			" (IOVA = VA)" : " (the IOMMU does not accept the VA)");
	for (size_t p = 0; p < m->npages;) {
		size_t q = p + 1;

		if (m->iova[p] == UD_BAD_IOVA) {
			p++;
			continue;
		}
		while (q < m->npages && m->iova[q] != UD_BAD_IOVA &&
		       m->iova[q] == m->iova[q - 1] + m->pgsz)
			q++;
		fprintf(f, "  run %p-%p iova %#" PRIx64 "-%#" PRIx64
			" (%zu pages, node %d)\n", (void *)(m->base + p * m->pgsz),
			(void *)(m->base + q * m->pgsz - 1), m->iova[p],
			m->iova[q - 1] + m->pgsz - 1, q - p, m->pg[p].node);
		p = q;
	}
	fprintf(f, "  %zu zones, %zu bytes; %zu free extents\n", m->n_zones,
		m->bytes_in_zones, m->n_ext);
	for (struct ud_zone *z = m->zones; z; z = z->next)
		fprintf(f, "  zone '%s' %p len %zu iova %#" PRIx64 "%s\n", z->name,
			(void *)(m->base + z->off), z->len, z->iova,
			z->contig ? " contig" : "");
	pthread_mutex_unlock(&m->lock);
	return ferror(f) ? ud_fail(EIO, "ud_mem_dump: write error") : 0;
}
