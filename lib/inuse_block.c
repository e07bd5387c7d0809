// SPDX-License-Identifier: MIT
/*
 * What uses a block device (a disk or a partition): it is mounted, used as
 * swap, held by device mapper or md, or open in a process.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "inuse.h"
#include "mountinfo.h"
#include "proc_fds.h"

struct mount_query {
	const char *name;       /* block device, e.g. "nvme0n1" */
	dev_t dev;
	char devpath[PATH_MAX]; /* /dev/<name> */
	char *buf;
	size_t len;
	int n;
};

static int mount_of(const struct ud_mountinfo *mi, void *arg)
{
	struct mount_query *q = arg;

	if (makedev(mi->major, mi->minor) == q->dev ||
	    !strcmp(mi->source, q->devpath)) {
		ud_use_add(q->buf, q->len, "%s is mounted on %s", q->name, mi->mnt);
		q->n++;
	}
	return 0;
}

static int block_mounts(const char *name, dev_t dev, char *buf, size_t len)
{
	struct mount_query q = { .name = name, .dev = dev, .buf = buf, .len = len };

	snprintf(q.devpath, sizeof(q.devpath), "/dev/%s", name);
	ud_mountinfo_each(mount_of, &q);
	return q.n;
}

static int block_swap(const char *name, dev_t dev, char *buf, size_t len)
{
	char line[4096], file[2048];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct stat st;

		if (sscanf(line, "%2047s", file) != 1 || file[0] != '/')
			continue;
		ud_unescape_octal(file);
		if (!stat(file, &st) && S_ISBLK(st.st_mode) && st.st_rdev == dev) {
			ud_use_add(buf, len, "%s is in use as swap", name);
			n++;
		}
	}
	fclose(f);
	return n;
}

static int block_holders(struct udev_device *u, const char *name, char *buf,
			 size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/holders", udev_device_get_syspath(u));
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ud_use_add(buf, len, "%s is held by %s", name, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

int ud_inuse_block(struct udev_device *u, const char *name, char *buf,
		   size_t len)
{
	struct ud_open_file f = { .type = S_IFBLK };
	char what[300];

	f.rdev = udev_device_get_devnum(u);
	snprintf(what, sizeof(what), "has /dev/%s open", name);
	return block_mounts(name, f.rdev, buf, len) +
	       block_swap(name, f.rdev, buf, len) +
	       block_holders(u, name, buf, len) +
	       ud_use_holders(&f, what, buf, len);
}
