/* SPDX-License-Identifier: MIT */
/* The uio_dma control device; private to libuiodma. */
#ifndef UIODMA_DEV_CTL_H
#define UIODMA_DEV_CTL_H

/*
 * ud_ctl_open() - open /dev/uio_dma/<addr> and check the module's ABI.
 * ud_ctl_open_path() - the same for a given path.
 * Return: the fd, or -1 with errno (ENODEV, EPERM, EPROTO) and a message.
 */
int ud_ctl_open(const char *addr);
int ud_ctl_open_path(const char *path);

#endif /* UIODMA_DEV_CTL_H */
