// SPDX-License-Identifier: MIT
/*
 * Zones on real hugepages with the pagemap source: thousands of random
 * requests (length, alignment, boundary, DMA limit, contiguity) checked
 * against their rules and against /proc/self/pagemap, plus names, errors,
 * growth and giving pages back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uiodma.h>

#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define NEED 320

HP_FIXTURE(PS, NEED)

static struct ud_mem *open_dyn(size_t max)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;

	cfg.page_size = PS;
	cfg.va_size = (size_t)8 << 30;
	cfg.max_size = max;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "ud_mem_open: %s", ud_errmsg());
	return m;
}

struct live {
	struct ud_zone *z;
	char *a;
	size_t len;
	uint64_t tag;
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_rules(struct ud_zone *z, const struct ud_zone_params *p,
			size_t len)
{
	char *a = ud_zone_addr(z);
	uint64_t iova = ud_zone_iova(z), pm;
	bool contig = p->flags & UD_ZONE_IOVA_CONTIG;

	ck_assert_uint_eq(ud_zone_len(z), len);
	ck_assert_uint_eq((uintptr_t)a % (p->align ? p->align : 64), 0);
	/* the first byte agrees with pagemap */
	ck_assert_int_eq(ud_pagemap_virt2phys(a, &pm), 0);
	ck_assert_uint_eq(pm, iova);
	ck_assert_uint_eq(ud_virt2iova(a), iova);
	if (p->align && (contig || p->align <= PS))
		ck_assert_uint_eq(iova % p->align, 0);
	if (contig) {
		ck_assert(ud_zone_iova_contig(z));
		for (size_t o = 0; o < len; o += PS)
			ck_assert_uint_eq(ud_virt2iova(a + o), iova + o);
		ck_assert_uint_eq(ud_virt2iova(a + len - 1), iova + len - 1);
	}
	/* every byte below the DMA limit: check the last byte of each piece */
	for (size_t o = 0; o < len;) {
		size_t piece_end = ((uintptr_t)(a + o) | (PS - 1)) - (uintptr_t)a;
		size_t last = piece_end < len - 1 ? piece_end : len - 1;
		uint64_t li = ud_virt2iova(a + last);

		ck_assert_uint_ne(li, UD_BAD_IOVA);
		if (p->iova_max)
			ck_assert_uint_le(li, p->iova_max);
		o = last + 1;
	}
	if (p->boundary && (contig || p->boundary <= PS)) {
		uint64_t first = iova, lastb = ud_virt2iova(a + len - 1);

		ck_assert_uint_eq(first / p->boundary, lastb / p->boundary);
	}
}

