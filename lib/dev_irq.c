// SPDX-License-Identifier: MIT
/*
 * Interrupts: one pollable fd per vector.
 *
 * Over uio_dma every vector gets an eventfd bound through the control
 * device (UIO_DMA_IOC_SET_EVENTFD); over vfio-pci through
 * VFIO_DEVICE_SET_IRQS (lib/dev_irq_vfio.c).  Over igb_uio and uio_pci_generic
 * vector 0 is /dev/uioN itself, whose read() returns the running total, so
 * the library remembers the last total to report counts since last time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uiodma/irq.h>
#include <uiodma/uio_dma_ioctl.h>
#include "dev_ctl.h"
#include "dev_internal.h"
#include "handle.h"
#include "internal.h"
#include "dev_sysfs.h"

static const char *const mode_names[] = {
	[UD_IRQ_NONE] = "none", [UD_IRQ_LEGACY] = "legacy",
	[UD_IRQ_MSI] = "msi", [UD_IRQ_MSIX] = "msix",
	[UD_IRQ_UNKNOWN] = "unknown",
};

UD_EXPORT const char *ud_irq_mode_name(enum ud_irq_mode mode)
{
	return (unsigned int)mode < 5 ? mode_names[mode] : "invalid";
}

/* The kernel's mode (UIO_DMA_MODE_*) in the library's words. */
static enum ud_irq_mode mode_from_abi(uint32_t abi_mode)
{
	switch (abi_mode) {
	case UIO_DMA_MODE_NONE:
		return UD_IRQ_NONE;
	case UIO_DMA_MODE_LEGACY:
		return UD_IRQ_LEGACY;
	case UIO_DMA_MODE_MSI:
		return UD_IRQ_MSI;
	case UIO_DMA_MODE_MSIX:
		return UD_IRQ_MSIX;
	default:
		return UD_IRQ_UNKNOWN;
	}
}

/* uio_dma: @ctl_fd is the control device, owned by @irq from here on. */
static int open_uio_dma(struct ud_irq *irq, int ctl_fd)
{
	struct uio_dma_dev_info info;

	irq->ctl_fd = ctl_fd;
	if (irq->ctl_fd < 0)
		return -1;
	if (ioctl(irq->ctl_fd, UIO_DMA_IOC_INFO, &info) < 0)
		return ud_fail(errno, "UIO_DMA_IOC_INFO on /dev/uio_dma/%s: %s",
			       irq->addr, strerror(errno));
	irq->mode = mode_from_abi(info.intr_mode);
	irq->nvec = info.num_vectors;
	return 0;
}

/* igb_uio, uio_pci_generic: @uio_fd is /dev/uioN, owned by @irq. */
static int open_uio(struct ud_irq *irq, int uio_fd)
{
	irq->uio_fd = uio_fd;
	if (irq->uio_fd < 0)
		return -1;
	if (fcntl(irq->uio_fd, F_SETFL, O_NONBLOCK) < 0)
		return ud_fail(errno, "fcntl on /dev/uioN of %s: %s", irq->addr,
			       strerror(errno));
	irq->mode = irq->driver == UD_DRV_IGB_UIO ? UD_IRQ_UNKNOWN : UD_IRQ_LEGACY;
	irq->nvec = 1;
	return 0;
}

static int open_uio_path(const char *addr)
{
	int minor = ud_pci_uio_minor(addr), fd;
	char path[32];

	if (minor < 0)
		return -1;
	snprintf(path, sizeof(path), "/dev/uio%d", minor);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return ud_fail(errno, "cannot open %s: %s", path, strerror(errno));
	return fd;
}

static int dup_fd(int fd, const char *addr)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (d < 0)
		return ud_fail(errno, "duplicating a descriptor of %s: %s", addr,
			       strerror(errno));
	return d;
}

