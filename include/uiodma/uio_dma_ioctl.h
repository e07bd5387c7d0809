/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * uio_dma control device ABI, shared by the kernel module and libuiodma.
 *
 * Each device bound to uio_dma has, beside /dev/uioN, a control device
 * /dev/uio_dma/<PCI address> (e.g. /dev/uio_dma/0000:03:00.0).  Its ioctls
 * bind an eventfd to each interrupt vector (VFIO-style), mask and unmask
 * vectors, and pin user memory for DMA, returning physical addresses.
 *
 * The holder.  /dev/uioN has one holder at a time: a second open() while it
 * is open fails with EBUSY (as a VFIO device does).  A holder may pass the
 * fd on (fork, SCM_RIGHTS); the device is released at the last close of
 * that open file.  Bus mastering is on only while the device is held, and
 * only once the holder turned it on (UIO_DMA_IOC_BUS_MASTER): it is off at
 * every open, as after a VFIO device's reset, so nothing the device still
 * had queued can DMA before its new holder has set it up.
 *
 * Quiet before reuse.  At the last close the module masks every vector,
 * turns bus mastering off and resets the function (FLR, PM or bus reset,
 * whichever the kernel offers: pci_try_reset_function()), restoring config
 * space as vfio-pci does; a device bound to uio_dma is also reset at its
 * first open, since what ran before (another driver, a holder when it was
 * unbound) is unknown.  A device that cannot be reset
 * (UIO_DMA_INFO_RESETTABLE clear; said in dmesg and in sysfs
 * uio_dma/reset), or whose reset failed (UIO_DMA_INFO_NOT_RESET), may
 * still run work a previous holder started: its holder stops it its own
 * way before turning bus mastering on.  A reset the kernel reports done is
 * trusted; QEMU 7.2's e1000e is known to accept a PM reset that resets
 * nothing (make the kernel use another: echo bus > .../reset_method).
 *
 * Pins outlive nothing that can DMA.  A pin is dropped by UIO_DMA_IOC_UNPIN
 * from the control file that made it, or, once that file is closed, as soon
 * as no process can make the device DMA: at once if /dev/uioN is not held,
 * else at its last close (after bus mastering is off and the function is
 * reset), or at unbind.  Pinned memory is charged to the pinning process's
 * RLIMIT_MEMLOCK (as VFIO type1 does; CAP_IPC_LOCK lifts the limit).
 *
 * Eventfds belong to the control file that set them: another control file
 * gets EBUSY for SET_EVENTFD or MASK on such a vector.  They are dropped
 * when that file is closed or the device is unbound (after being signalled
 * once).
 *
 * Unbind or removal revokes every mapping of the device's BARs, through
 * /dev/uioN and the control device alike: a later access gets SIGBUS.  After
 * unbind, ioctls fail with ENODEV and poll() on the control fd reports
 * POLLHUP.
 *
 * Locks are never held across copies to or from user memory, so every ioctl
 * may be given memory that faults or is being mapped.
 */
#ifndef UIO_DMA_IOCTL_H
#define UIO_DMA_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on any incompatible change; UIO_DMA_IOC_VERSION returns it. */
#define UIO_DMA_ABI_VERSION	3

#define UIO_DMA_IOC_MAGIC	0xD7

/* Interrupt modes, as reported in struct uio_dma_dev_info.intr_mode. */
#define UIO_DMA_MODE_NONE	0
#define UIO_DMA_MODE_LEGACY	1
#define UIO_DMA_MODE_MSI	2
#define UIO_DMA_MODE_MSIX	3

/* struct uio_dma_dev_info.flags */
#define UIO_DMA_INFO_RESETTABLE	(1u << 0)	/* reset at each last close */
#define UIO_DMA_INFO_HELD	(1u << 1)	/* /dev/uioN is open */
#define UIO_DMA_INFO_BUS_MASTER	(1u << 2)	/* bus mastering is on now */
#define UIO_DMA_INFO_NOT_RESET	(1u << 3)	/* not reset since the device
						 * last ran: stop it before
						 * turning bus mastering on */

struct uio_dma_dev_info {
	__u32 abi_version;	/* UIO_DMA_ABI_VERSION */
	__u32 intr_mode;	/* UIO_DMA_MODE_* */
	__u32 num_vectors;	/* 0 when interrupts are off */
	__u32 uio_minor;	/* N of /dev/uioN */
	__u32 flags;		/* UIO_DMA_INFO_* */
	__u32 reserved[3];	/* zero */
};

struct uio_dma_irq_eventfd {
	__u32 vector;		/* 0 .. num_vectors-1 */
	__s32 fd;		/* eventfd to signal, or -1 to clear */
};

/* Unmasking needs /dev/uioN held (EPERM otherwise): the last close masks all. */
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
 * mmap() of the control device or of /dev/uioN must be MAP_SHARED and stay
 * within the BAR (a BAR smaller than a page is mappable only when the rest
 * of its page could be reserved, so no other device's registers share it).
 * Pages are filled in at fault time while the device is bound.  A BAR is
 * mapped either uncached or write-combining for as long as the device is
 * bound (x86 PAT allows one memory type per range): the other kind fails
 * with EBUSY.
 *
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
/*
 * __u32 in: 1 turns bus mastering on, 0 off.  On (like unmasking with
 * UIO_DMA_IOC_MASK) only through a control file of the current holder:
 * one opened while /dev/uioN is held, or while the device was idle just
 * before that open (open the control device first, then /dev/uioN).  A
 * control file kept from an earlier hold gets EPERM, as does any when
 * nobody holds the device.  The last close turns it off in any case, and
 * no reset (ours, sysfs "reset", AER) turns it back on for nobody.
 */
#define UIO_DMA_IOC_BUS_MASTER	_IOW(UIO_DMA_IOC_MAGIC, 6, __u32)

#endif /* UIO_DMA_IOCTL_H */
