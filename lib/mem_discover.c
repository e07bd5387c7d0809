// SPDX-License-Identifier: MIT
/* Hugepage discovery: sizes, counts per size and node, hugetlbfs mounts. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mem_internal.h"
#include "mountinfo.h"
#include "parse.h"

#define HP_SYS "/sys/kernel/mm/hugepages"
#define NODE_SYS "/sys/devices/system/node"

int ud_read_ulong(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "re");
	char buf[64];
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) && ud_parse_ulong(buf, 10, v) == 0;
	fclose(f);
	if (!ok) {
		errno = EIO;
		return -1;
	}
	return 0;
}

void ud_hp_dirname(char *buf, size_t len, size_t page_size)
{
	snprintf(buf, len, "hugepages-%zukB", page_size >> 10);
}

size_t ud_hp_default_size(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Hugepagesize: %zu kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb << 10;
}

/* A hugetlbfs entry of mountinfo goes into info->mounts. */
static int add_mount(const struct ud_mountinfo *mi, void *arg)
{
	struct ud_hp_info *info = arg;
	struct ud_hp_mount *hm;
	char opts[256], *o, *save = NULL;

	if (strcmp(mi->fstype, "hugetlbfs"))
		return 0;
	hm = &info->mounts[info->n_mounts++];
	snprintf(hm->path, sizeof(hm->path), "%s", mi->mnt);
	hm->page_size = info->default_page_size;
	snprintf(opts, sizeof(opts), "%s", mi->superopts);
	for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (!strncmp(o, "pagesize=", 9))
			hm->page_size = ud_parse_size(o + 9);
	return info->n_mounts == UD_HP_MAX_MOUNTS;
}

static int cmp_size(const void *a, const void *b)
{
	const struct ud_hp_size_info *x = a, *y = b;

	return (x->page_size > y->page_size) - (x->page_size < y->page_size);
}

static void read_nodes(struct ud_hp_size_info *si)
{
	DIR *d = opendir(NODE_SYS);
	struct dirent *de;
	char dn[64], path[512];

	if (!d)
		return;
	ud_hp_dirname(dn, sizeof(dn), si->page_size);
	while ((de = readdir(d)) && si->n_nodes < UD_HP_MAX_NODES) {
		int node;
		char tail;
		struct ud_hp_node_count nc = { 0 };

		if (sscanf(de->d_name, "node%d%c", &node, &tail) != 1)
			continue;
		nc.node = node;
		snprintf(path, sizeof(path), NODE_SYS "/node%d/hugepages/%s/nr_hugepages",
			 node, dn);
		if (ud_read_ulong(path, &nc.nr))
			continue;
		snprintf(path, sizeof(path), NODE_SYS "/node%d/hugepages/%s/free_hugepages",
			 node, dn);
		ud_read_ulong(path, &nc.free);
		snprintf(path, sizeof(path), NODE_SYS "/node%d/hugepages/%s/surplus_hugepages",
			 node, dn);
		ud_read_ulong(path, &nc.surplus);
		/* keep nodes sorted by id */
		int j = si->n_nodes++;
		while (j > 0 && si->nodes[j - 1].node > node) {
			si->nodes[j] = si->nodes[j - 1];
			j--;
		}
		si->nodes[j] = nc;
	}
	closedir(d);
}

UD_EXPORT int ud_hp_discover(struct ud_hp_info *info)
{
	DIR *d;
	struct dirent *de;
	char path[512];

	if (!info)
		return ud_fail(EINVAL, "ud_hp_discover: info is NULL");
	memset(info, 0, sizeof(*info));
	info->default_page_size = ud_hp_default_size();
	d = opendir(HP_SYS);
	if (!d)
		return ud_fail(errno == ENOENT ? ENOENT : errno,
			       "cannot open " HP_SYS ": %s; this kernel has no "
			       "hugetlb support (build it with CONFIG_HUGETLBFS) "
			       "or /sys is not mounted", strerror(errno));
	while ((de = readdir(d)) && info->n_sizes < UD_HP_MAX_SIZES) {
		size_t kb;
		struct ud_hp_size_info *si = &info->sizes[info->n_sizes];

		if (sscanf(de->d_name, "hugepages-%zukB", &kb) != 1)
			continue;
		memset(si, 0, sizeof(*si));
		si->page_size = kb << 10;
#define RD(field, file)                                                         \
	do {                                                                    \
		snprintf(path, sizeof(path), HP_SYS "/%s/" file, de->d_name);  \
		ud_read_ulong(path, &si->field);                                \
	} while (0)
		RD(nr, "nr_hugepages");
		RD(free, "free_hugepages");
		RD(resv, "resv_hugepages");
		RD(surplus, "surplus_hugepages");
		RD(overcommit, "nr_overcommit_hugepages");
#undef RD
		si->available = si->free > si->resv ? si->free - si->resv : 0;
		si->is_default = si->page_size == info->default_page_size;
		read_nodes(si);
		info->n_sizes++;
	}
	closedir(d);
	if (!info->n_sizes)
		return ud_fail(ENOENT, HP_SYS " lists no hugepage sizes; this "
			       "kernel offers no hugepages");
	qsort(info->sizes, info->n_sizes, sizeof(info->sizes[0]), cmp_size);
	ud_mountinfo_each(add_mount, info);
	return 0;
}

