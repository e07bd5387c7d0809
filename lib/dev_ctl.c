// SPDX-License-Identifier: MIT
/* Opening a uio_dma control device, shared by the device, interrupt and
 * pin-source code. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uiodma/uio_dma_ioctl.h>
#include "dev_ctl.h"
#include "internal.h"

int ud_ctl_open_path(const char *path)
{
	uint32_t abi;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		if (e == EPERM || e == EACCES)
			return ud_fail(EPERM,
				       "cannot open %s: uio_dma needs CAP_SYS_RAWIO (a device doing physical-address DMA can write any memory): run as root",
				       path);
		if (e == ENOENT)
			return ud_fail(ENODEV, "cannot open %s: %s (bind the device to uio_dma: uiodma bind %s)",
				       path, strerror(e),
				       strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		return ud_fail(e, "cannot open %s: %s", path, strerror(e));
	}
	if (ioctl(fd, UIO_DMA_IOC_VERSION, &abi) < 0) {
		int e = errno;

		close(fd);
		if (e == ENODEV)
			return ud_fail(ENODEV, "%s: the device was unbound from uio_dma; bind it again (uiodma bind)",
				       path);
		return ud_fail(EPROTO,
			       "%s does not answer UIO_DMA_IOC_VERSION (%s): it is not a uio_dma control device, or that uio_dma is older than this library; install the module of this version (scripts/dkms.sh install)",
			       path, strerror(e));
	}
	if (abi != UIO_DMA_ABI_VERSION) {
		close(fd);
		return ud_fail(EPROTO,
			       "uio_dma module speaks ABI %u, this library ABI %u: install the module and the library of one uiodma version (scripts/dkms.sh install for the module)",
			       abi, UIO_DMA_ABI_VERSION);
	}
	return fd;
}

int ud_ctl_open(const char *addr)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/uio_dma/%s", addr);
	return ud_ctl_open_path(path);
}
