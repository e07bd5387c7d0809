// SPDX-License-Identifier: MIT
/* Config space through sysfs "config"; function reset through "reset";
 * bus mastering. */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uiodma/uio_dma_ioctl.h>
#include "dev_internal.h"
#include "handle.h"
#include "internal.h"

UD_EXPORT ssize_t ud_dev_cfg_read(const struct ud_dev *d, unsigned int off,
				  void *buf, size_t len)
{
	ssize_t n;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_cfg_read"))
		return -1;
	if (!buf && len)
		return ud_fail(EINVAL, "ud_dev_cfg_read: buf is NULL; pass %zu "
			       "bytes to read into", len);
	n = pread(d->cfg_fd, buf, len, (off_t)(d->cfg_off + off));
	if (n < 0)
		return ud_fail(errno, "reading config space of %s at 0x%x: %s",
			       d->info.addr, off, strerror(errno));
	return n;
}

/*
 * 0 unless a kernel driver other than a UIO driver, vfio-pci or pci-stub
 * drives @d: then -1 with EBUSY.  Its config space, bus mastering and
 * reset are that driver's; the library only reads them (found by a
 * new-user trial: ud_dev_bus_master(d, 0) on a NIC the kernel drove took
 * its network down).
 */
static int kernel_driven(const struct ud_dev *d, const char *fn)
{
	if (d->drv != UD_DRV_NONE || !d->info.driver[0] ||
	    !strcmp(d->info.driver, "pci-stub"))
		return 0;
	return ud_fail(EBUSY, "%s: %s is driven by the kernel's %s driver, "
		       "which owns its config space, bus mastering and reset: "
		       "the library only reads a device it does not hold; "
		       "bind it to uio_dma first (uiodma bind %s, which "
		       "refuses a device the host is using)", fn, d->info.addr,
		       d->info.driver, d->info.addr);
}

UD_EXPORT ssize_t ud_dev_cfg_write(struct ud_dev *d, unsigned int off,
				   const void *buf, size_t len)
{
	ssize_t n;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_cfg_write"))
		return -1;
	if (!buf && len)
		return ud_fail(EINVAL, "ud_dev_cfg_write: buf is NULL; pass the "
			       "%zu bytes to write", len);
	if (d->looking)
		return ud_fail(EPERM, "%s was opened with ud_dev_inspect(), which only looks: open it with ud_dev_open() to write config space",
			       d->info.addr);
	if (kernel_driven(d, "ud_dev_cfg_write"))
		return -1;
	if (!d->cfg_rw)
		return ud_fail(EACCES, "config space of %s is read-only for this process: writing it needs root",
			       d->info.addr);
	n = pwrite(d->cfg_fd, buf, len, (off_t)(d->cfg_off + off));
	if (n < 0)
		return ud_fail(errno, "writing config space of %s at 0x%x: %s",
			       d->info.addr, off, strerror(errno));
	return n;
}

static int read_exact(const struct ud_dev *d, unsigned int off, void *v,
		      size_t len)
{
	ssize_t n;

	if (off % len)
		return ud_fail(EINVAL, "config offset 0x%x is not %zu-byte aligned",
			       off, len);
	n = ud_dev_cfg_read(d, off, v, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len)
		return ud_fail(EIO, "config offset 0x%x of %s is beyond what this process can read (without CAP_SYS_ADMIN only the first 64 bytes)",
			       off, d->info.addr);
	return 0;
}

static int write_exact(struct ud_dev *d, unsigned int off, const void *v,
		       size_t len)
{
	ssize_t n;

	if (off % len)
		return ud_fail(EINVAL, "config offset 0x%x is not %zu-byte aligned",
			       off, len);
	n = ud_dev_cfg_write(d, off, v, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len)
		return ud_fail(EIO, "config offset 0x%x of %s is beyond its config space",
			       off, d->info.addr);
	return 0;
}

UD_EXPORT int ud_dev_cfg_read8(const struct ud_dev *d, unsigned int off,
			       uint8_t *v)
{
	return read_exact(d, off, v, 1);
}

