// SPDX-License-Identifier: MIT
/* The upper bound of 'uiodma hugepages reserve': see hp_limit.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <uiodma.h>

#include "hp_limit.h"
#include "size.h"

int hp_meminfo(const char *path, struct hp_mem *m)
{
	unsigned long long total = 0, avail = 0, free_kb = 0;
	int have_total = 0, have_avail = 0;
	char line[256];
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *v;

		if ((v = strstr(line, "MemTotal:")))
			have_total = sscanf(v, "MemTotal: %llu", &total) == 1;
		else if ((v = strstr(line, "MemAvailable:")))
			have_avail = sscanf(v, "MemAvailable: %llu", &avail) == 1;
		else if ((v = strstr(line, "MemFree:")))
			sscanf(v, "MemFree: %llu", &free_kb);
	}
	fclose(f);
	if (!have_total) {
		errno = ENOENT;
		return -1;
	}
	m->total_kb = total;
	m->avail_kb = have_avail ? avail : free_kb;
	return 0;
}

int hp_check_count(unsigned long count, size_t page_size, unsigned long pool,
		   const struct hp_mem *m, char *msg, size_t len)
{
	unsigned long long page_kb = page_size >> 10;
	unsigned long long never, now;
	char sz[24];

	if (!page_kb || count <= pool)
		return 0;
	fmt_size(sz, sizeof(sz), page_size);
	never = m->total_kb / page_kb;
	now = pool + m->avail_kb / page_kb;
	if (now > never)
		now = never;
	if (count > never) {
		snprintf(msg, len, "%lu pages of %s are more than this "
			 "machine's memory holds (MemTotal %llu MiB): its pool "
			 "can never hold more than %llu such pages, and %llu "
			 "is the most it could grow to now (MemAvailable %llu "
			 "MiB); ask for %llu or fewer", count, sz,
			 m->total_kb >> 10, never, now, m->avail_kb >> 10, now);
		return EINVAL;
	}
	if (count - pool > m->avail_kb / page_kb) {
		snprintf(msg, len, "growing the %s pool from %lu to %lu pages "
			 "needs %llu MiB, but only %llu MiB is available "
			 "(MemAvailable), so %llu pages is the most now: ask "
			 "for %llu or fewer, free memory first (stop programs; "
			 "as root: sync; echo 3 > /proc/sys/vm/drop_caches), or "
			 "reserve them at boot (hugepagesz=%s hugepages=%lu on "
			 "the kernel command line)", sz, pool, count,
			 (unsigned long long)(count - pool) * page_kb >> 10,
			 m->avail_kb >> 10, now, now, sz, count);
		return ENOMEM;
	}
	return 0;
}

int hp_check_reserve(unsigned long count, size_t page_size, int node,
		     char *msg, size_t len)
{
	const struct ud_hp_size_info *z;
	struct ud_hp_info hp;
	struct hp_mem m, nm;
	unsigned long pool;
	int e;

	if (ud_hp_discover(&hp) || !(z = ud_hp_find_size(&hp, page_size)) ||
	    hp_meminfo("/proc/meminfo", &m))
		return 0;
	pool = z->nr;
	if (node >= 0) {
		char path[96];
		int k;

		for (k = 0; k < z->n_nodes && z->nodes[k].node != node; k++)
			;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/meminfo", node);
		if (k == z->n_nodes || hp_meminfo(path, &nm))
			return 0;
		pool = z->nodes[k].nr;
		m.total_kb = nm.total_kb;
		if (m.avail_kb > nm.total_kb)
			m.avail_kb = nm.total_kb;
	}
	e = hp_check_count(count, z->page_size, pool, &m, msg, len);
	if (!e)
		return 0;
	errno = e;
	return -1;
}
