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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handle.h"
#include "internal.h"
#include "iommu.h"
#include "iova_mode.h"
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

/*
 * Give every candidate still in @c back: its address to the source, its
 * window page to reserved address space, its backing slot to the pool.
 * @holds: NULL when every candidate with an address still holds it, else
 * only those with holds[i] do (the others were released already).
 */
static void cands_return(struct ud_mem *m, const struct cands *c,
			 const bool *holds)
{
	for (size_t i = 0; i < c->n; i++) {
		if (m->pas.release && c->pa[i] != UD_BAD_IOVA &&
		    (!holds || holds[i]))
			m->pas.release(m->pas.ctx, m->base + c->page[i] * m->pgsz,
				       c->pa[i], m->pgsz);
		va_reset(m, c->page[i], 1);
		m->pg[c->page[i]].slot = -1;
		ud_bk_put_slot(&m->bk, c->slot[i]);
	}
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

/* Whether @node is in the sysfs node list @path ("0-3,5"); -1 if unread. */
static int node_in_list(const char *path, int node, char *list, size_t len)
{
	FILE *f = fopen(path, "re");
	const char *p = list;

	list[0] = '\0';
	if (!f)
		return -1;
	if (!fgets(list, (int)len, f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (node >= a && node <= b)
			return 1;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

int ud_numa_check(int node, const char *who)
{
	char online[256], mem[256];
	int r = node_in_list("/sys/devices/system/node/online", node, online,
			     sizeof(online));

	if (r < 0) {		/* a kernel without NUMA: node 0 only */
		if (node == 0)
			return 0;
		return ud_fail(EINVAL, "%s: NUMA node %d does not exist: this "
			       "kernel has no NUMA support (no "
			       "/sys/devices/system/node), so there is only "
			       "node 0; drop the node or use 0", who, node);
	}
	if (!r)
		return ud_fail(EINVAL, "%s: NUMA node %d does not exist: this "
			       "machine has node%s %s "
			       "(/sys/devices/system/node/online); use one of "
			       "those", who, node, strpbrk(online, ",-") ? "s" : "",
			       online);
	if (node_in_list("/sys/devices/system/node/has_memory", node, mem,
			 sizeof(mem)) == 0)
		return ud_fail(EINVAL, "%s: NUMA node %d has no memory (nodes "
			       "with memory: %s, /sys/devices/system/node/"
			       "has_memory); use one of those", who, node, mem);
	return 0;
}

/* The options of "uiodma hugepages reserve" for @m's pages on @node. */
static void reserve_opts(const struct ud_mem *m, int node, char *buf,
			 size_t len)
{
	int n = snprintf(buf, len, "%s", m->pgsz == UD_PGSZ_1G ?
			 " --pagesize 1G" : "");

	if (node >= 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " --node %d", node);
}

/* The hugetlb cgroup v2 file that limits @pgsz pages for this process,
 * into @buf ("" when it cannot be told). */
static void hugetlb_cgroup_file(size_t pgsz, char *buf, size_t len)
{
	char line[512] = "", unit[24];
	FILE *f = fopen("/proc/self/cgroup", "re");

	buf[0] = '\0';
	if (!f)
		return;
	/* cgroup v2: one line "0::/path" */
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3))
			break;
	fclose(f);
	if (strncmp(line, "0::", 3))
		return;
	line[strcspn(line, "\n")] = '\0';
	if (pgsz >= ((size_t)1 << 30))
		snprintf(unit, sizeof(unit), "%zuGB", pgsz >> 30);
	else
		snprintf(unit, sizeof(unit), "%zuMB", pgsz >> 20);
	snprintf(buf, len, "/sys/fs/cgroup%s/hugetlb.%s.max",
		 strcmp(line + 3, "/") ? line + 3 : "", unit);
}

static int populate(struct ud_mem *m, char *va, size_t len, int node)
{
	char cg[600], where[32] = "", opt[40] = "";
	unsigned long nr = 0;
	int e;

	if (madvise(va, len, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno == EINVAL) {
		/* kernel before 5.14: touch each page (a shortage would be a
		 * SIGBUS here, but the mapping reserved the pages already) */
		for (size_t o = 0; o < len; o += m->pgsz)
			*(volatile char *)(va + o) = 0;
		return 0;
	}
	e = errno;
	hugetlb_cgroup_file(m->pgsz, cg, sizeof(cg));
	ud_hp_get_pages(m->pgsz, node, &nr);
	if (node >= 0)
		snprintf(where, sizeof(where), " on node %d", node);
	reserve_opts(m, node, opt, sizeof(opt));
	/* the mapping reserved the pages, so what failed is the node the
	 * pages are bound to, or a cgroup limit charged at fault time */
	return ud_fail(e == EFAULT ? ENOMEM : e, "faulting in %zu hugepages of "
		       "%zu kB%s failed (%s): the kernel could not supply them "
		       "(the pool%s has %lu pages, some used by others), or the "
		       "hugetlb cgroup limit %s was reached; reserve more (uiodma "
		       "hugepages reserve %lu%s) or raise that limit",
		       len / m->pgsz, m->pgsz >> 10, where, strerror(e), where,
		       nr, *cg ? cg : "hugetlb.<size>.max", nr + len / m->pgsz,
		       opt);
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
	char where[32] = "", dir[64], opt[40];

	ud_hp_get_pages(m->pgsz, node, &nr);
	reserve_opts(m, node, opt, sizeof(opt));
	if (node >= 0) {
		snprintf(where, sizeof(where), " on node %d", node);
		snprintf(dir, sizeof(dir), "/sys/devices/system/node/node%d/"
			 "hugepages", node);
	} else {
		snprintf(dir, sizeof(dir), "/sys/kernel/mm/hugepages");
	}
	return ud_fail(ENOMEM, "need %zu more %zu kB hugepages%s but the "
		       "kernel has %ld available (pool %lu); as root: echo %lu > "
		       "%s/hugepages-%zukB/nr_hugepages (or uiodma hugepages "
		       "reserve %lu%s)", want, m->pgsz >> 10,
		       where, avail < 0 ? 0 : avail, nr,
		       nr + want - (avail > 0 ? (size_t)avail : 0),
		       dir, m->pgsz >> 10,
		       nr + want - (avail > 0 ? (size_t)avail : 0), opt);
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
	if (ud_bk_map(&m->bk, va, &c->slot[base], n, false)) {
		/* the mapping reserves the pages: ENOMEM is a shortage that
		 * appeared since the count was read (another process) */
		if (errno == ENOMEM)
			shortage(m, n, ud_hp_available(m->pgsz, node), node);
		goto fail;
	}
	if (node >= 0) {
		unsigned long mask[16] = { 0 };

		if ((size_t)node >= sizeof(mask) * 8) {
			if (!ud_numa_check(node, "mbind"))
				ud_fail(EINVAL, "NUMA node %d: the library "
					"binds memory to nodes below %zu only",
					node, sizeof(mask) * 8);
			goto fail;
		}
		mask[node / 64] |= 1UL << (node % 64);
		if (syscall(SYS_mbind, va, n * m->pgsz, MPOL_BIND_, mask,
			    sizeof(mask) * 8, 0)) {
			int e = errno;

			if (e != EINVAL || !ud_numa_check(node, "mbind"))
				ud_fail(e, "mbind to NUMA node %d failed: %s",
					node, strerror(e));
			goto fail;
		}
	}
	if (populate(m, va, n * m->pgsz, node))
		goto fail;
	if (!(m->flags & UD_MEM_NO_MLOCK) && mlock(va, n * m->pgsz)) {
		ud_fail(errno, "mlock of hugepages failed: %s; raise "
			"RLIMIT_MEMLOCK (ulimit -l) or grant CAP_IPC_LOCK, or "
			"set UD_MEM_NO_MLOCK", strerror(errno));
		goto fail;
	}
	if (m->iova_mode == UD_IOVA_MODE_VA) {	/* ud_va_assign() gives them */
		for (size_t i = 0; i < n; i++)
			c->pa[base + i] = UD_BAD_IOVA;
	} else if (ud_pa_check(&m->pas, va, m->pgsz, n, &c->pa[base])) {
		goto fail;
	}
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
 * Returns true if found; *n_elig gets the candidates that satisfy the
 * limit and node, *longest the longest run of them (contiguous requests).
 */
static bool choose(const struct ud_mem *m, const struct ud_pgreq *rq,
		   const struct cands *c, uint32_t *sel, size_t *n_elig,
		   size_t *longest)
{
	uint32_t *idx = malloc(c->n * sizeof(*idx));
	size_t ne = 0;
	bool found = false;

	*longest = *n_elig = 0;
	if (!idx)
		return false;
	for (size_t i = 0; i < c->n; i++)
		if (eligible(m, rq, c->pa[i], c->node[i]))
			idx[ne++] = (uint32_t)i;
	*n_elig = ne;
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

/* "4G", "256M": @limit + 1 for the mem= boot option. */
static void mem_opt(char *buf, size_t len, uint64_t limit)
{
	uint64_t b = limit + 1;

	if (b && !(b & ((1ull << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 "G", b >> 30);
	else
		snprintf(buf, len, "%" PRIu64 "M", b >> 20);
}

int ud_region_unreachable(const struct ud_mem *m, const struct ud_pgreq *rq,
			  size_t have, const char *what)
{
	char zones[640], mem[16], opt[40];
	unsigned long nr = 0;

	if (!rq->iova_max) {
		ud_hp_get_pages(m->pgsz, rq->node, &nr);
		reserve_opts(m, rq->node, opt, sizeof(opt));
		return ud_fail(ENOMEM, "%zu of %s are on NUMA node %d, %zu "
			       "needed; reserve more there (uiodma hugepages "
			       "reserve %lu%s)", have, what, rq->node, rq->k,
			       nr + rq->k - have, opt);
	}
	ud_phys_explain(zones, sizeof(zones), rq->iova_max);
	mem_opt(mem, sizeof(mem), rq->iova_max);
	if (rq->node >= 0)
		snprintf(opt, sizeof(opt), " on NUMA node %d", rq->node);
	else
		opt[0] = '\0';
	return ud_fail(ENOMEM, "%zu of %s lie at or below the DMA address "
		       "limit %#" PRIx64 "%s, %zu needed.%s%s Fix: if the device "
		       "can address more (most take 64-bit addresses: program "
		       "the high half too), raise the limit or drop it "
		       "(iova_max 0); else boot with mem=%s, so that no memory "
		       "lies above the limit", have, what, rq->iova_max, opt,
		       rq->k, *zones ? " " : "", zones, mem);
}

/*
 * VA mode: any k free window pages will do, since their IOVAs follow from
 * where they sit (or come from a low block for a DMA limit): map them at
 * their place, give them IOVAs (mapped into the container), publish.
 */
static int grow_va(struct ud_mem *m, const struct ud_pgreq *rq, size_t *first)
{
	struct cands c = { 0 };
	size_t k = rq->k, al = rq->va_align > m->pgsz ? rq->va_align : m->pgsz;
	uint32_t *ord;
	long d;
	int rc = -1;

	/* a zone that starts at the run's start then stays inside the
	 * boundary, in VA and in IOVA (both 1 GiB aligned windows) */
	if (rq->boundary > al)
		al = rq->boundary;
	d = find_free_run(m, k, al >> m->pgshift);
	if (d < 0)
		return ud_fail(ENOMEM, "no room for %zu pages in the region's "
			       "address space; raise ud_mem_config.va_size", k);
	ord = malloc(k * sizeof(*ord));
	if (!ord)
		return ud_fail(ENOMEM, "out of memory");
	for (size_t i = 0; i < k; i++)
		ord[i] = (uint32_t)i;
	if (map_batch(m, (size_t)d, k, rq->node, &c) ||
	    ud_va_assign(m, (size_t)d, k, rq, c.pa))
		goto out;
	if (ud_place_pages(m, (size_t)d, c.slot, c.pa, c.node, ord, k, c.page))
		goto out;
	c.n = 0;
	*first = (size_t)d;
	m->hint = (size_t)d + k;
	rc = 0;
out:
	cands_return(m, &c, NULL);
	cands_free(&c);
	free(ord);
	return rc;
}

int ud_region_grow(struct ud_mem *m, const struct ud_pgreq *rq, size_t *first)
{
	struct cands c = { 0 };
	size_t k = rq->k, cap, longest = 0, n_elig = 0, n;
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
	const char *why = "4 per page needed, or 64 more";
	size_t want = multi ? (k * 4 > k + 64 ? k * 4 : k + 64) : k;

	avail = ud_hp_available(m->pgsz, rq->node);
	if (avail >= 0 && (size_t)avail < k)
		return shortage(m, k, avail, rq->node);
	if (m->iova_mode == UD_IOVA_MODE_VA)
		return grow_va(m, rq, first);
	/*
	 * A DMA limit is about where pages lie, not how they sit together.
	 * With real physical addresses, /proc/kpageflags (root) says how many
	 * free pages lie below it: too few, and no page is mapped at all.
	 * Otherwise (or if there are enough) look at every free one before
	 * saying none is reachable (the kernel may hand out its low pages
	 * last).
	 */
	if (rq->iova_max && m->pa_real) {
		long below = ud_phys_free_below(m->pgsz, rq->iova_max);
		char what[96];

		if (below >= 0 && (size_t)below < k) {
			snprintf(what, sizeof(what), "the %ld free %zu kB "
				 "hugepages (counted in /proc/kpageflags)",
				 avail, m->pgsz >> 10);
			return ud_region_unreachable(m, rq, (size_t)below, what);
		}
	}
	if (rq->iova_max && (!rq->contig || k == 1))
		want = SIZE_MAX;

	cap = want;
	if (cap > m->max_pages - m->mapped) {
		cap = m->max_pages - m->mapped;
		why = "the region's max_size (ud_mem_config.max_size)";
	}
	if (avail >= 0 && (size_t)avail < cap) {
		cap = (size_t)avail;
		why = "every free hugepage of the kernel";
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
	while (!choose(m, rq, &c, sel, &n_elig, &longest)) {
		long p;

		if (c.n >= cap) {
			char what[128];

			snprintf(what, sizeof(what), "the %zu new %zu kB "
				 "hugepages looked at (the search looks at %s)",
				 c.n, m->pgsz >> 10, why);
			if (n_elig < k)
				ud_region_unreachable(m, rq, n_elig, what);
			else
				ud_fail(ENOMEM, "no IOVA-contiguous run of %zu "
					"bytes (%zu pages of %zu kB%s%s): the "
					"largest physically contiguous run %s "
					"is %zu bytes; use smaller contiguous "
					"zones, a legacy region, bigger pages, "
					"or reserve hugepages early (at boot) "
					"when memory is less fragmented",
					rq->zlen, k, m->pgsz >> 10,
					rq->iova_max ? " below the DMA limit" : "",
					rq->node >= 0 ? " on the node" : "",
					what, longest * m->pgsz);
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
	cands_return(m, &c, released ? chosen : NULL);
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
	ud_page_unpublish(m, pa, va);
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
	cands_return(m, &c, NULL);
	cands_free(&c);
	free(ord);
	return rc;
}

/* The most address space a region may reserve: 64 TiB. */
#define UD_MEM_VA_MAX ((size_t)1 << 46)
#define UD_MEM_FLAGS (UD_MEM_NO_MLOCK | UD_MEM_SORT | UD_MEM_KEEP | UD_MEM_NUMA)

/* Check what does not depend on the machine; 0 or -1 with the error. */
static int check_config(const struct ud_mem_config *c)
{
	static const struct { const char *name; size_t off; } sizes[] = {
		{ "va_size", offsetof(struct ud_mem_config, va_size) },
		{ "prealloc", offsetof(struct ud_mem_config, prealloc) },
		{ "max_size", offsetof(struct ud_mem_config, max_size) },
	};

	if (c->flags & ~UD_MEM_FLAGS)
		return ud_fail(EINVAL, "ud_mem_open: flags %#x hold unknown bits "
			       "%#x; use only UD_MEM_NO_MLOCK, UD_MEM_SORT, "
			       "UD_MEM_KEEP and UD_MEM_NUMA", c->flags,
			       c->flags & ~UD_MEM_FLAGS);
	if (c->mode != UD_MEM_DYNAMIC && c->mode != UD_MEM_LEGACY)
		return ud_fail(EINVAL, "ud_mem_open: unknown mode %d; use "
			       "UD_MEM_DYNAMIC or UD_MEM_LEGACY", (int)c->mode);
	if (c->backing != UD_BACKING_MEMFD &&
	    c->backing != UD_BACKING_FILE_PER_PAGE &&
	    c->backing != UD_BACKING_FILE_PER_SEGMENT)
		return ud_fail(EINVAL, "ud_mem_open: unknown backing %d; use "
			       "UD_BACKING_MEMFD, UD_BACKING_FILE_PER_PAGE or "
			       "UD_BACKING_FILE_PER_SEGMENT", (int)c->backing);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t v = *(const size_t *)((const char *)c + sizes[i].off);

		if (v > UD_MEM_VA_MAX)
			return ud_fail(EINVAL, "ud_mem_open: %s of %zu bytes is "
				       "more than a region can span (64 TiB of "
				       "address space); ask for less",
				       sizes[i].name, v);
	}
	if (c->mode == UD_MEM_LEGACY && !c->prealloc)
		return ud_fail(EINVAL, "ud_mem_open: a legacy region needs "
			       "ud_mem_config.prealloc: all its memory is "
			       "mapped at open");
	if ((c->flags & UD_MEM_NUMA) && c->numa_node < 0)
		return ud_fail(EINVAL, "ud_mem_open: UD_MEM_NUMA with node %d; "
			       "set numa_node to a node (0 or more), or drop "
			       "the flag for any node", c->numa_node);
	if (c->prefix && strlen(c->prefix) >= sizeof(((struct ud_backing_state
						       *)0)->prefix))
		return ud_fail(ENAMETOOLONG, "ud_mem_open: file prefix '%.20s...' "
			       "has %zu bytes, at most %zu fit",
			       c->prefix, strlen(c->prefix),
			       sizeof(((struct ud_backing_state *)0)->prefix) - 1);
	if (c->hugedir && strlen(c->hugedir) >= UD_HP_PATH_MAX)
		return ud_fail(ENAMETOOLONG, "ud_mem_open: hugetlbfs directory "
			       "'%.40s...' has %zu bytes, at most %d fit",
			       c->hugedir, strlen(c->hugedir),
			       UD_HP_PATH_MAX - 1);
	if (c->pa_source && !c->pa_source->resolve)
		return ud_fail(EINVAL, "ud_mem_open: physical-address source "
			       "'%s' has no resolve function",
			       c->pa_source->name ? c->pa_source->name : "");
	return 0;
}

/* Free what ud_mem_open() made of @m, and @m. */
static void mem_destroy(struct ud_mem *m)
{
	ud_zones_fini(m);
	if (m->registered)
		ud_map_unregister(m->base, m->npages << m->pgshift);
	if (m->iova && m->pg) {
		for (size_t p = 0; p < m->npages; p++) {
			if (m->iova[p] == UD_BAD_IOVA)
				continue;
			ud_page_unpublish(m, m->iova[p], m->base + p * m->pgsz);
			if (m->pas.release)
				m->pas.release(m->pas.ctx, m->base + p * m->pgsz,
					       m->iova[p], m->pgsz);
		}
	}
	if (m->resv)
		munmap(m->resv, m->resv_len);
	ud_va_close(m);
	if (m->mode_held)
		ud_iova_mem_release(m->iova_mode);
	ud_bk_fini(&m->bk);
	if (m->pas.close)
		m->pas.close(m->pas.ctx);
	free(m->iova);
	free(m->pg);
	pthread_mutex_destroy(&m->lock);
	ud_handle_kill(&ud_hk_mem, m);
}

UD_EXPORT struct ud_mem *ud_mem_open(const struct ud_mem_config *ucfg)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	size_t ps, va;
	char dn[64], path[256], why[sizeof(m->iova_why)];
	enum ud_iova_mode mode;

	if (ucfg)
		cfg = *ucfg;
	if (check_config(&cfg) ||
	    ud_iova_mode_choose(&cfg, "/sys", &mode, why, sizeof(why)))
		return NULL;
	if (mode == UD_IOVA_MODE_VA &&
	    (cfg.mode == UD_MEM_LEGACY || (cfg.flags & UD_MEM_SORT) ||
	     cfg.pa_source))
		return ud_fail_null(EINVAL, "ud_mem_open: VA mode (%s) has no "
				    "use for %s: it orders or resolves pages by "
				    "physical address, and behind the IOMMU the "
				    "device never sees one (any pages are "
				    "IOVA-contiguous there); drop it, or ask for "
				    "PA mode (UD_IOVA_MODE_PA, UD_IOVA_MODE=pa) "
				    "where physical addresses work", why,
				    cfg.mode == UD_MEM_LEGACY ? "legacy mode" :
				    (cfg.flags & UD_MEM_SORT) ? "UD_MEM_SORT" :
				    "a physical-address source");
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
	if ((cfg.flags & UD_MEM_NUMA) && ud_numa_check(cfg.numa_node,
						       "ud_mem_open"))
		return NULL;
	/* pagemap gives physical addresses: wrong behind a translating
	 * IOMMU (the uio_dma pin source's module refuses that itself) */
	if (mode == UD_IOVA_MODE_PA && (!cfg.pa_source ||
	     cfg.pa_source->resolve == ud_pa_source_pagemap()->resolve) &&
	    ud_iommu_check_machine()) {
		ud_fail_wrap(EOPNOTSUPP, "PA mode (%s): ", why);
		return NULL;
	}
	va = cfg.va_size ? cfg.va_size : UD_MEM_VA_DEFAULT;
	if (cfg.prealloc > va)
		va = cfg.prealloc;
	va = ud_align_up(va, (size_t)1 << 30);	/* <= 64 TiB: no overflow */

	if (ud_iova_mem_hold(mode, why))
		return NULL;
	m = ud_handle_new(&ud_hk_mem);
	if (!m) {
		ud_iova_mem_release(mode);
		return NULL;
	}
	m->mode_held = true;
	pthread_mutex_init(&m->lock, NULL);
	m->bk.fd = -1;
	m->pgsz = ps;
	m->pgshift = (unsigned int)__builtin_ctzl(ps);
	m->npages = va >> m->pgshift;
	m->mode = cfg.mode;
	m->flags = cfg.flags;
	m->node = (cfg.flags & UD_MEM_NUMA) ? cfg.numa_node : -1;
	m->iova_mode = mode;
	snprintf(m->iova_why, sizeof(m->iova_why), "%s", why);
	if (mode == UD_IOVA_MODE_PA) {
		m->pas = cfg.pa_source ? *cfg.pa_source : *ud_pa_source_pagemap();
		m->pa_real = m->pas.resolve == ud_pa_source_pagemap()->resolve ||
			     ud_pa_source_is_kpin(&m->pas);
	}
	m->owner = (int)getpid();
	m->max_pages = cfg.max_size ? cfg.max_size >> m->pgshift : m->npages;
	if (m->max_pages > m->npages)
		m->max_pages = m->npages;

	if (mode == UD_IOVA_MODE_VA) {
		if (ud_va_open(m, va)) {
			ud_fail_wrap(errno, "VA mode (%s): ", why);
			goto fail;
		}
	} else {
		m->resv_len = va + ((size_t)1 << 30);
		m->resv = mmap(NULL, m->resv_len, PROT_NONE, MAP_PRIVATE |
			       MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m->resv == MAP_FAILED) {
			m->resv = NULL;
			ud_fail(ENOMEM, "cannot reserve %zu bytes of address "
				"space: %s; ask for less (ud_mem_config.va_size) "
				"or raise the address-space limit (ulimit -v)",
				m->resv_len, strerror(errno));
			goto fail;
		}
		m->base = (char *)ud_align_up((size_t)m->resv, (size_t)1 << 30);
	}
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
			ud_fail(EINVAL, "ud_mem_open: prealloc (%zu pages) is "
				"more than max_size (%zu pages); raise max_size "
				"or lower prealloc", n, m->max_pages);
			goto fail;
		}
		if (m->iova_mode == UD_IOVA_MODE_VA) {
			struct ud_pgreq rq = { .k = n, .node = m->node };
			size_t first;

			if (ud_region_grow(m, &rq, &first))
				goto fail;
		} else if (prealloc(m, n, m->mode == UD_MEM_LEGACY ||
				    (m->flags & UD_MEM_SORT))) {
			goto fail;
		}
		/* pages mapped at open stay for the region's life */
		for (size_t p = 0; p < n; p++)
			m->pg[p].flags |= UD_PG_KEEP;
	}
	return m;
fail:
	{
		int e = errno;
		char msg[UD_ERRMSG_MAX];

		snprintf(msg, sizeof(msg), "%s", ud_errmsg());
		mem_destroy(m);
		ud_fail(e, "%s", msg);
	}
	return NULL;
}

int ud_mem_owner_check(const struct ud_mem *m, const char *fn)
{
	if (m->owner == (int)getpid())
		return 0;
	return ud_fail(EPERM, "%s: the region was opened by process %d, and "
		       "this is a child it forked: the child may read and "
		       "write the memory it inherited, but only the process "
		       "that opened a region reserves, frees or closes its "
		       "zones (a child's change would hand the parent's pages "
		       "to others); open a region of the child's own", fn,
		       m->owner);
}

UD_EXPORT int ud_mem_close(struct ud_mem *m)
{
	char names[256] = "";
	size_t n = 0, used = 0;

	if (!m)
		return 0;
	if (ud_handle_check(&ud_hk_mem, m, "ud_mem_close") ||
	    ud_mem_owner_check(m, "ud_mem_close"))
		return -1;
	pthread_mutex_lock(&m->lock);
	if (m->n_owned) {
		for (struct ud_zone *z = m->zones; z; z = z->next) {
			int w;

			if (!z->owner_what)
				continue;
			n++;
			if (used >= sizeof(names))
				continue;
			w = snprintf(names + used, sizeof(names) - used, "%s%s '%s'",
				     used ? ", " : "", z->owner_what, z->owner_name);
			used += w > 0 ? (size_t)w : 0;
		}
		pthread_mutex_unlock(&m->lock);
		return ud_fail(EBUSY, "ud_mem_close: the region still holds %zu "
			       "pool(s) and descriptor ring(s) (%s); free them "
			       "first with ud_pool_free() and "
			       "ud_desc_ring_free(): their buffers and "
			       "descriptors live in this memory", n, names);
	}
	pthread_mutex_unlock(&m->lock);
	mem_destroy(m);
	return 0;
}

UD_EXPORT int ud_mem_grow(struct ud_mem *m, size_t bytes)
{
	struct ud_pgreq rq = { 0 };
	size_t first;
	int r;

	if (ud_handle_check(&ud_hk_mem, m, "ud_mem_grow"))
		return -1;
	if (!bytes)
		return ud_fail(EINVAL, "ud_mem_grow: 0 bytes; ask for at least "
			       "one byte (a whole page is mapped)");
	if (bytes > SIZE_MAX - m->pgsz + 1)
		return ud_fail(EOVERFLOW, "ud_mem_grow: %zu bytes cannot be "
			       "rounded up to whole %zu kB pages; ask for at "
			       "most the region's max_size", bytes,
			       m->pgsz >> 10);
	if (m->mode == UD_MEM_LEGACY)
		return ud_fail(EINVAL, "ud_mem_grow: a legacy region never grows: "
			       "all its memory is mapped at open (raise "
			       "ud_mem_config.prealloc, or use UD_MEM_DYNAMIC)");
	rq.k = ud_align_up(bytes, m->pgsz) >> m->pgshift;
	rq.node = m->node;
	pthread_mutex_lock(&m->lock);
	r = ud_region_grow(m, &rq, &first);
	pthread_mutex_unlock(&m->lock);
	return r;
}
