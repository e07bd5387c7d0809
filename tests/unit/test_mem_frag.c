// SPDX-License-Identifier: MIT
/*
 * Fragmentation, with an injected physical-address source: real hugepages,
 * made-up physical layouts (backwards, interleaved, gapped).  Checks the
 * contiguous search of dynamic regions and the remap of legacy regions, and
 * that the remap really moved the right physical pages (each page's real
 * pagemap address is recorded when the fake one is handed out).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <uiodma.h>

#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define NEED 100 /* hugepages this program needs */
#define FAR_PAGES NEED /* dyn_limit_far: beyond the first candidate batches */
#define A_BASE 0x100000000ULL
#define B_BASE 0x300000000ULL

/* ---- hugepage pool for this program ---- */
HP_FIXTURE(PS, NEED)

/* ---- the fake source ---- */
enum layout { BACKWARDS, INTERLEAVED, GAPPED };

struct fake {
	enum layout lay;
	size_t n;          /* pages handed out */
	size_t total;      /* for BACKWARDS */
	uint64_t fake[512];
	uint64_t real[512];
	size_t released;
};

static uint64_t fake_pa(const struct fake *f, size_t k)
{
	switch (f->lay) {
	case BACKWARDS:
		return A_BASE + (f->total - 1 - k) * PS;
	case INTERLEAVED:
		return (k & 1 ? B_BASE : A_BASE) + (k / 2) * PS;
	case GAPPED:
	default:
		return A_BASE + (k / 3) * 4 * PS + (k % 3) * PS;
	}
}

static int fake_resolve(void *ctx, void *va, size_t ps, size_t n, uint64_t *pa)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < n; i++) {
		if (f->n >= 512)
			return ud_mem_fail(ENOSPC, "fake source exhausted");
		pa[i] = fake_pa(f, f->n);
		f->fake[f->n] = pa[i];
		if (ud_pagemap_virt2phys((char *)va + i * ps, &f->real[f->n]))
			return -1;
		f->n++;
	}
	return 0;
}

static void fake_release(void *ctx, void *va, uint64_t pa, size_t ps)
{
	(void)va;
	(void)pa;
	(void)ps;
	((struct fake *)ctx)->released++;
}

static uint64_t real_of(const struct fake *f, uint64_t fake)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->fake[i] == fake)
			return f->real[i];
	return 0;
}

static struct ud_pa_source src_of(struct fake *f)
{
	struct ud_pa_source s = {
		.name = "fake", .resolve = fake_resolve,
		.release = fake_release, .ctx = f,
	};
	return s;
}

/* Every mapped byte's IOVA is the fake address, and the page really is the
 * physical page that fake address was given to. */
static void check_zone(const struct fake *f, struct ud_zone *z)
{
	char *a = ud_zone_addr(z);
	uint64_t iova = ud_zone_iova(z);

	ck_assert(ud_zone_iova_contig(z));
	for (size_t o = 0; o < ud_zone_len(z); o += PS / 2) {
		uint64_t real;

		ck_assert_uint_eq(ud_virt2iova(a + o), iova + o);
		ck_assert_ptr_eq(ud_iova2virt(iova + o), a + o);
		ck_assert_int_eq(ud_pagemap_virt2phys(a + o, &real), 0);
		ck_assert_uint_eq(real, real_of(f, (iova + o) & ~(uint64_t)(PS - 1)) +
				  ((iova + o) & (PS - 1)));
	}
	memset(a, 0x5a, ud_zone_len(z));
}

/* A region over the fake source holding at most @max_pages (0: no limit). */
static struct ud_mem *open_fake_max(struct fake *f, enum ud_mem_mode mode,
				    size_t prealloc, size_t max_pages)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_pa_source s = src_of(f);
	struct ud_mem *m;

	cfg.page_size = PS;
	cfg.mode = mode;
	cfg.prealloc = prealloc;
	cfg.max_size = max_pages * PS;
	cfg.va_size = (size_t)4 << 30;
	cfg.pa_source = &s;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "ud_mem_open: %s", ud_errmsg());
	return m;
}

static struct ud_mem *open_fake(struct fake *f, enum ud_mem_mode mode,
				size_t prealloc)
{
	return open_fake_max(f, mode, prealloc, 0);
}

static struct ud_zone *contig(struct ud_mem *m, const char *name, size_t len)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;

	p.flags = UD_ZONE_IOVA_CONTIG;
	return ud_zone_reserve(m, name, len, &p);
}

/* ---- dynamic: contiguous search ---- */

START_TEST(dyn_backwards)
{
	struct fake f = { .lay = BACKWARDS, .total = 8 };
	struct ud_mem *m;
	struct ud_zone *z;

	HP_NEED_PAGES(PS, 8);
	m = open_fake(&f, UD_MEM_DYNAMIC, 0);
	z = contig(m, "bw", 8 * PS);
	ck_assert_msg(z, "%s", ud_errmsg());
	/* the 8 pages came backwards; they must now be in physical order */
	ck_assert_uint_eq(ud_zone_iova(z), A_BASE);
	check_zone(&f, z);
	ck_assert_uint_eq(f.n, 8);
	ud_zone_free(z);
	ud_mem_close(m);
}
END_TEST

