// SPDX-License-Identifier: MIT
/* PCI devices as sysfs shows them. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "sysfs_pci.h"

int ud_pci_normalize(const char *in, char out[UD_PCI_ADDR_LEN])
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (!in)
		return ud_fail(EINVAL, "no PCI address given");
	if (sscanf(in, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4) {
		dom = 0;
		if (sscanf(in, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3)
			return ud_fail(EINVAL,
				       "'%s' is not a PCI address: use 0000:03:00.0 or 03:00.0",
				       in);
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return ud_fail(EINVAL, "PCI address '%s' is out of range", in);
	snprintf(out, UD_PCI_ADDR_LEN, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

int ud_pci_driver(const char *addr, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", addr);
	if (access(path, F_OK))
		return ud_fail(ENODEV, "no PCI device %s (see lspci)", addr);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", addr);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		snprintf(buf, len, "%s", "");
		return 0;
	}
	link[n] = '\0';
	snprintf(buf, len, "%s", strrchr(link, '/') + 1);
	return 0;
}

int ud_pci_uio_minor(const char *addr)
{
	char path[PATH_MAX];
	struct dirent *de;
	int minor = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", addr);
	d = opendir(path);
	if (!d)
		return ud_fail(ENODEV,
			       "%s has no UIO device: bind it to uio_dma (uiodma bind %s)",
			       addr, addr);
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "uio%d", &minor) == 1)
			break;
	closedir(d);
	if (minor < 0)
		return ud_fail(ENODEV, "%s has no uioN entry in %s", addr, path);
	return minor;
}
