// SPDX-License-Identifier: MIT
/*
 * Zones: named pieces of a region.
 *
 * Mapped memory not in a zone is kept in a list of free extents sorted by
 * address (mem_extent.c).  A reservation is first fit over that list:
 * each extent is tried at aligned offsets, skipping at once past a page on
 * the wrong node, a page above the DMA limit, a physical break (for
 * IOVA-contiguous zones) or a boundary.  Its cost depends on the number of
 * free extents and the pages a zone covers, not on the number of zones;
 * names are found through a hash table.  When nothing fits, a dynamic region
 * maps pages that satisfy the request (ud_region_grow()) and tries again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "internal.h"
#include "mem_internal.h"

/* ---- names ---- */

static size_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return (size_t)h;
}

static struct ud_zone *name_find(struct ud_mem *m, const char *name)
{
	if (!m->names_cap)
		return NULL;
	for (struct ud_zone *z = m->names[name_hash(name) & (m->names_cap - 1)];
	     z; z = z->hnext)
		if (!strcmp(z->name, name))
			return z;
	return NULL;
}

static int name_add(struct ud_mem *m, struct ud_zone *z)
{
	if (m->n_zones + 1 > m->names_cap) {
		size_t cap = m->names_cap ? m->names_cap * 2 : 256;
		struct ud_zone **nb = calloc(cap, sizeof(*nb));

		if (!nb)
			return ud_fail(ENOMEM, "out of memory for zone names");
		for (size_t i = 0; i < m->names_cap; i++) {
			struct ud_zone *x = m->names[i], *nx;

			for (; x; x = nx) {
				nx = x->hnext;
				size_t b = name_hash(x->name) & (cap - 1);
				x->hnext = nb[b];
				nb[b] = x;
			}
		}
		free(m->names);
		m->names = nb;
		m->names_cap = cap;
	}
	size_t b = name_hash(z->name) & (m->names_cap - 1);

	z->hnext = m->names[b];
	m->names[b] = z;
	return 0;
}

static void name_del(struct ud_mem *m, struct ud_zone *z)
{
	struct ud_zone **pp = &m->names[name_hash(z->name) & (m->names_cap - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == z) {
			*pp = z->hnext;
			return;
		}
	}
}

/* ---- fitting ---- */

struct zreq {
	size_t len, align, boundary;
	uint64_t iova_max;
	int node;
	bool contig;
};

static inline uint64_t off_iova(const struct ud_mem *m, size_t off)
{
	return m->iova[off >> m->pgshift] + (off & (m->pgsz - 1));
}

static bool fit(const struct ud_mem *m, const struct ud_ext *e,
		const struct zreq *r, size_t *out)
{
	size_t end = e->off + e->len, sh = m->pgshift;
	size_t s = ud_align_up(e->off, r->align);

	while (s + r->len <= end) {
		size_t p0 = s >> sh, p1 = (s + r->len - 1) >> sh, next = 0;

		for (size_t p = p0; p <= p1; p++) {
			if (r->node >= 0 && m->pg[p].node != r->node) {
				next = (p + 1) << sh;
				break;
			}
			if (r->iova_max) {
				size_t pe = (p + 1) << sh;
				size_t lb = (s + r->len < pe ? s + r->len : pe) - 1;

				if (off_iova(m, lb) > r->iova_max) {
					next = (p + 1) << sh;
					break;
				}
			}
			if (r->contig && p > p0 &&
			    m->iova[p] != m->iova[p - 1] + m->pgsz) {
				next = p << sh;
				break;
			}
		}
		if (!next && r->contig && r->align > m->pgsz &&
		    (m->iova[p0] & (r->align - 1)))
			next = (p0 + 1) << sh;
		if (!next && r->boundary &&
		    (r->contig || r->boundary <= m->pgsz)) {
			uint64_t a = off_iova(m, s);
			size_t in = (size_t)(a & (r->boundary - 1));

			if (in + r->len > r->boundary)
				next = s + (r->boundary - in);
		}
		if (!next) {
			*out = s;
			return true;
		}
		s = ud_align_up(next, r->align);
	}
	return false;
}

static struct ud_ext *find(const struct ud_mem *m, const struct zreq *r,
			   size_t *off)
{
	for (struct ud_ext *e = m->ext_head; e; e = e->next)
		if (e->len >= r->len && fit(m, e, r, off))
			return e;
	return NULL;
}