/* One eventfd per vector (uio_dma, vfio-pci), not /dev/uioN's count. */
static int per_vector(const struct ud_irq *irq)
{
	return irq->driver == UD_DRV_UIO_DMA || irq->driver == UD_DRV_VFIO_PCI;
}

/*
 * The interrupt handles opened with ud_irq_open_dev() whose device handle
 * is open, linked through dev_next: ud_dev_close() takes their
 * descriptors of the device with it (ud_irq_dev_closing()).
 */
static struct ud_irq *from_dev;
static pthread_mutex_t from_dev_lock = PTHREAD_MUTEX_INITIALIZER;

/* Take @irq off the list; under from_dev_lock. */
static void from_dev_unlink(struct ud_irq *irq)
{
	for (struct ud_irq **p = &from_dev; *p; p = &(*p)->dev_next)
		if (*p == irq) {
			*p = irq->dev_next;
			break;
		}
	irq->dev = NULL;
	irq->dev_next = NULL;
}

/* Disable every vector and close the descriptors (all -1 afterwards). */
static void irq_close_fds(struct ud_irq *irq)
{
	for (unsigned int v = 0; irq->fds && v < irq->nvec; v++)
		if (irq->fds[v] >= 0)
			ud_irq_disable(irq, v);
	if (irq->ctl_fd >= 0)
		close(irq->ctl_fd);
	ud_irq_vfio_req_close(irq);
	if (irq->vfio_fd >= 0)
		close(irq->vfio_fd);
	if (irq->uio_fd >= 0)
		close(irq->uio_fd);
	irq->ctl_fd = irq->vfio_fd = irq->uio_fd = irq->hup_fd = -1;
}

/* Disable every vector, close the descriptors and kill the handle. */
static void irq_release(struct ud_irq *irq)
{
	pthread_mutex_lock(&from_dev_lock);
	if (irq->dev)
		from_dev_unlink(irq);
	pthread_mutex_unlock(&from_dev_lock);
	irq_close_fds(irq);
	free(irq->fds);
	ud_handle_kill(&ud_hk_irq, irq);
}

void ud_irq_dev_closing(const struct ud_dev *d)
{
	struct ud_irq *irq, *next;

	pthread_mutex_lock(&from_dev_lock);
	for (irq = from_dev; irq; irq = next) {
		next = irq->dev_next;
		if (irq->dev != d)
			continue;
		irq_close_fds(irq);
		from_dev_unlink(irq);
		irq->dev_gone = 1;
	}
	pthread_mutex_unlock(&from_dev_lock);
}

/*
 * ud_handle_check() for every call on an interrupt handle but
 * ud_irq_close(), and ENODEV once its device handle was closed.
 */
static int irq_check(const struct ud_irq *irq, const char *fn)
{
	if (ud_handle_check(&ud_hk_irq, irq, fn))
		return -1;
	if (irq->dev_gone)
		return ud_fail(ENODEV, "%s: the interrupt handle of %s outlived "
			       "its device: ud_dev_close() closed the device "
			       "handle it came from (ud_irq_open_dev), which "
			       "disabled its vectors and closed its descriptors; "
			       "close it (ud_irq_close) and open a new one from "
			       "an open device handle", fn, irq->addr);
	return 0;
}

/*
 * Open the interrupts of @addr, bound to @drv; @dev: the device's handle,
 * whose descriptors are shared (duplicated), or NULL to open our own.
 */
