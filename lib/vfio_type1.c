// SPDX-License-Identifier: MIT
/*
 * The kernel side of the container: /dev/vfio/vfio with the type1 IOMMU
 * (linux/vfio.h; drivers/vfio/container.c, drivers/vfio/vfio_iommu_type1.c).
 * Debian's 6.1 and 6.12 kernels have no iommufd and no no-IOMMU mode, so
 * this is the one way in.  The container's bookkeeping is in
 * lib/vfio_container.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include <uiodma/error.h>

#include "internal.h"
#include "vfio.h"

#define VFIO_PATH "/dev/vfio/vfio"
#define LOAD_HINT "load vfio-pci and vfio_iommu_type1 as root (modprobe " \
	"vfio-pci; modprobe vfio_iommu_type1: busybox modprobe ignores the " \
	"softdep that pulls it in), or use UD_IOVA_MODE=pa where physical " \
	"addresses work (no IOMMU, or iommu=pt)"

static int cfd = -1;
static unsigned long iommu_type;

static int t1_open(void *ctx)
{
	int v;

	(void)ctx;
	cfd = open(VFIO_PATH, O_RDWR | O_CLOEXEC);
	if (cfd < 0) {
		int e = errno;

		if (e == ENOENT || e == ENODEV || e == ENXIO)
			return ud_fail(ENODEV, "VA mode needs the VFIO container "
				       VFIO_PATH ", which does not exist (%s): "
				       LOAD_HINT, strerror(e));
		return ud_fail(e, "cannot open " VFIO_PATH " (%s): VA mode needs "
			       "it; run as root or give the user access to "
			       "/dev/vfio/*", strerror(e));
	}
	v = ioctl(cfd, VFIO_GET_API_VERSION);
	if (v != VFIO_API_VERSION) {
		close(cfd);
		cfd = -1;
		return ud_fail(EPROTO, VFIO_PATH " speaks VFIO API %d, the "
			       "library %d (linux/vfio.h)", v, VFIO_API_VERSION);
	}
	if (ioctl(cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		iommu_type = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0)
		iommu_type = VFIO_TYPE1_IOMMU;
	else {
		close(cfd);
		cfd = -1;
		return ud_fail(ENODEV, "the VFIO container offers no type1 IOMMU "
			       "(VFIO_CHECK_EXTENSION): vfio_iommu_type1 is not "
			       "loaded; " LOAD_HINT);
	}
	return 0;
}

static void t1_close(void *ctx)
{
	(void)ctx;
	if (cfd >= 0)
		close(cfd);
	cfd = -1;
}

/* The IOVA ranges from VFIO_IOMMU_GET_INFO's capability chain; without the
 * capability (kernels before 5.4) the assumed ranges stay. */
static int get_ranges(struct ud_iova_range *r, size_t *nr)
{
	struct vfio_iommu_type1_info hdr = { .argsz = sizeof(hdr) };
	struct vfio_iommu_type1_info *info;
	uint32_t off;

	if (ioctl(cfd, VFIO_IOMMU_GET_INFO, &hdr))
		return ud_fail(errno, "VFIO_IOMMU_GET_INFO failed: %s",
			       strerror(errno));
	info = calloc(1, hdr.argsz);
	if (!info)
		return ud_fail(ENOMEM, "out of memory for the IOMMU's info");
	info->argsz = hdr.argsz;
	if (ioctl(cfd, VFIO_IOMMU_GET_INFO, info)) {
		int e = errno;

		free(info);
		return ud_fail(e, "VFIO_IOMMU_GET_INFO failed: %s", strerror(e));
	}
	*nr = 0;
	off = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	while (off && off + sizeof(struct vfio_info_cap_header) <= info->argsz) {
		struct vfio_info_cap_header *h = (void *)((char *)info + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *c = (void *)h;

			for (uint32_t i = 0; i < c->nr_iovas &&
			     *nr < UD_IOVA_MAX_RANGES; i++) {
				r[*nr].start = c->iova_ranges[i].start;
				r[*nr].end = c->iova_ranges[i].end;
				(*nr)++;
			}
		}
		if (h->next <= off)
			break;
		off = h->next;
	}
	free(info);
	if (!*nr) {	/* no capability: one range, the assumed window */
		r[0] = (struct ud_iova_range){ 0, UD_IOVA_MSI_START - 1 };
		r[1] = (struct ud_iova_range){ UD_IOVA_MSI_END + 1,
					       UD_IOVA_DEFAULT_END };
		*nr = 2;
	}
	return 0;
}

