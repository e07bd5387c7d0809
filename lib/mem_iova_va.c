// SPDX-License-Identifier: MIT
/*
 * VA mode: IOVAs for a region's pages from the process's VFIO container
 * (lib/vfio.h).  The region's window of address space is placed where the
 * IOMMU accepts its virtual addresses as IOVAs (IOVA = VA), from 4 GiB up,
 * as DPDK does; where no such place is free the window gets an IOVA block
 * of the same size (IOVA = VA - base + iova_base).  Either way a page's
 * IOVA follows from where it sits, so pages next to each other in the
 * window are IOVA-contiguous.  A zone whose DMA limit (iova_max) lies
 * below the window gets IOVAs from the lowest free ones instead.  Each page
 * is mapped into the container on its own (type1 refuses to unmap part of
 * a mapping) and unmapped through the region's release hook before its
 * virtual address can hold another page.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <uiodma/error.h>

#include "internal.h"
#include "mem_internal.h"
#include "vfio.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define GIB ((uint64_t)1 << 30)
/* Window places tried before giving up on IOVA = VA. */
#define VA_TRIES 4096

static uint64_t linear_iova(const struct ud_mem *m, size_t p)
{
	return m->iova_base + ((uint64_t)p << m->pgshift);
}

/* Release hook (struct ud_pa_source.release) of VA mode: out of the IOMMU,
 * and a low IOVA back to the container, before the page goes. */
static void va_release(void *ctx, void *va, uint64_t iova, size_t pgsz)
{
	struct ud_mem *m = ctx;
	size_t p = (size_t)((char *)va - m->base) >> m->pgshift;

	ud_vfio_unmap(iova, pgsz);
	if (iova != linear_iova(m, p))
		ud_vfio_iova_put(iova, pgsz);
}

static const char *reserve_hint = "ask for less (ud_mem_config.va_size) or "
	"raise the address-space limit (ulimit -v)";

/* Reserve @len bytes at exactly @at; true if it worked. */
static bool reserve_at(struct ud_mem *m, uint64_t at, size_t len)
{
	void *p = mmap((void *)(uintptr_t)at, len, PROT_NONE, MAP_PRIVATE |
		       MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	if ((uintptr_t)p != at) {	/* a kernel before 4.17 took a hint */
		munmap(p, len);
		return false;
	}
	m->resv = p;
	m->resv_len = len;
	m->base = p;
	m->iova_base = at;
	return true;
}

/* IOVA = VA: a free place inside the ranges, from 4 GiB up. */
static bool place_identity(struct ud_mem *m, size_t len)
{
	struct ud_iova_range r[UD_IOVA_MAX_RANGES];
	size_t nr = ud_vfio_iova_ranges(r);
	unsigned int tries = 0;

	for (size_t i = 0; i < nr; i++) {
		uint64_t a = r[i].start > UD_IOVA_WINDOW_BASE ? r[i].start :
			     UD_IOVA_WINDOW_BASE;

		/* user addresses end at 2^47 on x86-64 and arm64 (48-bit VA) */
		for (a = (a + GIB - 1) & ~(GIB - 1);
		     a + len - 1 <= r[i].end && a + len <= (1ull << 47) &&
		     tries < VA_TRIES; a += GIB, tries++) {
			if (ud_vfio_iova_take(a, len))
				continue;
			if (reserve_at(m, a, len))
				return true;
			ud_vfio_iova_put(a, len);
		}
	}
	return false;
}

int ud_va_open(struct ud_mem *m, size_t len)
{
	char rs[256];

	if (ud_vfio_get())
		return -1;
	m->vfio = true;
	m->pas = (struct ud_pa_source){ .name = "vfio", .release = va_release,
					.ctx = m };
	if (place_identity(m, len)) {
		m->window_taken = true;
		return 0;
	}
	/* anywhere, and an IOVA block of its own: from 4 GiB, else lower */
	m->resv_len = len + GIB;
	m->resv = mmap(NULL, m->resv_len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->resv == MAP_FAILED) {
		m->resv = NULL;
		return ud_fail(ENOMEM, "cannot reserve %zu bytes of address "
			       "space: %s; %s", m->resv_len, strerror(errno),
			       reserve_hint);
	}
	m->base = (char *)(((uintptr_t)m->resv + GIB - 1) & ~(GIB - 1));
	if (ud_vfio_iova_alloc(len, GIB, 0, UD_IOVA_WINDOW_BASE, UINT64_MAX,
			       &m->iova_base) &&
	    ud_vfio_iova_alloc(len, GIB, 0, GIB, UINT64_MAX, &m->iova_base)) {
		struct ud_iova_range r[UD_IOVA_MAX_RANGES];
		struct ud_iova_space t = { .nr = ud_vfio_iova_ranges(r) };

		memcpy(t.r, r, t.nr * sizeof(*r));
		ud_iova_space_ranges_str(&t, rs, sizeof(rs));
		return ud_fail(ENOMEM, "VA mode: no room for the region's %zu "
			       "bytes of IOVAs in the IOMMU's ranges (%s%s) next "
			       "to this process's other memory; ask for a "
			       "smaller window (ud_mem_config.va_size)", len, rs,
			       ud_vfio_ranges_known() ? "" :
			       ", assumed until a device's group is attached");
	}
	m->window_taken = true;
	return 0;
}

void ud_va_close(struct ud_mem *m)
{
	if (m->window_taken)
		ud_vfio_iova_put(m->iova_base, (uint64_t)m->npages << m->pgshift);
	m->window_taken = false;
	if (m->vfio)
		ud_vfio_put();
	m->vfio = false;
}

/* A block of @k low IOVAs for @rq's DMA limit; 0 or -1 with error. */
static int low_block(struct ud_mem *m, size_t k, const struct ud_pgreq *rq,
		     uint64_t *iova)
{
	uint64_t len = (uint64_t)k << m->pgshift;
	uint64_t align = rq->pa_align > m->pgsz ? rq->pa_align : m->pgsz;

	if (ud_vfio_iova_alloc(len, align, rq->boundary, m->pgsz, rq->iova_max,
			       iova) == 0)
		return 0;
	return ud_fail_wrap(ENOMEM, "VA mode, DMA limit %#" PRIx64 " below "
			    "the region's window at IOVA %#" PRIx64 ": ",
			    rq->iova_max, m->iova_base);
}

int ud_va_assign(struct ud_mem *m, size_t p, size_t k,
		 const struct ud_pgreq *rq, uint64_t *iova)
{
	uint64_t low = 0, last = linear_iova(m, p + k) - 1;
	size_t i;

	if (rq->iova_max && last > rq->iova_max) {
		if (low_block(m, k, rq, &low))
			return -1;
	}
	for (i = 0; i < k; i++) {
		iova[i] = low ? low + ((uint64_t)i << m->pgshift) :
			  linear_iova(m, p + i);
		if (ud_vfio_map((uint64_t)(uintptr_t)(m->base + ((p + i) << m->pgshift)),
				iova[i], m->pgsz))
			break;
	}
	if (i == k)
		return 0;
	{
		int e = errno;
		char msg[UD_ERRMSG_MAX];

		snprintf(msg, sizeof(msg), "%s", ud_errmsg());
		while (i--)
			ud_vfio_unmap(iova[i], m->pgsz);
		for (i = 0; i < k; i++)
			iova[i] = UD_BAD_IOVA;
		if (low)
			ud_vfio_iova_put(low, (uint64_t)k << m->pgshift);
		return ud_fail(e, "%s", msg);
	}
}
