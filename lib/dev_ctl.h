/* SPDX-License-Identifier: MIT */
/* The uio_dma control device; private to libuiodma. */
#ifndef UIODMA_DEV_CTL_H
#define UIODMA_DEV_CTL_H

#include <stddef.h>
#include <stdint.h>

/*
 * ud_ctl_open() - open /dev/uio_dma/<addr> and check the module's ABI.
 * ud_ctl_open_path() - the same for a given path.
 * Return: the fd, or -1 with errno (ENODEV, EPERM, EPROTO) and a message.
 */
int ud_ctl_open(const char *addr);
int ud_ctl_open_path(const char *path);

/*
 * ud_ctl_pin() - pin the @size-byte page at @va through the control file
 * @fd (UIO_DMA_IOC_PIN, one page of that size); *@pa gets its bus address,
 * *@handle the pin's handle.  @who starts the message ("0000:03:00.0").
 * Return: 0, or -1 with the module's errno and a message naming the fix
 * (ENOMEM: RLIMIT_MEMLOCK; ENODEV: unbound; EINVAL: not such a page).
 * ud_ctl_unpin() - drop the pin @handle made through @fd.
 */
int ud_ctl_pin(int fd, const char *who, uint64_t va, size_t size,
	       uint64_t *pa, uint64_t *handle);
void ud_ctl_unpin(int fd, uint64_t handle);

#endif /* UIODMA_DEV_CTL_H */
