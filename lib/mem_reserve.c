// SPDX-License-Identifier: MIT
/* Hugepage pool reservation through sysfs (nr_hugepages). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "mem_internal.h"

static int nr_path(char *path, size_t len, size_t *page_size, int node)
{
	char dn[64];

	if (!*page_size)
		*page_size = ud_hp_default_size();
	if (!*page_size)
		return ud_fail(ENOENT, "no default hugepage size in /proc/meminfo; "
			       "this kernel has no hugetlb support");
	ud_hp_dirname(dn, sizeof(dn), *page_size);
	if (node < 0)
		snprintf(path, len, "/sys/kernel/mm/hugepages/%s/nr_hugepages", dn);
	else
		snprintf(path, len, "/sys/devices/system/node/node%d/hugepages/%s/"
			 "nr_hugepages", node, dn);
	if (node >= 0 && ud_numa_check(node, "hugepages")) {
		errno = ENOENT;
		return -1;
	}
	if (access(path, F_OK))
		return ud_fail(ENOENT, "%s does not exist: the kernel offers no "
			       "%zu kB hugepages%s (see uiodma hugepages show)",
			       path, *page_size >> 10,
			       node >= 0 ? " on that node" : "");
	return 0;
}

UD_EXPORT int ud_hp_get_pages(size_t page_size, int node, unsigned long *nr)
{
	char path[256];

	if (!nr)
		return ud_fail(EINVAL, "ud_hp_get_pages: nr is NULL");
	if (nr_path(path, sizeof(path), &page_size, node))
		return -1;
	if (ud_read_ulong(path, nr))
		return ud_fail(errno, "cannot read %s: %s", path, strerror(errno));
	return 0;
}

/* Write @count to @path (an nr_hugepages file); 0 or -1 with a message. */
static int write_pool(const char *path, unsigned long count)
{
	char num[32];
	int fd, n;
	ssize_t w;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		return ud_fail(e, "cannot open %s for writing: %s; changing the "
			       "hugepage pool needs root", path, strerror(e));
	}
	n = snprintf(num, sizeof(num), "%lu\n", count);
	w = write(fd, num, (size_t)n);
	if (w != n) {
		int e = w < 0 ? errno : EIO;

		close(fd);
		/* the kernel may refuse a value it cannot honour at all */
		return ud_fail(e, "writing %lu to %s failed: %s", count, path,
			       strerror(e));
	}
	close(fd);
	return 0;
}

static int read_pool(const char *path, unsigned long *nr)
{
	if (ud_read_ulong(path, nr))
		return ud_fail(errno, "cannot read %s: %s", path, strerror(errno));
	return 0;
}

/*
 * The kernel grew the pool at @path to @got of the @count asked: put it
 * back to @before and fail, naming what could have been had.
 */
static int undo_growth(const char *path, size_t page_size, int node,
		       unsigned long before, unsigned long count,
		       unsigned long got)
{
	char where[32] = "", boot[80], nodes[24] = "";
	unsigned long now = 0;

	if (node >= 0) {
		snprintf(where, sizeof(where), " on node %d", node);
		snprintf(nodes, sizeof(nodes), "%d:", node);
	}
	snprintf(boot, sizeof(boot), "%shugepages=%s%lu",
		 page_size == ud_hp_default_size() ? "" :
		 page_size >= ((size_t)1 << 30) ? "hugepagesz=1G " :
		 "hugepagesz=2M ", nodes, count);
	if (write_pool(path, before) || read_pool(path, &now) || now > before)
		return ud_fail(ENOMEM, "the kernel gave only %lu of the %lu "
			       "%zu kB hugepages asked for%s, and putting the "
			       "pool back to %lu failed (it is at %lu): write "
			       "%lu to %s by hand", got, count,
			       page_size >> 10, where, before, now, before, path);
	return ud_fail(ENOMEM, "the kernel could give only %lu of the %lu "
		       "%zu kB hugepages asked for%s (memory too small or too "
		       "fragmented), so the pool was put back to %lu; reserve "
		       "%lu or fewer, compact memory first (as root: echo 1 > "
		       "/proc/sys/vm/compact_memory) and try again, or reserve "
		       "them at boot (%s on the kernel command line)", got,
		       count, page_size >> 10, where, before, got, boot);
}

UD_EXPORT int ud_hp_set_pages(size_t page_size, int node, unsigned long count,
			      unsigned long *granted)
{
	unsigned long before, got;
	char path[256];

	if (nr_path(path, sizeof(path), &page_size, node) ||
	    read_pool(path, &before) || write_pool(path, count) ||
	    read_pool(path, &got))
		return -1;
	if (granted)
		*granted = got;
	if (count > before && got < count)
		return undo_growth(path, page_size, node, before, count, got);
	return 0;
}
