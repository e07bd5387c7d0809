// SPDX-License-Identifier: MIT
/*
 * What each driver lets userspace do with a device, and the errors for
 * what it cannot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev_internal.h"
#include "handle.h"
#include "internal.h"

enum ud_dev_driver ud_dev_driver_kind(const char *driver)
{
	if (!driver)
		return UD_DRV_NONE;
	if (!strcmp(driver, "uio_dma"))
		return UD_DRV_UIO_DMA;
	if (!strcmp(driver, "igb_uio"))
		return UD_DRV_IGB_UIO;
	if (!strcmp(driver, "uio_pci_generic"))
		return UD_DRV_UIO_PCI_GENERIC;
	if (!strcmp(driver, "vfio-pci"))
		return UD_DRV_VFIO_PCI;
	return UD_DRV_NONE;
}

UD_EXPORT unsigned int ud_dev_driver_caps(const char *driver)
{
	switch (ud_dev_driver_kind(driver)) {
	case UD_DRV_UIO_DMA:
		return UD_CAP_ALL & ~UD_CAP_RESET;
	case UD_DRV_IGB_UIO:
		/*
		 * One vector with irqcontrol; bus mastering is on from probe
		 * until the first close, so it is no guard.
		 */
		return UD_CAP_BAR_MAP | UD_CAP_BAR_WC | UD_CAP_IRQ |
		       UD_CAP_IRQ_MASK | UD_CAP_CONFIG;
	case UD_DRV_UIO_PCI_GENERIC:
		/* INTx only, masked by the kernel, unmasked through config. */
		return UD_CAP_BAR_MAP | UD_CAP_BAR_WC | UD_CAP_IRQ |
		       UD_CAP_CONFIG;
	case UD_DRV_VFIO_PCI:
		/*
		 * BARs mapped uncached only (vfio_pci_core_mmap); DMA through
		 * the IOMMU (VA mode), never pinned physical addresses; bus
		 * mastering cleared at release (vfio_pci_core_disable).
		 */
		return UD_CAP_BAR_MAP | UD_CAP_BUSMASTER_GUARD | UD_CAP_CONFIG |
		       UD_CAP_IRQ | UD_CAP_IRQ_VECTORS;
	default:
		return UD_CAP_CONFIG;
	}
}

static const char *const cap_names[] = {
	"bar-map", "wc", "irq", "irq-vectors", "irq-mask", "dma-pin",
	"busmaster-guard", "unbind-notify", "config", "reset",
};

UD_EXPORT const char *ud_dev_cap_name(unsigned int cap)
{
	for (unsigned int i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (cap == 1u << i)
			return cap_names[i];
	return "unknown";
}

UD_EXPORT char *ud_dev_caps_format(unsigned int caps, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned int i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		int n;

		if (!(caps & (1u << i)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     cap_names[i]);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';	/* whole names only */
			break;
		}
		used += (size_t)n;
	}
	return buf;
}

/* Whether this process sees @addr's capability list (MSI, MSI-X): more
 * than the first 64 bytes of config space need CAP_SYS_ADMIN. */
static int caps_visible(const char *addr)
{
	char path[96], cfg[128];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, cfg, sizeof(cfg), 0);
		close(fd);
	}
	return n > 64;
}

void ud_irq_off_text(const struct ud_dev_info *info, const char *mode,
		     int caps_seen, char *buf, size_t len)
{
	const char *param = "/sys/module/uio_dma/parameters/intr_mode";
	char rebind[200];

	snprintf(rebind, sizeof(rebind), "as root: echo auto > %s, then "
		 "rebind it (uiodma unbind --no-restore %s; uiodma bind %s)",
		 param, info->addr, info->addr);
	if (!strcmp(mode, "none"))
		snprintf(buf, len, "uio_dma's intr_mode is none, so it bound %s "
			 "without interrupts; %s", info->addr, rebind);
	else if (caps_seen && !info->has_intx && !info->has_msi &&
		 !info->has_msix)
		snprintf(buf, len, "%s has no interrupt at all: no INTx pin and "
			 "no MSI or MSI-X capability, so uio_dma (intr_mode %s) "
			 "bound it with interrupts off; such a device must be "
			 "polled (read its status registers) instead of waited "
			 "for", info->addr, *mode ? mode : "auto");
	else if (*mode && strcmp(mode, "auto"))
		snprintf(buf, len, "uio_dma's intr_mode is %s, which %s does not "
			 "offer (it has%s%s%s%s), so it was bound without "
			 "interrupts; %s", mode, info->addr,
			 info->has_msix ? " MSI-X" : "", info->has_msi ? " MSI" : "",
			 info->has_intx ? " INTx" : "",
			 info->has_msix || info->has_msi || info->has_intx ? "" :
			 " nothing this process can see", rebind);
	else
		snprintf(buf, len, "uio_dma (intr_mode %s) could not enable an "
			 "interrupt of %s: dmesg says why (no INTx line "
			 "assigned, INTx masking broken, or no vectors left); "
			 "until that is fixed the device must be polled",
			 *mode ? mode : "auto", info->addr);
}

void ud_irq_off_why(const struct ud_dev_info *info, char *buf, size_t len)
{
	char mode[16] = "";

	ud_sysfs_read("/sys/module/uio_dma/parameters/intr_mode", mode,
		      sizeof(mode));
	ud_irq_off_text(info, mode, caps_visible(info->addr), buf, len);
}

