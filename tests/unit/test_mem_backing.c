// SPDX-License-Identifier: MIT
/*
 * Backings (memfd, file per page, file per segment) on real hugepages:
 * each maps, faults, resolves and frees; virt->IOVA agrees with pagemap for
 * every page; stale files of a SIGKILLed process are found and removed (and
 * a live process's files are not); a shortage is an error, not a SIGBUS;
 * 1 GiB pages when the kernel can supply one.
 *
 * File backings need a hugetlbfs mount: the program mounts its own in a
 * temporary directory (and unmounts it) so it does not depend on the host.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uiodma.h>

#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define NEED 80

static struct hp_hold hp;
static char mnt[64];
static int mounted;

static void hp_setup(void)
{
	hp_reserve(&hp, PS, NEED);
	snprintf(mnt, sizeof(mnt), "/tmp/ud_hugetlbfs.XXXXXX");
	if (mkdtemp(mnt) && mount("none", mnt, "hugetlbfs", 0, "pagesize=2M") == 0)
		mounted = 1;
}

static void hp_teardown(void)
{
	if (mounted) {
		umount(mnt);
		rmdir(mnt);
		mounted = 0;
	}
	hp_restore(&hp);
}

#define NEED_MOUNT()                                                         \
	do {                                                                 \
		if (!mounted)                                                \
			UD_SKIP("cannot mount hugetlbfs (not root?)");       \
	} while (0)

static int count_files(const char *prefix)
{
	DIR *d = opendir(mnt);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static struct ud_mem *open_bk(enum ud_backing bk, const char *prefix,
			      size_t pages)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;

	cfg.page_size = PS;
	cfg.backing = bk;
	cfg.hugedir = bk == UD_BACKING_MEMFD ? NULL : mnt;
	cfg.prefix = prefix;
	cfg.prealloc = pages * PS;
	cfg.va_size = (size_t)1 << 30;
	return ud_mem_open(&cfg);
}

/* Every page (and a few offsets in each) agrees with pagemap. */
static void check_all_pages(struct ud_mem *m, size_t pages)
{
	struct ud_zone *z = ud_zone_reserve(m, "all", pages * PS, NULL);
	char *a;

	ck_assert_msg(z, "%s", ud_errmsg());
	a = ud_zone_addr(z);
	for (size_t i = 0; i < pages; i++) {
		static const size_t offs[] = { 0, 4095, 4096, PS / 2 + 8, PS - 1 };

		for (size_t j = 0; j < 5; j++) {
			char *va = a + i * PS + offs[j];
			uint64_t pm = 0, iova = ud_virt2iova(va);

			ck_assert_int_eq(ud_pagemap_virt2phys(va, &pm), 0);
			ck_assert_uint_eq(iova, pm);
			ck_assert_ptr_eq(ud_iova2virt(iova), va);
		}
		a[i * PS] = (char)i; /* writable */
	}
	ud_zone_free(z);
}

static void one_backing(enum ud_backing bk, const char *prefix)
{
	long before = hp_avail(PS);
	struct ud_mem *m = open_bk(bk, prefix, 32);
	struct ud_mem_stats st;

	ck_assert_msg(m, "backing %d: %s", (int)bk, ud_errmsg());
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.pages_mapped, 32);
	/* faulted at open: the pool shrank by exactly 32 */
	ck_assert_int_eq(hp_avail(PS), before - 32);
	if (bk == UD_BACKING_FILE_PER_PAGE)
		ck_assert_int_eq(count_files(prefix), 32);
	if (bk == UD_BACKING_FILE_PER_SEGMENT)
		ck_assert_int_eq(count_files(prefix), 1);
	check_all_pages(m, 32);
	ud_mem_close(m);
	ck_assert_int_eq(hp_avail(PS), before);
	if (bk != UD_BACKING_MEMFD)
		ck_assert_int_eq(count_files(prefix), 0);
}

START_TEST(backing_memfd)
{
	HP_NEED_PAGES(PS, 32);
	one_backing(UD_BACKING_MEMFD, NULL);
}
END_TEST

START_TEST(backing_file_per_page)
{
	HP_NEED_PAGES(PS, 32);
	NEED_MOUNT();
	one_backing(UD_BACKING_FILE_PER_PAGE, "udtpp");
}
END_TEST

START_TEST(backing_file_per_segment)
{
	HP_NEED_PAGES(PS, 32);
	NEED_MOUNT();
	one_backing(UD_BACKING_FILE_PER_SEGMENT, "udtseg");
}
END_TEST

