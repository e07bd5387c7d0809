/* SPDX-License-Identifier: MIT */
/*
 * The most hugepages 'uiodma hugepages reserve' may ask the kernel for:
 * never more than the memory holds, and no growth beyond what is
 * available now.  Checked before anything is written to sysfs.
 */
#ifndef UIODMA_HP_LIMIT_H
#define UIODMA_HP_LIMIT_H

#include <stddef.h>

/* Memory as a meminfo file says, in kB. */
struct hp_mem {
	unsigned long long total_kb;	/* MemTotal */
	unsigned long long avail_kb;	/* MemAvailable (a node's: MemFree) */
};

/*
 * hp_meminfo() - read MemTotal and MemAvailable from @path: /proc/meminfo,
 * or a node's /sys/devices/system/node/nodeN/meminfo ("Node N MemTotal:"),
 * which has no MemAvailable: its MemFree stands in.
 * Returns 0, or -1 with errno set (ENOENT: no MemTotal in the file).
 */
int hp_meminfo(const char *path, struct hp_mem *m);

/*
 * hp_check_count() - whether a pool of @count pages of @page_size bytes,
 * now @pool pages, fits memory @m: more pages than MemTotal holds is
 * EINVAL, growth by more than MemAvailable holds is ENOMEM, each with a
 * message in @msg naming the most that could be reserved now and how to
 * get more.  Shrinking is always fine.  Pure.
 * Returns 0, or the errno value (@msg set).
 */
int hp_check_count(unsigned long count, size_t page_size, unsigned long pool,
		   const struct hp_mem *m, char *msg, size_t len);

/*
 * hp_check_reserve() - hp_check_count() for this machine: @page_size (0:
 * the default) on @node (-1: all), from ud_hp_discover() and
 * /proc/meminfo (and the node's meminfo).  What it cannot read it lets
 * pass: ud_hp_set_pages() then says what is wrong.
 * Returns 0, or -1 with errno EINVAL or ENOMEM and @msg set.
 */
int hp_check_reserve(unsigned long count, size_t page_size, int node,
		     char *msg, size_t len);

#endif