/* Largest IOVA-contiguous free piece, for error messages. */
static size_t largest_free_contig(const struct ud_mem *m)
{
	size_t best = 0;

	for (const struct ud_ext *e = m->ext_head; e; e = e->next) {
		size_t start = e->off, end = e->off + e->len;

		for (size_t o = ud_align_up(start + 1, m->pgsz); o < end; o += m->pgsz) {
			size_t p = o >> m->pgshift;

			if (m->iova[p] != m->iova[p - 1] + m->pgsz) {
				if (o - start > best)
					best = o - start;
				start = o;
			}
		}
		if (end - start > best)
			best = end - start;
	}
	return best;
}

static bool zone_is_contig(const struct ud_mem *m, size_t off, size_t len)
{
	for (size_t p = (off >> m->pgshift) + 1; p <= (off + len - 1) >> m->pgshift; p++)
		if (m->iova[p] != m->iova[p - 1] + m->pgsz)
			return false;
	return true;
}

UD_EXPORT struct ud_zone *ud_zone_reserve(struct ud_mem *m, const char *name,
					  size_t len,
					  const struct ud_zone_params *up)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct zreq r;
	struct ud_ext *e;
	struct ud_zone *z;
	size_t off, span, grown = 0, grown_n = 0;

	if (ud_handle_check(&ud_hk_mem, m, "ud_zone_reserve") ||
	    ud_mem_owner_check(m, "ud_zone_reserve"))
		return NULL;
	if (up)
		p = *up;
	if (!name)
		name = "";
	if (strlen(name) >= UD_ZONE_NAME_MAX)
		return ud_fail_null(ENAMETOOLONG, "zone name '%.20s...' has %zu "
				    "bytes; zone names have at most %d",
				    name, strlen(name), UD_ZONE_NAME_MAX - 1);
	if (!len)
		return ud_fail_null(EINVAL, "zone '%s': length is 0", name);
	if (!p.align)
		p.align = UD_ZONE_MIN_ALIGN;
	if (!ud_is_pow2(p.align) || p.align > ((size_t)1 << 30))
		return ud_fail_null(EINVAL, "zone '%s': alignment %zu is not a "
				    "power of two up to 1 GiB", name, p.align);
	if (p.align < UD_ZONE_MIN_ALIGN)
		p.align = UD_ZONE_MIN_ALIGN;
	if (p.boundary && (!ud_is_pow2(p.boundary) || p.boundary < len))
		return ud_fail_null(EINVAL, "zone '%s': boundary %zu must be a "
				    "power of two and at least the length %zu",
				    name, p.boundary, len);
	if ((p.flags & UD_ZONE_NUMA) && p.numa_node < 0)
		return ud_fail_null(EINVAL, "zone '%s': UD_ZONE_NUMA with node "
				    "%d; set numa_node to a node (0 or more), or "
				    "drop the flag for the region's node", name,
				    p.numa_node);
	if (p.flags & ~(UD_ZONE_IOVA_CONTIG | UD_ZONE_NUMA))
		return ud_fail_null(EINVAL, "zone '%s': flags %#x hold unknown "
				    "bits; use only UD_ZONE_IOVA_CONTIG and "
				    "UD_ZONE_NUMA", name, p.flags);
	if (len > (m->npages << m->pgshift))
		return ud_fail_null(ENOMEM, "zone '%s': %zu bytes is more than "
				    "the region's address space", name, len);
	if (p.iova_max && p.iova_max < m->pgsz - 1)
		return ud_fail_null(EINVAL, "zone '%s': DMA limit %#" PRIx64
				    " is below the end of the lowest hugepage "
				    "(%#zx): no DMA memory can lie under it; give "
				    "the device's real limit (0xffffffff for "
				    "32-bit addresses) or 0 for none", name,
				    p.iova_max, m->pgsz - 1);
	if (p.flags & UD_ZONE_NUMA) {
		char who[UD_ZONE_NAME_MAX + 8];

		snprintf(who, sizeof(who), "zone '%s'", name);
		if (ud_numa_check(p.numa_node, who))
			return NULL;
	}
	r.len = len;
	r.align = p.align;
	r.boundary = p.boundary;
	r.iova_max = p.iova_max;
	r.node = (p.flags & UD_ZONE_NUMA) ? p.numa_node : m->node;
	r.contig = (p.flags & UD_ZONE_IOVA_CONTIG) != 0;
	span = ud_align_up(len, UD_ZONE_MIN_ALIGN);

	z = ud_handle_new(&ud_hk_zone);
	if (!z)
		return NULL;
	pthread_mutex_lock(&m->lock);
	if (name[0] && name_find(m, name)) {
		pthread_mutex_unlock(&m->lock);
		ud_handle_kill(&ud_hk_zone, z);
		return ud_fail_null(EEXIST, "zone '%s' already exists in this "
				    "region; free it or pick another name", name);
	}
	e = find(m, &r, &off);
	if (!e) {
		struct ud_pgreq rq = { 0 };
		size_t first;

		rq.k = (len + m->pgsz - 1) >> m->pgshift;
		rq.contig = r.contig;
		rq.node = r.node;
		rq.iova_max = r.iova_max;
		rq.pa_align = r.contig && r.align > m->pgsz ? r.align : m->pgsz;
		rq.va_align = r.align > m->pgsz ? r.align : m->pgsz;
		rq.boundary = r.contig && r.boundary > m->pgsz ? r.boundary : 0;
		rq.zlen = len;
		if (m->mode == UD_MEM_LEGACY) {
			size_t big = largest_free_contig(m), low = 0;
			size_t mapped = m->mapped;
			char what[96];

			for (size_t pg = 0; pg < m->npages; pg++)
				if (m->iova[pg] != UD_BAD_IOVA &&
				    (!r.iova_max ||
				     m->iova[pg] + m->pgsz - 1 <= r.iova_max) &&
				    (r.node < 0 || m->pg[pg].node == r.node))
					low++;
			pthread_mutex_unlock(&m->lock);
			ud_handle_kill(&ud_hk_zone, z);
			if ((r.iova_max || r.node >= 0) && low < rq.k) {
				snprintf(what, sizeof(what), "the legacy "
					 "region's %zu hugepages (it maps no "
					 "more)", mapped);
				ud_region_unreachable(m, &rq, low, what);
				ud_fail_wrap(ENOMEM, "zone '%s': ", name);
				return NULL;
			}
			return ud_fail_null(ENOMEM, "zone '%s': no room for %zu "
					    "bytes%s in the legacy region; the "
					    "largest free IOVA-contiguous block "
					    "is %zu bytes; map more at open "
					    "(ud_mem_config.prealloc) or use "
					    "a dynamic region", name, len,
					    r.contig ? " IOVA-contiguous" : "",
					    big);
		}
		if (ud_region_grow(m, &rq, &first)) {
			int err = errno;

			pthread_mutex_unlock(&m->lock);
			ud_handle_kill(&ud_hk_zone, z);
			ud_fail_wrap(err, "zone '%s': ", name);
			return NULL;
		}
		grown = first;
		grown_n = rq.k;
		e = find(m, &r, &off);
		if (!e) {
			for (size_t i = 0; i < grown_n; i++)
				ud_region_release_page(m, grown + i);
			pthread_mutex_unlock(&m->lock);
			ud_handle_kill(&ud_hk_zone, z);
			return ud_fail_null(ENOMEM, "zone '%s': internal: new "
					    "pages did not fit the request", name);
		}
	}
	if (ud_ext_carve(m, e, off, span)) {
		pthread_mutex_unlock(&m->lock);
		ud_handle_kill(&ud_hk_zone, z);
		return NULL;
	}
	z->m = m;
	z->off = off;
	z->len = len;
	z->span = span;
	z->iova = off_iova(m, off);
	z->contig = r.contig || zone_is_contig(m, off, len);
	snprintf(z->name, sizeof(z->name), "%s", name);
	if (name[0] && name_add(m, z)) {
		ud_ext_add(m, off, span);
		pthread_mutex_unlock(&m->lock);
		ud_handle_kill(&ud_hk_zone, z);
		return NULL;
	}
	for (size_t pg = off >> m->pgshift; pg <= (off + span - 1) >> m->pgshift; pg++)
		m->pg[pg].users++;
	/* new pages the zone did not land on (it fit elsewhere) go back */
	for (size_t i = 0; i < grown_n; i++)
		if (!m->pg[grown + i].users && m->iova[grown + i] != UD_BAD_IOVA &&
		    !(m->flags & UD_MEM_KEEP))
			ud_region_release_page(m, grown + i);
	z->next = m->zones;
	if (m->zones)
		m->zones->prev = z;
	m->zones = z;
	m->n_zones++;
	m->bytes_in_zones += len;
	pthread_mutex_unlock(&m->lock);
	return z;
}

