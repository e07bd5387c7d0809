/* SPDX-License-Identifier: MIT */
/*
 * Interrupts: every vector of a device as its own pollable fd.
 *
 * Over uio_dma each vector (INTx, every MSI vector, every MSI-X vector) is
 * bound to an eventfd through the device's control device.  Over igb_uio
 * or uio_pci_generic only vector 0 exists, delivered through /dev/uioN;
 * asking for more fails with EOPNOTSUPP and a message saying so.
 *
 * Over vfio-pci (open the device with ud_dev_open() and use
 * ud_irq_open_dev(): ud_irq_open() refuses, EOPNOTSUPP) the mode is the
 * first of MSI-X, MSI and INTx that VFIO_DEVICE_GET_IRQ_INFO reports, and
 * each vector's eventfd is set with VFIO_DEVICE_SET_IRQS; every change
 * sends the whole set (-1 for vectors not enabled), since Linux 6.1 cannot
 * resize MSI-X once enabled.  vfio cannot mask MSI or MSI-X vectors
 * (VFIO_IRQ_SET_ACTION_MASK is ENOTTY on 6.1 and 6.12): ud_irq_mask()
 * refuses with EOPNOTSUPP and ud_irq_unmask() does nothing for them; INTx
 * is masked and unmasked through vfio.  Unbind (and unplug) is reported
 * through vfio-pci's request IRQ (VFIO_PCI_REQ_IRQ_INDEX), whose eventfd
 * is ud_irq_hup_fd(): readable (EPOLLIN) once the kernel asks for the
 * device back, which waits until the process closes it.  Source:
 * linux/vfio.h,
 * drivers/vfio/pci/vfio_pci_intrs.c.
 *
 * Example, wait for any of a NIC's MSI-X vectors:
 *
 *	struct ud_dev *d = ud_dev_open("0000:03:00.0");	// the holder
 *	// ... set the NIC up, then let it write (MSI-X is a DMA write):
 *	if (!d || ud_dev_bus_master(d, 1))
 *		errx(1, "%s", ud_errmsg());
 *	struct ud_irq *irq = ud_irq_open_dev(d);
 *	if (!irq || ud_irq_enable_all(irq) < 0)
 *		errx(1, "%s", ud_errmsg());
 *	unsigned int nv = ud_irq_vectors(irq);	// up to 2048 (max_vectors)
 *	uint64_t *counts = calloc(nv, sizeof(*counts));
 *	int n = ud_irq_wait_any(irq, 1000, counts, nv);
 *	// counts[v] > 0 for every vector v that fired
 *
 * Or add ud_irq_fd(irq, v) to your own epoll set (EPOLLIN), read 8 bytes
 * from it when ready (an eventfd: the count since the last read), and add
 * ud_irq_hup_fd(irq) too to learn when the device is unbound (EPOLLHUP
 * over uio_dma, EPOLLIN over vfio-pci).
 *
 * INTx: the kernel masks the line at each interrupt (a level-triggered
 * line would otherwise fire forever); call ud_irq_unmask(irq, 0) once the
 * device's interrupt cause is cleared.  MSI and MSI-X need no unmask.
 *
 * A device uio_dma bound without interrupts (mode none) has no vector:
 * enabling or waiting fails with EINVAL and a message saying why: the
 * module's intr_mode parameter (and how to set it and rebind), a device
 * with no interrupt at all (no INTx pin, no MSI, no MSI-X: poll it), or a
 * failure dmesg explains.
 *
 * Errors: every call that fails returns -1 (or NULL) and sets errno and
 * ud_errmsg() (see uiodma/error.h).
 *
 * Handles: every call taking a struct ud_irq checks it first: NULL,
 * another kind of handle and a handle closed already (while the library
 * has not reused its memory) are refused with EINVAL; ud_irq_mode() then
 * returns UD_IRQ_NONE and ud_irq_vectors() 0, with errno EINVAL.
 * ud_irq_close() accepts NULL.  A handle from ud_irq_open_dev() whose
 * device handle was closed fails every call but ud_irq_close() with
 * ENODEV (see Ownership).  Undefined: a pointer that points nowhere
 * readable, an fd from ud_irq_fd() used after its vector is disabled or
 * the handle closed (the number may name another file by then), and
 * closing a handle while another thread waits on it.
 *
 * Ownership: a handle owns its eventfds and its descriptors of the device
 * (duplicates of the device handle's with ud_irq_open_dev()); closing it
 * disables every vector.  It does not hold the device: over uio_dma
 * interrupts are delivered only while a ud_dev_open() handle (or another
 * holder of /dev/uioN) is open.  A handle from ud_irq_open_dev() does not
 * keep the device: ud_dev_close() on its device handle disables its
 * vectors and closes its descriptors, its eventfds included, so closing
 * the device handle lets go of the device as a whole (over vfio-pci the
 * device fd closes and its group leaves the container; over igb_uio and
 * uio_pci_generic /dev/uioN closes).  Every later call on the interrupt
 * handle but ud_irq_close() fails with ENODEV and a message saying so:
 * close interrupt handles before their device.
 *
 * Threads: ud_irq_mode(), ud_irq_vectors(), ud_irq_fd(), ud_irq_hup_fd(),
 * ud_irq_mask() and ud_irq_unmask() may run in any thread at once.  Over
 * uio_dma each vector has its own eventfd, so ud_irq_wait() and
 * ud_irq_ack() on different vectors may run in different threads; on one
 * vector (and over igb_uio and uio_pci_generic, which keep one running
 * count) one thread at a time.  ud_irq_enable(), ud_irq_enable_all(),
 * ud_irq_disable() and ud_irq_wait_any() change or read the set of
 * enabled vectors: they need external locking against each other and
 * against waits; ud_irq_close() needs that no other thread uses the
 * handle.
 */
