// SPDX-License-Identifier: MIT
/* Opening a uio_dma control device and pinning through it, shared by the
 * device, interrupt, pin-source and device-pin code. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

int ud_ctl_pin(int fd, const char *who, uint64_t va, size_t size,
	       uint64_t *pa, uint64_t *handle)
{
	struct uio_dma_pin req = {
		.vaddr = va, .len = size, .page_size = size,
		.pa_array = (uintptr_t)pa,
	};
	int e;

	if (ioctl(fd, UIO_DMA_IOC_PIN, &req) == 0) {
		*handle = req.handle;
		return 0;
	}
	e = errno;
	return ud_fail(e, "%s: uio_dma could not pin the %zu kB page at %#"
		       PRIx64 ": %s%s", who, size >> 10, va, strerror(e),
		       e == ENODEV ? " (the device was unbound from uio_dma)" :
		       e == EINVAL ? " (not backed by pages of that size)" :
		       e == ENOMEM ? " (pinned memory counts against "
		       "RLIMIT_MEMLOCK, once per device that pins it: raise "
		       "it with ulimit -l or LimitMEMLOCK=, or run with "
		       "CAP_IPC_LOCK)" : "");
}

void ud_ctl_unpin(int fd, uint64_t handle)
{
	ioctl(fd, UIO_DMA_IOC_UNPIN, &handle);
}
