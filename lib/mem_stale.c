// SPDX-License-Identifier: MIT
/*
 * The library's hugetlbfs files: their names, and the removal of those a
 * dead process left behind.  A file is removed only when its directory is
 * hugetlbfs, its name is exactly one the library makes, it is a regular
 * file on hugetlbfs, and no live process holds its flock (live regions hold
 * LOCK_SH); anything else in the directory is never touched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "mem_internal.h"

void ud_hp_file_path(char *buf, size_t len, const char *dir,
		     const char *prefix, int pid, unsigned int id, long slot)
{
	if (slot < 0)
		snprintf(buf, len, "%s/%s_%d_%u_seg", dir, prefix, pid, id);
	else
		snprintf(buf, len, "%s/%s_%d_%u_p%ld", dir, prefix, pid, id, slot);
}

/*
 * A decimal number at *@s as printf writes it (no leading zero, at most
 * @max), advancing *@s; false otherwise.
 */
static bool number(const char **s, unsigned long max)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (unsigned long)(*p - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (p == *s)
		return false;
	*s = p;
	return true;
}

bool ud_hp_file_name_ours(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *s = name + plen;

	if (strncmp(name, prefix, plen) || *s++ != '_' ||
	    !number(&s, INT_MAX) || *s++ != '_' || !number(&s, UINT_MAX) ||
	    *s++ != '_')
		return false;
	if (!strcmp(s, "seg"))
		return true;
	return *s++ == 'p' && number(&s, LONG_MAX) && !*s;
}

/*
 * Open @name in @dfd if it is a regular file on hugetlbfs; -1 otherwise
 * (it is then left alone).  Checked before the open, so that no device or
 * FIFO is ever opened, and after it, on what was opened.
 */
static int open_own_file(int dfd, const char *name, struct stat *sb)
{
	struct statfs sf;
	struct stat before;
	int fd;

	if (fstatat(dfd, name, &before, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISREG(before.st_mode))
		return -1;
	fd = openat(dfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, sb) || !S_ISREG(sb->st_mode) || sb->st_ino != before.st_ino ||
	    fstatfs(fd, &sf) || sf.f_type != HUGETLBFS_MAGIC) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Unlink @name if it is still the file open as @fd (same inode). */
static int unlink_same(int dfd, const char *name, const struct stat *sb)
{
	struct stat now;

	if (fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) ||
	    now.st_ino != sb->st_ino || now.st_dev != sb->st_dev)
		return -1;
	return unlinkat(dfd, name, 0);
}

static long clean_dir(const char *dir, const char *prefix,
		      struct ud_clean_stats *st, FILE *log)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	long removed = 0;
	DIR *d;

	if (dfd < 0 || ud_hugetlbfs_check_fd(dfd, dir, 0)) {
		if (dfd < 0)
			ud_hugetlbfs_check(dir, 0); /* the message for the open */
		else
			ud_close_keep_errno(dfd);
		return -1;
	}
	d = fdopendir(dfd);
	if (!d) {
		int e = errno;

		close(dfd);
		return ud_fail(e, "cannot read hugetlbfs directory %s: %s", dir,
			       strerror(e));
	}
	while ((de = readdir(d))) {
		struct stat sb;
		int fd;

		if (!ud_hp_file_name_ours(de->d_name, prefix))
			continue;
		fd = open_own_file(dfd, de->d_name, &sb);
		if (fd < 0)
			continue;
		st->files_seen++;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			st->files_in_use++;
			close(fd);
			continue;
		}
		if (unlink_same(dfd, de->d_name, &sb) == 0) {
			uint64_t bytes = (uint64_t)sb.st_blocks * 512;

			st->files_removed++;
			st->bytes_freed += bytes;
			removed++;
			if (log)
				fprintf(log, "removed stale %s/%s (%" PRIu64
					" bytes of hugepages)\n", dir,
					de->d_name, bytes);
		}
		close(fd); /* the pages go back to the kernel here */
	}
	closedir(d);
	return removed;
}

UD_EXPORT long ud_hp_clean_stale(const char *dir, const char *prefix,
				 struct ud_clean_stats *st, FILE *log)
{
	struct ud_clean_stats tmp;
	struct ud_hp_info info;
	long total = 0;

	if (!st)
		st = &tmp;
	memset(st, 0, sizeof(*st));
	if (!prefix)
		prefix = UD_MEM_PREFIX_DEFAULT;
	if (!prefix[0] || strchr(prefix, '/'))
		return ud_fail(EINVAL, "prefix '%s' must be a non-empty name "
			       "without '/'", prefix);
	if (dir)
		return clean_dir(dir, prefix, st, log);
	if (ud_hp_discover(&info))
		return -1;
	for (int i = 0; i < info.n_mounts; i++) {
		long r = clean_dir(info.mounts[i].path, prefix, st, log);

		if (r < 0)
			return -1;
		total += r;
	}
	return total;
}