static struct ud_irq *irq_open(const char *addr, enum ud_dev_driver drv,
			       const struct ud_dev *dev)
{
	struct ud_irq *irq = ud_handle_new(&ud_hk_irq);
	int ret;

	if (!irq)
		return NULL;
	irq->ctl_fd = irq->uio_fd = irq->vfio_fd = irq->req_fd = -1;
	irq->hup_fd = -1;
	irq->driver = drv;
	snprintf(irq->addr, sizeof(irq->addr), "%s", addr);
	switch (drv) {
	case UD_DRV_UIO_DMA:
		ret = open_uio_dma(irq, dev ? dup_fd(dev->ctl_fd, addr) :
					      ud_ctl_open(addr));
		break;
	case UD_DRV_IGB_UIO:
	case UD_DRV_UIO_PCI_GENERIC:
		ret = open_uio(irq, dev ? dup_fd(dev->uio_fd, addr) :
					  open_uio_path(addr));
		break;
	case UD_DRV_VFIO_PCI:
		ret = dev ? ud_irq_vfio_open(irq, dup_fd(dev->cfg_fd, addr)) :
			ud_fail(EOPNOTSUPP, "%s is bound to vfio-pci, whose "
				"interrupts come through the device fd: open it "
				"with ud_dev_open() and use ud_irq_open_dev()",
				addr);
		break;
	default:
		ret = ud_fail(ENODEV, "%s is not bound to a UIO driver: bind it to uio_dma for interrupts (uiodma bind %s)",
			      addr, addr);
	}
	if (ret)
		goto fail;
	/* unbind: uio_dma's control device hangs up; vfio-pci signals its
	 * request IRQ (no request IRQ: not reported, as over igb_uio) */
	irq->hup_fd = irq->ctl_fd;
	if (drv == UD_DRV_VFIO_PCI && ud_irq_vfio_req_open(irq) == 0) {
		irq->hup_fd = irq->req_fd;
		irq->hup_events = POLLIN;
	}

	irq->fds = malloc((irq->nvec ? irq->nvec : 1) * sizeof(*irq->fds));
	if (!irq->fds) {
		ud_fail(ENOMEM, "out of memory");
		goto fail;
	}
	for (unsigned int v = 0; v < irq->nvec; v++)
		irq->fds[v] = -1;
	if (dev) {
		pthread_mutex_lock(&from_dev_lock);
		irq->dev = dev;
		irq->dev_next = from_dev;
		from_dev = irq;
		pthread_mutex_unlock(&from_dev_lock);
	}
	return irq;
fail:
	ret = errno;
	irq_release(irq);
	errno = ret;
	return NULL;
}

UD_EXPORT struct ud_irq *ud_irq_open(const char *pci_addr)
{
	char addr[UD_PCI_ADDR_STRLEN], drv[64];

	if (ud_pci_normalize(pci_addr, addr) ||
	    ud_pci_driver(addr, drv, sizeof(drv)))
		return NULL;
	if (ud_dev_driver_kind(drv) == UD_DRV_NONE)
		return ud_fail_null(ENODEV, "%s is %s%s: bind it to uio_dma for interrupts (uiodma bind %s)",
				    addr, *drv ? "driven by " : "bound to no driver",
				    drv, addr);
	return irq_open(addr, ud_dev_driver_kind(drv), NULL);
}

UD_EXPORT struct ud_irq *ud_irq_open_dev(const struct ud_dev *dev)
{
	if (ud_handle_check(&ud_hk_dev, dev, "ud_irq_open_dev"))
		return NULL;
	if (dev->looking)
		return ud_fail_null(EPERM, "%s was opened with ud_dev_inspect(), which only looks: open it with ud_dev_open()",
				    dev->info.addr);
	return irq_open(dev->info.addr, dev->drv, dev);
}

UD_EXPORT int ud_irq_close(struct ud_irq *irq)
{
	if (!irq)
		return 0;
	if (ud_handle_check(&ud_hk_irq, irq, "ud_irq_close"))
		return -1;
	irq_release(irq);
	return 0;
}

UD_EXPORT enum ud_irq_mode ud_irq_mode(const struct ud_irq *irq)
{
	if (irq_check(irq, "ud_irq_mode"))
		return UD_IRQ_NONE;
	return irq->mode;
}

UD_EXPORT unsigned int ud_irq_vectors(const struct ud_irq *irq)
{
	if (irq_check(irq, "ud_irq_vectors"))
		return 0;
	return irq->nvec;
}

