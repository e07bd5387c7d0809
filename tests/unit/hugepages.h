/* SPDX-License-Identifier: MIT */
/*
 * Hugepages for a test or benchmark program: grow the kernel's pool of one
 * page size until enough pages are free, and put the old pool size back.
 *
 * Header-only (static inline): each unit test and each host benchmark is
 * its own program, with no object shared.  The host benchmarks include it
 * too (through bench/host/bench_util.h), so the core needs only
 * <uiodma.h>; HP_NEED_PAGES() exists when unit.h was included first.
 */
#ifndef UD_HUGEPAGES_H
#define UD_HUGEPAGES_H

#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <uiodma.h>

/* The pool size hp_reserve() found before it first grew the pool. */
struct hp_hold {
	size_t ps;           /* page size (0: the default hugepage size) */
	unsigned long orig;  /* its nr_hugepages before */
	int held;            /* the pool was grown: hp_restore() puts orig back */
};

/* Free hugepages of size @ps (0: the default size); -1 without that size. */
static inline long hp_avail(size_t ps)
{
	struct ud_hp_info info;
	const struct ud_hp_size_info *s;

	if (ud_hp_discover(&info) || !(s = ud_hp_find_size(&info, ps)))
		return -1;
	return (long)s->available;
}

/*
 * Ask the kernel to compact memory (best effort, root only) so the pages
 * about to be reserved come from large free blocks: more of them are then
 * physically adjacent, which IOVA-contiguous tests need.
 */
static inline void hp_compact(void)
{
	FILE *f = fopen("/proc/sys/vm/compact_memory", "w");

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
}

/*
 * Make sure @need pages of size @ps are free: as root, grow the pool by what
 * is missing (the kernel may grant less).  The first growth through @h
 * records the pool size for hp_restore().  Returns the free pages after
 * (-1: no such size).
 */
static inline long hp_reserve(struct hp_hold *h, size_t ps, long need)
{
	unsigned long nr;
	long av = hp_avail(ps);

	if (av < 0 || av >= need || geteuid() != 0 ||
	    ud_hp_get_pages(ps, -1, &nr))
		return av;
	if (!h->held) {
		h->ps = ps;
		h->orig = nr;
		h->held = 1;
	}
	hp_compact();
	ud_hp_set_pages(ps, -1, nr + (unsigned long)(need - av), NULL);
	return hp_avail(ps);
}

/*
 * Grow the pool of size @ps by @more fresh pages, free ones or not, after a
 * compaction (root only): the kernel hands out its newest free hugepages
 * first, and fresh ones from compacted memory are often adjacent, where
 * pages that sat in the pool for long may all be scattered.  Recorded in
 * @h for hp_restore() as hp_reserve() does.  Returns the free pages after.
 */
static inline long hp_grow_fresh(struct hp_hold *h, size_t ps, long more)
{
	unsigned long nr;

	if (geteuid() != 0 || ud_hp_get_pages(ps, -1, &nr))
		return hp_avail(ps);
	if (!h->held) {
		h->ps = ps;
		h->orig = nr;
		h->held = 1;
	}
	hp_compact();
	ud_hp_set_pages(ps, -1, nr + (unsigned long)more, NULL);
	return hp_avail(ps);
}

/* Put back the pool size hp_reserve() recorded, if it grew the pool. */
static inline void hp_restore(struct hp_hold *h)
{
	if (h->held)
		ud_hp_set_pages(h->ps, -1, h->orig, NULL);
	h->held = 0;
}

/*
 * Unchecked fixture (runs in the parent, around a TCase's tests): defines
 * hp_setup(), which makes sure @need pages of size @ps are free, and
 * hp_teardown(), which restores the pool, for tcase_add_unchecked_fixture().
 */
#define HP_FIXTURE(ps, need)                                                 \
	static struct hp_hold hp_fixture_hold;                               \
	static void hp_setup(void)                                           \
	{                                                                    \
		hp_reserve(&hp_fixture_hold, (ps), (need));                  \
	}                                                                    \
	static void hp_teardown(void)                                        \
	{                                                                    \
		hp_restore(&hp_fixture_hold);                                \
	}

#ifdef UD_UNIT_H
/* In a test: skip it unless root and @n pages of size @ps are free. */
#define HP_NEED_PAGES(ps, n)                                                 \
	do {                                                                 \
		if (geteuid() != 0)                                          \
			UD_SKIP("needs root (hugepage pool, physical "       \
				"addresses from pagemap)");                  \
		if (hp_avail(ps) < (long)(n))                                \
			UD_SKIP("need %d free %zu MiB hugepages, have %ld "  \
				"(not root, or memory too fragmented)",      \
				(int)(n), (size_t)(ps) >> 20, hp_avail(ps)); \
	} while (0)
#endif

#endif /* UD_HUGEPAGES_H */
