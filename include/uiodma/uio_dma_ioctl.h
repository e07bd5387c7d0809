/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * uio_dma control device ABI, shared by the kernel module and libuiodma.
 *
 * Each device bound to uio_dma has, beside /dev/uioN, a control device
 * /dev/uio_dma/<PCI address> (e.g. /dev/uio_dma/0000:03:00.0).  Its ioctls
 * bind an eventfd to each interrupt vector (VFIO-style), mask and unmask
 * vectors, and pin user memory for DMA, returning physical addresses.
 * Everything a control file set up (eventfds, pins) is dropped when it is
 * closed, and eventfds are also dropped when the device is unbound.  After
 * unbind, ioctls fail with ENODEV and poll() on the control fd reports
 * POLLHUP.
 */
#ifndef UIO_DMA_IOCTL_H
#define UIO_DMA_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on any incompatible change; UIO_DMA_IOC_VERSION returns it. */
#define UIO_DMA_ABI_VERSION	1

#define UIO_DMA_IOC_MAGIC	0xD7

/* Interrupt modes, as reported in struct uio_dma_dev_info.intr_mode. */
#define UIO_DMA_MODE_NONE	0
#define UIO_DMA_MODE_LEGACY	1
#define UIO_DMA_MODE_MSI	2
#define UIO_DMA_MODE_MSIX	3

struct uio_dma_dev_info {
	__u32 abi_version;	/* UIO_DMA_ABI_VERSION */
	__u32 intr_mode;	/* UIO_DMA_MODE_* */
	__u32 num_vectors;	/* 0 when interrupts are off */
	__u32 uio_minor;	/* N of /dev/uioN */
};

struct uio_dma_irq_eventfd {
	__u32 vector;		/* 0 .. num_vectors-1 */
	__s32 fd;		/* eventfd to signal, or -1 to clear */
};

struct uio_dma_irq_mask {
	__u32 vector;
	__u32 masked;		/* 1: mask, 0: unmask */
};

/*
 * Pin [vaddr, vaddr + len) for DMA (FOLL_LONGTERM: the pages cannot move)
 * and write the physical address of each page of page_size bytes to the
 * array at pa_array (len / page_size entries).  vaddr, len must be multiples
 * of page_size, which must be the kernel page size or a hugepage size the
 * range is backed by.  The pin lasts until UIO_DMA_IOC_UNPIN with the
 * returned handle or until the control file is closed.
 */
struct uio_dma_pin {
	__u64 vaddr;
	__u64 len;
	__u64 page_size;
	__u64 pa_array;		/* user pointer to __u64[len / page_size] */
	__u64 handle;		/* out: names the pin for UIO_DMA_IOC_UNPIN */
};

/*
 * mmap() of the control device maps a memory BAR by its number, all six
 * of them (UIO's own maps stop at five), uncached or write-combining:
 * offset = UIO_DMA_MMAP_OFFSET(bar, wc) + offset within the BAR.  Write-
 * combining is allowed on prefetchable BARs only (EINVAL otherwise).
 */
#define UIO_DMA_MMAP_BAR_SHIFT	40
#define UIO_DMA_MMAP_WC		(1ULL << 39)
#define UIO_DMA_MMAP_OFFSET(bar, wc) \
	(((__u64)(bar) << UIO_DMA_MMAP_BAR_SHIFT) | ((wc) ? UIO_DMA_MMAP_WC : 0))

/* __u32 out: UIO_DMA_ABI_VERSION of the running module. */
#define UIO_DMA_IOC_VERSION	_IOR(UIO_DMA_IOC_MAGIC, 0, __u32)
#define UIO_DMA_IOC_INFO	_IOR(UIO_DMA_IOC_MAGIC, 1, struct uio_dma_dev_info)
#define UIO_DMA_IOC_SET_EVENTFD	_IOW(UIO_DMA_IOC_MAGIC, 2, struct uio_dma_irq_eventfd)
#define UIO_DMA_IOC_MASK	_IOW(UIO_DMA_IOC_MAGIC, 3, struct uio_dma_irq_mask)
#define UIO_DMA_IOC_PIN		_IOWR(UIO_DMA_IOC_MAGIC, 4, struct uio_dma_pin)
#define UIO_DMA_IOC_UNPIN	_IOW(UIO_DMA_IOC_MAGIC, 5, __u64)

#endif /* UIO_DMA_IOCTL_H */