/* uio_dma gave @info's device @have vectors (> 0), @n are wanted. */
static int ud_require_more(const struct ud_dev_info *info, unsigned int have,
			   unsigned int n)
{
	const char *dir = "/sys/module/uio_dma/parameters";
	char mode[16] = "", maxv[16] = "", fix[200];
	unsigned int table = !strcmp(info->intr_mode, "msix") ? info->msix_vectors :
			     !strcmp(info->intr_mode, "msi") ? info->msi_vectors : 1;

	snprintf(fix, sizeof(fix), "then rebind it (uiodma unbind --no-restore "
		 "%s; uiodma bind %s)", info->addr, info->addr);
	ud_sysfs_read("/sys/module/uio_dma/parameters/intr_mode", mode,
		      sizeof(mode));
	ud_sysfs_read("/sys/module/uio_dma/parameters/max_vectors", maxv,
		      sizeof(maxv));
	if (have < table && (unsigned int)atoi(maxv) == have)
		return ud_fail(EINVAL, "%s has %u interrupt vector(s) under "
			       "uio_dma, %u wanted: its %s table has %u but "
			       "uio_dma's max_vectors is %s; as root: echo %u > "
			       "%s/max_vectors, %s", info->addr, have, n,
			       info->intr_mode, table, maxv, n, dir, fix);
	if (strcmp(info->intr_mode, "msix") && info->has_msix &&
	    info->msix_vectors >= n)
		return ud_fail(EINVAL, "%s has %u interrupt vector(s) under "
			       "uio_dma (mode %s, intr_mode %s), %u wanted; its "
			       "MSI-X has %u: as root: echo auto > %s/intr_mode, "
			       "%s", info->addr, have, info->intr_mode,
			       *mode ? mode : "?", n, info->msix_vectors, dir,
			       fix);
	return ud_fail(EINVAL, "%s has %u interrupt vector(s) under uio_dma "
		       "(mode %s), %u wanted: the device offers no more; use "
		       "vectors 0 to %u", info->addr, have, info->intr_mode, n,
		       have - 1);
}

UD_EXPORT unsigned int ud_dev_caps(const struct ud_dev *d, unsigned int *nvec)
{
	unsigned int caps, n;

	if (nvec)
		*nvec = 0;
	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_caps"))
		return 0;
	caps = ud_dev_driver_caps(d->info.driver);

	switch (d->drv) {
	case UD_DRV_UIO_DMA:
		n = d->info.intr_vectors;
		break;
	case UD_DRV_IGB_UIO:
		n = 1;
		break;
	case UD_DRV_UIO_PCI_GENERIC:
		n = d->info.has_intx ? 1 : 0;
		break;
	case UD_DRV_VFIO_PCI:	/* MSI-X, else MSI, else INTx (dev_irq_vfio.c) */
		n = d->info.has_msix ? d->info.msix_vectors :
		    d->info.has_msi ? d->info.msi_vectors : (d->info.has_intx ? 1u : 0u);
		break;
	default:
		n = 0;
	}
	if (!n)
		caps &= ~(UD_CAP_IRQ | UD_CAP_IRQ_VECTORS | UD_CAP_IRQ_MASK);
	if (d->info.has_reset)
		caps |= UD_CAP_RESET;
	if (nvec)
		*nvec = n;
	return caps;
}

UD_EXPORT int ud_dev_require(const struct ud_dev *d, unsigned int caps)
{
	unsigned int missing;
	const char *drv;
	char names[160];

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_require"))
		return -1;
	missing = caps & ~ud_dev_caps(d, NULL);
	drv = *d->info.driver ? d->info.driver : "no driver";
	if (!missing)
		return 0;
	ud_dev_caps_format(missing, names, sizeof(names));
	if (d->drv != UD_DRV_UIO_DMA &&
	    (missing & ud_dev_driver_caps("uio_dma")))
		return ud_fail(EOPNOTSUPP,
			       "%s is bound to %s, which does not offer %s: bind it to uio_dma (uiodma bind %s)",
			       d->info.addr, drv, names, d->info.addr);
	if (missing & UD_CAP_RESET)
		return ud_fail(EOPNOTSUPP,
			       "%s cannot be reset: the kernel knows no reset method for it (no sysfs reset file)",
			       d->info.addr);
	{
		char why[600];

		ud_irq_off_why(&d->info, why, sizeof(why));
		return ud_fail(EOPNOTSUPP, "%s: no %s: %s", d->info.addr, names,
			       why);
	}
}

UD_EXPORT int ud_dev_require_vectors(const struct ud_dev *d, unsigned int n)
{
	unsigned int have;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_require_vectors"))
		return -1;
	ud_dev_caps(d, &have);
	if (n <= have)
		return 0;
	if (d->drv == UD_DRV_UIO_DMA && !have) {
		char why[600];

		ud_irq_off_why(&d->info, why, sizeof(why));
		return ud_fail(EINVAL, "%s has no interrupt vector, %u wanted: %s",
			       d->info.addr, n, why);
	}
	if (d->drv == UD_DRV_UIO_DMA)
		return ud_require_more(&d->info, have, n);
	return ud_fail(EOPNOTSUPP,
		       "%s is bound to %s, which delivers %u interrupt vector(s), %u wanted: bind it to uio_dma (uiodma bind %s) for one fd per MSI/MSI-X vector",
		       d->info.addr, *d->info.driver ? d->info.driver : "no driver",
		       have, n, d->info.addr);
}
