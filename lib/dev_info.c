// SPDX-License-Identifier: MIT
/*
 * PCI device lookup through libudev: IDs, class, NUMA node, driver, IOMMU
 * group, and the MSI/MSI-X capabilities from config space.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "dev_internal.h"
#include "internal.h"
#include "parse.h"
#include "dev_sysfs.h"

UD_EXPORT int ud_pci_addr_normalize(const char *in,
				    char out[UD_PCI_ADDR_STRLEN])
{
	return ud_pci_normalize(in, out);
}

int ud_sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		ud_close_keep_errno(fd);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ud_sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, len);
	if (n < 0) {
		ud_close_keep_errno(fd);
		return -1;
	}
	close(fd);
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

UD_EXPORT enum ud_dev_category ud_dev_category(uint32_t class_code)
{
	switch ((class_code >> 16) & 0xff) {
	case 0x01:
		return UD_CAT_STORAGE;
	case 0x02:
		return UD_CAT_NETWORK;
	case 0x06:
		return UD_CAT_BRIDGE;
	default:
		return UD_CAT_OTHER;
	}
}

UD_EXPORT const char *ud_dev_category_name(enum ud_dev_category cat)
{
	static const char *const names[] = {
		[UD_CAT_NETWORK] = "network", [UD_CAT_STORAGE] = "storage",
		[UD_CAT_OTHER] = "other", [UD_CAT_BRIDGE] = "bridge",
	};

	return (unsigned int)cat < 4 ? names[cat] : "other";
}

UD_EXPORT unsigned int ud_pci_find_cap(const uint8_t *cfg, size_t len,
				       uint8_t cap_id)
{
	unsigned int pos;

	/* Status register bit 4: capability list present. */
	if (len < 64 || !(cfg[0x06] & 0x10))
		return 0;
	pos = cfg[0x34] & ~3u;
	for (int steps = 0; steps < 48 && pos >= 0x40 && pos + 1 < len; steps++) {
		if (cfg[pos] == cap_id)
			return pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

static unsigned long attr_ulong(struct udev_device *u, const char *name,
				unsigned long dflt)
{
	const char *v = udev_device_get_sysattr_value(u, name);
	unsigned long r;

	return v && ud_parse_ulong(v, 0, &r) == 0 ? r : dflt;
}

void ud_dev_info_caps(struct ud_dev_info *info)
{
	char path[PATH_MAX];
	uint8_t cfg[256];
	unsigned int pos;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 info->addr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n < 64)
		return;
	info->has_intx = cfg[0x3d] != 0;
	pos = ud_pci_find_cap(cfg, (size_t)n, UD_PCI_CAP_MSI);
	if (pos && pos + 3 < (size_t)n) {
		info->has_msi = 1;
		/* Message Control bits 3:1: Multiple Message Capable. */
		info->msi_vectors = 1u << ((cfg[pos + 2] >> 1) & 7);
	}
	pos = ud_pci_find_cap(cfg, (size_t)n, UD_PCI_CAP_MSIX);
	if (pos && pos + 3 < (size_t)n) {
		info->has_msix = 1;
		info->msix_vectors =
			((cfg[pos + 2] | (unsigned int)cfg[pos + 3] << 8) & 0x7ff) + 1;
	}
}