#ifndef UIODMA_IRQ_H
#define UIODMA_IRQ_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Interrupt modes, as chosen by the kernel driver. */
enum ud_irq_mode {
	UD_IRQ_NONE = 0,	/**< interrupts off */
	UD_IRQ_LEGACY = 1,	/**< INTx, masked by the kernel at each interrupt */
	UD_IRQ_MSI = 2,
	UD_IRQ_MSIX = 3,
	UD_IRQ_UNKNOWN = 4,	/**< igb_uio: one vector, mode not reported */
};

struct ud_irq;

/**
 * ud_irq_open() - open the interrupts of a device bound to a UIO driver.
 * @pci_addr: "0000:03:00.0" or the short form "03:00.0".
 *
 * Over uio_dma this opens /dev/uio_dma/<addr> and checks that the module
 * speaks this library's ABI.  Over igb_uio and uio_pci_generic it opens
 * /dev/uioN.  No vector is enabled yet.
 *
 * Return: a handle, or NULL with errno set (ENODEV: no such device or not
 * bound to a UIO driver; EPROTO: module ABI mismatch; EPERM: opening needs
 * CAP_SYS_RAWIO) and ud_errmsg() naming the cause and the fix.
 */
struct ud_irq *ud_irq_open(const char *pci_addr);

struct ud_dev;

/**
 * ud_irq_open_dev() - open the interrupts of a device already opened.
 * @dev: handle from ud_dev_open() (not ud_dev_inspect()).  Closing it
 *       (ud_dev_close()) disables the interrupt handle's vectors and
 *       closes its descriptors; then every call on it but ud_irq_close()
 *       fails with ENODEV.
 *
 * The same as ud_irq_open(), but on the device handle's own descriptors
 * (duplicated): no second lookup, and over uio_dma the eventfds belong to
 * the same open control file as the device handle, so no other handle of
 * this process can take them over.  The preferred way.
 *
 * Return: a handle, or NULL with errno set (EINVAL: @dev not a live device
 * handle; EPERM: an inspect-only handle; ENODEV: not bound to a UIO
 * driver).
 */
struct ud_irq *ud_irq_open_dev(const struct ud_dev *dev);

/**
 * ud_irq_close() - disable every vector and release the handle.
 * @irq: handle from ud_irq_open(), or NULL (nothing to do).
 *
 * Return: 0, or -1 with errno EINVAL (@irq is not a live handle, e.g.
 * closed already).
 */
int ud_irq_close(struct ud_irq *irq);

