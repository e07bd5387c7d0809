/* SPDX-License-Identifier: MIT */
/* PCI device access (uiodma/dev.h): state shared by lib/dev_*.c. */
#ifndef UIODMA_DEV_INTERNAL_H
#define UIODMA_DEV_INTERNAL_H

#include <stddef.h>

#include <stdint.h>

#include <uiodma/dev.h>
#include <uiodma/irq.h>

#define UD_NBARS 6

enum ud_dev_driver {
	UD_DRV_NONE,		/* no driver, or one that is not a UIO driver */
	UD_DRV_UIO_DMA,
	UD_DRV_IGB_UIO,
	UD_DRV_UIO_PCI_GENERIC,
	UD_DRV_VFIO_PCI,	/* IOVA as VA through the VFIO container */
};

struct ud_dev_map {
	void *addr;
	size_t len;		/* BAR length */
	size_t maplen;		/* page-rounded length mapped */
};

/* A device on vfio-pci (dev_vfio.c): its regions, by VFIO index. */
struct ud_vfio_region {
	uint64_t off, size;	/* in the device fd */
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_* */
};

struct ud_dev {
	uint32_t magic;		/* handle.h: ud_hk_dev */
	struct ud_dev_info info;
	enum ud_dev_driver drv;
	int cfg_fd;		/* sysfs config; vfio-pci: the device fd */
	uint64_t cfg_off;	/* where config space starts in cfg_fd */
	int vfio_group;		/* vfio-pci: IOMMU group number, else -1 */
	int iova_held;		/* enum ud_iova_mode counted (iova_mode.h), or 0 */
	uint32_t vfio_flags;	/* vfio-pci: VFIO_DEVICE_FLAGS_* */
	struct ud_vfio_region vfio_bar[UD_NBARS];
	int cfg_rw;		/* cfg_fd was opened read-write */
	int ctl_fd;		/* /dev/uio_dma/<addr>, or -1 */
	int uio_fd;		/* /dev/uioN, held while open, or -1 */
	int pins_on_ctl;	/* memory pinned through ctl_fd (dma_pins.c) */
	int looking;		/* from ud_dev_inspect(): holds nothing */
	struct ud_bar_info bars[UD_NBARS];
	struct ud_dev_map maps[UD_NBARS][2];	/* [bar][wc] */
};

/* An interrupt handle (dev_irq.c). */
struct ud_irq {
	uint32_t magic;		/* handle.h: ud_hk_irq */
	char addr[UD_PCI_ADDR_STRLEN];
	enum ud_dev_driver driver;
	enum ud_irq_mode mode;
	unsigned int nvec;
	int ctl_fd;		/* uio_dma control device, else -1 */
	int uio_fd;		/* /dev/uioN for other drivers, else -1 */
	int vfio_fd;		/* vfio-pci: the device fd (a dup), else -1 */
	int req_fd;		/* vfio-pci: eventfd of the request IRQ, else -1 */
	int hup_fd;		/* reports unbind: ctl_fd, req_fd, or -1 */
	short hup_events;	/* and how, besides POLLHUP/POLLERR: POLLIN */
	unsigned int vfio_index; /* vfio-pci: VFIO_PCI_*_IRQ_INDEX in use */
	uint32_t uio_last;	/* last total read from uio_fd */
	int *fds;		/* per vector: eventfd / uio_fd, or -1 */
	/* ud_irq_open_dev(): the device handle, until ud_dev_close() closes
	 * it (dev_irq.c's list); then NULL and @dev_gone set */
	const struct ud_dev *dev;
	struct ud_irq *dev_next;
	int dev_gone;
};

/* The driver kind for a driver name. */
enum ud_dev_driver ud_dev_driver_kind(const char *driver);

/* Read a small sysfs file into @buf, newline stripped; 0 or -1 (errno). */
int ud_sysfs_read(const char *path, char *buf, size_t len);

/* Write @val to a sysfs file; 0 or -1 (errno set, no message). */
int ud_sysfs_write(const char *path, const char *val);

