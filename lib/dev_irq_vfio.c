// SPDX-License-Identifier: MIT
/*
 * Interrupts of a device on vfio-pci: VFIO_DEVICE_SET_IRQS with one
 * eventfd per vector (linux/vfio.h; drivers/vfio/pci/vfio_pci_intrs.c).
 * The mode is the first the device offers of MSI-X, MSI and INTx
 * (VFIO_DEVICE_GET_IRQ_INFO), as uio_dma's intr_mode=auto chooses.  Every
 * change sends the whole set of vectors with the same count, -1 for those
 * not enabled: Linux 6.1 cannot resize MSI-X once enabled (a larger count
 * is EINVAL).  INTx is masked by the kernel when it fires
 * (VFIO_IRQ_INFO_AUTOMASKED) and unmasked with ACTION_UNMASK; MSI and
 * MSI-X cannot be masked through vfio on 6.1 or 6.12 (ACTION_MASK: ENOTTY).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "dev_internal.h"
#include "internal.h"

static const struct {
	unsigned int index;
	enum ud_irq_mode mode;
} order[] = {
	{ VFIO_PCI_MSIX_IRQ_INDEX, UD_IRQ_MSIX },
	{ VFIO_PCI_MSI_IRQ_INDEX, UD_IRQ_MSI },
	{ VFIO_PCI_INTX_IRQ_INDEX, UD_IRQ_LEGACY },
};

int ud_irq_vfio_open(struct ud_irq *irq, int dev_fd)
{
	irq->vfio_fd = dev_fd;
	if (dev_fd < 0)
		return -1;
	irq->mode = UD_IRQ_NONE;
	irq->nvec = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii),
					    .index = order[i].index };

		if (ioctl(dev_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii))
			return ud_fail(errno, "%s: VFIO_DEVICE_GET_IRQ_INFO: %s",
				       irq->addr, strerror(errno));
		if (ii.count && (ii.flags & VFIO_IRQ_INFO_EVENTFD)) {
			irq->mode = order[i].mode;
			irq->vfio_index = order[i].index;
			irq->nvec = ii.count;
			break;
		}
	}
	return 0;
}

/*
 * VFIO_DEVICE_SET_IRQS, ACTION_TRIGGER on @index: eventfds @fds[0..n)
 * (-1: that vector off), or the whole index off when none is >= 0.
 * 0, or -1 with errno (no message).
 */
static int set_trigger(struct ud_irq *irq, unsigned int index,
		       const int *fds, unsigned int n)
{
	size_t sz = sizeof(struct vfio_irq_set) + n * sizeof(int32_t);
	struct vfio_irq_set *s = calloc(1, sz);
	bool any = false;
	int rc, e;

	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	for (unsigned int v = 0; v < n; v++) {
		((int32_t *)s->data)[v] = fds[v];
		any |= fds[v] >= 0;
	}
	s->argsz = any ? (uint32_t)sz : sizeof(*s);
	s->index = index;
	s->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		   (any ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	s->count = any ? n : 0;
	rc = ioctl(irq->vfio_fd, VFIO_DEVICE_SET_IRQS, s);
	e = errno;
	free(s);
	errno = e;
	return rc;
}

/* The request index's eventfd @fd (-1: off). */
static int set_req(struct ud_irq *irq, int fd)
{
	return set_trigger(irq, VFIO_PCI_REQ_IRQ_INDEX, &fd, 1);
}

int ud_irq_vfio_req_open(struct ud_irq *irq)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii),
				    .index = VFIO_PCI_REQ_IRQ_INDEX };
	int fd;

	if (ioctl(irq->vfio_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) || !ii.count)
		return ud_fail(EOPNOTSUPP, "%s: vfio-pci offers no request IRQ "
			       "here, so unbind is not reported", irq->addr);
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return ud_fail(errno, "eventfd: %s", strerror(errno));
	if (set_req(irq, fd)) {
		int e = errno;

		close(fd);
		return ud_fail(e, "%s: VFIO_DEVICE_SET_IRQS (request IRQ): %s",
			       irq->addr, strerror(e));
	}
	irq->req_fd = fd;
	return 0;
}