/**
 * ud_irq_mode() - the interrupt mode the kernel driver chose.
 * @irq: handle.
 *
 * Return: the mode (UD_IRQ_NONE, errno EINVAL, for anything but a live
 * handle).
 */
enum ud_irq_mode ud_irq_mode(const struct ud_irq *irq);

/** ud_irq_mode_name() - "none", "legacy", "msi", "msix" or "unknown". */
const char *ud_irq_mode_name(enum ud_irq_mode mode);

/**
 * ud_irq_vectors() - how many vectors the device has.
 * @irq: handle.
 *
 * Return: the count, 0 if none (0, errno EINVAL, for anything but a live
 * handle).
 */
unsigned int ud_irq_vectors(const struct ud_irq *irq);

/**
 * ud_irq_enable() - start delivering vector @vec to its own fd.
 *
 * Return: 0, or -1 with errno: EINVAL (no such vector, the message giving
 * the count; no vector at all, the message saying why; or @irq not a
 * live handle), EOPNOTSUPP (the driver cannot deliver this vector, e.g.
 * vector 1 over igb_uio), ENODEV (device unbound).
 */
int ud_irq_enable(struct ud_irq *irq, unsigned int vec);

/** ud_irq_enable_all() - ud_irq_enable() for every vector; 0 or -1. */
int ud_irq_enable_all(struct ud_irq *irq);

/** ud_irq_disable() - stop delivering @vec and close its fd; 0 or -1. */
int ud_irq_disable(struct ud_irq *irq, unsigned int vec);

/**
 * ud_irq_fd() - the pollable fd of an enabled vector.
 *
 * Readable (EPOLLIN) when the vector fired.  Over uio_dma it is an
 * eventfd; over other UIO drivers it is /dev/uioN.  Use ud_irq_wait() or
 * ud_irq_ack() to consume the event rather than reading it yourself.
 *
 * Return: the fd, or -1 with errno EINVAL if @vec is not enabled.
 */
int ud_irq_fd(const struct ud_irq *irq, unsigned int vec);

/**
 * ud_irq_hup_fd() - an fd that reports the device's unbind.
 *
 * Over uio_dma the control device, which reports EPOLLHUP once the device
 * is unbound; over vfio-pci the eventfd of its request IRQ, readable
 * (EPOLLIN) once the kernel asks for the device back (the unbind then
 * waits until the process closes the device).  ud_irq_wait() and
 * ud_irq_wait_any() watch it and fail with ENODEV.
 *
 * Return: the fd, or -1 (EOPNOTSUPP) for igb_uio and uio_pci_generic,
 * where the vector-0 fd itself fails with EIO after unbind.
 */
int ud_irq_hup_fd(const struct ud_irq *irq);

/**
 * ud_irq_ack() - consume the pending events of @vec without waiting.
 *
 * Return: how many interrupts fired since the last ack or wait (0 if none),
 * or -1 with errno (ENODEV once the device is unbound).
 */
int64_t ud_irq_ack(struct ud_irq *irq, unsigned int vec);

/**
 * ud_irq_wait() - wait for vector @vec.
 * @timeout_ms: -1 waits forever, 0 polls.
 *
 * Return: the number of interrupts since the last ack or wait (> 0), 0 on
 * timeout, or -1 with errno (ENODEV: the device was unbound while waiting;
 * EINTR: a signal arrived).
 */
int64_t ud_irq_wait(struct ud_irq *irq, unsigned int vec, int timeout_ms);

/**
 * ud_irq_wait_any() - wait until any enabled vector fires.
 * @counts: out: counts[v] = interrupts on vector v (0 for those that did
 *          not fire); @n entries, at least ud_irq_vectors().
 *
 * Return: how many vectors fired (> 0), 0 on timeout, -1 with errno.
 */
int ud_irq_wait_any(struct ud_irq *irq, int timeout_ms, uint64_t *counts,
		    unsigned int n);

/**
 * ud_irq_mask() / ud_irq_unmask() - stop / resume delivery of @vec.
 *
 * An interrupt that arrives while masked is delivered at unmask, not lost.
 * Return: 0, or -1 with errno.
 */
int ud_irq_mask(struct ud_irq *irq, unsigned int vec);
int ud_irq_unmask(struct ud_irq *irq, unsigned int vec);

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_IRQ_H */
