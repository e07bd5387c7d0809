// SPDX-License-Identifier: MIT
/*
 * The library's parsers of what the kernel writes (mountinfo lines,
 * pagemap entries, sysfs numbers, PCI addresses, the names of its own
 * hugetlbfs files), on fixed inputs, with a regression test for each
 * defect the fuzzers (tests/fuzz/) found:
 *   - a pagemap PFN too large for any physical address overflowed into a
 *     wrong address instead of being refused;
 *   - a mountinfo escape \000 cut a field short;
 *   - a stale-file name with leading zeros ("uiodma_0617_0_p15"), which
 *     the library never writes, was taken for one of its own.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mem_internal.h"
#include "mountinfo.h"
#include "parse.h"
#include "dev_sysfs.h"
#include "unit.h"

#define PRESENT (1ULL << 63)

START_TEST(pagemap_entries)
{
	uint64_t pa = 0;

	ck_assert_int_eq(ud_pagemap_decode(PRESENT | 0x12345, 0x7f0000001234, 4096, &pa), 0);
	ck_assert_uint_eq(pa, 0x12345234ULL);
	errno = 0;
	ck_assert_int_eq(ud_pagemap_decode(0, 0x1000, 4096, &pa), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ud_pagemap_decode((1ULL << 62) | 5, 0x1000, 4096, &pa), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_msg(strstr(ud_errmsg(), "swapped"), "%s", ud_errmsg());
	ck_assert_int_eq(ud_pagemap_decode(PRESENT, 0x1000, 4096, &pa), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_msg(strstr(ud_errmsg(), "CAP_SYS_ADMIN"), "%s", ud_errmsg());
}
END_TEST

/* Found by fuzz_pagemap: PFN 0x7f000000050001 with 8 KiB pages gave
 * 0xe0000000a0003fff (the multiplication wrapped). */