static void size_list(const struct ud_hp_info *info, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < info->n_sizes && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%zu kB", i ? ", " : "",
			      info->sizes[i].page_size >> 10);
}

UD_EXPORT const struct ud_hp_size_info *
ud_hp_find_size(const struct ud_hp_info *info, size_t page_size)
{
	char list[256];

	if (!info)
		return ud_fail_null(EINVAL, "ud_hp_find_size: info is NULL");
	if (!page_size)
		page_size = info->default_page_size;
	for (int i = 0; i < info->n_sizes; i++)
		if (info->sizes[i].page_size == page_size)
			return &info->sizes[i];
	size_list(info, list, sizeof(list));
	return ud_fail_null(ENOENT, "the kernel offers no %zu kB hugepages "
			    "(sizes offered: %s)", page_size >> 10,
			    list[0] ? list : "none");
}

void ud_hp_size_str(char *buf, size_t len, size_t bytes, bool opt)
{
	static const char *const unit[2][3] = { { " GiB", " MiB", " kB" },
						{ "G", "M", "K" } };
	unsigned int sh = 10;

	if (bytes >= ((size_t)1 << 30) && !(bytes & (((size_t)1 << 30) - 1)))
		sh = 30;
	else if (bytes >= ((size_t)1 << 20) && !(bytes & (((size_t)1 << 20) - 1)))
		sh = 20;
	snprintf(buf, len, "%zu%s", bytes >> sh, unit[opt][(30 - sh) / 10]);
}

UD_EXPORT int ud_hp_print(FILE *f, const struct ud_hp_info *info)
{
	char h[32], dn[64];

	if (!f || !info)
		return ud_fail(EINVAL, "ud_hp_print: NULL argument");
	fprintf(f, "hugepage sizes: %d (default %zu kB)\n", info->n_sizes,
		info->default_page_size >> 10);
	for (int i = 0; i < info->n_sizes; i++) {
		const struct ud_hp_size_info *s = &info->sizes[i];

		ud_hp_size_str(h, sizeof(h), s->page_size, false);
		ud_hp_dirname(dn, sizeof(dn), s->page_size);
		fprintf(f, "  %s pages%s: pool %lu, free %lu, reserved %lu, "
			"available %lu (%zu MiB), surplus %lu, overcommit %lu\n",
			h, s->is_default ? " (default)" : "", s->nr, s->free,
			s->resv, s->available, (s->available * s->page_size) >> 20,
			s->surplus, s->overcommit);
		for (int j = 0; j < s->n_nodes; j++)
			fprintf(f, "    node %d: pool %lu, free %lu, surplus %lu\n",
				s->nodes[j].node, s->nodes[j].nr, s->nodes[j].free,
				s->nodes[j].surplus);
		if (!s->nr)
			fprintf(f, "    none reserved; as root: echo N > "
				HP_SYS "/%s/nr_hugepages%s\n", dn,
				s->page_size >= ((size_t)1 << 30) ?
				" (1 GiB pages are best reserved at boot: "
				"hugepagesz=1G hugepages=N)" : "");
	}
	fprintf(f, "hugetlbfs mounts: %d\n", info->n_mounts);
	for (int i = 0; i < info->n_mounts; i++) {
		ud_hp_size_str(h, sizeof(h), info->mounts[i].page_size, false);
		fprintf(f, "  %s (%s pages)\n", info->mounts[i].path, h);
	}
	if (!info->n_mounts)
		fprintf(f, "  none (only the memfd backing works; for file "
			"backings: mount -t hugetlbfs -o pagesize=2M none "
			"/dev/hugepages)\n");
	if (ferror(f))
		return ud_fail(EIO, "ud_hp_print: write error");
	return 0;
}

long ud_hp_available(size_t page_size, int node)
{
	char dn[64], path[512];
	unsigned long fr, rs = 0;

	ud_hp_dirname(dn, sizeof(dn), page_size);
	if (node < 0) {
		snprintf(path, sizeof(path), HP_SYS "/%s/free_hugepages", dn);
		if (ud_read_ulong(path, &fr))
			return -1;
		snprintf(path, sizeof(path), HP_SYS "/%s/resv_hugepages", dn);
		ud_read_ulong(path, &rs);
		return fr > rs ? (long)(fr - rs) : 0;
	}
	/* per node there is no resv count; reservations are global */
	snprintf(path, sizeof(path), NODE_SYS "/node%d/hugepages/%s/free_hugepages",
		 node, dn);
	if (ud_read_ulong(path, &fr))
		return -1;
	long g = ud_hp_available(page_size, -1);
	if (g >= 0 && (unsigned long)g < fr)
		return g;
	return (long)fr;
}

int ud_hp_find_mount(size_t page_size, char *buf, size_t len)
{
	struct ud_hp_info info;

	if (ud_hp_discover(&info))
		return -1;
	for (int i = 0; i < info.n_mounts; i++) {
		if (info.mounts[i].page_size == page_size) {
			snprintf(buf, len, "%s", info.mounts[i].path);
			return 0;
		}
	}
	return ud_fail(ENOENT, "no hugetlbfs mount with %zu kB pages for a "
		       "file backing; mount one (mount -t hugetlbfs -o "
		       "pagesize=%zuK none /dev/hugepages%s), pass its path in "
		       "ud_mem_config.hugedir, or use UD_BACKING_MEMFD",
		       page_size >> 10, page_size >> 10,
		       page_size == ((size_t)1 << 30) ? "1G" : "");
}