static void fill_info(struct udev_device *u, struct ud_dev_info *info)
{
	const char *sys = udev_device_get_syspath(u);
	const char *drv = udev_device_get_driver(u);
	const char *ovr = udev_device_get_sysattr_value(u, "driver_override");
	char path[PATH_MAX], link[PATH_MAX], buf[32];
	long node;
	unsigned long vectors;
	ssize_t n;

	memset(info, 0, sizeof(*info));
	snprintf(info->addr, sizeof(info->addr), "%s", udev_device_get_sysname(u));
	info->vendor = (uint16_t)attr_ulong(u, "vendor", 0xffff);
	info->device = (uint16_t)attr_ulong(u, "device", 0xffff);
	info->subsys_vendor = (uint16_t)attr_ulong(u, "subsystem_vendor", 0);
	info->subsys_device = (uint16_t)attr_ulong(u, "subsystem_device", 0);
	info->class_code = (uint32_t)attr_ulong(u, "class", 0) & 0xffffff;
	info->revision = (uint8_t)attr_ulong(u, "revision", 0);
	/* numa_node is "-1" without NUMA information: parse it signed. */
	node = -1;
	if (ud_sysfs_read((snprintf(path, sizeof(path), "%s/numa_node", sys), path),
			  buf, sizeof(buf)) == 0)
		node = strtol(buf, NULL, 10);
	info->numa_node = (int)node;
	info->iommu_group = -1;
	snprintf(path, sizeof(path), "%s/iommu_group", sys);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		info->iommu_group = atoi(basename(link));
	}
	snprintf(info->driver, sizeof(info->driver), "%s", drv ? drv : "");
	if (ovr && strcmp(ovr, "(null)"))
		snprintf(info->driver_override, sizeof(info->driver_override),
			 "%s", ovr);
	snprintf(path, sizeof(path), "%s/reset", sys);
	info->has_reset = access(path, F_OK) == 0;
	info->uio_minor = -1;
	if (ud_dev_driver_kind(info->driver) != UD_DRV_NONE) {
		int m = ud_pci_uio_minor(info->addr);

		info->uio_minor = m >= 0 ? m : -1;
	}
	if (ud_dev_driver_kind(info->driver) == UD_DRV_UIO_DMA) {
		snprintf(path, sizeof(path), "%s/uio_dma/intr_mode", sys);
		ud_sysfs_read(path, info->intr_mode, sizeof(info->intr_mode));
		snprintf(path, sizeof(path), "%s/uio_dma/intr_vectors", sys);
		if (ud_sysfs_read(path, buf, sizeof(buf)) == 0 &&
		    ud_parse_ulong(buf, 10, &vectors) == 0 && vectors <= UINT_MAX)
			info->intr_vectors = (unsigned int)vectors;
	}
	ud_dev_info_caps(info);
}

UD_EXPORT int ud_dev_info(const char *addr, struct ud_dev_info *info)
{
	char a[UD_PCI_ADDR_STRLEN];
	struct udev_device *u;
	struct udev *udev;
	int err = errno;

	if (!info)
		return ud_fail(EINVAL, "ud_dev_info: info is NULL");
	if (ud_pci_normalize(addr, a))
		return -1;
	udev = udev_new();
	if (!udev)
		return ud_fail(ENOMEM, "udev_new failed: out of memory");
	u = udev_device_new_from_subsystem_sysname(udev, "pci", a);
	if (!u) {
		udev_unref(udev);
		return ud_fail_no_device(a);
	}
	fill_info(u, info);
	udev_device_unref(u);
	udev_unref(udev);
	errno = err;
	return 0;
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct ud_dev_info *)a)->addr,
		      ((const struct ud_dev_info *)b)->addr);
}

UD_EXPORT int ud_dev_list(struct ud_dev_info **list, size_t *n,
			  unsigned int flags)
{
	struct udev_list_entry *e;
	struct udev_enumerate *en;
	struct ud_dev_info *out = NULL;
	size_t cnt = 0, cap = 0;
	struct udev *udev;

	if (!list || !n)
		return ud_fail(EINVAL, "ud_dev_list: list and n must not be NULL");
	udev = udev_new();
	if (!udev)
		return ud_fail(ENOMEM, "udev_new failed: out of memory");
	en = udev_enumerate_new(udev);
	if (!en || udev_enumerate_add_match_subsystem(en, "pci") < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		if (en)
			udev_enumerate_unref(en);
		udev_unref(udev);
		return ud_fail(EIO, "cannot enumerate PCI devices through libudev: is /sys mounted?");
	}
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct udev_device *u =
			udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		struct ud_dev_info info;

		if (!u)
			continue;
		fill_info(u, &info);
		udev_device_unref(u);
		if (ud_dev_category(info.class_code) == UD_CAT_BRIDGE &&
		    !(flags & UD_LIST_BRIDGES))
			continue;
		if (cnt == cap) {
			struct ud_dev_info *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(out, cap * sizeof(*out));
			if (!p) {
				free(out);
				udev_enumerate_unref(en);
				udev_unref(udev);
				return ud_fail(ENOMEM, "out of memory");
			}
			out = p;
		}
		out[cnt++] = info;
	}
	udev_enumerate_unref(en);
	udev_unref(udev);
	if (cnt)
		qsort(out, cnt, sizeof(*out), cmp_info);
	*list = out;
	*n = cnt;
	return 0;
}