static void zone_unlink(struct ud_mem *m, struct ud_zone *z)
{
	if (z->prev)
		z->prev->next = z->next;
	else
		m->zones = z->next;
	if (z->next)
		z->next->prev = z->prev;
	if (z->name[0])
		name_del(m, z);
	m->n_zones--;
	m->bytes_in_zones -= z->len;
}

/* Free @z; @owner: the call comes from the zone's owner (or not). */
static int zone_free(struct ud_zone *z, bool owner, const char *fn)
{
	struct ud_mem *m;
	int r;

	if (!z)
		return 0;
	if (ud_handle_check(&ud_hk_zone, z, fn))
		return -1;
	m = z->m;
	if (ud_mem_owner_check(m, fn))
		return -1;
	pthread_mutex_lock(&m->lock);
	/* again under the lock: another thread may have freed it meanwhile */
	if (z->magic != ud_hk_zone.live) {
		pthread_mutex_unlock(&m->lock);
		return ud_handle_bad(&ud_hk_zone, z, fn);
	}
	if (z->owner_what && !owner) {
		pthread_mutex_unlock(&m->lock);
		return ud_fail(EBUSY, "%s: zone '%s' holds %s '%s'; free the %s "
			       "instead (%s)", fn, z->name, z->owner_what,
			       z->owner_name, z->owner_what,
			       !strcmp(z->owner_what, "pool") ? "ud_pool_free()"
							      : "ud_desc_ring_free()");
	}
	if (z->owner_what)
		m->n_owned--;
	zone_unlink(m, z);
	r = ud_ext_add(m, z->off, z->span);
	for (size_t p = z->off >> m->pgshift;
	     p <= (z->off + z->span - 1) >> m->pgshift; p++) {
		if (--m->pg[p].users == 0 && r == 0 &&
		    m->mode == UD_MEM_DYNAMIC && !(m->flags & UD_MEM_KEEP) &&
		    !(m->pg[p].flags & UD_PG_KEEP))
			ud_region_release_page(m, p);
	}
	ud_handle_poison(&ud_hk_zone, z);
	pthread_mutex_unlock(&m->lock);
	ud_handle_kill(&ud_hk_zone, z);
	return r;
}

