// SPDX-License-Identifier: MIT
/*
 * The device handle and BAR mapping by number: over uio_dma through mmap()
 * of the control device, over igb_uio and uio_pci_generic through sysfs
 * resourceN / resourceN_wc, over vfio-pci through the device fd
 * (lib/dev_vfio.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uiodma/uio_dma_ioctl.h>
#include "dev_internal.h"
#include "dev_ctl.h"
#include "dma_pins.h"
#include "handle.h"
#include "internal.h"
#include "proc_fds.h"
#include "iommu.h"
#include "iova_mode.h"
#include "dev_sysfs.h"

/* Linux IORESOURCE_* flags as sysfs "resource" shows them. */
#define RES_IO		0x00000100UL
#define RES_MEM		0x00000200UL
#define RES_PREFETCH	0x00002000UL
#define RES_MEM_64	0x00100000UL

static void read_bars(struct ud_dev *d)
{
	char path[PATH_MAX], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource",
		 d->info.addr);
	f = fopen(path, "re");
	if (!f)
		return;
	for (int bar = 0; bar < UD_NBARS && fgets(line, sizeof(line), f); bar++) {
		unsigned long long start, end, flags;
		struct ud_bar_info *b = &d->bars[bar];

		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3 ||
		    !end)
			continue;
		b->start = start;
		b->len = end - start + 1;
		b->flags = (flags & RES_MEM ? UD_BAR_MEM : 0) |
			   (flags & RES_PREFETCH ? UD_BAR_PREFETCH : 0) |
			   (flags & RES_MEM_64 ? UD_BAR_64 : 0);
	}
	fclose(f);
}

static int open_ctl(struct ud_dev *d)
{
	if (ud_dev_wait_nodes(d->info.addr, UD_DEV_WAIT_MS))
		return -1;
	d->ctl_fd = ud_ctl_open(d->info.addr);
	return d->ctl_fd < 0 ? -1 : 0;
}

/* Name the first process other than this one that holds the file. */
static void name_other(int pid, const char *comm, void *arg)
{
	char *who = arg;

	if (pid != getpid() && !*who)
		snprintf(who, 96, "pid %d (%s)", pid, comm);
}

/*
 * Hold /dev/uioN: over uio_dma that makes this process the device's one
 * holder, with bus mastering its to have.
 */
static int open_uio(struct ud_dev *d)
{
	char path[32], who[96] = "";
	struct ud_open_file f = { .type = S_IFCHR };
	struct stat st;

	if (d->info.uio_minor < 0)
		return 0;
	snprintf(path, sizeof(path), "/dev/uio%d", d->info.uio_minor);
	d->uio_fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->uio_fd >= 0)
		return 0;
	if (errno == EBUSY) {
		if (!stat(path, &st)) {
			f.rdev = st.st_rdev;
			ud_proc_holders(&f, name_other, who);
		}
		return ud_fail(EBUSY,
			       "%s is held by %s (%s): uio_dma gives a device to one process at a time; stop that process, or have it pass its fd on",
			       d->info.addr, *who ? who : "another process", path);
	}
	if (errno == EACCES || errno == EPERM)
		return ud_fail(EPERM, "cannot open %s: %s; holding a device needs root (uio_dma: CAP_SYS_RAWIO)",
			       path, strerror(errno));
	return ud_fail(errno, "cannot open %s: %s", path, strerror(errno));
}

/* Unmap and close what @d holds, and kill the handle. */
static void dev_release(struct ud_dev *d)
{
	for (int bar = 0; bar < UD_NBARS; bar++)
		for (int wc = 0; wc < 2; wc++)
			if (d->maps[bar][wc].addr)
				munmap(d->maps[bar][wc].addr, d->maps[bar][wc].maplen);
	/* the interrupt handles' duplicates of the device's fds first: while
	 * one is open the device stays held (vfio: its group cannot leave
	 * the container) */
	ud_irq_dev_closing(d);
	ud_vfio_dev_close(d);	/* the device fd, then its group */
	if (d->pins_on_ctl)	/* uio_dma keeps them until the device is quiet */
		ud_dma_pins_dev_remove(d->ctl_fd);
	if (d->iova_held)
		ud_iova_dev_release(d->info.addr, (enum ud_iova_mode)d->iova_held);
	if (d->cfg_fd >= 0)
		close(d->cfg_fd);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	if (d->uio_fd >= 0)
		close(d->uio_fd);
	ud_handle_kill(&ud_hk_dev, d);
}

