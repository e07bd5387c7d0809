// SPDX-License-Identifier: MIT
/*
 * Discovery against the real sysfs/procfs, and pool reservation (which
 * changes nr_hugepages and is restored).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <uiodma.h>

#include "unit.h"

#define PS UD_PGSZ_2M
#define SYS2M "/sys/kernel/mm/hugepages/hugepages-2048kB/"

static unsigned long rd(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long v = (unsigned long)-1;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = (unsigned long)-1;
		fclose(f);
	}
	return v;
}

START_TEST(discover_matches_sysfs)
{
	struct ud_hp_info info;
	const struct ud_hp_size_info *s;
	unsigned long sum = 0;
	size_t kb = 0;
	char line[128];
	FILE *f;

	if (access("/sys/kernel/mm/hugepages", F_OK))
		UD_SKIP("kernel without hugetlb support");
	ck_assert_msg(ud_hp_discover(&info) == 0, "%s", ud_errmsg());
	ck_assert_int_gt(info.n_sizes, 0);
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "Hugepagesize: %zu kB", &kb);
	if (f)
		fclose(f);
	ck_assert_uint_eq(info.default_page_size, kb << 10);
	for (int i = 1; i < info.n_sizes; i++)
		ck_assert_uint_lt(info.sizes[i - 1].page_size, info.sizes[i].page_size);
	s = ud_hp_find_size(&info, PS);
	if (!s)
		UD_SKIP("no 2 MiB pages here");
	ck_assert_ptr_eq(ud_hp_find_size(&info, 0),
			 ud_hp_find_size(&info, info.default_page_size));
	ck_assert_uint_eq(s->nr, rd(SYS2M "nr_hugepages"));
	ck_assert_uint_eq(s->resv, rd(SYS2M "resv_hugepages"));
	ck_assert_uint_eq(s->surplus, rd(SYS2M "surplus_hugepages"));
	ck_assert_uint_eq(s->overcommit, rd(SYS2M "nr_overcommit_hugepages"));
	ck_assert_uint_eq(s->available, s->free - s->resv);
	ck_assert_int_gt(s->n_nodes, 0);
	for (int i = 0; i < s->n_nodes; i++)
		sum += s->nodes[i].nr;
	ck_assert_uint_eq(sum, s->nr);

	ck_assert_ptr_null(ud_hp_find_size(&info, 12345));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "2048 kB"));
}
END_TEST

START_TEST(print_report)
{
	struct ud_hp_info info;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (ud_hp_discover(&info))
		UD_SKIP("no hugepages: %s", ud_errmsg());
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(ud_hp_print(f, &info), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "hugepage sizes:"));
	ck_assert_ptr_nonnull(strstr(buf, "node 0"));
	ck_assert_ptr_nonnull(strstr(buf, "hugetlbfs mounts:"));
	if (ud_hp_find_size(&info, PS))
		ck_assert_ptr_nonnull(strstr(buf, "2 MiB pages"));
	free(buf);
}
END_TEST

START_TEST(mounts_found)
{
	char dir[] = "/tmp/ud_disc.XXXXXX";
	struct ud_hp_info info;
	int found = 0;

	if (!mkdtemp(dir))
		UD_SKIP("mkdtemp failed");
	if (mount("none", dir, "hugetlbfs", 0, "pagesize=2M")) {
		rmdir(dir);
		UD_SKIP("cannot mount hugetlbfs (not root?)");
	}
	ck_assert_int_eq(ud_hp_discover(&info), 0);
	for (int i = 0; i < info.n_mounts; i++)
		if (!strcmp(info.mounts[i].path, dir)) {
			found = 1;
			ck_assert_uint_eq(info.mounts[i].page_size, PS);
		}
	umount(dir);
	rmdir(dir);
	ck_assert_msg(found, "mount %s not reported", dir);
}
END_TEST

START_TEST(reserve_and_restore)
{
	unsigned long orig, got, now, node_orig;

	if (ud_hp_get_pages(PS, -1, &orig))
		UD_SKIP("no 2 MiB pages: %s", ud_errmsg());
	if (geteuid() != 0)
		UD_SKIP("changing the pool needs root");
	ck_assert_int_eq(ud_hp_set_pages(PS, -1, orig + 3, &got), 0);
	now = rd(SYS2M "nr_hugepages");
	ck_assert_uint_eq(got, now);
	ck_assert_uint_eq(got, orig + 3); /* 6 MiB is always there on a test host */
	/* per node */
	ck_assert_int_eq(ud_hp_get_pages(PS, 0, &node_orig), 0);
	ck_assert_int_eq(ud_hp_set_pages(PS, 0, node_orig + 2, &got), 0);
	ck_assert_uint_eq(got, node_orig + 2);
	ck_assert_uint_eq(rd(SYS2M "nr_hugepages"), orig + 5);
	ck_assert_int_eq(ud_hp_set_pages(PS, 0, node_orig, &got), 0);
	ck_assert_uint_eq(got, node_orig);
	/* restore */
	ck_assert_int_eq(ud_hp_set_pages(PS, -1, orig, &got), 0);
	ck_assert_uint_eq(got, orig);
	ck_assert_uint_eq(rd(SYS2M "nr_hugepages"), orig);
	/* errors */
	ck_assert_int_eq(ud_hp_set_pages(12345, -1, 1, NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(ud_hp_set_pages(PS, 999, 1, NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(reserve_gigantic)
{
	const size_t G = UD_PGSZ_1G;
	unsigned long orig, got;

	if (ud_hp_get_pages(G, -1, &orig))
		UD_SKIP("no 1 GiB hugepages in this kernel");
	if (geteuid() != 0)
		UD_SKIP("changing the pool needs root");
	/* may be granted or not (fragmentation): either is reported honestly */
	ck_assert_int_eq(ud_hp_set_pages(G, -1, orig + 1, &got), 0);
	ck_assert_uint_eq(got, rd("/sys/kernel/mm/hugepages/hugepages-1048576kB/"
				  "nr_hugepages"));
	ck_assert(got == orig || got == orig + 1);
	ck_assert_int_eq(ud_hp_set_pages(G, -1, orig, &got), 0);
	ck_assert_uint_eq(got, orig);
}
END_TEST

static Suite *discover_suite(void)
{
	Suite *s = suite_create("mem_discover");
	TCase *tc = tcase_create("discover");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, discover_matches_sysfs);
	tcase_add_test(tc, print_report);
	tcase_add_test(tc, mounts_found);
	tcase_add_test(tc, reserve_and_restore);
	tcase_add_test(tc, reserve_gigantic);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(discover_suite)