UD_EXPORT int ud_zone_free(struct ud_zone *z)
{
	return zone_free(z, false, "ud_zone_free");
}

int ud_zone_release(struct ud_zone *z)
{
	return zone_free(z, true, "ud_zone_release");
}

void ud_zone_set_owner(struct ud_zone *z, const char *what, const char *name)
{
	pthread_mutex_lock(&z->m->lock);
	z->owner_what = what;
	z->owner_name = name;
	z->m->n_owned++;
	pthread_mutex_unlock(&z->m->lock);
}

void ud_zones_fini(struct ud_mem *m)
{
	struct ud_zone *z, *nz;
	struct ud_ext *e, *ne;

	for (z = m->zones; z; z = nz) {
		nz = z->next;
		ud_handle_kill(&ud_hk_zone, z);
	}
	m->zones = NULL;
	for (e = m->ext_head; e; e = ne) {
		ne = e->next;
		free(e);
	}
	m->ext_head = NULL;
	free(m->names);
	m->names = NULL;
	m->names_cap = 0;
}

UD_EXPORT struct ud_zone *ud_zone_lookup(struct ud_mem *m, const char *name)
{
	struct ud_zone *z;

	if (ud_handle_check(&ud_hk_mem, m, "ud_zone_lookup"))
		return NULL;
	if (!name || !name[0])
		return ud_fail_null(EINVAL, "ud_zone_lookup: no name given; "
				    "anonymous zones cannot be looked up");
	pthread_mutex_lock(&m->lock);
	z = name_find(m, name);
	pthread_mutex_unlock(&m->lock);
	if (!z)
		return ud_fail_null(ENOENT, "no zone named '%s' in this region", name);
	return z;
}

UD_EXPORT void *ud_zone_addr(const struct ud_zone *z)
{
	if (ud_handle_check(&ud_hk_zone, z, "ud_zone_addr"))
		return NULL;
	return z->m->base + z->off;
}

UD_EXPORT size_t ud_zone_len(const struct ud_zone *z)
{
	if (ud_handle_check(&ud_hk_zone, z, "ud_zone_len"))
		return 0;
	return z->len;
}

UD_EXPORT uint64_t ud_zone_iova(const struct ud_zone *z)
{
	if (ud_handle_check(&ud_hk_zone, z, "ud_zone_iova"))
		return UD_BAD_IOVA;
	return z->iova;
}

UD_EXPORT int ud_zone_iova_contig(const struct ud_zone *z)
{
	if (ud_handle_check(&ud_hk_zone, z, "ud_zone_iova_contig"))
		return 0;
	return z->contig;
}

UD_EXPORT const char *ud_zone_name(const struct ud_zone *z)
{
	if (ud_handle_check(&ud_hk_zone, z, "ud_zone_name"))
		return "";
	return z->name;
}

UD_EXPORT struct ud_mem *ud_zone_mem(const struct ud_zone *z)
{
	if (ud_handle_check(&ud_hk_zone, z, "ud_zone_mem"))
		return NULL;
	return z->m;
}