START_TEST(random_rules)
{
	enum { N = 3000, LIVE = 400 };
	struct live *lv = calloc(LIVE, sizeof(*lv));
	struct ud_mem *m;
	struct ud_mem_stats st;
	uint64_t seed = 0x1234567ULL;
	size_t nlive = 0, ok = 0, nomem = 0, contig_multi = 0;
	static const uint64_t limits[] = { 1ULL << 32, 1ULL << 33, 1ULL << 34 };

	HP_NEED_PAGES(PS, NEED);
	m = open_dyn((size_t)256 * PS);
	for (int it = 0; it < N; it++) {
		uint64_t r = rnd(&seed);

		if (nlive && (nlive == LIVE || r % 100 < 35)) {
			size_t i = rnd(&seed) % nlive;

			ck_assert_uint_eq(*(uint64_t *)lv[i].a, lv[i].tag);
			ck_assert_uint_eq(*(uint64_t *)(lv[i].a + lv[i].len - 8),
					  lv[i].tag);
			ck_assert_int_eq(ud_zone_free(lv[i].z), 0);
			lv[i] = lv[--nlive];
			continue;
		}
		struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
		size_t len;
		unsigned sz = rnd(&seed) % 100;

		if (sz < 70)
			len = 8 + rnd(&seed) % 16384;
		else if (sz < 92)
			len = 16384 + rnd(&seed) % (512 << 10);
		else
			len = (512 << 10) + rnd(&seed) % (4 << 20);
		len = (len + 7) & ~(size_t)7;
		if (rnd(&seed) % 100 < 40)
			p.flags |= UD_ZONE_IOVA_CONTIG;
		if (rnd(&seed) % 100 < 60)
			p.align = (size_t)1 << (6 + rnd(&seed) % 16); /* 64 B..2 MiB */
		if ((p.flags & UD_ZONE_IOVA_CONTIG) && rnd(&seed) % 100 < 5)
			p.align = (size_t)4 << 20;
		if (rnd(&seed) % 100 < 30) {
			size_t b = 64;

			while (b < len)
				b <<= 1;
			p.boundary = b << (rnd(&seed) % 3);
		}
		if (rnd(&seed) % 100 < 15)
			p.iova_max = limits[rnd(&seed) % 3] - 1;

		struct ud_zone *z = ud_zone_reserve(m, NULL, len, &p);
		if (!z) {
			/* a DMA limit or contiguity the pool cannot meet */
			ck_assert_msg(errno == ENOMEM, "errno %d: %s", errno,
				      ud_errmsg());
			ck_assert(ud_errmsg()[0]);
			nomem++;
			continue;
		}
		ok++;
		if ((p.flags & UD_ZONE_IOVA_CONTIG) && len > PS)
			contig_multi++;
		check_rules(z, &p, len);
		char *a = ud_zone_addr(z);
		for (size_t i = 0; i < nlive; i++)
			ck_assert_msg(a + len <= lv[i].a || lv[i].a + lv[i].len <= a,
				      "zones overlap");
		lv[nlive] = (struct live){ z, a, len, rnd(&seed) };
		memcpy(a, &lv[nlive].tag, 8);
		memcpy(a + len - 8, &lv[nlive].tag, 8);
		nlive++;
	}
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.zones, nlive);
	while (nlive) {
		ck_assert_uint_eq(*(uint64_t *)lv[nlive - 1].a, lv[nlive - 1].tag);
		ck_assert_int_eq(ud_zone_free(lv[--nlive].z), 0);
	}
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.zones, 0);
	ck_assert_uint_eq(st.pages_mapped, 0); /* everything went back */
	printf("random zones: %zu reserved (%zu contiguous over pages), %zu "
	       "refused with ENOMEM, %zu pages given back\n", ok, contig_multi,
	       nomem, st.pages_given_back);
	ck_assert_uint_gt(ok, N / 2);
	free(lv);
	ud_mem_close(m);
}
END_TEST

START_TEST(names_and_errors)
{
	struct ud_mem *m;
	struct ud_zone *z, *z2;
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	char name[32];

	HP_NEED_PAGES(PS, 4);
	m = open_dyn(0);
	z = ud_zone_reserve(m, "ring0", 1000, NULL);
	ck_assert_msg(z, "%s", ud_errmsg());
	ck_assert_str_eq(ud_zone_name(z), "ring0");
	ck_assert_ptr_eq(ud_zone_mem(z), m);
	ck_assert_ptr_eq(ud_zone_lookup(m, "ring0"), z);
	ck_assert_ptr_null(ud_zone_reserve(m, "ring0", 10, NULL));
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_ptr_null(ud_zone_lookup(m, "nope"));
	ck_assert_int_eq(errno, ENOENT);
	/* many names: the hash grows */
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "z%d", i);
		ck_assert_ptr_nonnull(ud_zone_reserve(m, name, 64, NULL));
	}
	for (int i = 0; i < 1000; i += 7) {
		snprintf(name, sizeof(name), "z%d", i);
		z2 = ud_zone_lookup(m, name);
		ck_assert_ptr_nonnull(z2);
		ck_assert_str_eq(ud_zone_name(z2), name);
	}
	ck_assert_int_eq(ud_zone_free(z), 0);
	ck_assert_ptr_null(ud_zone_lookup(m, "ring0"));
	z = ud_zone_reserve(m, "ring0", 10, NULL); /* the name is free again */
	ck_assert_ptr_nonnull(z);

	ck_assert_ptr_null(ud_zone_reserve(m, "zero", 0, NULL));
	ck_assert_int_eq(errno, EINVAL);
	p.align = 3000;
	ck_assert_ptr_null(ud_zone_reserve(m, "a", 10, &p));
	ck_assert_int_eq(errno, EINVAL);
	p.align = 0;
	p.boundary = 4096;
	ck_assert_ptr_null(ud_zone_reserve(m, "b", 8192, &p));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "boundary"));
	p.boundary = 0;
	p.flags = 0x80;
	ck_assert_ptr_null(ud_zone_reserve(m, "c", 10, &p));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ud_zone_free(NULL), 0);
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	ck_assert_int_eq(ud_mem_dump(f, m), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "zone 'ring0'"));
	ck_assert_ptr_nonnull(strstr(buf, "run 0x"));
	free(buf);
	ud_mem_close(m);
}
END_TEST