START_TEST(dyn_interleaved)
{
	struct fake f = { .lay = INTERLEAVED };
	struct ud_mem *m;
	struct ud_zone *z, *z2;
	struct ud_mem_stats st;

	HP_NEED_PAGES(PS, 16);
	m = open_fake(&f, UD_MEM_DYNAMIC, 0);
	/* 4 pages: the first batch (A0 B0 A1 B1) has runs of 2 only, a second
	 * batch brings A0..A5 */
	z = contig(m, "il", 4 * PS);
	ck_assert_msg(z, "%s", ud_errmsg());
	ck_assert_uint_eq(ud_zone_iova(z), A_BASE);
	check_zone(&f, z);
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.pages_mapped, 4);  /* the rest went back */
	ck_assert_uint_eq(st.pages_given_back, f.n - 4);
	ck_assert_uint_eq(f.released, f.n - 4);
	/* a non-contiguous zone of 3 pages need not be physically ordered */
	z2 = ud_zone_reserve(m, "nc", 3 * PS, NULL);
	ck_assert_msg(z2, "%s", ud_errmsg());
	for (size_t o = 0; o < 3 * PS; o += PS)
		ck_assert_uint_ne(ud_virt2iova((char *)ud_zone_addr(z2) + o),
				  UD_BAD_IOVA);
	ud_zone_free(z2);
	ud_zone_free(z);
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.pages_mapped, 0);
	ud_mem_close(m);
}
END_TEST

START_TEST(dyn_gapped)
{
	struct fake f = { .lay = GAPPED };
	struct ud_mem *m;
	struct ud_zone *z;
	char want[64];

	HP_NEED_PAGES(PS, NEED);
	m = open_fake(&f, UD_MEM_DYNAMIC, 0);
	/* runs of 3: a 3-page zone fits, a 4-page one cannot */
	z = contig(m, "g3", 3 * PS);
	ck_assert_msg(z, "%s", ud_errmsg());
	check_zone(&f, z);
	ck_assert_ptr_null(contig(m, "g4", 4 * PS));
	ck_assert_int_eq(errno, ENOMEM);
	snprintf(want, sizeof(want), "is %zu bytes", 3 * PS);
	ck_assert_msg(strstr(ud_errmsg(), want), "message lacks '%s': %s", want,
		      ud_errmsg());
	/* a failed search leaves nothing behind */
	struct ud_mem_stats st;
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.pages_mapped, 3);
	/* 1.5 pages contiguous: within a run of 3 */
	struct ud_zone *z2 = contig(m, "g15", PS + PS / 2);
	ck_assert_msg(z2, "%s", ud_errmsg());
	check_zone(&f, z2);
	ud_zone_free(z2);
	ud_zone_free(z);
	ud_mem_close(m);
}
END_TEST

START_TEST(dyn_limit)
{
	struct fake f = { .lay = GAPPED };
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_mem *m;
	struct ud_zone *z;

	HP_NEED_PAGES(PS, NEED);
	/* A DMA limit makes the library look at every free page: bound the
	 * region so "none reachable" does not depend on the host's pool. */
	m = open_fake_max(&f, UD_MEM_DYNAMIC, 0, NEED);
	/* only the first run (3 pages) lies below the limit */
	p.iova_max = A_BASE + 3 * PS - 1;
	p.flags = UD_ZONE_IOVA_CONTIG;
	for (int i = 0; i < 3; i++) {
		z = ud_zone_reserve(m, NULL, PS, &p);
		ck_assert_msg(z, "zone %d: %s", i, ud_errmsg());
		ck_assert_uint_le(ud_zone_iova(z) + PS - 1, p.iova_max);
	}
	ck_assert_ptr_null(ud_zone_reserve(m, NULL, PS, &p));
	ck_assert_int_eq(errno, ENOMEM);
	ud_mem_close(m);
}
END_TEST

/* The only reachable page comes last, far past the first batches of
 * candidates: a zone with a DMA limit still finds it. */
START_TEST(dyn_limit_far)
{
	struct fake f = { .lay = BACKWARDS, .total = FAR_PAGES };
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_mem *m;
	struct ud_zone *z;

	HP_NEED_PAGES(PS, FAR_PAGES);
	m = open_fake_max(&f, UD_MEM_DYNAMIC, 0, FAR_PAGES);
	p.iova_max = A_BASE + PS - 1;
	z = ud_zone_reserve(m, NULL, 4096, &p);
	ck_assert_msg(z, "%s", ud_errmsg());
	ck_assert_uint_eq(ud_zone_iova(z), A_BASE);
	ck_assert_uint_eq(f.n, FAR_PAGES);
	/* the unreachable candidates went back */
	ck_assert_uint_eq(f.released, FAR_PAGES - 1);
	ud_mem_close(m);
}
END_TEST

/* ---- legacy: remap into physical order ---- */

