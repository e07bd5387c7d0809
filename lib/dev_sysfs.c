// SPDX-License-Identifier: MIT
/* PCI devices as sysfs shows them. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "dev_sysfs.h"

/* Where the user finds the addresses, for the messages below. */
#define LIST_ADDRS "lspci -D lists this machine's PCI addresses, uiodma " \
	"status the ones to bind; lspci is in Debian's pciutils (apt-get " \
	"install pciutils)"

/* Parse 1..@max hex digits at *@s into *@v; advance *@s.  0 or -1. */
static int hex_field(const char **s, int max, unsigned int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && isxdigit((unsigned char)**s)) {
		char c = (char)tolower((unsigned char)**s);

		*v = *v * 16 + (unsigned int)(c <= '9' ? c - '0' : c - 'a' + 10);
		(*s)++;
		n++;
	}
	return n ? 0 : -1;
}

int ud_pci_normalize(const char *in, char out[UD_PCI_ADDR_STRLEN])
{
	unsigned int f[4], dom = 0, bus, dev, fn;
	const char *s = in;
	int n = 0;

	if (!in)
		return ud_fail(EINVAL, "no PCI address given");
	/* Up to three ':'-separated fields, then '.' and the function. */
	for (;;) {
		if (hex_field(&s, 4, &f[n]))
			goto bad;
		n++;
		if (*s == ':' && n < 3) {
			s++;
			continue;
		}
		break;
	}
	if (*s != '.' || n < 2)
		goto bad;
	s++;
	if (!isxdigit((unsigned char)*s) || s[1] != '\0')
		goto bad;
	fn = (unsigned int)(*s - '0');
	if (n == 3)
		dom = f[0];
	bus = f[n - 2];
	dev = f[n - 1];
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || *s < '0' || *s > '7')
		return ud_fail(EINVAL, "PCI address '%s' is out of range", in);
	snprintf(out, UD_PCI_ADDR_STRLEN, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
bad:
	return ud_fail(EINVAL, "'%s' is not a PCI address: use the form "
		       "0000:03:00.0 or 03:00.0; " LIST_ADDRS, in);
}

int ud_fail_no_device(const char *addr)
{
	return ud_fail(ENODEV, "no PCI device %s (no /sys/bus/pci/devices/%s): "
		       LIST_ADDRS, addr, addr);
}

int ud_pci_driver(const char *addr, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", addr);
	if (access(path, F_OK))
		return ud_fail_no_device(addr);
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
		return ud_fail(ENODEV, "%s has no uioN entry in %s: its driver registered no UIO device (dmesg says why); rebind it (uiodma unbind --no-restore %s; uiodma bind %s)",
			       addr, path, addr, addr);
	return minor;
}
