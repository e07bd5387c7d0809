// SPDX-License-Identifier: MIT
/*
 * Binding a PCI device to a driver through sysfs: driver_override, unbind,
 * bind; restoring the kernel's driver (drivers_probe); waiting for the UIO
 * device nodes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uiodma/module.h>

#include "dev_internal.h"
#include "internal.h"
#include "iommu.h"
#include "dev_sysfs.h"

static int valid_driver_name(const char *d)
{
	if (!*d || strlen(d) >= 64 || strchr(d, '/') || !strcmp(d, ".") ||
	    !strcmp(d, ".."))
		return 0;
	for (const char *p = d; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

static int sysfs_fail(const char *path, const char *what, const char *addr)
{
	int e = errno;

	if (e == EACCES || e == EPERM)
		return ud_fail(EACCES, "%s %s: cannot write %s: %s; run as root",
			       what, addr, path, strerror(e));
	return ud_fail(e, "%s %s: writing %s failed: %s", what, addr, path,
		       strerror(e));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int is_chr(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

UD_EXPORT int ud_dev_wait_nodes(const char *addr, int timeout_ms)
{
	char a[UD_PCI_ADDR_STRLEN], drv[64], uio[32], ctl[64];
	long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	enum ud_dev_driver kind;
	int minor;

	if (ud_pci_normalize(addr, a) || ud_pci_driver(a, drv, sizeof(drv)))
		return -1;
	kind = ud_dev_driver_kind(drv);
	if (kind == UD_DRV_NONE)
		return ud_fail(ENODEV, "%s is %s%s, not to a UIO driver: bind it with 'uiodma bind %s'",
			       a, *drv ? "bound to " : "bound to no driver",
			       drv, a);
	snprintf(ctl, sizeof(ctl), "/dev/uio_dma/%s", a);
	for (;;) {
		minor = ud_pci_uio_minor(a);
		if (minor >= 0) {
			snprintf(uio, sizeof(uio), "/dev/uio%d", minor);
			if (is_chr(uio) &&
			    (kind != UD_DRV_UIO_DMA || is_chr(ctl)))
				return 0;
		}
		if (now_ms() >= deadline)
			break;
		usleep(10000);
	}
	if (minor < 0)
		return ud_fail(ETIMEDOUT, "%s is bound to %s but has no uio entry in sysfs after %d ms: the driver did not register a UIO device (dmesg says why)",
			       a, drv, timeout_ms);
	if (!is_chr(uio))
		return ud_fail(ETIMEDOUT, "%s did not appear within %d ms: is devtmpfs mounted on /dev, or udev running?",
			       uio, timeout_ms);
	return ud_fail(ETIMEDOUT, "%s did not appear within %d ms: is devtmpfs mounted on /dev, or udev running?",
		       ctl, timeout_ms);
}

/* EBUSY unless forced when the kernel or a process uses @a. */
static int check_unused(const char *a, unsigned int flags, const char *what)
{
	char why[768];
	int r;

	if (flags & UD_BIND_FORCE)
		return 0;
	r = ud_dev_in_use(a, why, sizeof(why));
	if (r < 0)
		return -1;
	if (r > 0)
		return ud_fail(EBUSY,
			       "refusing to %s %s: it is in use (%s); stop using it first, or force it with --force (UD_BIND_FORCE)",
			       what, a, why);
	return 0;
}

/* ENOENT: no PCI driver @driver (@path): modprobe it or install it. */
static int driver_missing(const char *driver, const char *path)
{
	char fix[512];
	int st = ud_module_state(driver, fix, sizeof(fix));

	if (st < 0 || st == UD_MODULE_LOADED)
		return ud_fail(ENOENT, "no PCI driver %s (no %s)%s: give a "
			       "driver's name as ls /sys/bus/pci/drivers shows "
			       "it, e.g. uio_dma", driver, path,
			       st < 0 ? ", and it is no module name" :
			       ", although a module of that name is loaded");
	return ud_fail(ENOENT, "driver %s is not loaded (no %s): %s", driver,
		       path, fix);
}