static void legacy_order(const struct fake *f, struct ud_mem *m, size_t n)
{
	struct ud_zone *all = ud_zone_reserve(m, "all", n * PS, NULL);
	char *base;
	uint64_t prev = 0;

	ck_assert_msg(all, "%s", ud_errmsg());
	base = ud_zone_addr(all);
	for (size_t i = 0; i < n; i++) {
		uint64_t iova = ud_virt2iova(base + i * PS), real;

		ck_assert_uint_gt(iova, prev); /* sorted by physical address */
		prev = iova;
		ck_assert_int_eq(ud_pagemap_virt2phys(base + i * PS, &real), 0);
		ck_assert_uint_eq(real, real_of(f, iova));
	}
	ud_zone_free(all);
}

START_TEST(legacy_backwards)
{
	struct fake f = { .lay = BACKWARDS, .total = 16 };
	struct ud_mem *m;
	struct ud_zone *z;

	HP_NEED_PAGES(PS, 16);
	m = open_fake(&f, UD_MEM_LEGACY, 16 * PS);
	legacy_order(&f, m, 16);
	z = contig(m, "all", 16 * PS);
	ck_assert_msg(z, "%s", ud_errmsg());
	ck_assert_uint_eq(ud_zone_iova(z), A_BASE);
	check_zone(&f, z);
	ud_zone_free(z);
	ud_mem_close(m);
}
END_TEST

START_TEST(legacy_interleaved)
{
	struct fake f = { .lay = INTERLEAVED };
	struct ud_mem *m;
	struct ud_zone *z, *z2;
	char want[64];

	HP_NEED_PAGES(PS, 16);
	m = open_fake(&f, UD_MEM_LEGACY, 16 * PS);
	legacy_order(&f, m, 16);
	ck_assert_ptr_null(contig(m, "nine", 9 * PS));
	ck_assert_int_eq(errno, ENOMEM);
	snprintf(want, sizeof(want), "is %zu bytes", 8 * PS);
	ck_assert_msg(strstr(ud_errmsg(), want), "message lacks '%s': %s", want,
		      ud_errmsg());
	z = contig(m, "a", 8 * PS);
	ck_assert_msg(z, "%s", ud_errmsg());
	z2 = contig(m, "b", 8 * PS);
	ck_assert_msg(z2, "%s", ud_errmsg());
	ck_assert_uint_eq(ud_zone_iova(z), A_BASE);
	ck_assert_uint_eq(ud_zone_iova(z2), B_BASE);
	check_zone(&f, z);
	check_zone(&f, z2);
	/* a legacy region never grows */
	ck_assert_ptr_null(ud_zone_reserve(m, "more", 64, NULL));
	ud_mem_close(m);
}
END_TEST

START_TEST(legacy_gapped)
{
	struct fake f = { .lay = GAPPED };
	struct ud_mem *m;
	struct ud_zone *z[5];

	HP_NEED_PAGES(PS, 15);
	m = open_fake(&f, UD_MEM_LEGACY, 15 * PS);
	legacy_order(&f, m, 15);
	ck_assert_ptr_null(contig(m, "four", 4 * PS));
	for (int i = 0; i < 5; i++) {
		z[i] = contig(m, NULL, 3 * PS);
		ck_assert_msg(z[i], "%s", ud_errmsg());
		ck_assert_uint_eq(ud_zone_iova(z[i]), A_BASE + (uint64_t)i * 4 * PS);
		check_zone(&f, z[i]);
	}
	ud_mem_close(m);
}
END_TEST

/* A source that returns garbage is refused, never used. */
static int bad_resolve(void *ctx, void *va, size_t ps, size_t n, uint64_t *pa)
{
	(void)va;
	(void)ps;
	for (size_t i = 0; i < n; i++)
		pa[i] = *(uint64_t *)ctx;
	return 0;
}

START_TEST(bad_source)
{
	static const uint64_t bad[] = { 0, 0x1000, UD_BAD_IOVA };
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;

	HP_NEED_PAGES(PS, 2);
	for (size_t i = 0; i < 3; i++) {
		struct ud_pa_source s = { .name = "bad", .resolve = bad_resolve,
					  .ctx = (void *)&bad[i] };
		cfg.page_size = PS;
		cfg.prealloc = PS;
		cfg.va_size = (size_t)1 << 30;
		cfg.pa_source = &s;
		ck_assert_ptr_null(ud_mem_open(&cfg));
		ck_assert_int_eq(errno, EIO);
		ck_assert_ptr_nonnull(strstr(ud_errmsg(), "not a valid page address"));
	}
}
END_TEST

static Suite *frag_suite(void)
{
	Suite *s = suite_create("mem_frag");
	TCase *tc = tcase_create("dynamic");

	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dyn_backwards);
	tcase_add_test(tc, dyn_interleaved);
	tcase_add_test(tc, dyn_gapped);
	tcase_add_test(tc, dyn_limit);
	tcase_add_test(tc, dyn_limit_far);
	tcase_add_test(tc, bad_source);
	suite_add_tcase(s, tc);
	tc = tcase_create("legacy");
	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, legacy_backwards);
	tcase_add_test(tc, legacy_interleaved);
	tcase_add_test(tc, legacy_gapped);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(frag_suite)