static int check_vec(const struct ud_irq *irq, unsigned int vec,
		     const char *fn)
{
	if (irq_check(irq, fn))
		return -1;
	if (irq->nvec == 0) {
		struct ud_dev_info info;
		char why[600];

		if (ud_dev_info(irq->addr, &info))
			return -1;
		ud_irq_off_why(&info, why, sizeof(why));
		return ud_fail(EINVAL, "%s: %s", fn, why);
	}
	if (vec >= irq->nvec && !per_vector(irq))
		return ud_fail(EOPNOTSUPP,
			       "%s is bound to %s, which delivers one interrupt vector; vector %u needs uio_dma (uiodma bind %s)",
			       irq->addr, irq->driver == UD_DRV_IGB_UIO ? "igb_uio" : "uio_pci_generic",
			       vec, irq->addr);
	if (vec >= irq->nvec)
		return ud_fail(EINVAL, "%s has %u interrupt vector(s); vector %u does not exist",
			       irq->addr, irq->nvec, vec);
	return 0;
}

static int ctl_error(const struct ud_irq *irq, const char *what)
{
	if (errno == ENODEV)
		return ud_fail(ENODEV, "%s was unbound from uio_dma (%s)",
			       irq->addr, what);
	if (errno == EBUSY)
		return ud_fail(EBUSY, "%s on %s: the vector's eventfd belongs to another open of /dev/uio_dma/%s (another ud_irq handle or process); use that one",
			       what, irq->addr, irq->addr);
	if (errno == EPERM)
		return ud_fail(EPERM, "%s on %s: nobody holds the device, so its interrupts stay masked; open it with ud_dev_open() first",
			       what, irq->addr);
	return ud_fail(errno, "%s on %s: %s", what, irq->addr, strerror(errno));
}

UD_EXPORT int ud_irq_enable(struct ud_irq *irq, unsigned int vec)
{
	struct uio_dma_irq_eventfd req;
	int fd;

	if (check_vec(irq, vec, "ud_irq_enable"))
		return -1;
	if (irq->fds[vec] >= 0)
		return 0;
	if (!per_vector(irq)) {
		/* check_vec() already refused vec > 0: nvec is 1 here. */
		uint32_t one = 1;

		if (read(irq->uio_fd, &irq->uio_last, 4) != 4 && errno == EIO)
			return ud_fail(ENODEV, "%s: /dev/uioN reports EIO: the device was unbound, or %s gives it no interrupt (uio_pci_generic uses INTx only: bind it to uio_dma for MSI/MSI-X, or poll it)",
				       irq->addr, irq->driver == UD_DRV_IGB_UIO ? "igb_uio" : "uio_pci_generic");
		/* Unmask (uio_pci_generic has no irqcontrol: ignore). */
		if (write(irq->uio_fd, &one, 4) != 4 && irq->driver == UD_DRV_IGB_UIO)
			return ud_fail(errno, "irqcontrol on %s: %s", irq->addr,
				       strerror(errno));
		irq->fds[vec] = irq->uio_fd;
		return 0;
	}
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return ud_fail(errno, "eventfd: %s", strerror(errno));
	if (irq->driver == UD_DRV_VFIO_PCI) {
		if (ud_irq_vfio_set(irq, vec, fd)) {
			ud_close_keep_errno(fd);
			return -1;
		}
		return 0;
	}
	req.vector = vec;
	req.fd = fd;
	if (ioctl(irq->ctl_fd, UIO_DMA_IOC_SET_EVENTFD, &req) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return ctl_error(irq, "binding an eventfd");
	}
	irq->fds[vec] = fd;
	return 0;
}

UD_EXPORT int ud_irq_enable_all(struct ud_irq *irq)
{
	if (irq_check(irq, "ud_irq_enable_all"))
		return -1;
	if (irq->nvec == 0)
		return check_vec(irq, 0, "ud_irq_enable_all");
	for (unsigned int v = 0; v < irq->nvec; v++)
		if (ud_irq_enable(irq, v))
			return -1;
	return 0;
}