/* @hold: take the device (control device, /dev/uioN), else only look. */
static struct ud_dev *dev_open(const char *addr, int hold)
{
	struct ud_dev *d = ud_handle_new(&ud_hk_dev);
	char path[PATH_MAX];
	int e;

	if (!d)
		return NULL;
	d->cfg_fd = d->ctl_fd = d->uio_fd = d->vfio_group = -1;
	if (ud_dev_info(addr, &d->info))
		goto fail;
	d->drv = ud_dev_driver_kind(d->info.driver);
	/* vfio-pci: the IOMMU translates, IOVAs come from the container */
	if (hold && d->drv == UD_DRV_VFIO_PCI) {
		if (ud_iova_dev_hold(d->info.addr, UD_IOVA_MODE_VA))
			goto fail;
		d->iova_held = UD_IOVA_MODE_VA;
		if (ud_vfio_dev_open(d))
			goto fail;
		read_bars(d);
		return d;
	}
	/* every UIO driver gives a held device physical addresses */
	if (hold && d->drv != UD_DRV_NONE && ud_iommu_check_dev(d->info.addr))
		goto fail;
	if (hold && d->drv != UD_DRV_NONE) {
		if (ud_iova_dev_hold(d->info.addr, UD_IOVA_MODE_PA))
			goto fail;
		d->iova_held = UD_IOVA_MODE_PA;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", d->info.addr);
	d->cfg_fd = hold ? open(path, O_RDWR | O_CLOEXEC) : -1;
	if (d->cfg_fd >= 0) {
		d->cfg_rw = 1;
	} else {
		d->cfg_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (d->cfg_fd < 0) {
			ud_fail(errno, "cannot open %s: %s", path, strerror(errno));
			goto fail;
		}
	}
	read_bars(d);
	if (hold && d->drv == UD_DRV_UIO_DMA && open_ctl(d))
		goto fail;
	if (hold && open_uio(d))
		goto fail;
	if (d->ctl_fd >= 0) {	/* held on uio_dma: pin the process's memory */
		if (ud_dma_pins_dev_add(d->ctl_fd, d->info.addr))
			goto fail;
		d->pins_on_ctl = 1;
	}
	d->looking = !hold;
	return d;
fail:
	e = errno;
	dev_release(d);
	errno = e;
	return NULL;
}

UD_EXPORT struct ud_dev *ud_dev_open(const char *addr)
{
	return dev_open(addr, 1);
}

UD_EXPORT struct ud_dev *ud_dev_inspect(const char *addr)
{
	return dev_open(addr, 0);
}

UD_EXPORT int ud_dev_close(struct ud_dev *d)
{
	if (!d)
		return 0;
	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_close"))
		return -1;
	dev_release(d);
	return 0;
}

UD_EXPORT const struct ud_dev_info *ud_dev_get_info(const struct ud_dev *d)
{
	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_get_info"))
		return NULL;
	return &d->info;
}

UD_EXPORT int ud_dev_bar_info(const struct ud_dev *d, unsigned int bar,
			      struct ud_bar_info *bi)
{
	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_bar_info"))
		return -1;
	if (!bi)
		return ud_fail(EINVAL, "ud_dev_bar_info: bi is NULL; pass a "
			       "struct ud_bar_info to fill in");
	if (bar >= UD_NBARS)
		return ud_fail(EINVAL, "BAR %u does not exist: PCI BARs are numbered 0..5",
			       bar);
	*bi = d->bars[bar];
	return 0;
}

static void *map_sysfs(struct ud_dev *d, unsigned int bar, int wc, size_t maplen)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%u%s",
		 d->info.addr, bar, wc ? "_wc" : "");
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (wc && e == ENOENT)
			return ud_fail_null(EOPNOTSUPP,
					    "%s has no write-combining mapping of BAR %u (no %s; the kernel offers none on this platform): map it uncached, or bind %s to uio_dma",
					    d->info.addr, bar, path, d->info.addr);
		if (e == EACCES || e == EPERM)
			return ud_fail_null(EACCES, "cannot open %s: %s; mapping BARs needs root",
					    path, strerror(e));
		return ud_fail_null(e, "cannot open %s: %s", path, strerror(e));
	}
	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		close(fd);
		return ud_fail_null(e, "mmap of %s failed: %s%s", path, strerror(e),
				    e == EINVAL ? " (a driver claimed the region, or kernel lockdown forbids it): bind the device to uio_dma" : "");
	}
	close(fd);
	return p;
}