START_TEST(grow_and_give_back)
{
	struct ud_mem *m;
	struct ud_mem_stats st;
	struct ud_zone *z[8];
	char *a;

	HP_NEED_PAGES(PS, 16);
	m = open_dyn((size_t)8 * PS);
	for (int i = 0; i < 8; i++) {
		z[i] = ud_zone_reserve(m, NULL, PS, NULL);
		ck_assert_msg(z[i], "%s", ud_errmsg());
	}
	ud_mem_stats(m, &st);
	ck_assert_uint_eq(st.pages_mapped, 8);
	/* max_size reached */
	ck_assert_ptr_null(ud_zone_reserve(m, NULL, 64, NULL));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "max_size"));
	a = ud_zone_addr(z[3]);
	ck_assert_uint_ne(ud_virt2iova(a), UD_BAD_IOVA);
	ud_zone_free(z[3]);
	ud_mem_stats(m, &st);
	ck_assert_uint_eq(st.pages_mapped, 7);
	ck_assert_uint_eq(ud_virt2iova(a), UD_BAD_IOVA);
	ck_assert_int_eq(errno, EFAULT);
	/* a small zone takes part of a page; freeing it gives the page back */
	z[3] = ud_zone_reserve(m, NULL, 100, NULL);
	ck_assert_ptr_nonnull(z[3]);
	ud_mem_stats(m, &st);
	ck_assert_uint_eq(st.pages_mapped, 8);
	ud_zone_free(z[3]);
	for (int i = 0; i < 8; i++)
		if (i != 3)
			ud_zone_free(z[i]);
	ud_mem_stats(m, &st);
	ck_assert_uint_eq(st.pages_mapped, 0);
	ck_assert_uint_eq(st.zones, 0);
	/* ud_mem_grow warms up; those pages stay until a zone on them is freed */
	ck_assert_int_eq(ud_mem_grow(m, 3 * PS), 0);
	ud_mem_stats(m, &st);
	ck_assert_uint_eq(st.pages_mapped, 3);
	ck_assert_uint_eq(st.bytes_free, 3 * PS);
	ud_mem_close(m);
}
END_TEST

/*
 * A child forked after ud_mem_open() shares the region's memfd with its
 * parent but has its own copy of the region's state: a zone it freed or
 * reserved took or gave a page the parent uses (and dropped the parent's
 * device pins, found by an attack on lib/dma_pins.c).  It may use the
 * memory; reserving, freeing and closing are refused with EPERM.
 */