void ud_irq_vfio_req_close(struct ud_irq *irq)
{
	if (irq->req_fd < 0)
		return;
	set_req(irq, -1);
	close(irq->req_fd);
	irq->req_fd = -1;
}

int ud_irq_vfio_force_mode(struct ud_irq *irq, enum ud_irq_mode mode)
{
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii),
					    .index = order[i].index };

		if (order[i].mode != mode)
			continue;
		for (unsigned int v = 0; v < irq->nvec; v++)
			if (irq->fds[v] >= 0)
				return ud_fail(EBUSY, "%s: disable every vector "
					       "before changing the mode", irq->addr);
		if (ioctl(irq->vfio_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) ||
		    !ii.count)
			return ud_fail(EOPNOTSUPP, "%s offers no %s through vfio",
				       irq->addr, ud_irq_mode_name(mode));
		if (ii.count > irq->nvec) {
			int *fds = realloc(irq->fds, ii.count * sizeof(*fds));

			if (!fds)
				return ud_fail(ENOMEM, "out of memory");
			irq->fds = fds;
		}
		for (unsigned int v = 0; v < ii.count; v++)
			irq->fds[v] = -1;
		irq->mode = mode;
		irq->vfio_index = order[i].index;
		irq->nvec = ii.count;
		return 0;
	}
	return ud_fail(EINVAL, "%s: no vfio interrupt mode %s", irq->addr,
		       ud_irq_mode_name(mode));
}

/* Send every vector's eventfd (-1: off), or switch the index off. */
static int send_set(struct ud_irq *irq)
{
	if (set_trigger(irq, irq->vfio_index, irq->fds, irq->nvec) == 0)
		return 0;
	return ud_fail(errno, "%s: VFIO_DEVICE_SET_IRQS (%s, %u vector(s)) "
		       "failed: %s%s", irq->addr, ud_irq_mode_name(irq->mode),
		       irq->nvec, strerror(errno), errno == EINVAL ?
		       " (the kernel could not allocate that many vectors)" : "");
}

int ud_irq_vfio_set(struct ud_irq *irq, unsigned int vec, int fd)
{
	int old = irq->fds[vec];

	irq->fds[vec] = fd;
	if (send_set(irq)) {
		irq->fds[vec] = old;
		return -1;
	}
	return 0;
}

int ud_irq_vfio_mask(struct ud_irq *irq, unsigned int vec, int masked)
{
	struct vfio_irq_set s = {
		.argsz = sizeof(s),
		.flags = VFIO_IRQ_SET_DATA_NONE | (masked ? VFIO_IRQ_SET_ACTION_MASK :
						   VFIO_IRQ_SET_ACTION_UNMASK),
		.index = irq->vfio_index, .start = vec, .count = 1,
	};

	if (!masked && irq->mode != UD_IRQ_LEGACY)
		return 0;	/* never masked: vfio cannot mask them */
	if (ioctl(irq->vfio_fd, VFIO_DEVICE_SET_IRQS, &s) == 0)
		return 0;
	if (irq->mode != UD_IRQ_LEGACY && (errno == ENOTTY || errno == EINVAL))
		return ud_fail(EOPNOTSUPP, "%s: vfio cannot %s %s vectors "
			       "(VFIO_IRQ_SET_ACTION_%s is %s on this kernel); "
			       "disable the vector (ud_irq_disable) or mask the "
			       "interrupt in the device's own registers",
			       irq->addr, masked ? "mask" : "unmask",
			       ud_irq_mode_name(irq->mode), masked ? "MASK" :
			       "UNMASK", strerror(errno));
	return ud_fail(errno, "%s: VFIO_DEVICE_SET_IRQS (%s vector %u): %s",
		       irq->addr, masked ? "mask" : "unmask", vec,
		       strerror(errno));
}