/* Dynamic growth and give-back work the same on every backing. */
START_TEST(backing_dynamic_all)
{
	static const enum ud_backing bks[] = {
		UD_BACKING_MEMFD, UD_BACKING_FILE_PER_PAGE,
		UD_BACKING_FILE_PER_SEGMENT,
	};

	HP_NEED_PAGES(PS, 16);
	NEED_MOUNT();
	for (int i = 0; i < 3; i++) {
		long before = hp_avail(PS);
		struct ud_mem *m = open_bk(bks[i], "uddyn", 0);
		struct ud_zone *z[6];

		ck_assert_msg(m, "%s", ud_errmsg());
		for (int j = 0; j < 6; j++) {
			z[j] = ud_zone_reserve(m, NULL, PS + 4096, NULL);
			ck_assert_msg(z[j], "%s", ud_errmsg());
			uint64_t pm;
			ck_assert_int_eq(ud_pagemap_virt2phys(ud_zone_addr(z[j]), &pm), 0);
			ck_assert_uint_eq(pm, ud_zone_iova(z[j]));
		}
		ck_assert_int_lt(hp_avail(PS), before);
		for (int j = 0; j < 6; j++)
			ud_zone_free(z[j]);
		ck_assert_int_eq(hp_avail(PS), before); /* all given back */
		if (bks[i] == UD_BACKING_FILE_PER_PAGE)
			ck_assert_int_eq(count_files("uddyn"), 0);
		ud_mem_close(m);
	}
}
END_TEST

struct child_mem {
	enum ud_backing bk;
	const char *prefix;
	int pages;
};

static int map_pages(void *arg)
{
	struct child_mem *c = arg;
	struct ud_mem *m = open_bk(c->bk, c->prefix, (size_t)c->pages);

	if (!m)
		fprintf(stderr, "child: %s\n", ud_errmsg());
	return m ? 0 : -1;
}

/* A child maps pages with a file backing (the test SIGKILLs it). */
static pid_t child_with_files(enum ud_backing bk, const char *prefix, int pages)
{
	struct child_mem c = { bk, prefix, pages };

	return ut_fork_holder(map_pages, &c);
}

static void stale_case(enum ud_backing bk, const char *prefix, int pages,
		       int files, int all_mounts)
{
	struct ud_clean_stats st;
	long before = hp_avail(PS);
	pid_t pid = child_with_files(bk, prefix, pages);
	char *logbuf = NULL;
	size_t loglen = 0;
	FILE *log;

	ck_assert_int_eq(count_files(prefix), files);
	ck_assert_int_eq(hp_avail(PS), before - pages);
	/* a live owner's files are kept */
	ck_assert_int_eq(ud_hp_clean_stale(mnt, prefix, &st, NULL), 0);
	ck_assert_uint_eq(st.files_in_use, (unsigned long)files);
	ck_assert_int_eq(count_files(prefix), files);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* the files, and so the pages, outlive the process */
	ck_assert_int_eq(count_files(prefix), files);
	ck_assert_int_eq(hp_avail(PS), before - pages);

	log = open_memstream(&logbuf, &loglen);
	/* all_mounts: find the directory through /proc/self/mountinfo */
	ck_assert_int_eq(ud_hp_clean_stale(all_mounts ? NULL : mnt, prefix, &st,
					   log), files);
	fclose(log);
	ck_assert_uint_eq(st.files_removed, (unsigned long)files);
	ck_assert_uint_eq(st.files_in_use, 0);
	ck_assert_uint_eq(st.bytes_freed, (uint64_t)pages * PS);
	ck_assert_ptr_nonnull(strstr(logbuf, "removed stale"));
	free(logbuf);
	ck_assert_int_eq(count_files(prefix), 0);
	ck_assert_int_eq(hp_avail(PS), before);
}

START_TEST(stale_per_page)
{
	HP_NEED_PAGES(PS, 8);
	NEED_MOUNT();
	stale_case(UD_BACKING_FILE_PER_PAGE, "udstale", 4, 4, 0);
}
END_TEST

START_TEST(stale_per_segment)
{
	HP_NEED_PAGES(PS, 8);
	NEED_MOUNT();
	stale_case(UD_BACKING_FILE_PER_SEGMENT, "udstaleseg", 4, 1, 1);
}
END_TEST

/* ud_mem_open of a file backing cleans stale files itself. */
START_TEST(stale_cleaned_at_open)
{
	long before = hp_avail(PS);
	pid_t pid;
	struct ud_mem *m;

	HP_NEED_PAGES(PS, 8);
	NEED_MOUNT();
	pid = child_with_files(UD_BACKING_FILE_PER_PAGE, "udauto", 3);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(count_files("udauto"), 3);
	m = open_bk(UD_BACKING_FILE_PER_PAGE, "udauto", 1);
	ck_assert_msg(m, "%s", ud_errmsg());
	ck_assert_int_eq(count_files("udauto"), 1); /* only our own */
	struct ud_mem_stats st;
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.stale_files_removed, 3);
	ck_assert_uint_eq(st.stale_bytes_freed, 3 * PS);
	ud_mem_close(m);
	ck_assert_int_eq(hp_avail(PS), before);
}
END_TEST

