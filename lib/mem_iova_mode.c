// SPDX-License-Identifier: MIT
/*
 * The IOVA mode (enum ud_iova_mode, mem.h) of the process.  A new region
 * runs in the configuration's mode, else the environment's UD_IOVA_MODE,
 * else PA for a caller's physical-address source, else the mode of the
 * devices this process holds (vfio-pci: VA; uio_dma, igb_uio,
 * uio_pci_generic: PA), else what the machine allows (VA when the IOMMU
 * translates DMA by default, PA otherwise); the reason in words goes to
 * ud_mem_dump() and to the messages that depend on the mode.  One process
 * uses one mode: a device or a region that would mix them is refused,
 * naming the others.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/dev.h>

#include "handle.h"
#include "internal.h"
#include "iommu.h"
#include "iova_mode.h"
#include "mem_internal.h"

const char *ud_iova_mode_name(enum ud_iova_mode mode)
{
	switch (mode) {
	case UD_IOVA_MODE_PA:
		return "PA";
	case UD_IOVA_MODE_VA:
		return "VA";
	default:
		return "AUTO";
	}
}

/* What this process holds, per mode: devices (their addresses, the
 * first few) and regions. */
#define NAMED 4
static struct {
	pthread_mutex_t lock;
	unsigned int devs[3], regions[3];
	char dev[3][NAMED][UD_PCI_ADDR_STRLEN];
} P = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* "0000:00:02.0, 0000:00:03.0" of mode @mo into @buf; under P.lock. */
static void dev_names(enum ud_iova_mode mo, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < NAMED && used < len; i++) {
		int n;

		if (!P.dev[mo][i][0])
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			     P.dev[mo][i]);
		used += n > 0 ? (size_t)n : 0;
	}
	if (P.devs[mo] > NAMED && used < len)
		snprintf(buf + used, len - used, " and %u more",
			 P.devs[mo] - NAMED);
}

static const char *drivers_of(enum ud_iova_mode mo)
{
	return mo == UD_IOVA_MODE_VA ? "vfio-pci" :
	       "uio_dma, igb_uio or uio_pci_generic";
}

/* The error for @what (a device or memory) needing @mo in a process that
 * uses the other mode; under P.lock. */
static int mixed(enum ud_iova_mode mo, const char *what)
{
	enum ud_iova_mode other = mo == UD_IOVA_MODE_VA ? UD_IOVA_MODE_PA :
				  UD_IOVA_MODE_VA;
	char names[4 * UD_PCI_ADDR_STRLEN + 32];

	dev_names(other, names, sizeof(names));
	return ud_fail(EINVAL, "%s needs %s mode, but this process uses %s "
		       "mode: %u device(s) on %s%s%s%s and %u memory region(s) "
		       "in %s mode; one process uses one mode: close those "
		       "first, or bind every device to %s (uiodma bind%s)", what,
		       ud_iova_mode_name(mo), ud_iova_mode_name(other),
		       P.devs[other], drivers_of(other), *names ? " (" : "",
		       names, *names ? ")" : "", P.regions[other],
		       ud_iova_mode_name(other), drivers_of(mo),
		       mo == UD_IOVA_MODE_VA ? " --driver vfio-pci" : "");
}

int ud_iova_dev_hold(const char *addr, enum ud_iova_mode mo)
{
	char what[UD_PCI_ADDR_STRLEN + 64];
	enum ud_iova_mode other = mo == UD_IOVA_MODE_VA ? UD_IOVA_MODE_PA :
				  UD_IOVA_MODE_VA;
	int rc = 0;

	pthread_mutex_lock(&P.lock);
	if (P.devs[other] || P.regions[other]) {
		snprintf(what, sizeof(what), "%s (on %s)", addr,
			 mo == UD_IOVA_MODE_VA ? "vfio-pci" : "a UIO driver");
		rc = mixed(mo, what);
	} else {
		for (int i = 0; i < NAMED; i++)
			if (!P.dev[mo][i][0]) {
				snprintf(P.dev[mo][i], UD_PCI_ADDR_STRLEN, "%s",
					 addr);
				break;
			}
		P.devs[mo]++;
	}
	pthread_mutex_unlock(&P.lock);
	return rc;
}

void ud_iova_dev_release(const char *addr, enum ud_iova_mode mo)
{
	pthread_mutex_lock(&P.lock);
	for (int i = 0; i < NAMED; i++)
		if (!strcmp(P.dev[mo][i], addr)) {
			P.dev[mo][i][0] = '\0';
			break;
		}
	if (P.devs[mo])
		P.devs[mo]--;
	pthread_mutex_unlock(&P.lock);
}

