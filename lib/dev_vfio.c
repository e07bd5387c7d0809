// SPDX-License-Identifier: MIT
/*
 * A device bound to vfio-pci: its IOMMU group (/dev/vfio/N, one open per
 * group in this process, shared by its devices), the group attached to the
 * process's VFIO container (lib/vfio_container.c), the device fd from
 * VFIO_GROUP_GET_DEVICE_FD, BARs and config space as regions of that fd
 * (VFIO_DEVICE_GET_REGION_INFO), reset with VFIO_DEVICE_RESET.  Facts
 * from linux/vfio.h and drivers/vfio/pci/vfio_pci_core.c; Debian's 6.1 and
 * 6.12 kernels offer only this group/container interface (no iommufd).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "dev_internal.h"
#include "dev_sysfs.h"
#include "internal.h"
#include "vfio.h"

#define MAX_GROUPS 64

struct group {
	int id, fd, users;
};

static struct group groups[MAX_GROUPS];
static int ngroups;
static pthread_mutex_t glock = PTHREAD_MUTEX_INITIALIZER;

/* The IOMMU group number of @addr from sysfs; -1 with error if none. */
static int group_of(const char *addr)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", addr);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return ud_fail(ENODEV, "%s is bound to vfio-pci but has no IOMMU "
			       "group (%s: %s): vfio-pci needs an IOMMU (boot "
			       "with intel_iommu=on or amd_iommu=on); without "
			       "one, bind it to uio_dma (uiodma bind %s)", addr,
			       path, strerror(errno), addr);
	link[n] = '\0';
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

/* Open group @id, or share this process's open of it; the fd or -1. */
static int group_get(int id, const char *addr)
{
	char path[32];
	int i, fd;

	pthread_mutex_lock(&glock);
	for (i = 0; i < ngroups; i++)
		if (groups[i].id == id) {
			groups[i].users++;
			fd = groups[i].fd;
			pthread_mutex_unlock(&glock);
			return fd;
		}
	if (ngroups == MAX_GROUPS) {
		pthread_mutex_unlock(&glock);
		return ud_fail(EMFILE, "%s: this process has %d VFIO groups open "
			       "already, the most the library keeps", addr,
			       MAX_GROUPS);
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		pthread_mutex_unlock(&glock);
		if (e == EBUSY)
			return ud_fail(EBUSY, "%s: its VFIO group %s is open in "
				       "another process (a group has one user at a "
				       "time); stop that process", addr, path);
		if (e == ENOENT)
			return ud_fail(ENODEV, "%s: %s does not exist although "
				       "the device is bound to vfio-pci: is udev "
				       "or devtmpfs running?", addr, path);
		return ud_fail(e, "%s: cannot open %s: %s%s", addr, path,
			       strerror(e), e == EACCES || e == EPERM ?
			       " (needs root, or a udev rule giving the user "
			       "the group)" : "");
	}
	if (ud_vfio_get()) {
		close(fd);
		pthread_mutex_unlock(&glock);
		return ud_fail_wrap(errno, "%s: ", addr);
	}
	if (ud_vfio_group_attach(fd)) {
		int e = errno;

		ud_vfio_put();
		close(fd);
		pthread_mutex_unlock(&glock);
		return ud_fail_wrap(e, "%s: VFIO group %d: ", addr, id);
	}
	groups[ngroups++] = (struct group){ id, fd, 1 };
	pthread_mutex_unlock(&glock);
	return fd;
}

static void group_put(int id)
{
	pthread_mutex_lock(&glock);
	for (int i = 0; i < ngroups; i++) {
		if (groups[i].id != id || --groups[i].users)
			continue;
		ud_vfio_group_detach(groups[i].fd);
		close(groups[i].fd);
		ud_vfio_put();
		groups[i] = groups[--ngroups];
		break;
	}
	pthread_mutex_unlock(&glock);
}