/* memfd: nothing survives the process. */
START_TEST(memfd_nothing_left)
{
	long before = hp_avail(PS);
	pid_t pid;

	HP_NEED_PAGES(PS, 8);
	pid = child_with_files(UD_BACKING_MEMFD, NULL, 4);
	ck_assert_int_eq(hp_avail(PS), before - 4);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(hp_avail(PS), before);
}
END_TEST

/* Asking for more than the kernel has fails cleanly (no SIGBUS). */
START_TEST(shortage_is_an_error)
{
	long av = hp_avail(PS);
	struct ud_mem *m;
	struct ud_zone *z;

	HP_NEED_PAGES(PS, 1);
	m = open_bk(UD_BACKING_MEMFD, NULL, (size_t)av + 1);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_msg(strstr(ud_errmsg(), "nr_hugepages"), "%s", ud_errmsg());
	ck_assert_int_eq(hp_avail(PS), av);
	/* same through a zone of a dynamic region */
	struct ud_mem_config dc = UD_MEM_CFG_INIT;
	dc.page_size = PS;
	dc.va_size = (size_t)(av + 2) * PS;
	m = ud_mem_open(&dc);
	ck_assert_msg(m, "%s", ud_errmsg());
	z = ud_zone_reserve(m, "big", (size_t)(av + 1) * PS, NULL);
	ck_assert_ptr_null(z);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_msg(strstr(ud_errmsg(), "nr_hugepages"), "%s", ud_errmsg());
	ud_mem_close(m);
	ck_assert_int_eq(hp_avail(PS), av);
	/* file backing without a hugetlbfs mount for the size */
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	cfg.backing = UD_BACKING_FILE_PER_PAGE;
	cfg.hugedir = "/nonexistent/ud";
	ck_assert_ptr_null(ud_mem_open(&cfg));
	ck_assert(ud_errmsg()[0]);
}
END_TEST

START_TEST(gigantic_pages)
{
	const size_t G = UD_PGSZ_1G;
	unsigned long orig, got = 0;
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	struct ud_zone *z;
	char *a;

	if (ud_hp_get_pages(G, -1, &orig))
		UD_SKIP("no 1 GiB hugepages in this kernel: %s", ud_errmsg());
	if (hp_avail(G) < 1) {
		if (ud_hp_set_pages(G, -1, orig + 1, &got) || got < orig + 1) {
			ud_hp_set_pages(G, -1, orig, NULL);
			UD_SKIP("the kernel could not supply a 1 GiB page "
				"(memory fragmented); reserve one at boot "
				"(hugepagesz=1G hugepages=1)");
		}
	}
	cfg.page_size = G;
	cfg.prealloc = G;
	cfg.va_size = 2 * G;
	m = ud_mem_open(&cfg);
	if (got)
		ud_hp_set_pages(G, -1, orig, NULL); /* applies when freed */
	ck_assert_msg(m, "%s", ud_errmsg());
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	p.flags = UD_ZONE_IOVA_CONTIG;
	z = ud_zone_reserve(m, "big", G / 2, &p);
	ck_assert_msg(z, "%s", ud_errmsg());
	a = ud_zone_addr(z);
	for (size_t o = 0; o < G / 2; o += 64 << 20) {
		uint64_t pm;

		ck_assert_int_eq(ud_pagemap_virt2phys(a + o, &pm), 0);
		ck_assert_uint_eq(ud_virt2iova(a + o), pm);
		ck_assert_uint_eq(ud_virt2iova(a + o), ud_zone_iova(z) + o);
		ck_assert_ptr_eq(ud_iova2virt(pm), a + o);
	}
	ud_mem_close(m);
	if (got)
		ud_hp_set_pages(G, -1, orig, NULL);
}
END_TEST


/* Legacy mode on real pages: sorted by physical address, contiguous runs
 * virtually contiguous, every page agrees with pagemap. */
