// SPDX-License-Identifier: MIT
/* Checked round trips through edu's DMA engine; see trip.h. */
#include <string.h>

#include "common/app.h"
#include "trip.h"

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

int edu_trip_init(struct edu_trip *t, struct ud_mem *m, uint64_t iova_max,
		  uint64_t seed)
{
	/* Page-aligned: the two areas land on different hugepages. */
	struct ud_zone *s = app_zone(m, "trip-src", EDU_TRIP_AREA, 2u << 20,
				     iova_max, UD_ZONE_IOVA_CONTIG);
	struct ud_zone *d = app_zone(m, "trip-dst", EDU_TRIP_AREA, 2u << 20,
				     iova_max, UD_ZONE_IOVA_CONTIG);

	if (!s || !d)
		return -1;
	t->src = ud_zone_addr(s);
	t->dst = ud_zone_addr(d);
	t->x = seed ? seed : 42;
	memset(t->dst, EDU_TRIP_GUARD, EDU_TRIP_AREA);
	return 0;
}

void edu_trip_next(struct edu_trip *t, struct edu_trip_round *r)
{
	r->len = 1 + (uint32_t)(rnd(&t->x) % EDU_MAX_XFER);
	r->dev_off = (uint32_t)(rnd(&t->x) % (EDU_MAX_XFER - r->len + 1));
	r->src_off = rnd(&t->x) % (EDU_TRIP_AREA - r->len + 1);
	r->dst_off = rnd(&t->x) % (EDU_TRIP_AREA - r->len + 1);
	for (uint32_t i = 0; i < r->len; i += 8) {
		uint64_t v = rnd(&t->x);

		memcpy(t->src + r->src_off + i, &v, r->len - i < 8 ? r->len - i : 8);
	}
}

int edu_trip_dma(struct edu *e, const struct edu_trip *t,
		 const struct edu_trip_round *r, uint32_t in_len,
		 uint32_t out_len, char *err, size_t errlen)
{
	if (edu_dma(e, ud_virt2iova(t->src + r->src_off), r->dev_off, in_len,
		    1, err, errlen))
		return -1;
	return edu_dma(e, ud_virt2iova(t->dst + r->dst_off), r->dev_off,
		       out_len, 0, err, errlen);
}

size_t edu_trip_check(struct edu_trip *t, const struct edu_trip_round *r)
{
	static uint8_t guard[EDU_TRIP_AREA];
	const uint8_t *s = t->src + r->src_off;
	size_t off = r->dst_off, len = r->len, i;

	if (!guard[0])
		memset(guard, EDU_TRIP_GUARD, sizeof(guard));
	if (!memcmp(t->dst, guard, off) && !memcmp(t->dst + off, s, len) &&
	    !memcmp(t->dst + off + len, guard, EDU_TRIP_AREA - off - len)) {
		memset(t->dst + off, EDU_TRIP_GUARD, len);
		return EDU_TRIP_AREA;
	}
	for (i = 0; t->dst[i] == (i - off < len ? s[i - off] : EDU_TRIP_GUARD); i++)
		;
	memset(t->dst, EDU_TRIP_GUARD, EDU_TRIP_AREA);
	return i;
}