UD_EXPORT int ud_irq_disable(struct ud_irq *irq, unsigned int vec)
{
	struct uio_dma_irq_eventfd req = { .vector = vec, .fd = -1 };
	int ret = 0;

	if (check_vec(irq, vec, "ud_irq_disable"))
		return -1;
	if (irq->fds[vec] < 0)
		return 0;
	if (irq->driver == UD_DRV_VFIO_PCI) {
		int fd = irq->fds[vec];

		/* failed (unbound): the kernel keeps its own reference */
		ret = ud_irq_vfio_set(irq, vec, -1);
		irq->fds[vec] = -1;
		close(fd);
		return ret;
	}
	if (irq->driver == UD_DRV_UIO_DMA) {
		/* ENODEV: unbound; the kernel dropped the eventfd already. */
		if (ioctl(irq->ctl_fd, UIO_DMA_IOC_SET_EVENTFD, &req) < 0 &&
		    errno != ENODEV)
			ret = ctl_error(irq, "clearing an eventfd");
		close(irq->fds[vec]);
	}
	irq->fds[vec] = -1;
	return ret;
}

UD_EXPORT int ud_irq_fd(const struct ud_irq *irq, unsigned int vec)
{
	if (irq_check(irq, "ud_irq_fd"))
		return -1;
	if (vec >= irq->nvec || irq->fds[vec] < 0)
		return ud_fail(EINVAL, "vector %u of %s is not enabled (ud_irq_enable)",
			       vec, irq->addr);
	return irq->fds[vec];
}

UD_EXPORT int ud_irq_hup_fd(const struct ud_irq *irq)
{
	if (irq_check(irq, "ud_irq_hup_fd"))
		return -1;
	if (irq->hup_fd < 0)
		return ud_fail(EOPNOTSUPP,
			       "only uio_dma and vfio-pci report unbind on a separate fd; vector 0's fd fails with EIO instead");
	return irq->hup_fd;
}

static int unbound(const struct ud_irq *irq)
{
	return ud_fail(ENODEV, "%s was unbound while in use", irq->addr);
}

UD_EXPORT int64_t ud_irq_ack(struct ud_irq *irq, unsigned int vec)
{
	struct pollfd hup;
	uint64_t count;
	uint32_t total;
	int fd = ud_irq_fd(irq, vec);

	if (fd < 0)
		return -1;
	hup = (struct pollfd){ irq->hup_fd, irq->hup_events, 0 };
	if (!per_vector(irq)) {
		if (read(fd, &total, 4) == 4) {
			count = total - irq->uio_last;
			irq->uio_last = total;
			return (int64_t)count;
		}
		if (errno == EAGAIN)
			return 0;
		return errno == EIO ? unbound(irq) :
		       ud_fail(errno, "read /dev/uioN: %s", strerror(errno));
	}
	if (read(fd, &count, 8) == 8)
		return (int64_t)count;
	if (errno != EAGAIN)
		return ud_fail(errno, "read eventfd: %s", strerror(errno));
	if (poll(&hup, 1, 0) == 1 &&
	    (hup.revents & (POLLHUP | irq->hup_events)))
		return unbound(irq);
	return 0;
}

/*
 * Poll the enabled vectors in @want (all if NULL) plus the unbind fd;
 * returns poll()'s result with pfds filled.
 */
static int poll_vectors(struct ud_irq *irq, struct pollfd *pfds,
			unsigned int first, unsigned int n, int timeout_ms)
{
	unsigned int k = 0;
	int r;

	for (unsigned int v = first; v < first + n; v++)
		pfds[k++] = (struct pollfd){ irq->fds[v], POLLIN, 0 };
	pfds[k++] = (struct pollfd){ irq->hup_fd, irq->hup_events, 0 };
	r = poll(pfds, k, timeout_ms);
	if (r < 0)
		return ud_fail(errno, "poll: %s", strerror(errno));
	if (irq->hup_fd >= 0 &&
	    (pfds[k - 1].revents & (POLLHUP | POLLERR | irq->hup_events)))
		return unbound(irq);
	return r;
}

