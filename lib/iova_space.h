/* SPDX-License-Identifier: MIT */
/*
 * The IOVA space of one VFIO container: the ranges its IOMMU accepts and
 * which parts of them are taken.  Pure bookkeeping (no system call), so
 * placement is tested with any ranges (tests/unit/test_mem_iova_va.c);
 * private to the library.
 */
#ifndef UIODMA_IOVA_SPACE_H
#define UIODMA_IOVA_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One range a type1 IOMMU accepts, both ends inclusive, as
 * VFIO_IOMMU_GET_INFO's IOVA range capability reports it (linux/vfio.h,
 * struct vfio_iova_range). */
struct ud_iova_range {
	uint64_t start, end;
};

#define UD_IOVA_MAX_RANGES 16

/* struct ud_iova_space - ranges and the taken pieces (sorted, disjoint). */
struct ud_iova_space {
	struct ud_iova_range r[UD_IOVA_MAX_RANGES];
	size_t nr;
	struct ud_iova_range *used;
	size_t nused, cap;
};

/*
 * Ranges assumed before any group tells the real ones: a 39-bit IOMMU (QEMU's
 * intel-iommu default aw-bits=39, many client CPUs' VT-d) without the x86
 * MSI window 0xfee00000-0xfeefffff, which the kernel reserves in every
 * domain (drivers/iommu/intel/iommu.c, IOAPIC_RANGE_START/END): exactly
 * what VFIO_IOMMU_GET_INFO reports in the test guests (vfio-facts.md).
 */
#define UD_IOVA_MSI_START 0xfee00000ull
#define UD_IOVA_MSI_END   0xfeefffffull
#define UD_IOVA_DEFAULT_END ((1ull << 39) - 1)
/* Where windows for VA-mode memory start looking (DPDK's base too). */
#define UD_IOVA_WINDOW_BASE (4ull << 30)

/* Empty space with the default ranges above. */
void ud_iova_space_init(struct ud_iova_space *s);
void ud_iova_space_fini(struct ud_iova_space *s);

/*
 * ud_iova_space_set_ranges() - the ranges the IOMMU really accepts.
 * Every taken piece must lie inside one of them: if one does not, nothing
 * changes and the call fails (ERANGE) naming the piece and the ranges.
 * More than UD_IOVA_MAX_RANGES ranges: the rest are dropped (less space,
 * never a wrong one).  No range: EINVAL.
 */
int ud_iova_space_set_ranges(struct ud_iova_space *s,
			     const struct ud_iova_range *r, size_t n);

/* Whether [start, start + len) lies inside one range and is not taken. */
bool ud_iova_space_free(const struct ud_iova_space *s, uint64_t start,
			uint64_t len);

/* Take [start, start + len); -1 with EEXIST (taken) or ERANGE (outside). */
int ud_iova_space_take(struct ud_iova_space *s, uint64_t start, uint64_t len);

/*
 * ud_iova_space_alloc() - take the lowest free block of @len bytes at or
 * above @lo whose last byte is at or below @hi, its start a multiple of
 * @align (a power of two), not crossing a multiple of @boundary (a power
 * of two >= @len, or 0).  0 with *@out, or -1 with ENOMEM (the message
 * names the limits and the ranges).
 */
int ud_iova_space_alloc(struct ud_iova_space *s, uint64_t len, uint64_t align,
			uint64_t boundary, uint64_t lo, uint64_t hi,
			uint64_t *out);

/* Give back [start, start + len), all or part of one piece that
 * ud_iova_space_take() or ud_iova_space_alloc() took (a block taken at
 * once may be given back page by page).  What is not taken is ignored. */
void ud_iova_space_put(struct ud_iova_space *s, uint64_t start, uint64_t len);

/* The ranges as text ("0-0xfedfffff, 0xfef00000-0x7fffffffff") into @buf. */
void ud_iova_space_ranges_str(const struct ud_iova_space *s, char *buf,
			      size_t len);

#endif /* UIODMA_IOVA_SPACE_H */
