// SPDX-License-Identifier: MIT
/*
 * Only hugetlbfs is treated as hugetlbfs.  ud_hp_clean_stale() and the file
 * backings of ud_mem_open() refuse an ordinary directory (ext4, tmpfs) and
 * a hugetlbfs mount of another page size with ENOTDIR and a message naming
 * the path, what it is and a mount command, and leave every file in it
 * alone.  On a real hugetlbfs mount, cleaning removes only regular files of
 * the library's own naming pattern.
 *
 * Needs root for the mounts (a hugetlbfs of its own, in a temporary
 * directory); the ordinary-directory cases run anywhere.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>
#include <uiodma.h>

#include "unit.h"

/* A fresh directory under @parent; its path in @buf. */
static void make_dir(char *buf, size_t len, const char *parent)
{
	snprintf(buf, len, "%s/ud_fs.XXXXXX", parent);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static void make_file(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("the user's own notes\n", f);
	fclose(f);
}

static int exists(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static int count_entries(const char *dir)
{
	char cmd[600];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void remove_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Files a careless cleaner would take for the library's: the issue's
 * notes file, and one that matches the naming pattern exactly. */
static const char *const bait[] = { "uiodma_notes.txt", "uiodma_4242_0_p0",
				    "uiodma_4242_0_seg" };
#define NBAIT (sizeof(bait) / sizeof(bait[0]))

/* Refused with ENOTDIR; the message names the path and the fix. */
static void assert_refused(const char *dir)
{
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_msg(strstr(ud_errmsg(), dir), "%s", ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), "not hugetlbfs"), "%s", ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), "mount -t hugetlbfs -o pagesize="),
		      "%s", ud_errmsg());
	printf("refused as it should be: %s\n", ud_errmsg());
}

/* Cleaning and file-backed regions refuse @parent's filesystem; named fs. */
static void ordinary_dir_refused(const char *parent, const char *fstype)
{
	static const enum ud_backing bks[] = { UD_BACKING_FILE_PER_PAGE,
					       UD_BACKING_FILE_PER_SEGMENT };
	struct ud_clean_stats st;
	char dir[256];

	make_dir(dir, sizeof(dir), parent);
	for (size_t i = 0; i < NBAIT; i++)
		make_file(dir, bait[i]);

	errno = 0;
	ck_assert_int_eq(ud_hp_clean_stale(dir, NULL, &st, NULL), -1);
	assert_refused(dir);
	ck_assert_msg(strstr(ud_errmsg(), fstype), "%s", ud_errmsg());
	ck_assert_uint_eq(st.files_removed, 0);
	/* The advice never mounts over a directory that holds files. */
	char over[300];

	snprintf(over, sizeof(over), "none %s", dir);
	ck_assert_msg(!strstr(ud_errmsg(), over), "%s", ud_errmsg());

	for (size_t b = 0; b < 2; b++) {
		struct ud_mem_config cfg = UD_MEM_CFG_INIT;

		cfg.page_size = UD_PGSZ_2M;
		cfg.backing = bks[b];
		cfg.hugedir = dir;
		cfg.va_size = (size_t)1 << 30;
		errno = 0;
		ck_assert_ptr_null(ud_mem_open(&cfg));
		assert_refused(dir);
	}
	/* nothing removed, nothing created */
	for (size_t i = 0; i < NBAIT; i++)
		ck_assert_msg(exists(dir, bait[i]), "%s was removed", bait[i]);
	ck_assert_int_eq(count_entries(dir), (int)NBAIT);
	remove_tree(dir);
}

START_TEST(ext4_dir_refused)
{
	struct statfs sf;

	/* /var/tmp is on the root filesystem (ext4 on this machine) */
	if (statfs("/var/tmp", &sf))
		UD_SKIP("no /var/tmp");
	ordinary_dir_refused("/var/tmp", sf.f_type == EXT4_SUPER_MAGIC ?
			     "ext4" : "");
}
END_TEST

/* Advice for / (or any mount point) names a directory of its own. */
START_TEST(root_dir_advice_mounts_elsewhere)
{
	struct ud_clean_stats st;

	errno = 0;
	ck_assert_int_eq(ud_hp_clean_stale("/", NULL, &st, NULL), -1);
	ck_assert_uint_eq(st.files_removed, 0);
	ck_assert_msg(!strstr(ud_errmsg(), "none / ") &&
		      strcmp(ud_errmsg() + strlen(ud_errmsg()) - 7, "none /"),
		      "%s", ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), "/dev/hugepages"), "%s", ud_errmsg());
}
END_TEST

START_TEST(tmpfs_dir_refused)
{
	char mnt[64];

	if (geteuid() != 0)
		UD_SKIP("needs root to mount a tmpfs");
	make_dir(mnt, sizeof(mnt), "/tmp");
	ck_assert_int_eq(mount("none", mnt, "tmpfs", 0, "size=1M"), 0);
	ordinary_dir_refused(mnt, "tmpfs");
	umount(mnt);
	rmdir(mnt);
}
END_TEST

