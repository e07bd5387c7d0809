// SPDX-License-Identifier: MIT
/*
 * What the device calls say for an address with no device behind it, and
 * for text that is no PCI address: errno, the cause, and the exact command
 * that lists the addresses (no bare "see lspci"), the same from every call
 * and from the uiodma tool.
 */
#include <errno.h>
#include <string.h>

#include <uiodma.h>
#include "dev_sysfs.h"
#include "unit.h"

#include "../../tools/uiodma/cli.c"
#include "../../tools/uiodma/size.c"

#define NODEV "ffff:ff:1f.7"
#define LISTS "lspci -D lists this machine's PCI addresses"

static void says_no_device(const char *call)
{
	ck_assert_msg(errno == ENODEV, "%s: errno %d", call, errno);
	ck_assert_msg(strstr(ud_errmsg(), "no PCI device " NODEV), "%s: %s", call, ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), LISTS), "%s: %s", call, ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), "apt-get install pciutils"), "%s: %s", call, ud_errmsg());
	ck_assert_msg(!strstr(ud_errmsg(), "see lspci"), "%s: %s", call, ud_errmsg());
	ck_assert_msg(!strstr(ud_errmsg(), " or lspci"), "%s: %s", call, ud_errmsg());
}

START_TEST(no_device_names_the_command)
{
	struct ud_dev_info info;
	char buf[64];

	errno = 0;
	ck_assert_int_eq(ud_pci_driver(NODEV, buf, sizeof(buf)), -1);
	says_no_device("ud_pci_driver");
	errno = 0;
	ck_assert_int_eq(ud_dev_info(NODEV, &info), -1);
	says_no_device("ud_dev_info");
	errno = 0;
	ck_assert_int_eq(ud_dev_in_use(NODEV, NULL, 0), -1);
	says_no_device("ud_dev_in_use");
	errno = 0;
	ck_assert_int_eq(ud_dev_bind(NODEV, NULL, 0, NULL, 0), -1);
	says_no_device("ud_dev_bind");
}
END_TEST

/* The library and the tool say the same for text that is no address. */
START_TEST(bad_address_names_the_command)
{
	char *argv[] = { "uiodma", "bind", "eth0", NULL };
	char full[UD_PCI_ADDR_STRLEN], err[512];
	struct cli c;

	errno = 0;
	ck_assert_int_eq(ud_pci_addr_normalize("eth0", full), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(ud_errmsg(), "'eth0' is not a PCI address"), "%s", ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), LISTS), "%s", ud_errmsg());
	ck_assert_int_eq(cli_parse(3, argv, &c, err, sizeof(err)), EXIT_USAGE);
	free(c.addrs);
	ck_assert_str_eq(err, ud_errmsg());
}
END_TEST

static Suite *msg_suite(void)
{
	Suite *s = suite_create("dev_messages");
	TCase *tc = tcase_create("addresses");

	tcase_add_test(tc, no_device_names_the_command);
	tcase_add_test(tc, bad_address_names_the_command);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(msg_suite)
