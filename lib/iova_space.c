// SPDX-License-Identifier: MIT
/*
 * The IOVA space of a VFIO container: which IOVAs the IOMMU accepts (its
 * ranges) and which are taken by VA-mode memory (windows, low blocks for
 * zones with a DMA limit).  First fit over a sorted array: a process takes
 * a few windows and some low blocks, not thousands of pieces.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "iova_space.h"

static const struct ud_iova_range default_ranges[] = {
	{ 0, UD_IOVA_MSI_START - 1 },
	{ UD_IOVA_MSI_END + 1, UD_IOVA_DEFAULT_END },
};

void ud_iova_space_init(struct ud_iova_space *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->r, default_ranges, sizeof(default_ranges));
	s->nr = sizeof(default_ranges) / sizeof(default_ranges[0]);
}

void ud_iova_space_fini(struct ud_iova_space *s)
{
	free(s->used);
	memset(s, 0, sizeof(*s));
}

void ud_iova_space_ranges_str(const struct ud_iova_space *s, char *buf,
			      size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->nr && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%#" PRIx64 "-%#"
				 PRIx64, i ? ", " : "", s->r[i].start, s->r[i].end);

		used += n > 0 ? (size_t)n : 0;
	}
}

/* The range holding [start, end], or NULL. */
static const struct ud_iova_range *range_of(const struct ud_iova_range *r,
					    size_t nr, uint64_t start,
					    uint64_t end)
{
	for (size_t i = 0; i < nr; i++)
		if (start >= r[i].start && end <= r[i].end)
			return &r[i];
	return NULL;
}