UD_EXPORT int ud_dev_bind(const char *addr, const char *driver,
			  unsigned int flags, char *prev, size_t prev_len)
{
	char a[UD_PCI_ADDR_STRLEN], cur[64], path[PATH_MAX];

	if (!driver)
		driver = "uio_dma";
	if (prev && prev_len)
		prev[0] = '\0';
	if (ud_pci_normalize(addr, a))
		return -1;
	if (!valid_driver_name(driver))
		return ud_fail(EINVAL, "'%s' is not a driver name: give the name under /sys/bus/pci/drivers/, e.g. uio_dma",
			       driver);
	if (ud_pci_driver(a, cur, sizeof(cur)))
		return -1;
	if (prev && prev_len)
		snprintf(prev, prev_len, "%s", cur);
	/* every UIO driver gives the device physical addresses */
	if (ud_dev_driver_kind(driver) != UD_DRV_NONE &&
	    ud_dev_driver_kind(driver) != UD_DRV_VFIO_PCI &&
	    ud_iommu_check_dev(a))
		return -1;
	if (!strcmp(cur, driver))
		goto wait;
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", driver);
	if (access(path, F_OK))
		return driver_missing(driver, path);
	if (check_unused(a, flags, "bind"))
		return -1;
	if (ud_dev_driver_kind(driver) == UD_DRV_VFIO_PCI &&
	    !(flags & UD_BIND_FORCE) && ud_vfio_group_check(a))
		return -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", a);
	if (ud_sysfs_write(path, driver))
		return sysfs_fail(path, "binding", a);
	if (*cur) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", a);
		if (ud_sysfs_write(path, a) && errno != ENODEV) {
			int r = sysfs_fail(path, "unbinding", a);

			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", a);
			ud_sysfs_write(path, "\n");
			return r;
		}
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", driver);
	if (ud_sysfs_write(path, a)) {
		int e = errno;

		/* Give the device back to whoever wants it. */
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", a);
		ud_sysfs_write(path, "\n");
		if (*cur)
			ud_sysfs_write("/sys/bus/pci/drivers_probe", a);
		if (e == EACCES || e == EPERM)
			return ud_fail(EACCES, "binding %s to %s: permission denied; run as root",
				       a, driver);
		return ud_fail(e, "%s refused %s: %s; dmesg says why (%s)", driver,
			       a, strerror(e),
			       e == EOPNOTSUPP ? "a translating IOMMU: use vfio-pci or boot with iommu=pt" :
			       e == ENODEV ? "a bridge, or a device the driver cannot handle" :
			       "see the kernel log");
	}
	if (ud_pci_driver(a, cur, sizeof(cur)))
		return -1;
	if (strcmp(cur, driver))
		return ud_fail(EIO, "%s is bound to %s instead of %s after the bind: something rebound it meanwhile (another tool, or a udev rule); stop that and bind again",
			       a, *cur ? cur : "no driver", driver);
wait:
	if (flags & UD_BIND_NO_WAIT || ud_dev_driver_kind(driver) == UD_DRV_NONE ||
	    ud_dev_driver_kind(driver) == UD_DRV_VFIO_PCI)
		return 0;
	return ud_dev_wait_nodes(a, UD_DEV_WAIT_MS);
}

UD_EXPORT int ud_dev_unbind(const char *addr, unsigned int flags, char *now,
			    size_t now_len)
{
	char a[UD_PCI_ADDR_STRLEN], cur[64], path[PATH_MAX];

	if (now && now_len)
		now[0] = '\0';
	if (ud_pci_normalize(addr, a) || ud_pci_driver(a, cur, sizeof(cur)))
		return -1;
	if (*cur && ud_dev_driver_kind(cur) == UD_DRV_NONE &&
	    check_unused(a, flags, "unbind"))
		return -1;
	if (*cur) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", a);
		if (ud_sysfs_write(path, a) && errno != ENODEV)
			return sysfs_fail(path, "unbinding", a);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", a);
	if (ud_sysfs_write(path, "\n"))
		return sysfs_fail(path, "clearing driver_override of", a);
	if (!(flags & UD_UNBIND_NO_RESTORE) &&
	    ud_sysfs_write("/sys/bus/pci/drivers_probe", a))
		return sysfs_fail("/sys/bus/pci/drivers_probe",
				  "probing the kernel's driver for", a);
	if (ud_pci_driver(a, cur, sizeof(cur)))
		return -1;
	if (now && now_len)
		snprintf(now, now_len, "%s", cur);
	return 0;
}