static int region_info(struct ud_dev *d, unsigned int index,
		       struct ud_vfio_region *r)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

	if (ioctl(d->cfg_fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return ud_fail(errno, "%s: VFIO_DEVICE_GET_REGION_INFO of region "
			       "%u: %s", d->info.addr, index, strerror(errno));
	r->off = ri.offset;
	r->size = ri.size;
	r->flags = ri.flags;
	return 0;
}

/* Whether @dev is a bridge: config header type not 0 (any user may read
 * the first 64 bytes of config space). */
static int is_bridge(const char *dev)
{
	char path[PATH_MAX];
	uint8_t type = 0;
	int fd, bridge = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", dev);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		bridge = pread(fd, &type, 1, 0x0e) == 1 && (type & 0x7f);
		close(fd);
	}
	return bridge;
}

/* Fill @m for @dev (shorter than UD_PCI_ADDR_STRLEN); whether it leaves
 * its group viable for vfio: no driver, vfio-pci or pci-stub
 * (drivers/vfio/group.c), or a bridge. */
static void member(struct ud_group_dev *m, const char *dev)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->addr, dev, strlen(dev) + 1);
	if (ud_pci_driver(dev, m->driver, sizeof(m->driver)))
		m->driver[0] = '\0';	/* gone meanwhile: vfio decides */
	m->bridge = is_bridge(dev);
	m->blocks = *m->driver && strcmp(m->driver, "vfio-pci") &&
		    strcmp(m->driver, "pci-stub") && !m->bridge;
}

static int by_addr(const void *a, const void *b)
{
	return strcmp(((const struct ud_group_dev *)a)->addr,
		      ((const struct ud_group_dev *)b)->addr);
}

UD_EXPORT int ud_dev_iommu_group(const char *addr, struct ud_iommu_group *g)
{
	char a[UD_PCI_ADDR_STRLEN], path[PATH_MAX];
	struct dirent *de;
	unsigned int n;
	DIR *dd;

	if (!g)
		return ud_fail(EINVAL, "ud_dev_iommu_group: g is NULL");
	memset(g, 0, sizeof(*g));
	g->id = -1;
	if (ud_pci_normalize(addr, a))
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", a);
	if (access(path, F_OK))
		return ud_fail_no_device(a);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group/devices",
		 a);
	dd = opendir(path);
	if (!dd)
		return ud_fail(ENODEV, "%s has no IOMMU group (%s): vfio-pci needs "
			       "an IOMMU (boot with intel_iommu=on or "
			       "amd_iommu=on); without one, use uio_dma (uiodma "
			       "bind %s)", a, path, a);
	while ((de = readdir(dd))) {
		/* PCI groups hold PCI devices: anything else is not listed */
		if (de->d_name[0] == '.' ||
		    strlen(de->d_name) >= UD_PCI_ADDR_STRLEN)
			continue;
		if (g->ndevs < UD_GROUP_MAX_DEVS)
			member(&g->devs[g->ndevs], de->d_name);
		g->ndevs++;
	}
	closedir(dd);
	n = g->ndevs < UD_GROUP_MAX_DEVS ? g->ndevs : UD_GROUP_MAX_DEVS;
	qsort(g->devs, n, sizeof(g->devs[0]), by_addr);
	g->viable = 1;
	for (unsigned int i = 0; i < n; i++)
		g->viable &= !g->devs[i].blocks;
	g->id = group_of(a);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group/type", a);
	if (ud_sysfs_read(path, g->type, sizeof(g->type)))
		g->type[0] = '\0';
	return 0;
}

int ud_vfio_group_check(const char *addr)
{
	struct ud_iommu_group g;
	char users[512] = "";
	size_t used = 0;

	if (ud_dev_iommu_group(addr, &g))
		return -1;
	for (unsigned int i = 0; i < g.ndevs && i < UD_GROUP_MAX_DEVS; i++) {
		const struct ud_group_dev *m = &g.devs[i];
		int n;

		if (!m->blocks || !strcmp(m->addr, addr) || used >= sizeof(users))
			continue;
		n = snprintf(users + used, sizeof(users) - used, "%s%s (%s)",
			     used ? ", " : "", m->addr, m->driver);
		used += n > 0 ? (size_t)n : 0;
	}
	if (!used)
		return 0;
	return ud_fail(EBUSY, "refusing to bind %s to vfio-pci: its IOMMU group "
		       "%d (/sys/kernel/iommu_groups/%d/devices) also holds %s, "
		       "still driven by the kernel, and vfio gives a group to "
		       "userspace only as a whole; bind those to vfio-pci too, "
		       "or unbind them", addr, g.id, g.id, users);
}

