/* SPDX-License-Identifier: MIT */
/* Small arithmetic helpers shared by the library's files; never installed. */
#ifndef UIODMA_UTIL_H
#define UIODMA_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* @v rounded up to a multiple of @a, a power of two. */
static inline uint64_t ud_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline bool ud_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

#endif /* UIODMA_UTIL_H */