UD_EXPORT int ud_dev_cfg_read16(const struct ud_dev *d, unsigned int off,
				uint16_t *v)
{
	uint16_t le;

	if (read_exact(d, off, &le, 2))
		return -1;
	*v = le16toh(le);
	return 0;
}

UD_EXPORT int ud_dev_cfg_read32(const struct ud_dev *d, unsigned int off,
				uint32_t *v)
{
	uint32_t le;

	if (read_exact(d, off, &le, 4))
		return -1;
	*v = le32toh(le);
	return 0;
}

UD_EXPORT int ud_dev_cfg_write8(struct ud_dev *d, unsigned int off, uint8_t v)
{
	return write_exact(d, off, &v, 1);
}

UD_EXPORT int ud_dev_cfg_write16(struct ud_dev *d, unsigned int off, uint16_t v)
{
	uint16_t le = htole16(v);

	return write_exact(d, off, &le, 2);
}

UD_EXPORT int ud_dev_cfg_write32(struct ud_dev *d, unsigned int off, uint32_t v)
{
	uint32_t le = htole32(v);

	return write_exact(d, off, &le, 4);
}

UD_EXPORT unsigned int ud_dev_find_cap(const struct ud_dev *d, uint8_t cap_id)
{
	uint8_t cfg[256];
	ssize_t n;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_find_cap"))
		return 0;
	n = pread(d->cfg_fd, cfg, sizeof(cfg), (off_t)d->cfg_off);
	if (n < 64)
		return 0;
	return ud_pci_find_cap(cfg, (size_t)n, cap_id);
}

UD_EXPORT int ud_dev_reset(struct ud_dev *d)
{
	char path[PATH_MAX];

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_reset"))
		return -1;
	if (d->looking)
		return ud_fail(EPERM, "%s was opened with ud_dev_inspect(), which only looks: open it with ud_dev_open() to reset it",
			       d->info.addr);
	if (kernel_driven(d, "ud_dev_reset"))
		return -1;
	if (d->drv == UD_DRV_VFIO_PCI)
		return ud_vfio_dev_reset(d);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", d->info.addr);
	if (access(path, F_OK))
		return ud_fail(EOPNOTSUPP,
			       "%s cannot be reset: the kernel knows no reset method for it (no %s)",
			       d->info.addr, path);
	if (ud_sysfs_write(path, "1")) {
		int e = errno;

		if (e == EACCES || e == EPERM)
			return ud_fail(EACCES, "cannot write %s: resetting needs root", path);
		return ud_fail(e, "reset of %s failed: %s (see dmesg)", d->info.addr,
			       strerror(e));
	}
	return 0;
}

UD_EXPORT int ud_dev_bus_master(struct ud_dev *d, int on)
{
	uint16_t cmd;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_bus_master"))
		return -1;
	if (d->looking)
		return ud_fail(EPERM, "%s was opened with ud_dev_inspect(), which only looks: open it with ud_dev_open()",
			       d->info.addr);
	if (kernel_driven(d, "ud_dev_bus_master"))
		return -1;
	if (d->drv == UD_DRV_UIO_DMA) {
		uint32_t v = !!on;

		if (ioctl(d->ctl_fd, UIO_DMA_IOC_BUS_MASTER, &v) == 0)
			return 0;
		if (errno == EPERM)
			return ud_fail(EPERM,
				       "bus mastering of %s can be on only while /dev/uio%d is held: keep the ud_dev handle open",
				       d->info.addr, d->info.uio_minor);
		return ud_fail(errno, "UIO_DMA_IOC_BUS_MASTER on %s: %s%s",
			       d->info.addr, strerror(errno),
			       errno == ENODEV ? " (the device was unbound)" : "");
	}
	/* Other drivers: the command register's Bus Master Enable bit (PCI
	 * Local Bus 3.0, 6.2.2: offset 0x04, bit 2), as DPDK's EAL does. */
	if (ud_dev_cfg_read16(d, 0x04u, &cmd))
		return -1;
	cmd = on ? (uint16_t)(cmd | 0x4u) :
		   (uint16_t)(cmd & ~0x4u);
	return ud_dev_cfg_write16(d, 0x04u, cmd);
}
