// SPDX-License-Identifier: MIT
/*
 * ud_module_state(): loaded, installed for the running kernel, or neither,
 * over a fake /sys/module and /lib/modules; and the advice each gives,
 * also through ud_dev_bind() for a driver that is not loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <uiodma.h>
#include "module_state.h"
#include "unit.h"

static char root[] = "/tmp/ud-modstate-XXXXXX";
static char sysmod[64], libmod[64];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void fake_tree(void)
{
	char p[128];

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(sysmod, sizeof(sysmod), "%s/sys", root);
	snprintf(libmod, sizeof(libmod), "%s/lib", root);
	ck_assert_int_eq(mkdir(sysmod, 0700), 0);
	ck_assert_int_eq(mkdir(libmod, 0700), 0);
	snprintf(p, sizeof(p), "%s/9.9.9-test", libmod);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/9.9.9-test/modules.dep", libmod);
	put(p, "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz:\n"
	       "updates/dkms/uio_dma.ko: kernel/drivers/uio/uio.ko\n"
	       "kernel/drivers/vfio/pci/vfio-pci.ko.zst: kernel/drivers/vfio/vfio.ko\n"
	       "kernel/drivers/misc/uio_dma_not.ko:\n");
	snprintf(p, sizeof(p), "%s/9.9.9-test/modules.builtin", libmod);
	put(p, "kernel/drivers/uio/uio.ko\n");
}

static void rm_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(states_and_advice)
{
	struct ud_module_roots r = { sysmod, libmod, "9.9.9-test", NULL };
	char fix[512], p[128];

	fake_tree();
	r.sys_module = sysmod;
	r.lib_modules = libmod;
	/* installed (modules.dep), not loaded: modprobe, nothing else */
	ck_assert_int_eq(ud_module_state_in(&r, "uio_dma", fix, sizeof(fix)),
			 UD_MODULE_INSTALLED);
	ck_assert_str_eq(fix, "uio_dma is installed for the running kernel "
			 "9.9.9-test but not loaded: as root, modprobe uio_dma");
	/* '-' and '_' alike; a compressed module */
	ck_assert_int_eq(ud_module_state_in(&r, "vfio-pci", fix, sizeof(fix)),
			 UD_MODULE_INSTALLED);
	ck_assert_ptr_nonnull(strstr(fix, "modprobe vfio-pci"));
	/* built in */
	ck_assert_int_eq(ud_module_state_in(&r, "uio", fix, sizeof(fix)),
			 UD_MODULE_LOADED);
	ck_assert_str_eq(fix, "");
	/* loaded */
	snprintf(p, sizeof(p), "%s/uio_dma", sysmod);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(ud_module_state_in(&r, "uio_dma", fix, sizeof(fix)),
			 UD_MODULE_LOADED);
	ck_assert_str_eq(fix, "");
	ck_assert_int_eq(rmdir(p), 0);

	/* another kernel, no modules.dep: not installed; no modprobe
	 * alone, but DKMS or the package, for that kernel */
	r.release = "9.9.9-other";
	ck_assert_int_eq(ud_module_state_in(&r, "uio_dma", fix, sizeof(fix)),
			 UD_MODULE_MISSING);
	ck_assert_msg(strstr(fix, "uio_dma is not installed for the running kernel 9.9.9-other"), "%s", fix);
	ck_assert_msg(strstr(fix, "apt-get install dkms linux-headers-9.9.9-other"), "%s", fix);
	ck_assert_msg(strstr(fix, "make dkms-install KERNEL=9.9.9-other"), "%s", fix);
	ck_assert_msg(strstr(fix, "dpkg -i uiodma-dkms_*.deb"), "%s", fix);
	ck_assert_msg(strncmp(fix, "as root, modprobe", 17), "%s", fix);
	/* another module missing: no uio_dma install advice */
	r.release = "9.9.9-test";
	ck_assert_int_eq(ud_module_state_in(&r, "igb_uio", fix, sizeof(fix)),
			 UD_MODULE_MISSING);
	ck_assert_msg(strstr(fix, "the running kernel 9.9.9-test has no module igb_uio"), "%s", fix);
	ck_assert_ptr_null(strstr(fix, "dkms"));
	/* a name that only starts like a listed one is not it */
	ck_assert_int_eq(ud_module_state_in(&r, "uio_dma_no", fix, sizeof(fix)),
			 UD_MODULE_MISSING);
	ck_assert_int_eq(ud_module_state_in(&r, "e1000", NULL, 0),
			 UD_MODULE_MISSING);
	/* not a module name */
	errno = 0;
	ck_assert_int_eq(ud_module_state_in(&r, "../uio_dma", fix, sizeof(fix)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ud_module_state_in(&r, "", fix, sizeof(fix)), -1);
	/* a kernel that cannot load modules at all (no /proc/modules: this
	 * host's): no install advice that cannot work (helper-17's trial) */
	snprintf(p, sizeof(p), "%s/no-proc-modules", root);
	r.proc_modules = p;
	ck_assert_int_eq(ud_module_state_in(&r, "uio_dma", fix, sizeof(fix)),
			 UD_MODULE_MISSING);
	ck_assert_msg(strstr(fix, "cannot load modules"), "%s", fix);
	ck_assert_ptr_null(strstr(fix, "dkms"));
	snprintf(p, sizeof(p), "%s/9.9.9-test/modules.dep", libmod);
	ck_assert_int_eq(ud_module_state_in(&r, "uio_dma", fix, sizeof(fix)),
			 UD_MODULE_INSTALLED);	/* any file there will do */
	rm_tree();
}
END_TEST