/* Index of the first taken piece that ends at or after @a. */
static size_t first_after(const struct ud_iova_space *s, uint64_t a)
{
	size_t lo = 0, hi = s->nused;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->used[mid].end < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether [start, start + len) is a valid, non-empty interval; *end set. */
static bool span(uint64_t start, uint64_t len, uint64_t *end)
{
	if (!len || start + (len - 1) < start)
		return false;
	*end = start + (len - 1);
	return true;
}

bool ud_iova_space_free(const struct ud_iova_space *s, uint64_t start,
			uint64_t len)
{
	uint64_t end;
	size_t i;

	if (!span(start, len, &end) || !range_of(s->r, s->nr, start, end))
		return false;
	i = first_after(s, start);
	return i == s->nused || s->used[i].start > end;
}

int ud_iova_space_take(struct ud_iova_space *s, uint64_t start, uint64_t len)
{
	uint64_t end;
	size_t i;

	if (!span(start, len, &end) || !range_of(s->r, s->nr, start, end)) {
		char rs[256];

		ud_iova_space_ranges_str(s, rs, sizeof(rs));
		return ud_fail(ERANGE, "IOVA %#" PRIx64 " + %#" PRIx64 " is "
			       "outside the IOMMU's ranges (%s)", start, len, rs);
	}
	i = first_after(s, start);
	if (i < s->nused && s->used[i].start <= end)
		return ud_fail(EEXIST, "IOVA %#" PRIx64 " + %#" PRIx64 " "
			       "overlaps %#" PRIx64 "-%#" PRIx64 ", taken "
			       "already", start, len, s->used[i].start,
			       s->used[i].end);
	if (s->nused == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct ud_iova_range *u = realloc(s->used, cap * sizeof(*u));

		if (!u)
			return ud_fail(ENOMEM, "out of memory for the IOVA map");
		s->used = u;
		s->cap = cap;
	}
	memmove(&s->used[i + 1], &s->used[i], (s->nused - i) * sizeof(*s->used));
	s->used[i] = (struct ud_iova_range){ start, end };
	s->nused++;
	return 0;
}

/* @a rounded up to a multiple of @align (a power of two); 0 on overflow
 * (IOVA 0 is never handed out, so 0 can mean "none"). */
static uint64_t up(uint64_t a, uint64_t align)
{
	uint64_t r = (a + align - 1) & ~(align - 1);

	return r < a ? 0 : r;
}

int ud_iova_space_alloc(struct ud_iova_space *s, uint64_t len, uint64_t align,
			uint64_t boundary, uint64_t lo, uint64_t hi,
			uint64_t *out)
{
	char rs[256];

	if (!align)
		align = 1;
	if (!lo)
		lo = align;	/* never IOVA 0 */
	for (size_t ri = 0; ri < s->nr && len; ri++) {
		const struct ud_iova_range *r = &s->r[ri];
		uint64_t a = up(r->start > lo ? r->start : lo, align), end;

		while (a && span(a, len, &end) && end <= r->end && end <= hi) {
			size_t i;

			if (boundary && (a & ~(boundary - 1)) != (end & ~(boundary - 1))) {
				a = up(up(a + 1, boundary), align);
				continue;
			}
			i = first_after(s, a);
			if (i < s->nused && s->used[i].start <= end) {
				a = s->used[i].end + 1 ? up(s->used[i].end + 1, align) : 0;
				continue;
			}
			if (ud_iova_space_take(s, a, len))
				return -1;
			*out = a;
			return 0;
		}
	}
	ud_iova_space_ranges_str(s, rs, sizeof(rs));
	return ud_fail(ENOMEM, "no free IOVA block of %#" PRIx64 " bytes "
		       "(aligned to %#" PRIx64 ") between %#" PRIx64 " and %#"
		       PRIx64 " in the IOMMU's ranges (%s): the IOVAs there are "
		       "taken by other memory of this process", len, align, lo,
		       hi, rs);
}

void ud_iova_space_put(struct ud_iova_space *s, uint64_t start, uint64_t len)
{
	size_t i = first_after(s, start);
	struct ud_iova_range *u = &s->used[i];
	uint64_t end;

	if (!span(start, len, &end) || i == s->nused || u->start > start ||
	    u->end < end)
		return;		/* not taken: nothing to give back */
	if (u->start == start && u->end == end) {
		memmove(u, u + 1, (s->nused - i - 1) * sizeof(*u));
		s->nused--;
	} else if (u->start == start) {
		u->start = end + 1;
	} else if (u->end == end) {
		u->end = start - 1;
	} else {		/* from the middle: split in two */
		uint64_t old_end = u->end;

		u->end = start - 1;
		if (ud_iova_space_take(s, end + 1, old_end - end))
			s->used[i].end = old_end; /* no memory: keep it taken */
	}
}

static int cmp_range(const void *a, const void *b)
{
	const struct ud_iova_range *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

int ud_iova_space_set_ranges(struct ud_iova_space *s,
			     const struct ud_iova_range *r, size_t n)
{
	struct ud_iova_range nr[UD_IOVA_MAX_RANGES];

	if (!n)
		return ud_fail(EINVAL, "the IOMMU reports no IOVA range at all");
	if (n > UD_IOVA_MAX_RANGES)
		n = UD_IOVA_MAX_RANGES;
	memcpy(nr, r, n * sizeof(*r));
	qsort(nr, n, sizeof(*nr), cmp_range);
	for (size_t i = 0; i < s->nused; i++) {
		if (!range_of(nr, n, s->used[i].start, s->used[i].end)) {
			struct ud_iova_space t = *s;
			char rs[256];

			memcpy(t.r, nr, n * sizeof(*nr));
			t.nr = n;
			ud_iova_space_ranges_str(&t, rs, sizeof(rs));
			return ud_fail(ERANGE, "memory of this process was placed "
				       "at IOVAs %#" PRIx64 "-%#" PRIx64 " before "
				       "the IOMMU's ranges were known, and this "
				       "IOMMU accepts only %s", s->used[i].start,
				       s->used[i].end, rs);
		}
	}
	memcpy(s->r, nr, n * sizeof(*nr));
	s->nr = n;
	return 0;
}
