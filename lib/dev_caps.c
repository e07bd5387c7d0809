// SPDX-License-Identifier: MIT
/*
 * What each driver lets userspace do with a device, and the errors for
 * what it cannot.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	return ud_fail(EOPNOTSUPP,
		       "%s has interrupts off under uio_dma (%s): reload uio_dma with intr_mode=auto and rebind",
		       d->info.addr, names);
}

UD_EXPORT int ud_dev_require_vectors(const struct ud_dev *d, unsigned int n)
{
	unsigned int have;

	if (ud_handle_check(&ud_hk_dev, d, "ud_dev_require_vectors"))
		return -1;
	ud_dev_caps(d, &have);
	if (n <= have)
		return 0;
	if (d->drv == UD_DRV_UIO_DMA)
		return ud_fail(EINVAL,
			       "%s has %u interrupt vector(s) under uio_dma (mode %s), %u wanted: the device or uio_dma's max_vectors/intr_mode limits it",
			       d->info.addr, have, d->info.intr_mode, n);
	return ud_fail(EOPNOTSUPP,
		       "%s is bound to %s, which delivers %u interrupt vector(s), %u wanted: bind it to uio_dma (uiodma bind %s) for one fd per MSI/MSI-X vector",
		       d->info.addr, *d->info.driver ? d->info.driver : "no driver",
		       have, n, d->info.addr);
}
