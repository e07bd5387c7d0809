// SPDX-License-Identifier: MIT
/*
 * Where memory lies physically, for DMA address limits: how many free
 * hugepages lie below a limit (/proc/kpageflags, root only), and the
 * kernel's memory zones (/proc/zoneinfo), to say why there are none and
 * what could give some.  Used by the region code before and after it looks
 * for pages below a limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "mem_internal.h"

/* /proc/kpageflags bits (Documentation/admin-guide/mm/pagemap.rst) */
#define KPF_MMAP		11
#define KPF_COMPOUND_HEAD	15
#define KPF_HUGE		17

#define PFN_SHIFT 12	/* kpageflags has one entry per 4 KiB frame */
#define MAX_ZONES 16

struct zone {
	int node;
	char name[16];
	uint64_t start, end;	/* physical bytes [start, end) */
	uint64_t free;		/* bytes */
};

/* The populated zones of /proc/zoneinfo, in file order; their count. */
static int read_zones(struct zone *z, int max)
{
	char line[256], name[16];
	unsigned long v;
	int n = -1, node;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			if (n + 1 >= max)
				break;
			n++;
			memset(&z[n], 0, sizeof(z[n]));
			z[n].node = node;
			snprintf(z[n].name, sizeof(z[n].name), "%s", name);
		} else if (n >= 0 && sscanf(line, " pages free %lu", &v) == 1) {
			z[n].free = (uint64_t)v << PFN_SHIFT;
		} else if (n >= 0 && sscanf(line, " spanned %lu", &v) == 1) {
			z[n].end = (uint64_t)v << PFN_SHIFT; /* length for now */
		} else if (n >= 0 && sscanf(line, " start_pfn: %lu", &v) == 1) {
			z[n].start = (uint64_t)v << PFN_SHIFT;
			z[n].end += z[n].start;
		}
	}
	fclose(f);
	/* drop the empty ones (Movable, Device without memory) */
	int k = 0;

	for (int i = 0; i <= n; i++)
		if (z[i].end > z[i].start)
			z[k++] = z[i];
	return k;
}

long ud_phys_free_below(size_t pgsz, uint64_t limit)
{
	struct zone z[MAX_ZONES];
	int nz = read_zones(z, MAX_ZONES), fd;
	uint64_t top = 0, end;
	long n = 0;

	for (int i = 0; i < nz; i++)
		if (z[i].end > top)
			top = z[i].end;
	if (!top)
		return -1;
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* a page counts when its last byte is at or below the limit */
	end = limit >= top - 1 ? top : (limit + 1) & ~(uint64_t)(pgsz - 1);
	for (uint64_t pa = 0; pa + pgsz <= end; pa += pgsz) {
		uint64_t fl;

		if (pread(fd, &fl, sizeof(fl),
			  (off_t)((pa >> PFN_SHIFT) * sizeof(fl))) != sizeof(fl)) {
			n = -1;
			break;
		}
		/* a free hugetlb page: a hugetlb head no process maps (an
		 * unmapped page of a hugetlbfs file looks the same, so this
		 * is an upper bound) */
		if ((fl & (1ull << KPF_HUGE)) && (fl & (1ull << KPF_COMPOUND_HEAD)) &&
		    !(fl & (1ull << KPF_MMAP)))
			n++;
	}
	close(fd);
	return n;
}

/* @b bytes as "3019 MiB" or "12 GiB" into @buf. */
static void mib(char *buf, size_t len, uint64_t b)
{
	if (b >= (16ull << 30))
		snprintf(buf, len, "%" PRIu64 " GiB", b >> 30);
	else
		snprintf(buf, len, "%" PRIu64 " MiB", b >> 20);
}

void ud_phys_explain(char *buf, size_t len, uint64_t limit)
{
	struct zone z[MAX_ZONES];
	int nz = read_zones(z, MAX_ZONES);
	size_t used = 0;
	uint64_t above = 0;
	char f[32];

	buf[0] = '\0';
	if (!nz)
		return;
	for (int i = 0; i < nz && used < len; i++) {
		int w;

		mib(f, sizeof(f), z[i].free);
		w = snprintf(buf + used, len - used, "%s%s %#" PRIx64 "-%#"
			     PRIx64 " (node %d, %s free)", i ? ", " :
			     "Memory zones: ", z[i].name, z[i].start,
			     z[i].end - 1, z[i].node, f);
		used += w > 0 ? (size_t)w : 0;
		if (z[i].end - 1 > limit)
			above += z[i].end - (z[i].start > limit ? z[i].start
								 : limit + 1);
	}
	if (!above || used >= len)
		return;
	mib(f, sizeof(f), above);
	snprintf(buf + used, len - used, ". The kernel fills hugepage pools "
		 "from the highest zone first and from a lower one only when "
		 "the higher ones have no free page of that size left (and the "
		 "lower zone more than the reserve it keeps for allocations "
		 "that need low memory), at run time and with hugepages= at "
		 "boot alike: pages below the limit come only once the free "
		 "memory of the %s above it is used up.", f);
}
