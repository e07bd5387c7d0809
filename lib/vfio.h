/* SPDX-License-Identifier: MIT */
/*
 * The process's VFIO type1 container (lib/vfio_container.c); private.
 *
 * One container per process, shared by every VA-mode region and every
 * device opened through vfio-pci, as DPDK and SPDK do.  It holds every DMA
 * mapping the library made (IOVA -> virtual address) and the IOVA space;
 * mappings made before the first group is attached are kept and applied
 * when it is (the IOMMU exists only from VFIO_SET_IOMMU on, which needs a
 * group), and applied again to a new first group after the last one left.
 *
 * Threads: every function takes the container's lock; none calls back into
 * a region, so region locks may be held when calling them (lock order:
 * region -> container).
 */
#ifndef UIODMA_VFIO_H
#define UIODMA_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iova_space.h"

/*
 * struct ud_vfio_backend - what the container does to the kernel.  The
 * real one works on /dev/vfio/vfio and the group fds (linux/vfio.h); tests
 * inject a fake.  Each returns 0 or -1 with errno and ud_errmsg() set.
 * @open: open the container (at the first ud_vfio_get()).
 * @attach: join @group_fd to the container; @first: no group was attached,
 *          so also set the IOMMU type and report the IOVA ranges into
 *          @r (room for UD_IOVA_MAX_RANGES) and *@nr.
 * @detach: take @group_fd out again.
 * @map: VFIO_IOMMU_MAP_DMA of @len bytes at @va to @iova, read and write.
 * @unmap: VFIO_IOMMU_UNMAP_DMA of exactly one earlier @map.
 * @close: close the container (after the last ud_vfio_put()).
 */
struct ud_vfio_backend {
	const char *name;
	int (*open)(void *ctx);
	int (*attach)(void *ctx, int group_fd, bool first,
		      struct ud_iova_range *r, size_t *nr);
	int (*detach)(void *ctx, int group_fd);
	int (*map)(void *ctx, uint64_t va, uint64_t iova, uint64_t len);
	int (*unmap)(void *ctx, uint64_t iova, uint64_t len);
	void (*close)(void *ctx);
	void *ctx;
};

/* Use the container (opening it at the first use); 0 or -1 with error
 * (ENODEV: no vfio, the message naming the modules to load; EACCES). */
int ud_vfio_get(void);
/* Stop using it; the last user closes it (its mappings must be gone). */
void ud_vfio_put(void);

/* Attach/detach a group (needs ud_vfio_get()); on the first attach the
 * IOMMU's ranges replace the assumed ones and the held mappings are made;
 * -1 with error if a held one lies outside the ranges (ERANGE). */
int ud_vfio_group_attach(int group_fd);
int ud_vfio_group_detach(int group_fd);
/* Groups attached now. */
int ud_vfio_groups(void);

/* Map / unmap one piece (held while no group is attached).  Unmapping
 * what was never mapped: -1 with ENOENT. */
int ud_vfio_map(uint64_t va, uint64_t iova, uint64_t len);
int ud_vfio_unmap(uint64_t iova, uint64_t len);
/* Mappings the container holds (made or held). */
size_t ud_vfio_mappings(void);

/* The container's IOVA space, under its lock (see iova_space.h). */
int ud_vfio_iova_take(uint64_t start, uint64_t len);
int ud_vfio_iova_alloc(uint64_t len, uint64_t align, uint64_t boundary,
		       uint64_t lo, uint64_t hi, uint64_t *out);
void ud_vfio_iova_put(uint64_t start, uint64_t len);
/* A copy of the ranges (assumed or reported); the count. */
size_t ud_vfio_iova_ranges(struct ud_iova_range *r);
/* Whether the ranges came from an IOMMU (a group is or was attached). */
bool ud_vfio_ranges_known(void);

/* The real backend: /dev/vfio/vfio, type1 (lib/vfio_type1.c). */
extern const struct ud_vfio_backend ud_vfio_type1;

/* Tests: the backend for the next open (NULL: the real one).  Refused
 * (EBUSY) while the container is in use. */
int ud_vfio_set_backend(const struct ud_vfio_backend *be);

#endif /* UIODMA_VFIO_H */
