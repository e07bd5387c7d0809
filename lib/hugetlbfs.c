// SPDX-License-Identifier: MIT
/*
 * Is a directory hugetlbfs of the page size the library means to use?
 * Asked with fstatfs() before the library creates, maps or removes
 * anything there; a refusal names what the directory really is and a
 * hugetlbfs mount (or the mount command) that fixes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "mem_internal.h"
#include "mountinfo.h"

/* The mount of the filesystem with st_dev @dev: type and mount point. */
struct fs_query {
	dev_t dev;
	char fstype[64];
	char mnt[UD_HP_PATH_MAX];
};

static int fs_of(const struct ud_mountinfo *mi, void *arg)
{
	struct fs_query *q = arg;

	if (makedev(mi->major, mi->minor) != q->dev)
		return 0;
	snprintf(q->fstype, sizeof(q->fstype), "%s", mi->fstype);
	snprintf(q->mnt, sizeof(q->mnt), "%s", mi->mnt);
	return 1;
}

/* What the directory on @fd is, for the message. */
static void describe(int fd, const struct statfs *sf, char *buf, size_t len)
{
	struct fs_query q = { 0 };
	struct stat st;

	if (sf->f_type == HUGETLBFS_MAGIC) {
		snprintf(buf, len, "hugetlbfs with %zu kB pages",
			 (size_t)sf->f_bsize >> 10);
		return;
	}
	if (fstat(fd, &st) == 0) {
		q.dev = st.st_dev;
		if (ud_mountinfo_each(fs_of, &q) == 1) {
			snprintf(buf, len, "a directory on %s (mounted on %s)",
				 q.fstype, q.mnt);
			return;
		}
	}
	snprintf(buf, len, "a directory on a filesystem of type %#lx",
		 (unsigned long)sf->f_type);
}

/*
 * Whether mounting over @path hides nothing: it does not exist yet, or is
 * an empty directory that is not a mount point itself (same device as
 * its parent).  Advice to mount over /, /home or /dev/shm must never be
 * given.
 */
static int safe_to_mount_over(const char *path, int missing)
{
	char parent[UD_HP_PATH_MAX + 4];
	struct stat st, pst;
	struct dirent *de;
	int empty = 1;
	DIR *d;

	if (missing)
		return 1;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(parent, sizeof(parent), "%s/..", path);
	if (stat(parent, &pst) || pst.st_dev != st.st_dev ||
	    pst.st_ino == st.st_ino)
		return 0;	/* a mount point, or / */
	d = opendir(path);
	if (!d)
		return 0;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/* A hugetlbfs mount that would do, or how to make one, for the message;
 * @missing: @path does not exist yet. */
static void remedy(const char *path, size_t page_size, int missing,
		   char *buf, size_t len)
{
	struct ud_hp_info info;
	char opt[16], cmd[UD_HP_PATH_MAX * 2 + 64];
	const char *at = path, *where = "here";

	ud_hp_size_str(opt, sizeof(opt), page_size ? page_size :
		       ud_hp_default_size(), true);
	if (!safe_to_mount_over(path, missing)) {
		/* Not over something in use: a directory of its own. */
		at = "/dev/hugepages";
		where = "at /dev/hugepages";
		missing = 1;
	}
	snprintf(cmd, sizeof(cmd), "%s%s%smount -t hugetlbfs -o pagesize=%s "
		 "none %s", missing ? "mkdir -p " : "", missing ? at : "",
		 missing ? " && " : "", opt, at);
	if (ud_hp_discover(&info) == 0) {
		for (int i = 0; i < info.n_mounts; i++) {
			const struct ud_hp_mount *hm = &info.mounts[i];

			if (page_size && hm->page_size != page_size)
				continue;
			if (!strcmp(hm->path, path))
				continue;	/* mountinfo lists it, yet it is covered */
			snprintf(buf, len, "use %s (hugetlbfs with %zu kB pages), "
				 "or mount one %s: %s", hm->path,
				 hm->page_size >> 10, where, cmd);
			return;
		}
	}
	snprintf(buf, len, "mount one %s: %s", where, cmd);
}

int ud_hugetlbfs_check_fd(int fd, const char *path, size_t page_size)
{
	char what[2 * UD_HP_PATH_MAX], fix[3 * UD_HP_PATH_MAX + 96];
	char want[48] = "";
	struct statfs sf;

	if (fstatfs(fd, &sf)) {
		int e = errno;

		return ud_fail(e, "cannot statfs %s: %s", path, strerror(e));
	}
	if (sf.f_type == HUGETLBFS_MAGIC &&
	    (!page_size || (size_t)sf.f_bsize == page_size))
		return 0;
	if (page_size)
		snprintf(want, sizeof(want), " with %zu kB pages", page_size >> 10);
	describe(fd, &sf, what, sizeof(what));
	remedy(path, page_size, 0, fix, sizeof(fix));
	return ud_fail(ENOTDIR, "%s is not hugetlbfs%s but %s; the library "
		       "creates and removes hugepage files only on hugetlbfs, "
		       "so nothing there was touched; %s", path, want, what, fix);
}

int ud_hugetlbfs_check(const char *path, size_t page_size)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0) {
		int e = errno;
		char fix[3 * UD_HP_PATH_MAX + 96];

		/* (a file is no place for a mount: suggest the usual one) */
		remedy(e == ENOTDIR ? "/dev/hugepages" : path, page_size,
		       e == ENOENT || e == ENOTDIR, fix, sizeof(fix));
		return ud_fail(e, "cannot open hugetlbfs directory %s: %s; %s",
			       path, strerror(e), fix);
	}
	r = ud_hugetlbfs_check_fd(fd, path, page_size);
	ud_close_keep_errno(fd);
	return r;
}
