// SPDX-License-Identifier: MIT
/*
 * Which IOVA mode a new region runs in (enum ud_iova_mode, mem.h): the
 * configuration's, else the environment's UD_IOVA_MODE, else PA for a
 * caller's physical-address source, else what the machine allows (VA when
 * the IOMMU translates DMA by default, PA otherwise), with the reason in
 * words for ud_mem_dump() and for the messages that depend on the mode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "internal.h"
#include "iommu.h"
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
