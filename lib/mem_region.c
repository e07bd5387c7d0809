// SPDX-License-Identifier: MIT
/*
 * Regions: a window of reserved address space, filled with hugepages on
 * demand (dynamic) or all at open (legacy).
 *
 * Getting pages: a batch of new pages is mapped into free window pages,
 * bound to a node if asked (mbind), faulted (MADV_POPULATE_WRITE, so a
 * shortage is an error now and not a SIGBUS later), locked (mlock), and
 * their physical addresses read once from the PA source.  From those
 * candidates the pages a request needs are chosen (for a contiguous request:
 * a run of physically consecutive pages, found after sorting by PA; batches
 * grow until one is found or a cap is reached), put in order at their final
 * place, published in the translation tables and added to the free list;
 * the others go straight back to the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "iommu.h"
#include "mem_internal.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define MPOL_BIND_ 2

static unsigned int region_ids;

struct cands {
	size_t n, cap;
	uint32_t *slot;
	uint64_t *pa;
	int16_t *node;
	size_t *page;     /* window page it is mapped at now */
};

static int cands_reserve(struct cands *c, size_t n)
{
	if (c->n + n <= c->cap)
		return 0;
	size_t cap = c->cap ? c->cap : 16;

	while (cap < c->n + n)
		cap *= 2;
	uint32_t *s = realloc(c->slot, cap * sizeof(*s));
	if (s)
		c->slot = s;
	uint64_t *p = realloc(c->pa, cap * sizeof(*p));
	if (p)
		c->pa = p;
	int16_t *nd = realloc(c->node, cap * sizeof(*nd));
	if (nd)
		c->node = nd;
	size_t *pg = realloc(c->page, cap * sizeof(*pg));
	if (pg)
		c->page = pg;
	if (!s || !p || !nd || !pg)
		return ud_fail(ENOMEM, "out of memory for page candidates");
	c->cap = cap;
	return 0;
}

static void cands_free(struct cands *c)
{
	free(c->slot);
	free(c->pa);
	free(c->node);
	free(c->page);
	memset(c, 0, sizeof(*c));
}

/* Put a window page back to reserved, inaccessible address space. */
static void va_reset(struct ud_mem *m, size_t p, size_t n)
{
	mmap(m->base + p * m->pgsz, n * m->pgsz, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

/* n free window pages in a row, first one a multiple of align (pages). */
static long find_free_run(struct ud_mem *m, size_t n, size_t align)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t p = pass ? 0 : ud_align_up(m->hint, align);
		size_t end = pass ? m->npages : m->npages;

		while (p + n <= end) {
			size_t i;

			for (i = 0; i < n && m->pg[p + i].slot < 0; i++)
				;
			if (i == n)
				return (long)p;
			p = ud_align_up(p + i + 1, align);
		}
	}
	return -1;
}