/* A hugetlbfs mount of @opts in a fresh directory; 0 if it mounted. */
static int mount_hugetlbfs(char *mnt, size_t len, const char *opts)
{
	make_dir(mnt, len, "/tmp");
	if (geteuid() == 0 && mount("none", mnt, "hugetlbfs", 0, opts) == 0)
		return 0;
	rmdir(mnt);
	return -1;
}

static void unmount_dir(const char *mnt)
{
	umount(mnt);
	rmdir(mnt);
}

/* hugetlbfs of 1 GiB pages is not a directory of 2 MiB pages. */
START_TEST(wrong_page_size_refused)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	char mnt[64];

	if (access("/sys/kernel/mm/hugepages/hugepages-1048576kB", F_OK))
		UD_SKIP("no 1 GiB hugepages in this kernel");
	if (mount_hugetlbfs(mnt, sizeof(mnt), "pagesize=1G"))
		UD_SKIP("cannot mount hugetlbfs with 1 GiB pages (not root?)");
	cfg.page_size = UD_PGSZ_2M;
	cfg.backing = UD_BACKING_FILE_PER_PAGE;
	cfg.hugedir = mnt;
	cfg.va_size = (size_t)1 << 30;
	errno = 0;
	ck_assert_ptr_null(ud_mem_open(&cfg));
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_msg(strstr(ud_errmsg(), "1048576 kB"), "%s", ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), "pagesize=2M"), "%s", ud_errmsg());
	ck_assert_int_eq(count_entries(mnt), 0);
	unmount_dir(mnt);
}
END_TEST

/* A file that is not a directory at all. */
START_TEST(file_refused)
{
	ck_assert_int_eq(ud_hp_clean_stale("/etc/hostname", NULL, NULL, NULL), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_msg(strstr(ud_errmsg(), "/etc/hostname"), "%s", ud_errmsg());
}
END_TEST

/* On hugetlbfs: only regular files named <prefix>_<pid>_<n>_p<slot> or
 * <prefix>_<pid>_<n>_seg go; everything else stays. */
START_TEST(only_own_files_removed)
{
	static const char *const keep[] = {
		"uiodma_notes.txt", "uiodma_1_0_p0x", "uiodma_x_0_p0",
		"uiodma_1_0", "uiodma__0_p0", "uiodma_1_0_p", "uiodma_1_0_segx",
		"uiodmax_1_0_p0", "other_1_0_p0",
	};
	char mnt[64], outside[256], link[320];
	struct ud_clean_stats st;

	if (mount_hugetlbfs(mnt, sizeof(mnt), "pagesize=2M"))
		UD_SKIP("cannot mount hugetlbfs (not root?)");
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		make_file(mnt, keep[i]);
	make_file(mnt, "uiodma_99999_3_p17");
	make_file(mnt, "uiodma_99999_3_seg");
	/* a directory and a symbolic link that match the pattern */
	snprintf(link, sizeof(link), "%s/uiodma_99998_0_p0", mnt);
	ck_assert_int_eq(mkdir(link, 0700), 0);
	make_dir(outside, sizeof(outside), "/tmp");
	make_file(outside, "target");
	snprintf(link, sizeof(link), "%s/uiodma_99998_0_p1", mnt);
	snprintf(outside + strlen(outside), sizeof(outside) - strlen(outside),
		 "/target");
	/* (some kernels' hugetlbfs has no symbolic links) */
	int linked = symlink(outside, link) == 0;

	ck_assert_int_eq(ud_hp_clean_stale(mnt, NULL, &st, NULL), 2);
	ck_assert_uint_eq(st.files_removed, 2);
	ck_assert(!exists(mnt, "uiodma_99999_3_p17"));
	ck_assert(!exists(mnt, "uiodma_99999_3_seg"));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		ck_assert_msg(exists(mnt, keep[i]), "%s was removed", keep[i]);
	ck_assert(exists(mnt, "uiodma_99998_0_p0"));
	ck_assert(!linked || exists(mnt, "uiodma_99998_0_p1"));
	ck_assert_int_eq(access(outside, F_OK), 0);
	unmount_dir(mnt);  /* the files go with the mount */
	*strrchr(outside, '/') = '\0';
	remove_tree(outside);
}
END_TEST

/* Mounts go into a mount namespace of this program's own, so a failed
 * test leaves none behind on the host. */
static void private_mounts(void)
{
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static Suite *hugetlbfs_suite(void)
{
	Suite *s = suite_create("hugetlbfs");
	TCase *tc = tcase_create("only-hugetlbfs");

	tcase_add_unchecked_fixture(tc, private_mounts, NULL);

	tcase_add_test(tc, ext4_dir_refused);
	tcase_add_test(tc, tmpfs_dir_refused);
	tcase_add_test(tc, root_dir_advice_mounts_elsewhere);
	tcase_add_test(tc, wrong_page_size_refused);
	tcase_add_test(tc, file_refused);
	tcase_add_test(tc, only_own_files_removed);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(hugetlbfs_suite)