/* The real system: the public call agrees with its files. */
START_TEST(this_host)
{
	char fix[512], cmd[256];
	int st = ud_module_state("uio_dma", fix, sizeof(fix));
	int listed;

	snprintf(cmd, sizeof(cmd), "grep -qs '/uio_dma\\.ko' /lib/modules/$(uname -r)/modules.dep");
	listed = !system(cmd);
	if (!access("/sys/module/uio_dma", F_OK))
		ck_assert_int_eq(st, UD_MODULE_LOADED);
	else
		ck_assert_int_eq(st, listed ? UD_MODULE_INSTALLED : UD_MODULE_MISSING);
}
END_TEST

/*
 * ud_dev_bind() to a driver that is not loaded says what ud_module_state()
 * says: here a module no kernel has, so no bare "modprobe NAME" (it would
 * fail).  Nothing is written: the check comes before any sysfs write.
 */
START_TEST(bind_missing_driver)
{
	struct ud_dev_info *l = NULL;
	char addr[UD_PCI_ADDR_STRLEN];
	size_t n = 0;

	ck_assert_int_eq(ud_dev_list(&l, &n, UD_LIST_BRIDGES), 0);
	if (!n) {
		free(l);
		UD_SKIP("no PCI device on this host");
	}
	memcpy(addr, l[0].addr, sizeof(addr));
	free(l);
	errno = 0;
	ck_assert_int_eq(ud_dev_bind(addr, "ud_no_such_drv", 0, NULL, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(ud_errmsg(), "driver ud_no_such_drv is not loaded (no /sys/bus/pci/drivers/ud_no_such_drv): the running kernel "),
		      "%s", ud_errmsg());
	if (access("/proc/modules", F_OK))	/* a kernel without modules */
		ck_assert_msg(strstr(ud_errmsg(), "cannot load modules"), "%s", ud_errmsg());
	else
		ck_assert_msg(strstr(ud_errmsg(), "has no module ud_no_such_drv"), "%s", ud_errmsg());
	ck_assert_msg(!strstr(ud_errmsg(), ": modprobe ud_no_such_drv"), "%s", ud_errmsg());
}
END_TEST

static Suite *module_suite(void)
{
	Suite *s = suite_create("module_state");
	TCase *tc = tcase_create("state");

	tcase_add_test(tc, states_and_advice);
	tcase_add_test(tc, this_host);
	tcase_add_test(tc, bind_missing_driver);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(module_suite)