static int t1_attach(void *ctx, int gfd, bool first, struct ud_iova_range *r,
		     size_t *nr)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	(void)ctx;
	if (ioctl(gfd, VFIO_GROUP_GET_STATUS, &st))
		return ud_fail(errno, "VFIO_GROUP_GET_STATUS failed: %s",
			       strerror(errno));
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return ud_fail(EBUSY, "the VFIO group is not viable: every "
			       "device in its IOMMU group (ls /sys/kernel/"
			       "iommu_groups/N/devices) must be bound to "
			       "vfio-pci or to no driver");
	if (ioctl(gfd, VFIO_GROUP_SET_CONTAINER, &cfd))
		return ud_fail(errno, "VFIO_GROUP_SET_CONTAINER failed: %s",
			       strerror(errno));
	if (!first)
		return 0;
	if (ioctl(cfd, VFIO_SET_IOMMU, iommu_type)) {
		int e = errno;

		ioctl(gfd, VFIO_GROUP_UNSET_CONTAINER);
		if (e == EPERM)
			return ud_fail(EPERM, "VFIO_SET_IOMMU refused (EPERM): "
				       "the IOMMU has no interrupt remapping, so "
				       "vfio_iommu_type1 will not isolate MSIs; "
				       "turn interrupt remapping on (intremap=on "
				       "for QEMU's intel-iommu, enabled in the "
				       "firmware on hardware)");
		return ud_fail(e, "VFIO_SET_IOMMU (type %lu) failed: %s",
			       iommu_type, strerror(e));
	}
	if (get_ranges(r, nr)) {
		int e = errno;

		ioctl(gfd, VFIO_GROUP_UNSET_CONTAINER);
		errno = e;
		return -1;
	}
	return 0;
}

static int t1_detach(void *ctx, int gfd)
{
	(void)ctx;
	if (ioctl(gfd, VFIO_GROUP_UNSET_CONTAINER))
		return ud_fail(errno, "VFIO_GROUP_UNSET_CONTAINER failed: %s",
			       strerror(errno));
	return 0;
}

static int t1_map(void *ctx, uint64_t va, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = va, .iova = iova, .size = len,
	};
	int e;

	(void)ctx;
	if (ioctl(cfd, VFIO_IOMMU_MAP_DMA, &m) == 0)
		return 0;
	e = errno;
	if (e == ENOMEM)
		return ud_fail(e, "VFIO_IOMMU_MAP_DMA of %#" PRIx64 " bytes at "
			       "IOVA %#" PRIx64 " failed (ENOMEM): the pages are "
			       "pinned against RLIMIT_MEMLOCK; raise it (ulimit "
			       "-l) or run as root", len, iova);
	return ud_fail(e, "VFIO_IOMMU_MAP_DMA of %#" PRIx64 " bytes at IOVA %#"
		       PRIx64 " (virtual address %#" PRIx64 ") failed: %s%s",
		       len, iova, va, strerror(e), e == EINVAL ?
		       " (an IOVA outside the IOMMU's address width is EINVAL)" :
		       "");
}

static int t1_unmap(void *ctx, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = len,
	};

	(void)ctx;
	if (ioctl(cfd, VFIO_IOMMU_UNMAP_DMA, &u))
		return ud_fail(errno, "VFIO_IOMMU_UNMAP_DMA of %#" PRIx64
			       " bytes at IOVA %#" PRIx64 " failed: %s", len,
			       iova, strerror(errno));
	if (u.size != len)
		return ud_fail(EIO, "VFIO_IOMMU_UNMAP_DMA at IOVA %#" PRIx64
			       " unmapped %#llx bytes, not %#" PRIx64, iova,
			       (unsigned long long)u.size, len);
	return 0;
}

const struct ud_vfio_backend ud_vfio_type1 = {
	.name = "vfio type1",
	.open = t1_open,
	.attach = t1_attach,
	.detach = t1_detach,
	.map = t1_map,
	.unmap = t1_unmap,
	.close = t1_close,
};