/*
 * Why uio_dma bound @info's device without interrupts (mode none), and what
 * to do: the module's intr_mode is none, or the device has no interrupt at
 * all (poll it), or lacks the mode asked for, or dmesg knows.  Into @buf.
 */
void ud_irq_off_why(const struct ud_dev_info *info, char *buf, size_t len);
/* The same from given facts: @mode, the module's intr_mode parameter ("" if
 * unknown); @caps_seen, whether @info's MSI/MSI-X fields could be read. */
void ud_irq_off_text(const struct ud_dev_info *info, const char *mode,
		     int caps_seen, char *buf, size_t len);

/* ---- dev_vfio.c: a device bound to vfio-pci ---- */
/*
 * Open @d (bound to vfio-pci): its IOMMU group /dev/vfio/N (shared by the
 * devices of one group in this process), attached to the process's
 * container (vfio.h), and the device fd, which becomes d->cfg_fd with
 * d->cfg_off at the config region; BAR regions into d->vfio_bar.
 * 0, or -1 with errno and a message naming the cause and the fix.
 */
int ud_vfio_dev_open(struct ud_dev *d);
/* Over vfio-pci (nothing otherwise): close the device fd (d->cfg_fd) and
 * let go of the group; after ud_irq_dev_closing(). */
void ud_vfio_dev_close(struct ud_dev *d);
/* mmap() BAR @bar of @maplen bytes from the device fd; NULL with error. */
void *ud_vfio_dev_map_bar(struct ud_dev *d, unsigned int bar, size_t maplen);
/* VFIO_DEVICE_RESET; -1 with EOPNOTSUPP where vfio offers none. */
int ud_vfio_dev_reset(struct ud_dev *d);
/* Before binding @addr to vfio-pci: 0 if every other device of its IOMMU
 * group has no driver, vfio-pci or pci-stub (or is a bridge); else -1
 * with EBUSY naming them (ENODEV: no IOMMU group). */
int ud_vfio_group_check(const char *addr);

/* ---- dev_irq.c ---- */
/*
 * @d is being closed: every interrupt handle opened from it with
 * ud_irq_open_dev() has its vectors disabled and its descriptors (its
 * duplicates of @d's) closed, so the device is let go of as a whole; every
 * later call on such a handle but ud_irq_close() fails with ENODEV.
 */
void ud_irq_dev_closing(const struct ud_dev *d);

/* ---- dev_irq_vfio.c: interrupts of a device on vfio-pci ---- */
/* Take @dev_fd (owned from here on) and choose MSI-X, MSI or INTx: sets
 * irq->mode, nvec, vfio_index; 0 or -1 with error. */
int ud_irq_vfio_open(struct ud_irq *irq, int dev_fd);
/* Vector @vec's eventfd becomes @fd (-1: off), the whole set sent to the
 * kernel; on failure irq->fds is as before.  0 or -1 with error. */
int ud_irq_vfio_set(struct ud_irq *irq, unsigned int vec, int fd);
/* Mask/unmask @vec: INTx through vfio; MSI/MSI-X cannot be masked
 * (EOPNOTSUPP), and unmasking them does nothing. */
int ud_irq_vfio_mask(struct ud_irq *irq, unsigned int vec, int masked);
/* The request IRQ (VFIO_PCI_REQ_IRQ_INDEX) on an eventfd, irq->req_fd:
 * readable when the kernel asks for the device back (unbind, unplug);
 * -1 with error where vfio offers none. */
int ud_irq_vfio_req_open(struct ud_irq *irq);
void ud_irq_vfio_req_close(struct ud_irq *irq);
/* Tests: use @mode (UD_IRQ_MSIX, UD_IRQ_MSI, UD_IRQ_LEGACY) instead of the
 * first the device offers; every vector must be disabled.  0 or -1. */
int ud_irq_vfio_force_mode(struct ud_irq *irq, enum ud_irq_mode mode);

/* Read the capability-derived fields of @info from config space. */
void ud_dev_info_caps(struct ud_dev_info *info);

#endif /* UIODMA_DEV_INTERNAL_H */
