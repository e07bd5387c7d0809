// SPDX-License-Identifier: MIT
/*
 * Physical-address DMA behind a translating IOMMU is refused: the checks
 * read a fake sysfs tree.  A device without an IOMMU group or in an
 * "identity" (passthrough) group passes; "DMA", "DMA-FQ", any other type
 * and an unreadable type are refused with EOPNOTSUPP and uio_dma's advice.
 * With no device, the machine is refused when its IOMMU groups translate
 * and none is identity.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu.h"
#include <uiodma/error.h>
#include "unit.h"

static char root[64];

static void mk(const char *rel)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *rel, const char *val)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", val);
	fclose(f);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/ud-iommu-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
}

/* A device in group 7 with domain type @type (NULL: no type file). */
static void dev_in_group(const char *addr, const char *type)
{
	char rel[256], target[512], link[512];

	mk("kernel/iommu_groups/7");
	if (type)
		put("kernel/iommu_groups/7/type", type);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", addr);
	mk(rel);
	snprintf(target, sizeof(target), "%s/kernel/iommu_groups/7", root);
	snprintf(link, sizeof(link), "%s/%s/iommu_group", root, rel);
	ck_assert_int_eq(symlink(target, link), 0);
}

static void assert_refused(const char *what)
{
	ck_assert_int_eq(errno, EOPNOTSUPP);
	ck_assert_msg(strstr(ud_errmsg(), "iommu=pt") &&
		      strstr(ud_errmsg(), "vfio-pci") &&
		      strstr(ud_errmsg(), what), "%s", ud_errmsg());
}

START_TEST(dev_without_group_passes)
{
	mk("bus/pci/devices/0000:00:02.0");
	ck_assert_int_eq(ud_iommu_check_dev_at(root, "0000:00:02.0"), 0);
}
END_TEST

START_TEST(dev_identity_passes)
{
	dev_in_group("0000:00:02.0", "identity");
	ck_assert_int_eq(ud_iommu_check_dev_at(root, "0000:00:02.0"), 0);
}
END_TEST

START_TEST(dev_translated_refused)
{
	static const char *const types[] = { "DMA", "DMA-FQ", "blocked" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char q[32];

		teardown();
		setup();
		dev_in_group("0000:00:03.0", types[i]);
		errno = 0;
		ck_assert_int_eq(ud_iommu_check_dev_at(root, "0000:00:03.0"), -1);
		snprintf(q, sizeof(q), "\"%s\"", types[i]);
		assert_refused(q);
		ck_assert_msg(strstr(ud_errmsg(), "0000:00:03.0"), "%s", ud_errmsg());
	}
	ck_assert_msg(strstr(ud_errmsg(), "IOMMU"), "%s", ud_errmsg());
}
END_TEST

START_TEST(dev_unreadable_type_refused)
{
	dev_in_group("0000:00:04.0", NULL);
	errno = 0;
	ck_assert_int_eq(ud_iommu_check_dev_at(root, "0000:00:04.0"), -1);
	assert_refused("cannot be read");
}
END_TEST

START_TEST(machine_checks)
{
	/* no IOMMU at all */
	ck_assert_int_eq(ud_iommu_check_machine_at(root), 0);
	mk("kernel/iommu_groups");
	ck_assert_int_eq(ud_iommu_check_machine_at(root), 0);
	/* groups owned by vfio (unmanaged) say nothing of the default */
	mk("kernel/iommu_groups/0");
	put("kernel/iommu_groups/0/type", "unmanaged");
	ck_assert_int_eq(ud_iommu_check_machine_at(root), 0);
	/* translated by default */
	mk("kernel/iommu_groups/1");
	put("kernel/iommu_groups/1/type", "DMA-FQ");
	mk("kernel/iommu_groups/2");
	put("kernel/iommu_groups/2/type", "DMA");
	errno = 0;
	ck_assert_int_eq(ud_iommu_check_machine_at(root), -1);
	assert_refused("2 IOMMU groups");
	/* passthrough somewhere: devices are judged one by one */
	mk("kernel/iommu_groups/3");
	put("kernel/iommu_groups/3/type", "identity");
	ck_assert_int_eq(ud_iommu_check_machine_at(root), 0);
}
END_TEST

/* This machine: the real sysfs gives an answer, and a consistent one. */
START_TEST(real_sysfs)
{
	int r = ud_iommu_check_machine();

	ck_assert(r == 0 || (r == -1 && errno == EOPNOTSUPP));
	if (access("/sys/kernel/iommu_groups", F_OK))
		ck_assert_int_eq(r, 0);
}
END_TEST

static Suite *iommu_suite(void)
{
	Suite *s = suite_create("iommu");
	TCase *tc = tcase_create("refuse-translated");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dev_without_group_passes);
	tcase_add_test(tc, dev_identity_passes);
	tcase_add_test(tc, dev_translated_refused);
	tcase_add_test(tc, dev_unreadable_type_refused);
	tcase_add_test(tc, machine_checks);
	tcase_add_test(tc, real_sysfs);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(iommu_suite)
