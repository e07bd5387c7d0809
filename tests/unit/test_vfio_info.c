// SPDX-License-Identifier: MIT
/*
 * What 'uiodma info' prints for a device on vfio-pci (tools/uiodma/
 * vfio_info.c), on synthetic groups: the group and its peers with their
 * drivers, viable or not and who keeps it back, the IOVA mode, the reset
 * vfio offers; the JSON checked with the guest tests' strict validator.
 * The guest vfio job checks it on real groups.
 */
#include <stdlib.h>
#include <string.h>

#include "../../tools/uiodma/json.c"
#include "../../tools/uiodma/sysfs.c"
#include "../../tools/uiodma/vfio_info.c"
#include "../guest/progs/json_valid.h"

#include "unit.h"

#define ME "0000:06:01.0"

static void add(struct vfio_info *v, const char *addr, const char *drv,
		int bridge, int blocks)
{
	struct ud_group_dev *m = &v->group.devs[v->group.ndevs++];

	snprintf(m->addr, sizeof(m->addr), "%s", addr);
	snprintf(m->driver, sizeof(m->driver), "%s", drv);
	m->bridge = bridge;
	m->blocks = blocks;
	v->group.viable &= !blocks;
}

/* A group of a bridge, this device on vfio-pci and one more device. */
static void group(struct vfio_info *v, const char *peer_drv, int blocks)
{
	memset(v, 0, sizeof(*v));
	v->group_ok = 1;
	v->group.id = 7;
	v->group.viable = 1;
	snprintf(v->group.type, sizeof(v->group.type), "DMA");
	add(v, "0000:00:10.0", "", 1, 0);
	add(v, ME, "vfio-pci", 0, 0);
	add(v, "0000:06:02.0", peer_drv, 0, blocks);
	v->reset_known = 1;
}

/* @v printed as text (@json 0) or JSON (1); the caller frees it. */
static char *print(const struct vfio_info *v, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	if (json)
		vfio_info_json(f, v);
	else
		vfio_info_text(f, ME, v);
	fclose(f);
	if (json)
		ck_assert_msg(json_valid(buf, len, NULL, NULL), "%s", buf);
	return buf;
}

static void has(const char *out, const char *want)
{
	ck_assert_msg(strstr(out, want), "'%s' lacks '%s'", out, want);
}

START_TEST(viable_group)
{
	struct vfio_info v;
	char *t, *j;

	group(&v, "", 0);
	t = print(&v, 0);
	has(t, "  vfio group   7 (/dev/vfio/7), IOMMU domain DMA\n");
	has(t, "  group peers  0000:00:10.0 (bridge, no driver), "
	       "0000:06:02.0 (no driver)\n");
	has(t, "  group viable yes: its devices are bridges or have no driver, "
	       "vfio-pci or pci-stub, so vfio gives it to userspace\n");
	has(t, "  iova mode    VA: the library maps memory into the process's "
	       "VFIO type1 container");
	has(t, "  vfio reset   none: the kernel has no reset for this function");
	j = print(&v, 1);
	has(j, "\"group\":7,\"group_type\":\"DMA\",\"why_no_group\":null");
	has(j, "{\"address\":\"0000:00:10.0\",\"driver\":null,\"bridge\":true,"
	       "\"blocks\":false}");
	has(j, "{\"address\":\"" ME "\",\"driver\":\"vfio-pci\"");
	has(j, "\"viable\":true,\"blocking\":[]");
	has(j, "\"iova_mode\":\"VA\",\"container\":\"type1\",\"reset_method\":[]");
	free(t);
	free(j);
}
END_TEST

START_TEST(blocked_group)
{
	struct vfio_info v;
	char *t, *j;

	group(&v, "uio_pci_generic", 1);
	snprintf(v.reset_method, sizeof(v.reset_method), "flr pm");
	t = print(&v, 0);
	has(t, "0000:06:02.0 (uio_pci_generic)\n");
	has(t, "  group viable no: 0000:06:02.0 (uio_pci_generic), still driven "
	       "by the kernel, and vfio gives a group to userspace only as a "
	       "whole: bind those to vfio-pci too, or unbind them\n");
	has(t, "  vfio reset   VFIO_DEVICE_RESET (ud_dev_reset) by flr pm\n");
	j = print(&v, 1);
	has(j, "\"viable\":false,\"blocking\":[\"0000:06:02.0\"]");
	has(j, "\"reset_method\":[\"flr\",\"pm\"]}");
	free(t);
	free(j);
}
END_TEST

START_TEST(alone_no_group_old_kernel)
{
	struct vfio_info v;
	char *t, *j;

	memset(&v, 0, sizeof(v));
	v.group_ok = 1;
	v.group.id = 3;
	v.group.viable = 1;
	add(&v, ME, "vfio-pci", 0, 0);
	v.has_reset = 1;		/* no reset_method: before Linux 5.15 */
	t = print(&v, 0);
	has(t, "IOMMU domain unknown\n");
	has(t, "  group peers  none: the device is alone in its group\n");
	has(t, "VFIO_DEVICE_RESET (ud_dev_reset) by a method the kernel does "
	       "not name\n");
	j = print(&v, 1);
	has(j, "\"group_type\":null");
	has(j, "\"reset_method\":null}");
	free(t);
	free(j);

	memset(&v, 0, sizeof(v));
	snprintf(v.why, sizeof(v.why), "0000:06:01.0 has no IOMMU group");
	t = print(&v, 0);
	has(t, "  vfio group   none: 0000:06:01.0 has no IOMMU group\n");
	j = print(&v, 1);
	has(j, "{\"group\":null,\"group_type\":null,\"why_no_group\":"
	       "\"0000:06:01.0 has no IOMMU group\",\"devices\":[],"
	       "\"viable\":false");
	free(t);
	free(j);
}
END_TEST

static Suite *vfio_info_suite(void)
{
	Suite *s = suite_create("vfio_info");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, viable_group);
	tcase_add_test(tc, blocked_group);
	tcase_add_test(tc, alone_no_group_old_kernel);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(vfio_info_suite)