START_TEST(pagemap_pfn_beyond_physical)
{
	uint64_t pa = 0;

	errno = 0;
	ck_assert_int_eq(ud_pagemap_decode(PRESENT | 0x7f000000050001ULL, 0x1fff,
					   8192, &pa), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_msg(strstr(ud_errmsg(), "beyond any physical address"), "%s",
		      ud_errmsg());
	ck_assert_uint_eq(pa, 0);
	/* the largest PFN of a 52-bit address space still decodes */
	ck_assert_int_eq(ud_pagemap_decode(PRESENT | ((1ULL << 40) - 1), 0, 4096, &pa), 0);
	ck_assert_uint_eq(pa, (1ULL << 52) - 4096);
	ck_assert_int_eq(ud_pagemap_decode(PRESENT | (1ULL << 40), 0, 4096, &pa), -1);
}
END_TEST

START_TEST(mountinfo_lines)
{
	char l1[] = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n";
	char l2[] = "88 24 0:45 / /dev/hugepages rw,relatime - hugetlbfs hugetlbfs rw,pagesize=2M";
	char bad1[] = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw";
	char bad2[] = "36 35 98 /mnt1 /mnt2 rw - ext3 /dev/root rw";
	char bad3[] = "36 35 98:0 /mnt1";
	struct ud_mountinfo mi;

	ck_assert_int_eq(ud_mountinfo_parse(l1, &mi), 0);
	ck_assert_uint_eq(mi.major, 98);
	ck_assert_uint_eq(mi.minor, 0);
	ck_assert_str_eq(mi.root, "/mnt1");
	ck_assert_str_eq(mi.mnt, "/mnt two");
	ck_assert_str_eq(mi.fstype, "ext3");
	ck_assert_str_eq(mi.source, "/dev/root");
	ck_assert_str_eq(mi.superopts, "rw,errors=continue");
	ck_assert_int_eq(ud_mountinfo_parse(l2, &mi), 0);
	ck_assert_str_eq(mi.fstype, "hugetlbfs");
	ck_assert_str_eq(mi.superopts, "rw,pagesize=2M");
	ck_assert_int_eq(ud_mountinfo_parse(bad1, &mi), -1);
	ck_assert_int_eq(ud_mountinfo_parse(bad2, &mi), -1);
	ck_assert_int_eq(ud_mountinfo_parse(bad3, &mi), -1);
}
END_TEST

/* Found by fuzz_mountinfo: "\000" decoded to a NUL and emptied the root
 * field (a mount point "/a\000b" would have matched "/a"). */
START_TEST(mountinfo_escaped_nul_kept)
{
	char line[] = "1 2 0:5 \\000x /a\\000b rw - tmpfs none rw";
	char s[] = "x\\000y\\101";
	struct ud_mountinfo mi;

	ck_assert_int_eq(ud_mountinfo_parse(line, &mi), 0);
	ck_assert_str_eq(mi.root, "\\000x");
	ck_assert_str_eq(mi.mnt, "/a\\000b");
	ck_assert_str_eq(ud_unescape_octal(s), "x\\000yA");
}
END_TEST

START_TEST(sysfs_numbers)
{
	unsigned long v = 7;

	ck_assert_int_eq(ud_parse_ulong("4\n", 10, &v), 0);
	ck_assert_uint_eq(v, 4);
	ck_assert_int_eq(ud_parse_ulong("0x8086\n", 0, &v), 0);
	ck_assert_uint_eq(v, 0x8086);
	ck_assert_int_eq(ud_parse_ulong("1003", 16, &v), 0);
	ck_assert_uint_eq(v, 0x1003);
	ck_assert_int_eq(ud_parse_ulong("010", 0, &v), 0);
	ck_assert_uint_eq(v, 10);	/* never octal */
	static const char *const bad[] = { "", "\n", "-1", "+1", " 1", "1x",
					   "12 3", "0x", "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		ck_assert_msg(ud_parse_ulong(bad[i], 0, &v) == -1, "'%s'", bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	ck_assert_uint_eq(ud_parse_size("2M"), (size_t)2 << 20);
	ck_assert_uint_eq(ud_parse_size("1G"), (size_t)1 << 30);
	ck_assert_uint_eq(ud_parse_size("2048k"), (size_t)2 << 20);
	ck_assert_uint_eq(ud_parse_size("4096"), 4096);
	ck_assert_uint_eq(ud_parse_size("2MB"), 0);
	ck_assert_uint_eq(ud_parse_size("M"), 0);
	ck_assert_uint_eq(ud_parse_size("99999999999999999G"), 0);
}
END_TEST

START_TEST(pci_addresses)
{
	char out[UD_PCI_ADDR_STRLEN];

	ck_assert_int_eq(ud_pci_normalize("3:0.7", out), 0);
	ck_assert_str_eq(out, "0000:03:00.7");
	ck_assert_int_eq(ud_pci_normalize("0000:03:00.8", out), -1);
	ck_assert_int_eq(ud_pci_normalize("0000:03:00.0\n", out), -1);
}
END_TEST

/* Found by fuzz_hp_names: "uiodma_0617_0_p15" was taken for a file of the
 * library's, which would have named it "uiodma_617_0_p15". */
START_TEST(own_file_names)
{
	static const char *const ours[] = { "uiodma_617_0_p15", "uiodma_1_0_seg",
					    "uiodma_0_0_p0", "uiodma_2147483647_4294967295_p9" };
	static const char *const not_ours[] = {
		"uiodma_0617_0_p15", "uiodma_617_00_p15", "uiodma_617_0_p015",
		"uiodma_2147483648_0_p1", "uiodma_1_4294967296_p1",
		"uiodma_1_0_p99999999999999999999", "uiodma_1_0_seg0",
		"uiodma_notes.txt", "uiodma_-1_0_p1", "uiodma_1_0_", "uiodma_",
	};
	char path[128];

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		ck_assert_msg(ud_hp_file_name_ours(ours[i], "uiodma"), "%s", ours[i]);
	for (size_t i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++)
		ck_assert_msg(!ud_hp_file_name_ours(not_ours[i], "uiodma"), "%s",
			      not_ours[i]);
	ud_hp_file_path(path, sizeof(path), "/d", "uiodma", 617, 0, 15);
	ck_assert_str_eq(path, "/d/uiodma_617_0_p15");
	ck_assert(ud_hp_file_name_ours(path + 3, "uiodma"));
}
END_TEST

static Suite *parsers_suite(void)
{
	Suite *s = suite_create("parsers");
	TCase *tc = tcase_create("kernel-text");

	tcase_add_test(tc, pagemap_entries);
	tcase_add_test(tc, pagemap_pfn_beyond_physical);
	tcase_add_test(tc, mountinfo_lines);
	tcase_add_test(tc, mountinfo_escaped_nul_kept);
	tcase_add_test(tc, sysfs_numbers);
	tcase_add_test(tc, pci_addresses);
	tcase_add_test(tc, own_file_names);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(parsers_suite)