static void *map_ctl(struct ud_dev *d, unsigned int bar, int wc, size_t maplen)
{
	void *p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
		       d->ctl_fd, (off_t)UIO_DMA_MMAP_OFFSET(bar, wc));

	if (p == MAP_FAILED) {
		int e = errno;

		if (e == ENODEV)
			return ud_fail_null(ENODEV,
					    "mmap of BAR %u through /dev/uio_dma/%s failed: the device was unbound, or the loaded uio_dma is too old to map BARs: install the current module",
					    bar, d->info.addr);
		if (e == EBUSY)
			return ud_fail_null(EBUSY,
					    "mmap of BAR %u of %s %s failed: the BAR is already mapped the other way while bound (x86 PAT allows one memory type per range); map it %s, or rebind the device",
					    bar, d->info.addr, wc ? "write-combining" : "uncached",
					    wc ? "uncached" : "write-combining");
		return ud_fail_null(e, "mmap of BAR %u through /dev/uio_dma/%s failed: %s",
				    bar, d->info.addr, strerror(e));
	}
	return p;
}

UD_EXPORT void *ud_dev_map_bar(struct ud_dev *d, unsigned int bar,
			       unsigned int flags, size_t *len)
{
	int wc = !!(flags & UD_MAP_WC);
	long page = sysconf(_SC_PAGESIZE);
	struct ud_dev_map *m;
	struct ud_bar_info *b;
	size_t maplen;
	void *p;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_map_bar"))
		return NULL;
	if (bar >= UD_NBARS)
		return ud_fail_null(EINVAL, "BAR %u does not exist: PCI BARs are numbered 0..5",
				    bar);
	if (d->looking)
		return ud_fail_null(EPERM, "%s was opened with ud_dev_inspect(), which only looks: open it with ud_dev_open() to map BARs",
				    d->info.addr);
	if (ud_dev_require(d, wc ? UD_CAP_BAR_MAP | UD_CAP_BAR_WC : UD_CAP_BAR_MAP))
		return NULL;
	b = &d->bars[bar];
	if (!b->len)
		return ud_fail_null(EINVAL, "%s has no BAR %u (see its sysfs resource file)",
				    d->info.addr, bar);
	if (!(b->flags & UD_BAR_MEM))
		return ud_fail_null(EINVAL, "BAR %u of %s is an I/O port BAR, which cannot be mapped: use the UIO port region (in/out instructions)",
				    bar, d->info.addr);
	if (wc && !(b->flags & UD_BAR_PREFETCH))
		return ud_fail_null(EINVAL, "BAR %u of %s is not prefetchable: write-combining would reorder its register accesses; map it uncached",
				    bar, d->info.addr);
	m = &d->maps[bar][wc];
	if (m->addr) {
		if (len)
			*len = m->len;
		return m->addr;
	}
	maplen = ((size_t)b->len + (size_t)page - 1) & ~((size_t)page - 1);
	if (d->drv == UD_DRV_UIO_DMA)
		p = map_ctl(d, bar, wc, maplen);
	else if (d->drv == UD_DRV_VFIO_PCI)
		p = ud_vfio_dev_map_bar(d, bar, maplen);
	else
		p = map_sysfs(d, bar, wc, maplen);
	if (!p)
		return NULL;
	m->addr = p;
	m->len = (size_t)b->len;
	m->maplen = maplen;
	if (len)
		*len = m->len;
	return p;
}

UD_EXPORT int ud_dev_unmap_bar(struct ud_dev *d, unsigned int bar,
			       unsigned int flags)
{
	struct ud_dev_map *m;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_unmap_bar"))
		return -1;
	if (bar >= UD_NBARS || !d->maps[bar][!!(flags & UD_MAP_WC)].addr)
		return ud_fail(EINVAL, "BAR %u is not mapped%s", bar,
			       flags & UD_MAP_WC ? " write-combining" : "");
	m = &d->maps[bar][!!(flags & UD_MAP_WC)];
	munmap(m->addr, m->maplen);
	memset(m, 0, sizeof(*m));
	return 0;
}
