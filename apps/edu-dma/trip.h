/* SPDX-License-Identifier: MIT */
/*
 * Round trips through edu's DMA engine with every byte checked: random
 * bytes go from a source area into the device buffer and back out into a
 * destination area, and the whole destination area is compared, the copy
 * and the guard value around it (a transfer that writes a byte too many,
 * or to the wrong place, shows there).  edu-dma's rounds use it, and
 * edu_harness checks that the check sees a wrong byte.
 */
#ifndef EDU_TRIP_H
#define EDU_TRIP_H

#include <stddef.h>
#include <stdint.h>

#include "edu.h"

#define EDU_TRIP_AREA	(2 * EDU_BUF_SIZE)	/* bytes of each area */
#define EDU_TRIP_GUARD	0xa5	/* the destination outside the copy */

struct edu_trip {
	uint8_t *src, *dst;	/* EDU_TRIP_AREA bytes each, on two hugepages */
	uint64_t x;		/* the random stream (xorshift64*) */
};

/* One round: @len bytes at src + @src_off -> device buffer + @dev_off ->
 * dst + @dst_off. */
struct edu_trip_round {
	uint32_t len, dev_off;
	size_t src_off, dst_off;
};

/*
 * edu_trip_init() - reserve both areas in @m (IOVA-contiguous, below
 * @iova_max unless 0) and fill the destination with the guard.
 * Returns 0, or -1 with a message.
 */
int edu_trip_init(struct edu_trip *t, struct ud_mem *m, uint64_t iova_max,
		  uint64_t seed);

/* edu_trip_next() - a random round (1-4095 bytes, any offsets the device
 * takes) and random bytes in its source. */
void edu_trip_next(struct edu_trip *t, struct edu_trip_round *r);

/*
 * edu_trip_dma() - @in_len bytes from the source into the device, then
 * @out_len bytes back to the destination (both r->len for a true round).
 * Returns 0, or -1 with errno and @err (edu_dma()).
 */
int edu_trip_dma(struct edu *e, const struct edu_trip *t,
		 const struct edu_trip_round *r, uint32_t in_len,
		 uint32_t out_len, char *err, size_t errlen);

/*
 * edu_trip_check() - the offset in the destination area of its first byte
 * that is neither the copy of the round's source nor the guard, or
 * EDU_TRIP_AREA when every byte is right; then puts the guard back.
 */
size_t edu_trip_check(struct edu_trip *t, const struct edu_trip_round *r);

#endif /* EDU_TRIP_H */
