// SPDX-License-Identifier: MIT
/*
 * Which processes hold a file open: the entries of /proc/<pid>/fd, each
 * stat()ed (so the link is followed to the device node or socket itself).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proc_fds.h"

static int is_it(const struct stat *st, const struct ud_open_file *f)
{
	if ((st->st_mode & S_IFMT) != f->type)
		return 0;
	return f->type == S_IFSOCK ? st->st_ino == f->ino : st->st_rdev == f->rdev;
}

/* Whether process @pid has @f open. */
static int pid_has(const char *pid, const struct ud_open_file *f)
{
	char path[64];
	struct dirent *e;
	struct stat st;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%.16s/fd", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/fd/%.16s", pid, e->d_name);
		found = stat(path, &st) == 0 && is_it(&st, f);
	}
	closedir(d);
	return found;
}

static void comm_of(const char *pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%.16s/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

int ud_proc_holders(const struct ud_open_file *f,
		    void (*fn)(int pid, const char *comm, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char comm[64];

		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    !pid_has(e->d_name, f))
			continue;
		comm_of(e->d_name, comm, sizeof(comm));
		fn(atoi(e->d_name), comm, arg);
		n++;
	}
	closedir(d);
	return n;
}
