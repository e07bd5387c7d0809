/* SPDX-License-Identifier: MIT */
/* Shared by desc.c and desc_zone.c; private to libuiodma. */
#ifndef UIODMA_DESC_INTERNAL_H
#define UIODMA_DESC_INTERNAL_H

#include <uiodma/desc.h>

#define UD_DESC_MAX_COUNT 65536u
#define UD_DESC_DEF_ALIGN 128u

/* Check @p; on error record it (naming ring @name) and return -1. */
int ud_desc_check(const struct ud_desc_ring_params *p, const char *name);

/* Allocate the ring object over @va/@iova and zero the descriptors. */
struct ud_desc_ring *ud_desc_new(const struct ud_desc_ring_params *p,
				 const char *name, void *va, uint64_t iova);

#endif /* UIODMA_DESC_INTERNAL_H */
