// SPDX-License-Identifier: MIT
/*
 * Is the kernel using a PCI device?  Its network interfaces (up, with
 * addresses or routes) and block devices (mounted, swap, held by device
 * mapper or md), found through libudev as children of the PCI device.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "dev_internal.h"
#include "internal.h"
#include "mountinfo.h"
#include "sysfs_pci.h"

/* Append "; "-separated text to @buf. */
static void add(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (!len || used + 1 >= len)
		return;
	if (used) {
		snprintf(buf + used, len - used, "; ");
		used = strlen(buf);
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static int net_is_up(struct udev_device *u)
{
	const char *f = udev_device_get_sysattr_value(u, "flags");

	return f && (strtoul(f, NULL, 0) & IFF_UP);
}

static int net_addresses(const char *ifname, char *buf, size_t len)
{
	struct ifaddrs *ifa, *p;
	int n = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (p = ifa; p; p = p->ifa_next) {
		char a[INET6_ADDRSTRLEN];
		const void *src;

		if (!p->ifa_addr || strcmp(p->ifa_name, ifname))
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			src = &((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr;
		else if (p->ifa_addr->sa_family == AF_INET6)
			src = &((struct sockaddr_in6 *)(void *)p->ifa_addr)->sin6_addr;
		else
			continue;
		if (!inet_ntop(p->ifa_addr->sa_family, src, a, sizeof(a)))
			continue;
		add(buf, len, "%s has address %s", ifname, a);
		n++;
	}
	freeifaddrs(ifa);
	return n;
}

/* Routes through @ifname in /proc/net/route and /proc/net/ipv6_route. */
static int net_routes(const char *ifname)
{
	char line[512], name[IFNAMSIZ + 1];
	int n = 0;
	FILE *f;

	f = fopen("/proc/net/route", "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%16s", name) == 1 && !strcmp(name, ifname))
				n++;
		fclose(f);
	}
	f = fopen("/proc/net/ipv6_route", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *last = strrchr(line, ' ');

			if (!last)
				continue;
			last[strcspn(last, "\n")] = '\0';
			if (!strcmp(last + 1, ifname))
				n++;
		}
		fclose(f);
	}
	return n;
}

struct mount_query {
	const char *name;       /* block device, e.g. "nvme0n1" */
	dev_t dev;
	char devpath[PATH_MAX]; /* /dev/<name> */
	char *buf;
	size_t len;
	int n;
};

static int mount_of(const struct ud_mountinfo *mi, void *arg)
{
	struct mount_query *q = arg;

	if (makedev(mi->major, mi->minor) == q->dev ||
	    !strcmp(mi->source, q->devpath)) {
		add(q->buf, q->len, "%s is mounted on %s", q->name, mi->mnt);
		q->n++;
	}
	return 0;
}

static int block_mounts(const char *name, dev_t dev, char *buf, size_t len)
{
	struct mount_query q = { .name = name, .dev = dev, .buf = buf, .len = len };

	snprintf(q.devpath, sizeof(q.devpath), "/dev/%s", name);
	ud_mountinfo_each(mount_of, &q);
	return q.n;
}

static int block_swap(const char *name, dev_t dev, char *buf, size_t len)
{
	char line[4096], file[2048];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct stat st;

		if (sscanf(line, "%2047s", file) != 1 || file[0] != '/')
			continue;
		ud_unescape_octal(file);
		if (!stat(file, &st) && S_ISBLK(st.st_mode) && st.st_rdev == dev) {
			add(buf, len, "%s is in use as swap", name);
			n++;
		}
	}
	fclose(f);
	return n;
}

static int block_holders(struct udev_device *u, const char *name, char *buf,
			 size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/holders", udev_device_get_syspath(u));
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		add(buf, len, "%s is held by %s", name, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/*
 * Walk the net and block children of @addr.  @why gets the uses (if
 * @users is 0) or a short list of the interfaces (if @users is 1).
 * Returns the number of uses found, or -1.
 */
static int walk(const char *addr, char *out, size_t len, int users)
{
	static const char *const subsystems[] = { "net", "block" };
	char a[UD_PCI_ADDR_LEN];
	struct udev_device *pci;
	struct udev *udev;
	int uses = 0;

	if (out && len)
		out[0] = '\0';
	if (ud_pci_normalize(addr, a))
		return -1;
	udev = udev_new();
	if (!udev)
		return ud_fail(ENOMEM, "udev_new failed: out of memory");
	pci = udev_device_new_from_subsystem_sysname(udev, "pci", a);
	if (!pci) {
		udev_unref(udev);
		return ud_fail(ENODEV, "no PCI device %s: list them with 'uiodma status' or lspci",
			       a);
	}
	for (int s = 0; s < 2; s++) {
		struct udev_enumerate *en = udev_enumerate_new(udev);
		struct udev_list_entry *e;

		if (!en)
			continue;
		udev_enumerate_add_match_parent(en, pci);
		udev_enumerate_add_match_subsystem(en, subsystems[s]);
		udev_enumerate_scan_devices(en);
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
			struct udev_device *u = udev_device_new_from_syspath(
				udev, udev_list_entry_get_name(e));
			const char *name;

			if (!u)
				continue;
			name = udev_device_get_sysname(u);
			if (users) {
				if (s == 0)
					add(out, len, "net:%s%s", name,
					    net_is_up(u) ? "(up)" : "");
				else
					add(out, len, "block:%s", name);
			} else if (s == 0) {
				if (net_is_up(u)) {
					add(out, len, "network interface %s is up", name);
					uses++;
				}
				uses += net_addresses(name, out, len);
				if (net_routes(name)) {
					add(out, len, "%s has routes", name);
					uses++;
				}
			} else {
				dev_t dev = udev_device_get_devnum(u);

				uses += block_mounts(name, dev, out, len);
				uses += block_swap(name, dev, out, len);
				uses += block_holders(u, name, out, len);
			}
			udev_device_unref(u);
		}
		udev_enumerate_unref(en);
	}
	udev_device_unref(pci);
	udev_unref(udev);
	return uses;
}

UD_EXPORT int ud_dev_in_use(const char *addr, char *why, size_t len)
{
	char tmp[2];
	int n = walk(addr, why ? why : tmp, why ? len : sizeof(tmp), 0);

	if (n < 0)
		return -1;
	return n > 0;
}

UD_EXPORT int ud_dev_users(const char *addr, char *buf, size_t len)
{
	return walk(addr, buf, len, 1) < 0 ? -1 : 0;
}