START_TEST(legacy_real)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem_stats st;
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_mem *m;
	struct ud_zone *z;
	char *base;
	uint64_t prev = 0;
	size_t run = 1, best = 1;
	const size_t n = 64;

	HP_NEED_PAGES(PS, n);
	cfg.page_size = PS;
	cfg.mode = UD_MEM_LEGACY;
	cfg.prealloc = n * PS;
	cfg.va_size = (size_t)1 << 30;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "%s", ud_errmsg());
	z = ud_zone_reserve(m, "all", n * PS, NULL);
	ck_assert_msg(z, "%s", ud_errmsg());
	base = ud_zone_addr(z);
	for (size_t i = 0; i < n; i++) {
		uint64_t pm, iova = ud_virt2iova(base + i * PS);

		ck_assert_int_eq(ud_pagemap_virt2phys(base + i * PS, &pm), 0);
		ck_assert_uint_eq(iova, pm);
		ck_assert_uint_eq(ud_virt2iova_inline(base + i * PS), pm);
		if (i) {
			ck_assert_uint_gt(iova, prev);
			run = iova == prev + PS ? run + 1 : 1;
			if (run > best)
				best = run;
		}
		prev = iova;
	}
	ud_zone_free(z);
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.largest_contig, best * PS);
	ck_assert_uint_eq(st.pages_mapped, n); /* legacy never gives back */
	/* the longest run can be had as one contiguous zone, one more page not */
	p.flags = UD_ZONE_IOVA_CONTIG;
	z = ud_zone_reserve(m, "run", best * PS, &p);
	ck_assert_msg(z, "%s", ud_errmsg());
	ck_assert(ud_zone_iova_contig(z));
	ud_zone_free(z);
	if (best < n) {
		ck_assert_ptr_null(ud_zone_reserve(m, "run+1", (best + 1) * PS, &p));
		ck_assert_int_eq(errno, ENOMEM);
		ck_assert_ptr_nonnull(strstr(ud_errmsg(), "largest free IOVA-contiguous"));
	}
	printf("legacy: %zu pages, longest physically contiguous run %zu pages\n",
	       n, best);
	ud_mem_close(m);
}
END_TEST

/* Dynamic with UD_MEM_SORT: prealloc pages in physical order; they stay. */
START_TEST(dynamic_sorted_prealloc)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem_stats st;
	struct ud_mem *m;
	struct ud_zone *z;
	char *base;

	HP_NEED_PAGES(PS, 16);
	cfg.page_size = PS;
	cfg.prealloc = 16 * PS;
	cfg.va_size = (size_t)1 << 30;
	cfg.flags = UD_MEM_SORT;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "%s", ud_errmsg());
	z = ud_zone_reserve(m, NULL, 16 * PS, NULL);
	ck_assert_msg(z, "%s", ud_errmsg());
	base = ud_zone_addr(z);
	for (size_t i = 1; i < 16; i++)
		ck_assert_uint_gt(ud_virt2iova(base + i * PS),
				  ud_virt2iova(base + (i - 1) * PS));
	ud_zone_free(z);
	ud_mem_stats(m, &st);
	ck_assert_uint_eq(st.pages_mapped, 16);
	ud_mem_close(m);
}
END_TEST

/* NUMA: node 0 exists everywhere; a node that does not exist is an error. */
START_TEST(numa_nodes)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_mem *m;
	struct ud_zone *z;
	struct ud_hp_info info;
	const struct ud_hp_size_info *si;

	HP_NEED_PAGES(PS, 4);
	ck_assert_int_eq(ud_hp_discover(&info), 0);
	si = ud_hp_find_size(&info, PS);
	ck_assert_ptr_nonnull(si);
	cfg.page_size = PS;
	cfg.va_size = (size_t)1 << 30;
	cfg.flags = UD_MEM_NUMA;
	cfg.numa_node = si->nodes[0].node;
	cfg.prealloc = PS;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "%s", ud_errmsg());
	p.flags = UD_ZONE_NUMA;
	p.numa_node = si->nodes[0].node;
	z = ud_zone_reserve(m, "n0", 3 * PS, &p);
	ck_assert_msg(z, "%s", ud_errmsg());
	ud_zone_free(z);
	p.numa_node = 63; /* not a node of this test host */
	if (si->n_nodes == 1) {
		ck_assert_ptr_null(ud_zone_reserve(m, "n63", 64, &p));
		ck_assert(ud_errmsg()[0]);
	}
	p.numa_node = -1;
	ck_assert_ptr_null(ud_zone_reserve(m, "bad", 64, &p));
	ck_assert_int_eq(errno, EINVAL);
	ud_mem_close(m);
}
END_TEST

static Suite *backing_suite(void)
{
	Suite *s = suite_create("mem_backing");
	TCase *tc = tcase_create("backing");

	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, backing_memfd);
	tcase_add_test(tc, backing_file_per_page);
	tcase_add_test(tc, backing_file_per_segment);
	tcase_add_test(tc, backing_dynamic_all);
	tcase_add_test(tc, stale_per_page);
	tcase_add_test(tc, stale_per_segment);
	tcase_add_test(tc, stale_cleaned_at_open);
	tcase_add_test(tc, memfd_nothing_left);
	tcase_add_test(tc, shortage_is_an_error);
	tcase_add_test(tc, gigantic_pages);
	tcase_add_test(tc, legacy_real);
	tcase_add_test(tc, dynamic_sorted_prealloc);
	tcase_add_test(tc, numa_nodes);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(backing_suite)
