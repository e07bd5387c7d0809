/* SPDX-License-Identifier: MIT */
/* PCI devices as sysfs shows them; private to libuiodma. */
#ifndef UIODMA_DEV_SYSFS_H
#define UIODMA_DEV_SYSFS_H

#include <stddef.h>

#include <uiodma/dev.h>		/* UD_PCI_ADDR_STRLEN */

/*
 * ud_pci_normalize() - accept "0000:03:00.0" or "03:00.0", write the full
 * form to @out.  Returns 0, or -1 (EINVAL, message set).
 */
int ud_pci_normalize(const char *in, char out[UD_PCI_ADDR_STRLEN]);

/*
 * ud_fail_no_device() - fail with ENODEV: no PCI device at @addr (full
 * form), the message naming the command that lists the addresses.
 * Returns -1.
 */
int ud_fail_no_device(const char *addr);

/*
 * ud_pci_driver() - name of the driver bound to @addr, "" if none.
 * Returns 0, or -1 (ENODEV: no such device, message set).
 */
int ud_pci_driver(const char *addr, char *buf, size_t len);

/* ud_pci_uio_minor() - N of the device's /dev/uioN, or -1 (ENODEV, message set). */
int ud_pci_uio_minor(const char *addr);

#endif /* UIODMA_DEV_SYSFS_H */