int ud_iova_mem_hold(enum ud_iova_mode mo, const char *why)
{
	enum ud_iova_mode other = mo == UD_IOVA_MODE_VA ? UD_IOVA_MODE_PA :
				  UD_IOVA_MODE_VA;
	char what[256];
	int rc = 0;

	pthread_mutex_lock(&P.lock);
	if (P.devs[other] || P.regions[other]) {
		snprintf(what, sizeof(what), "memory (%s mode: %s)",
			 ud_iova_mode_name(mo), why);
		rc = mixed(mo, what);
	} else {
		P.regions[mo]++;
	}
	pthread_mutex_unlock(&P.lock);
	return rc;
}

void ud_iova_mem_release(enum ud_iova_mode mo)
{
	pthread_mutex_lock(&P.lock);
	if (P.regions[mo])
		P.regions[mo]--;
	pthread_mutex_unlock(&P.lock);
}

/* The mode of the devices this process holds, with @why; AUTO if none. */
static enum ud_iova_mode devices_mode(char *why, size_t len)
{
	enum ud_iova_mode mo = UD_IOVA_MODE_AUTO;
	char names[4 * UD_PCI_ADDR_STRLEN + 32];

	pthread_mutex_lock(&P.lock);
	for (int m = UD_IOVA_MODE_PA; m <= UD_IOVA_MODE_VA; m++) {
		if (!P.devs[m])
			continue;
		mo = (enum ud_iova_mode)m;
		dev_names(mo, names, sizeof(names));
		snprintf(why, len, "this process holds %s on %s", names,
			 drivers_of(mo));
	}
	pthread_mutex_unlock(&P.lock);
	return mo;
}

int ud_iova_mode_choose(const struct ud_mem_config *cfg, const char *sysfs,
			enum ud_iova_mode *mode, char *why, size_t len)
{
	const char *env = getenv("UD_IOVA_MODE");
	int translating, passing;

	switch (cfg->iova_mode) {
	case UD_IOVA_MODE_PA:
	case UD_IOVA_MODE_VA:
		*mode = cfg->iova_mode;
		snprintf(why, len, "asked for in ud_mem_config.iova_mode");
		return 0;
	case UD_IOVA_MODE_AUTO:
		break;
	default:
		return ud_fail(EINVAL, "ud_mem_open: unknown iova_mode %d; use "
			       "UD_IOVA_MODE_AUTO, UD_IOVA_MODE_PA or "
			       "UD_IOVA_MODE_VA", (int)cfg->iova_mode);
	}
	if (env && *env) {
		if (!strcmp(env, "pa") || !strcmp(env, "va")) {
			*mode = env[0] == 'p' ? UD_IOVA_MODE_PA : UD_IOVA_MODE_VA;
			snprintf(why, len, "UD_IOVA_MODE=%s in the environment",
				 env);
			return 0;
		}
		return ud_fail(EINVAL, "ud_mem_open: the environment variable "
			       "UD_IOVA_MODE is '%.32s'; set it to pa or va, or "
			       "unset it to let the library choose", env);
	}
	if (cfg->pa_source) {
		*mode = UD_IOVA_MODE_PA;
		snprintf(why, len, "a physical-address source ('%s') was given",
			 cfg->pa_source->name ? cfg->pa_source->name : "");
		return 0;
	}
	*mode = devices_mode(why, len);
	if (*mode != UD_IOVA_MODE_AUTO)
		return 0;
	ud_iommu_groups_at(sysfs, &translating, &passing);
	if (translating && !passing) {
		*mode = UD_IOVA_MODE_VA;
		snprintf(why, len, "the IOMMU translates DMA by default (%d "
			 "IOMMU groups of type DMA or DMA-FQ, none identity), "
			 "so physical addresses cannot work", translating);
	} else {
		*mode = UD_IOVA_MODE_PA;
		snprintf(why, len, "%s", passing ? "the IOMMU passes physical "
			 "addresses through (identity IOMMU groups: iommu=pt)" :
			 "no IOMMU translates DMA (no IOMMU groups of type DMA "
			 "or DMA-FQ)");
	}
	return 0;
}

UD_EXPORT enum ud_iova_mode ud_mem_iova_mode(const struct ud_mem *m)
{
	if (ud_handle_check(&ud_hk_mem, m, "ud_mem_iova_mode"))
		return UD_IOVA_MODE_AUTO;
	return m->iova_mode;
}
