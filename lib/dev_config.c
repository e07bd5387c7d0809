// SPDX-License-Identifier: MIT
/* Config space through sysfs "config"; function reset through "reset". */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev_internal.h"
#include "internal.h"

UD_EXPORT ssize_t ud_dev_cfg_read(const struct ud_dev *d, unsigned int off,
				  void *buf, size_t len)
{
	ssize_t n = pread(d->cfg_fd, buf, len, off);

	if (n < 0)
		return ud_fail(errno, "reading config space of %s at 0x%x: %s",
			       d->info.addr, off, strerror(errno));
	return n;
}

UD_EXPORT ssize_t ud_dev_cfg_write(struct ud_dev *d, unsigned int off,
				   const void *buf, size_t len)
{
	ssize_t n;

	if (!d->cfg_rw)
		return ud_fail(EACCES, "config space of %s is read-only for this process: writing it needs root",
			       d->info.addr);
	n = pwrite(d->cfg_fd, buf, len, off);
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
	ssize_t n = pread(d->cfg_fd, cfg, sizeof(cfg), 0);

	if (n < 64)
		return 0;
	return ud_pci_find_cap(cfg, (size_t)n, cap_id);
}

UD_EXPORT int ud_dev_reset(struct ud_dev *d)
{
	char path[PATH_MAX];

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