static int populate(struct ud_mem *m, char *va, size_t len)
{
	if (madvise(va, len, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno == EINVAL) {
		/* kernel before 5.14: touch each page (a shortage would be a
		 * SIGBUS here, but the mapping reserved the pages already) */
		for (size_t o = 0; o < len; o += m->pgsz)
			*(volatile char *)(va + o) = 0;
		return 0;
	}
	int e = errno;
	return ud_fail(e == EFAULT ? ENOMEM : e, "faulting in %zu kB hugepages "
		       "failed (%s): the kernel could not supply them (pool "
		       "exhausted on the node, or a hugetlb cgroup limit); "
		       "reserve more (echo N > /sys/kernel/mm/hugepages/"
		       "hugepages-%zukB/nr_hugepages) or check "
		       "hugetlb.%zuMB.max of your cgroup",
		       m->pgsz >> 10, strerror(e), m->pgsz >> 10, m->pgsz >> 20);
}

static void pages_node(struct ud_mem *m, char *va, size_t n, int16_t *node)
{
	void **pages = malloc(n * sizeof(*pages));
	int *status = malloc(n * sizeof(*status));

	for (size_t i = 0; i < n; i++)
		node[i] = -1;
	if (pages && status) {
		for (size_t i = 0; i < n; i++)
			pages[i] = va + i * m->pgsz;
		if (syscall(SYS_move_pages, 0, (unsigned long)n, pages, NULL,
			    status, 0) == 0)
			for (size_t i = 0; i < n; i++)
				node[i] = status[i] >= 0 ? (int16_t)status[i] : -1;
	}
	free(pages);
	free(status);
}

static int shortage(struct ud_mem *m, size_t want, long avail, int node)
{
	unsigned long nr = 0;
	char where[32] = "";

	ud_hp_get_pages(m->pgsz, node, &nr);
	if (node >= 0)
		snprintf(where, sizeof(where), " on node %d", node);
	return ud_fail(ENOMEM, "need %zu more %zu kB hugepages%s but the "
		       "kernel has %ld available (pool %lu); as root: echo %lu > "
		       "%s/hugepages-%zukB/nr_hugepages", want, m->pgsz >> 10,
		       where, avail < 0 ? 0 : avail, nr,
		       nr + want - (avail > 0 ? (size_t)avail : 0),
		       node >= 0 ? "/sys/devices/system/node/nodeN/hugepages" :
		       "/sys/kernel/mm/hugepages", m->pgsz >> 10);
}

/*
 * Map n new pages at window pages [p, p+n) as candidates (not published).
 */
static int map_batch(struct ud_mem *m, size_t p, size_t n, int node,
		     struct cands *c)
{
	char *va = m->base + p * m->pgsz;
	size_t got = 0, base = c->n;

	if (cands_reserve(c, n))
		return -1;
	for (; got < n; got++) {
		long s = ud_bk_get_slot(&m->bk);

		if (s < 0)
			goto fail;
		c->slot[base + got] = (uint32_t)s;
		c->page[base + got] = p + got;
		m->pg[p + got].slot = (int32_t)s;
	}
	if (ud_bk_map(&m->bk, va, &c->slot[base], n, false))
		goto fail;
	if (node >= 0) {
		unsigned long mask[16] = { 0 };

		if ((size_t)node >= sizeof(mask) * 8) {
			ud_fail(EINVAL, "NUMA node %d out of range", node);
			goto fail;
		}
		mask[node / 64] |= 1UL << (node % 64);
		if (syscall(SYS_mbind, va, n * m->pgsz, MPOL_BIND_, mask,
			    sizeof(mask) * 8, 0)) {
			ud_fail(errno, "mbind to NUMA node %d failed: %s", node,
				strerror(errno));
			goto fail;
		}
	}
	if (populate(m, va, n * m->pgsz))
		goto fail;
	if (!(m->flags & UD_MEM_NO_MLOCK) && mlock(va, n * m->pgsz)) {
		ud_fail(errno, "mlock of hugepages failed: %s; raise "
			"RLIMIT_MEMLOCK (ulimit -l) or grant CAP_IPC_LOCK, or "
			"set UD_MEM_NO_MLOCK", strerror(errno));
		goto fail;
	}
	if (ud_pa_check(&m->pas, va, m->pgsz, n, &c->pa[base]))
		goto fail;
	pages_node(m, va, n, &c->node[base]);
	c->n += n;
	return 0;
fail:
	{
		int e = errno;

		va_reset(m, p, n);
		for (size_t i = 0; i < got; i++) {
			ud_bk_put_slot(&m->bk, c->slot[base + i]);
			m->pg[p + i].slot = -1;
		}
		errno = e;
	}
	return -1;
}

static bool eligible(const struct ud_mem *m, const struct ud_pgreq *rq,
		     uint64_t pa, int node)
{
	if (rq->node >= 0 && node != rq->node)
		return false;
	if (rq->iova_max && pa + m->pgsz - 1 > rq->iova_max)
		return false;
	return true;
}

/*
 * Choose rq->k candidates into sel (indices into c), in placement order.
 * Returns true if found; *longest gets the longest eligible PA run.
 */
static bool choose(const struct ud_mem *m, const struct ud_pgreq *rq,
		   const struct cands *c, uint32_t *sel, size_t *longest)
{
	uint32_t *idx = malloc(c->n * sizeof(*idx));
	size_t ne = 0;
	bool found = false;

	*longest = 0;
	if (!idx)
		return false;
	for (size_t i = 0; i < c->n; i++)
		if (eligible(m, rq, c->pa[i], c->node[i]))
			idx[ne++] = (uint32_t)i;
	if (!rq->contig) {
		if (ne >= rq->k) {
			memcpy(sel, idx, rq->k * sizeof(*sel));
			found = true;
		}
		*longest = ne;
		free(idx);
		return found;
	}
	ud_sort_by_pa(idx, c->pa, ne);
	for (size_t i = 0; i < ne && !found;) {
		size_t j = i + 1;

		while (j < ne && c->pa[idx[j]] == c->pa[idx[j - 1]] + m->pgsz)
			j++;
		if (j - i > *longest)
			*longest = j - i;
		for (size_t s = i; s + rq->k <= j; s++) {
			uint64_t pa0 = c->pa[idx[s]];

			if (rq->pa_align > m->pgsz && (pa0 & (rq->pa_align - 1)))
				continue;
			if (rq->boundary &&
			    (pa0 & (rq->boundary - 1)) + rq->zlen > rq->boundary)
				continue;
			memcpy(sel, &idx[s], rq->k * sizeof(*sel));
			found = true;
			break;
		}
		i = j;
	}
	free(idx);
	return found;
}

int ud_region_grow(struct ud_mem *m, const struct ud_pgreq *rq, size_t *first)
{
	struct cands c = { 0 };
	size_t k = rq->k, cap, longest = 0, n;
	size_t va_al = rq->va_align > m->pgsz ? rq->va_align / m->pgsz : 1;
	long d, avail;
	uint32_t *sel = NULL;
	bool *chosen = NULL, released = false;
	bool multi = rq->contig || rq->node >= 0 || rq->iova_max;
	int rc = -1;

	if (m->mode == UD_MEM_LEGACY)
		return ud_fail(ENOMEM, "legacy region is full: it holds only the "
			       "%zu pages mapped at open (raise "
			       "ud_mem_config.prealloc or use UD_MEM_DYNAMIC)",
			       m->mapped);
	if (m->mapped + k > m->max_pages)
		return ud_fail(ENOMEM, "region limit reached: %zu of %zu pages "
			       "mapped, %zu more needed; raise "
			       "ud_mem_config.max_size", m->mapped, m->max_pages, k);
	/* how many candidates to look at, and what limits that */
	const char *why = "the search limit";
	size_t want = multi ? (k * 4 > k + 64 ? k * 4 : k + 64) : k;

	/*
	 * A DMA limit is about where pages lie, not how they sit together:
	 * before saying no page is reachable, look at every free one (the
	 * kernel may hand out its low pages last).
	 */
	if (rq->iova_max && (!rq->contig || k == 1))
		want = SIZE_MAX;

	cap = want;
	if (cap > m->max_pages - m->mapped) {
		cap = m->max_pages - m->mapped;
		why = "the region's max_size";
	}
	avail = ud_hp_available(m->pgsz, rq->node);
	if (avail >= 0 && (size_t)avail < k)
		return shortage(m, k, avail, rq->node);
	if (avail >= 0 && (size_t)avail < cap) {
		cap = (size_t)avail;
		why = "the free hugepages of the kernel";
	}
	sel = malloc(k * sizeof(*sel));
	if (!sel)
		return ud_fail(ENOMEM, "out of memory");
	d = find_free_run(m, k, va_al);
	if (d < 0) {
		ud_fail(ENOMEM, "no room for %zu pages in the region's address "
			"space; raise ud_mem_config.va_size", k);
		goto out;
	}
	if (map_batch(m, (size_t)d, k, rq->node, &c))
		goto out;
	n = k;
	while (!choose(m, rq, &c, sel, &longest)) {
		long p;

		if (c.n >= cap) {
			if (rq->contig)
				ud_fail(ENOMEM, "no IOVA-contiguous run of %zu "
					"bytes (%zu pages of %zu kB%s%s): the "
					"largest contiguous run among %zu new "
					"pages is %zu bytes; use smaller "
					"contiguous zones, a legacy region, "
					"bigger pages, or reserve hugepages "
					"early (at boot) when memory is less "
					"fragmented (%zu candidates: %s)",
					rq->zlen, k, m->pgsz >> 10,
					rq->iova_max ? " below the DMA limit" : "",
					rq->node >= 0 ? " on the node" : "",
					c.n, longest * m->pgsz, c.n, why);
			else
				ud_fail(ENOMEM, "only %zu of %zu new pages "
					"satisfy the %s (IOVA max %#" PRIx64
					", node %d) among %zu candidates (%s); "
					"the kernel's hugepages are not where "
					"the device can reach", longest, k,
					rq->iova_max ? "DMA address limit" :
					"NUMA node", rq->iova_max, rq->node,
					c.n, why);
			goto out;
		}
		n = n * 2 < cap - c.n ? n * 2 : cap - c.n;
		p = find_free_run(m, n, 1);
		if (p < 0) {
			ud_fail(ENOMEM, "no room in the region's address space "
				"for more candidate pages; raise "
				"ud_mem_config.va_size");
			goto out;
		}
		if (map_batch(m, (size_t)p, n, rq->node, &c))
			goto out;
	}
	/* release the unchosen while they are still mapped where they are */
	chosen = calloc(c.n, sizeof(*chosen));
	if (!chosen) {
		ud_fail(ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		chosen[sel[i]] = true;
	for (size_t i = 0; i < c.n; i++)
		if (!chosen[i] && m->pas.release)
			m->pas.release(m->pas.ctx, m->base + c.page[i] * m->pgsz,
				       c.pa[i], m->pgsz);
	released = true;
	rc = ud_place_pages(m, (size_t)d, c.slot, c.pa, c.node, sel, k, c.page);
	if (rc)
		goto out;
	for (size_t i = 0; i < c.n; i++) {
		if (chosen[i])
			continue;
		if (c.page[i] < (size_t)d || c.page[i] >= (size_t)d + k) {
			va_reset(m, c.page[i], 1);
			m->pg[c.page[i]].slot = -1;
		}
		ud_bk_put_slot(&m->bk, c.slot[i]);
		m->given_back++;
	}
	c.n = 0;
	*first = (size_t)d;
	m->hint = (size_t)d + k;
out:
	/* on failure, every candidate goes back */
	for (size_t i = 0; i < c.n; i++) {
		if (m->pas.release && !(released && !chosen[i]))
			m->pas.release(m->pas.ctx, m->base + c.page[i] * m->pgsz,
				       c.pa[i], m->pgsz);
		va_reset(m, c.page[i], 1);
		m->pg[c.page[i]].slot = -1;
		ud_bk_put_slot(&m->bk, c.slot[i]);
	}
	if (c.n && d >= 0) /* the chosen may sit where no candidate was */
		for (size_t i = 0; i < k; i++)
			if (m->iova[(size_t)d + i] == UD_BAD_IOVA) {
				va_reset(m, (size_t)d + i, 1);
				m->pg[(size_t)d + i].slot = -1;
			}
	free(chosen);
	cands_free(&c);
	free(sel);
	return rc;
}

void ud_region_release_page(struct ud_mem *m, size_t p)
{
	char *va = m->base + p * m->pgsz;
	uint64_t pa = m->iova[p];

	if (m->pg[p].slot < 0)
		return;
	ud_ext_take(m, p * m->pgsz, m->pgsz);
	__atomic_store_n(&m->iova[p], UD_BAD_IOVA, __ATOMIC_RELEASE);
	ud_iova_remove(pa, va, m->pgsz);
	if (m->pas.release)
		m->pas.release(m->pas.ctx, va, pa, m->pgsz);
	va_reset(m, p, 1);
	ud_bk_put_slot(&m->bk, (uint32_t)m->pg[p].slot);
	m->pg[p].slot = -1;
	m->pg[p].users = 0;
	m->mapped--;
	m->given_back++;
}

size_t ud_region_largest_run(const struct ud_mem *m)
{
	size_t best = 0, cur = 0;

	for (size_t p = 0; p < m->npages; p++) {
		if (m->iova[p] == UD_BAD_IOVA)
			cur = 0;
		else if (cur && m->iova[p] == m->iova[p - 1] + m->pgsz)
			cur++;
		else
			cur = 1;
		if (cur > best)
			best = cur;
	}
	return best;
}

/* Legacy open and dynamic prealloc: n pages, optionally in PA order. */
static int prealloc(struct ud_mem *m, size_t n, bool sort)
{
	struct cands c = { 0 };
	uint32_t *ord;
	long avail = ud_hp_available(m->pgsz, m->node);
	int rc = -1;

	if (avail >= 0 && (size_t)avail < n)
		return shortage(m, n, avail, m->node);
	ord = malloc(n * sizeof(*ord));
	if (!ord)
		return ud_fail(ENOMEM, "out of memory");
	if (map_batch(m, 0, n, m->node, &c))
		goto out;
	for (size_t i = 0; i < n; i++)
		ord[i] = (uint32_t)i;
	if (sort)
		ud_sort_by_pa(ord, c.pa, n);
	rc = ud_place_pages(m, 0, c.slot, c.pa, c.node, ord, n, c.page);
	if (rc == 0) {
		c.n = 0;
		m->hint = n;
	}
out:
	for (size_t i = 0; i < c.n; i++) {
		if (m->pas.release)
			m->pas.release(m->pas.ctx, m->base + c.page[i] * m->pgsz,
				       c.pa[i], m->pgsz);
		va_reset(m, c.page[i], 1);
		m->pg[c.page[i]].slot = -1;
		ud_bk_put_slot(&m->bk, c.slot[i]);
	}
	cands_free(&c);
	free(ord);
	return rc;
}

UD_EXPORT struct ud_mem *ud_mem_open(const struct ud_mem_config *ucfg)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	size_t ps, va;
	char dn[64], path[256];

	if (ucfg)
		cfg = *ucfg;
	ps = cfg.page_size ? cfg.page_size : ud_hp_default_size();
	if (!ps)
		return ud_fail_null(ENOENT, "no default hugepage size in "
				    "/proc/meminfo: this kernel has no hugetlb "
				    "support");
	if (!ud_is_pow2(ps) || ps < ((size_t)2 << 20) || ps > ((size_t)1 << 30))
		return ud_fail_null(EINVAL, "page size %zu is not supported "
				    "(2 MiB to 1 GiB, a power of two)", ps);
	ud_hp_dirname(dn, sizeof(dn), ps);
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s", dn);
	if (access(path, F_OK)) {
		struct ud_hp_info info;

		if (ud_hp_discover(&info) == 0)
			ud_hp_find_size(&info, ps);
		else
			ud_fail(ENOENT, "no %zu kB hugepages in this kernel",
				ps >> 10);
		return NULL;
	}
	if (cfg.mode != UD_MEM_DYNAMIC && cfg.mode != UD_MEM_LEGACY)
		return ud_fail_null(EINVAL, "unknown memory mode %d", (int)cfg.mode);
	if (cfg.mode == UD_MEM_LEGACY && !cfg.prealloc)
		return ud_fail_null(EINVAL, "a legacy region needs "
				    "ud_mem_config.prealloc: all its memory is "
				    "mapped at open");
	/* pagemap gives physical addresses: wrong behind a translating
	 * IOMMU (the uio_dma pin source's module refuses that itself) */
	if ((!cfg.pa_source ||
	     cfg.pa_source->resolve == ud_pa_source_pagemap()->resolve) &&
	    ud_iommu_check_machine())
		return NULL;
	if ((cfg.flags & UD_MEM_NUMA) && cfg.numa_node < 0)
		return ud_fail_null(EINVAL, "UD_MEM_NUMA with node %d", cfg.numa_node);
	va = cfg.va_size ? cfg.va_size : UD_MEM_VA_DEFAULT;
	if (cfg.prealloc > va)
		va = cfg.prealloc;
	va = ud_align_up(va, (size_t)1 << 30);
	if (va > ((size_t)1 << 46))
		return ud_fail_null(EINVAL, "va_size %zu too large", va);

	m = calloc(1, sizeof(*m));
	if (!m)
		return ud_fail_null(ENOMEM, "out of memory");
	pthread_mutex_init(&m->lock, NULL);
	m->bk.fd = -1;
	m->pgsz = ps;
	m->pgshift = (unsigned int)__builtin_ctzl(ps);
	m->npages = va >> m->pgshift;
	m->mode = cfg.mode;
	m->flags = cfg.flags;
	m->node = (cfg.flags & UD_MEM_NUMA) ? cfg.numa_node : -1;
	m->pas = cfg.pa_source ? *cfg.pa_source : *ud_pa_source_pagemap();
	if (!m->pas.resolve) {
		free(m);
		return ud_fail_null(EINVAL, "physical-address source without a "
				    "resolve function");
	}
	m->max_pages = cfg.max_size ? cfg.max_size >> m->pgshift : m->npages;
	if (m->max_pages > m->npages)
		m->max_pages = m->npages;

	m->resv_len = va + ((size_t)1 << 30);
	m->resv = mmap(NULL, m->resv_len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->resv == MAP_FAILED) {
		m->resv = NULL;
		ud_fail(ENOMEM, "cannot reserve %zu bytes of address space: %s",
			m->resv_len, strerror(errno));
		goto fail;
	}
	m->base = (char *)ud_align_up((size_t)m->resv, (size_t)1 << 30);
	m->iova = malloc(m->npages * sizeof(*m->iova));
	m->pg = malloc(m->npages * sizeof(*m->pg));
	if (!m->iova || !m->pg) {
		ud_fail(ENOMEM, "out of memory for page tables");
		goto fail;
	}
	memset(m->iova, 0xff, m->npages * sizeof(*m->iova));
	for (size_t i = 0; i < m->npages; i++)
		m->pg[i] = (struct ud_pginfo){ .slot = -1, .node = -1 };
	if (ud_bk_init(&m->bk, &cfg, ps, m->npages,
		       __atomic_fetch_add(&region_ids, 1, __ATOMIC_RELAXED)))
		goto fail;
	if (ud_map_register(m->base, va, m->pgshift, m->iova))
		goto fail;
	m->registered = true;
	if (cfg.prealloc) {
		size_t n = ud_align_up(cfg.prealloc, ps) >> m->pgshift;

		if (n > m->max_pages) {
			ud_fail(EINVAL, "prealloc (%zu pages) exceeds max_size "
				"(%zu pages)", n, m->max_pages);
			goto fail;
		}
		if (prealloc(m, n, m->mode == UD_MEM_LEGACY ||
			     (m->flags & UD_MEM_SORT)))
			goto fail;
		/* pages mapped at open stay for the region's life */
		for (size_t p = 0; p < n; p++)
			m->pg[p].flags |= UD_PG_KEEP;
	}
	return m;
fail:
	{
		int e = errno;
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", ud_errmsg());
		ud_mem_close(m);
		ud_fail(e, "%s", msg);
	}
	return NULL;
}

UD_EXPORT void ud_mem_close(struct ud_mem *m)
{
	if (!m)
		return;
	ud_zones_fini(m);
	if (m->registered)
		ud_map_unregister(m->base, m->npages << m->pgshift);
	if (m->iova && m->pg) {
		for (size_t p = 0; p < m->npages; p++) {
			if (m->iova[p] == UD_BAD_IOVA)
				continue;
			ud_iova_remove(m->iova[p], m->base + p * m->pgsz, m->pgsz);
			if (m->pas.release)
				m->pas.release(m->pas.ctx, m->base + p * m->pgsz,
					       m->iova[p], m->pgsz);
		}
	}
	if (m->resv)
		munmap(m->resv, m->resv_len);
	ud_bk_fini(&m->bk);
	if (m->pas.close)
		m->pas.close(m->pas.ctx);
	free(m->iova);
	free(m->pg);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

UD_EXPORT int ud_mem_grow(struct ud_mem *m, size_t bytes)
{
	struct ud_pgreq rq = { 0 };
	size_t first;
	int r;

	if (!m || !bytes)
		return ud_fail(EINVAL, "ud_mem_grow: NULL region or 0 bytes");
	rq.k = ud_align_up(bytes, m->pgsz) >> m->pgshift;
	rq.node = m->node;
	pthread_mutex_lock(&m->lock);
	r = ud_region_grow(m, &rq, &first);
	pthread_mutex_unlock(&m->lock);
	return r;
}