int ud_vfio_dev_open(struct ud_dev *d)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct ud_vfio_region cfg;
	int gfd, id = group_of(d->info.addr);

	if (id < 0)
		return -1;
	gfd = group_get(id, d->info.addr);
	if (gfd < 0)
		return -1;
	d->vfio_group = id;
	d->cfg_fd = ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, d->info.addr);
	if (d->cfg_fd < 0) {
		d->cfg_fd = -1;
		return ud_fail(errno == EBUSY ? EBUSY : errno, "%s: "
			       "VFIO_GROUP_GET_DEVICE_FD: %s%s", d->info.addr,
			       strerror(errno), errno == EBUSY ?
			       " (the device is open already)" : "");
	}
	if (ioctl(d->cfg_fd, VFIO_DEVICE_GET_INFO, &di))
		return ud_fail(errno, "%s: VFIO_DEVICE_GET_INFO: %s",
			       d->info.addr, strerror(errno));
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    di.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX)
		return ud_fail(ENODEV, "%s: vfio reports no PCI device (flags "
			       "%#x, %u regions)", d->info.addr, di.flags,
			       di.num_regions);
	d->vfio_flags = di.flags;
	for (unsigned int bar = 0; bar < UD_NBARS; bar++)
		if (region_info(d, VFIO_PCI_BAR0_REGION_INDEX + bar,
				&d->vfio_bar[bar]))
			return -1;
	if (region_info(d, VFIO_PCI_CONFIG_REGION_INDEX, &cfg))
		return -1;
	d->cfg_off = cfg.off;
	d->cfg_rw = !!(cfg.flags & VFIO_REGION_INFO_FLAG_WRITE);
	return 0;
}

void ud_vfio_dev_close(struct ud_dev *d)
{
	if (d->drv != UD_DRV_VFIO_PCI)
		return;
	if (d->cfg_fd >= 0)
		close(d->cfg_fd);
	d->cfg_fd = -1;
	if (d->vfio_group >= 0)
		group_put(d->vfio_group);
	d->vfio_group = -1;
}

void *ud_vfio_dev_map_bar(struct ud_dev *d, unsigned int bar, size_t maplen)
{
	const struct ud_vfio_region *r = &d->vfio_bar[bar];
	void *p;

	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return ud_fail_null(EOPNOTSUPP, "%s: vfio-pci does not let BAR "
				    "%u be mapped (no VFIO_REGION_INFO_FLAG_MMAP: "
				    "it is not page-aligned, or holds the MSI-X "
				    "table on a kernel before 4.16)", d->info.addr,
				    bar);
	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, d->cfg_fd,
		 (off_t)r->off);
	if (p == MAP_FAILED)
		return ud_fail_null(errno, "%s: mmap of BAR %u through vfio "
				    "failed: %s", d->info.addr, bar,
				    strerror(errno));
	return p;
}

int ud_vfio_dev_reset(struct ud_dev *d)
{
	if (!(d->vfio_flags & VFIO_DEVICE_FLAGS_RESET))
		return ud_fail(EOPNOTSUPP, "%s cannot be reset: vfio-pci offers "
			       "no reset for it (VFIO_DEVICE_FLAGS_RESET clear: "
			       "no FLR, PM or bus reset that touches only its "
			       "group)", d->info.addr);
	if (ioctl(d->cfg_fd, VFIO_DEVICE_RESET))
		return ud_fail(errno, "%s: VFIO_DEVICE_RESET failed: %s",
			       d->info.addr, strerror(errno));
	return 0;
}