UD_EXPORT int64_t ud_irq_wait(struct ud_irq *irq, unsigned int vec,
			      int timeout_ms)
{
	struct pollfd pfds[2];
	int r;

	if (ud_irq_fd(irq, vec) < 0)
		return -1;
	r = poll_vectors(irq, pfds, vec, 1, timeout_ms);
	if (r <= 0)
		return r;
	if (pfds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
		return unbound(irq);
	return ud_irq_ack(irq, vec);
}

UD_EXPORT int ud_irq_wait_any(struct ud_irq *irq, int timeout_ms,
			      uint64_t *counts, unsigned int n)
{
	struct pollfd *pfds;
	int r, fired = 0;

	if (irq_check(irq, "ud_irq_wait_any"))
		return -1;
	if (!counts && irq->nvec)
		return ud_fail(EINVAL, "ud_irq_wait_any: counts is NULL; pass "
			       "%u entries", irq->nvec);
	if (n < irq->nvec)
		return ud_fail(EINVAL, "counts has %u entries; %s has %u vectors",
			       n, irq->addr, irq->nvec);
	for (unsigned int v = 0; v < irq->nvec; v++)
		if (irq->fds[v] < 0)
			return ud_fail(EINVAL, "vector %u of %s is not enabled: call ud_irq_enable_all() first",
				       v, irq->addr);
	if (irq->nvec == 0)
		return check_vec(irq, 0, "ud_irq_wait_any");
	pfds = calloc(irq->nvec + 1, sizeof(*pfds));
	if (!pfds)
		return ud_fail(ENOMEM, "out of memory");
	r = poll_vectors(irq, pfds, 0, irq->nvec, timeout_ms);
	for (unsigned int v = 0; r > 0 && v < irq->nvec; v++) {
		int64_t c = 0;

		if (pfds[v].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			r = unbound(irq);
			break;
		}
		if (pfds[v].revents & POLLIN)
			c = ud_irq_ack(irq, v);
		if (c < 0) {
			r = -1;
			break;
		}
		counts[v] = (uint64_t)c;
		fired += c > 0;
	}
	free(pfds);
	if (r > 0)
		return fired;
	return r;
}

static int set_mask(struct ud_irq *irq, unsigned int vec, uint32_t masked)
{
	struct uio_dma_irq_mask req = { .vector = vec, .masked = masked };
	uint32_t on = !masked;

	if (check_vec(irq, vec, masked ? "ud_irq_mask" : "ud_irq_unmask"))
		return -1;
	if (irq->driver == UD_DRV_VFIO_PCI)
		return ud_irq_vfio_mask(irq, vec, (int)masked);
	if (irq->driver == UD_DRV_UIO_DMA) {
		if (ioctl(irq->ctl_fd, UIO_DMA_IOC_MASK, &req) < 0)
			return ctl_error(irq, masked ? "masking" : "unmasking");
		return 0;
	}
	if (irq->driver == UD_DRV_UIO_PCI_GENERIC)
		return ud_fail(EOPNOTSUPP,
			       "uio_pci_generic cannot mask interrupts from userspace: bind %s to uio_dma",
			       irq->addr);
	if (write(irq->uio_fd, &on, 4) != 4)
		return errno == EIO ? unbound(irq) :
		       ud_fail(errno, "irqcontrol on %s: %s", irq->addr, strerror(errno));
	return 0;
}

UD_EXPORT int ud_irq_mask(struct ud_irq *irq, unsigned int vec)
{
	return set_mask(irq, vec, 1);
}

UD_EXPORT int ud_irq_unmask(struct ud_irq *irq, unsigned int vec)
{
	return set_mask(irq, vec, 0);
}