START_TEST(forked_child_refused)
{
	HP_NEED_PAGES(PS, 4);
	struct ud_mem *m = ud_mem_open(NULL);
	struct ud_zone *z;
	int st;
	pid_t c;

	ck_assert_msg(m != NULL, "%s", ud_errmsg());
	z = ud_zone_reserve(m, "a", PS, NULL);
	ck_assert_msg(z != NULL, "%s", ud_errmsg());
	memset(ud_zone_addr(z), 0x5a, 64);
	c = fork();
	if (c == 0) {
		int bad = 0;

		bad |= ((unsigned char *)ud_zone_addr(z))[0] != 0x5a;
		bad |= (ud_zone_free(z) != -1 || errno != EPERM) << 1;
		bad |= !strstr(ud_errmsg(), "forked") << 2;
		bad |= (ud_zone_reserve(m, "b", PS, NULL) != NULL || errno != EPERM) << 3;
		bad |= (ud_mem_close(m) != -1 || errno != EPERM) << 4;
		_exit(bad);
	}
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child's checks failed: %#x", WEXITSTATUS(st));
	ck_assert_uint_eq(((unsigned char *)ud_zone_addr(z))[0], 0x5a);
	ck_assert_int_eq(ud_zone_free(z), 0);
	ck_assert_int_eq(ud_mem_close(m), 0);
}
END_TEST

START_TEST(translation_misses)
{
	int local = 0;

	ck_assert_uint_eq(ud_virt2iova(&local), UD_BAD_IOVA);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_uint_eq(ud_virt2iova(NULL), UD_BAD_IOVA);
	ck_assert_uint_eq(ud_virt2iova((void *)~(uintptr_t)0), UD_BAD_IOVA);
	ck_assert_ptr_null(ud_iova2virt(0x12345678));
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_ptr_null(ud_iova2virt(UD_BAD_IOVA));
}
END_TEST


/* Lookups run without a lock while another thread reserves and frees zones
 * (growing and shrinking the region): they never see a wrong address. */
struct mt {
	struct ud_zone *z;
	volatile int stop;
	long lookups, bad;
};

static void *lookup_thread(void *arg)
{
	struct mt *t = arg;
	char *a = ud_zone_addr(t->z);
	uint64_t iova = ud_zone_iova(t->z);

	while (!t->stop) {
		for (size_t o = 0; o < ud_zone_len(t->z); o += 4096) {
			if (ud_virt2iova(a + o) != iova + o ||
			    ud_virt2iova_inline(a + o) != iova + o)
				t->bad++;
			t->lookups++;
		}
	}
	return NULL;
}

START_TEST(lookups_during_churn)
{
	struct ud_mem *m;
	struct mt t = { 0 };
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	pthread_t th;

	HP_NEED_PAGES(PS, 24);
	m = open_dyn(0);
	p.flags = UD_ZONE_IOVA_CONTIG;
	t.z = ud_zone_reserve(m, "fixed", 256 << 10, &p);
	ck_assert_msg(t.z, "%s", ud_errmsg());
	ck_assert_int_eq(pthread_create(&th, NULL, lookup_thread, &t), 0);
	for (int i = 0; i < 200; i++) {
		struct ud_zone *z[4];

		for (int j = 0; j < 4; j++) {
			z[j] = ud_zone_reserve(m, NULL, PS + 100 * (size_t)j, NULL);
			ck_assert_msg(z[j], "%s", ud_errmsg());
		}
		for (int j = 0; j < 4; j++)
			ud_zone_free(z[j]);
	}
	t.stop = 1;
	pthread_join(th, NULL);
	ck_assert_int_gt(t.lookups, 0);
	ck_assert_int_eq(t.bad, 0);
	ud_mem_close(m);
}
END_TEST

static Suite *zone_suite(void)
{
	Suite *s = suite_create("mem_zone");
	TCase *tc = tcase_create("zones");

	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, random_rules);
	tcase_add_test(tc, names_and_errors);
	tcase_add_test(tc, grow_and_give_back);
	tcase_add_test(tc, forked_child_refused);
	tcase_add_test(tc, translation_misses);
	tcase_add_test(tc, lookups_during_churn);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(zone_suite)
