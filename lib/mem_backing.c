// SPDX-License-Identifier: MIT
/*
 * What hugepages are files of.  A page of a region is a "slot": an offset in
 * one file (memfd, or the segment file) or a file of its own (file per
 * page).  Pages are always mapped by slot, MAP_SHARED, so a page can be put
 * at any virtual address and moved without changing its physical page.
 *
 * Named files are flock(LOCK_SH)ed while a live process uses them; a file
 * whose LOCK_EX can be taken is stale (ud_hp_clean_stale(), mem_stale.c).
 * Their directory must be hugetlbfs of the region's page size
 * (ud_hugetlbfs_check()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "mem_internal.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

/*
 * Open (creating) a file that this process owns, holding LOCK_SH.  A
 * concurrent stale-file cleaner may take LOCK_EX between our open and our
 * flock and unlink the file; then its link count is 0 and we retry.
 */
static int open_locked(const char *path)
{
	for (int tries = 0; tries < 100; tries++) {
		struct stat st;
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0)
			return ud_fail(errno, "cannot create %s: %s", path,
				       strerror(errno));
		if (flock(fd, LOCK_SH)) {
			int e = errno;

			close(fd);
			return ud_fail(e, "cannot lock %s: %s", path, strerror(e));
		}
		if (fstat(fd, &st) == 0 && st.st_nlink > 0)
			return fd;
		close(fd);
	}
	return ud_fail(EAGAIN, "%s keeps being removed by another process "
		       "cleaning stale files", path);
}

int ud_bk_init(struct ud_backing_state *bk, const struct ud_mem_config *cfg,
	       size_t page_size, size_t n_slots, unsigned int id)
{
	memset(bk, 0, sizeof(*bk));
	bk->fd = -1;
	bk->kind = cfg->backing;
	bk->page_size = page_size;
	bk->n_slots = n_slots;
	bk->id = id;
	bk->pid = (int)getpid();
	snprintf(bk->prefix, sizeof(bk->prefix), "%s",
		 cfg->prefix ? cfg->prefix : UD_MEM_PREFIX_DEFAULT);
	if (strchr(bk->prefix, '/') || !bk->prefix[0])
		return ud_fail(EINVAL, "file prefix '%s' must be a non-empty "
			       "name without '/'", bk->prefix);
	bk->free_slots = calloc(n_slots, sizeof(*bk->free_slots));
	if (!bk->free_slots)
		return ud_fail(ENOMEM, "out of memory for %zu page slots", n_slots);

	switch (bk->kind) {
	case UD_BACKING_MEMFD: {
		unsigned int sh = (unsigned int)__builtin_ctzl(page_size);

		bk->fd = memfd_create("uiodma", MFD_CLOEXEC | MFD_HUGETLB |
				      (sh << MFD_HUGE_SHIFT));
		if (bk->fd < 0) {
			int e = errno;

			return ud_fail(e, "memfd_create(MFD_HUGETLB, %zu kB) "
				       "failed: %s; the kernel needs "
				       "CONFIG_HUGETLBFS and that page size "
				       "(see ud_hp_discover())",
				       page_size >> 10, strerror(e));
		}
		break;
	}
	case UD_BACKING_FILE_PER_PAGE:
	case UD_BACKING_FILE_PER_SEGMENT:
		if (cfg->hugedir)
			snprintf(bk->dir, sizeof(bk->dir), "%s", cfg->hugedir);
		else if (ud_hp_find_mount(page_size, bk->dir, sizeof(bk->dir)))
			return -1;
		if (ud_hugetlbfs_check(bk->dir, page_size) ||
		    ud_hp_clean_stale(bk->dir, bk->prefix, &bk->stale, NULL) < 0)
			return -1;
		if (bk->kind == UD_BACKING_FILE_PER_SEGMENT) {
			ud_hp_file_path(bk->seg_path, sizeof(bk->seg_path), bk->dir,
					bk->prefix, bk->pid, id, -1);
			bk->fd = open_locked(bk->seg_path);
			if (bk->fd < 0)
				return -1;
			if (ftruncate(bk->fd, 0)) {
				/* a reused name: drop whatever was there */
			}
		} else {
			bk->page_fds = malloc(n_slots * sizeof(*bk->page_fds));
			if (!bk->page_fds)
				return ud_fail(ENOMEM, "out of memory");
			for (size_t i = 0; i < n_slots; i++)
				bk->page_fds[i] = -1;
		}
		break;
	default:
		return ud_fail(EINVAL, "unknown backing %d", (int)bk->kind);
	}
	if (bk->fd >= 0 && ftruncate(bk->fd, (off_t)(n_slots * page_size))) {
		int e = errno;

		return ud_fail(e, "cannot size the hugepage file to %zu bytes: %s",
			       n_slots * page_size, strerror(e));
	}
	return 0;
}

static void slot_path(const struct ud_backing_state *bk, size_t slot,
		      char *buf, size_t len)
{
	ud_hp_file_path(buf, len, bk->dir, bk->prefix, bk->pid, bk->id,
			(long)slot);
}

long ud_bk_get_slot(struct ud_backing_state *bk)
{
	size_t slot;

	if (bk->n_free)
		slot = bk->free_slots[--bk->n_free];
	else if (bk->next_slot < bk->n_slots)
		slot = bk->next_slot++;
	else
		return ud_fail(ENOMEM, "region is full: all %zu page slots in "
			       "use; raise ud_mem_config.va_size", bk->n_slots);
	if (bk->kind == UD_BACKING_FILE_PER_PAGE) {
		char path[UD_HP_PATH_MAX + 96];
		int fd;

		slot_path(bk, slot, path, sizeof(path));
		fd = open_locked(path);
		if (fd < 0 || ftruncate(fd, (off_t)bk->page_size)) {
			int e = errno;

			if (fd >= 0) {
				unlink(path);
				close(fd);
				ud_fail(e, "cannot size %s: %s", path, strerror(e));
			}
			bk->free_slots[bk->n_free++] = (uint32_t)slot;
			errno = e;
			return -1;
		}
		bk->page_fds[slot] = fd;
	}
	return (long)slot;
}

void ud_bk_put_slot(struct ud_backing_state *bk, uint32_t slot)
{
	if (bk->kind == UD_BACKING_FILE_PER_PAGE) {
		char path[UD_HP_PATH_MAX + 96];

		slot_path(bk, slot, path, sizeof(path));
		unlink(path);
		close(bk->page_fds[slot]);
		bk->page_fds[slot] = -1;
	} else {
		/* frees the hugepage (hugetlbfs supports hole punching) */
		fallocate(bk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)slot * (off_t)bk->page_size, (off_t)bk->page_size);
	}
	bk->free_slots[bk->n_free++] = slot;
}

int ud_bk_map(struct ud_backing_state *bk, char *va, const uint32_t *slots,
	      size_t n, bool populate)
{
	size_t ps = bk->page_size;

	for (size_t i = 0; i < n;) {
		size_t run = 1;
		int fd;
		off_t off;
		void *r;

		if (bk->kind == UD_BACKING_FILE_PER_PAGE) {
			fd = bk->page_fds[slots[i]];
			off = 0;
		} else {
			fd = bk->fd;
			off = (off_t)slots[i] * (off_t)ps;
			while (i + run < n && slots[i + run] == slots[i] + run)
				run++;
		}
		r = mmap(va + i * ps, run * ps, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | (populate ? MAP_POPULATE : 0),
			 fd, off);
		if (r == MAP_FAILED) {
			int e = errno;

			if (e == ENOMEM)
				return ud_fail(ENOMEM, "mapping %zu hugepages of "
					       "%zu kB failed: the kernel has too "
					       "few free ones (see ud_hp_print()); "
					       "as root: echo N > /sys/kernel/mm/"
					       "hugepages/hugepages-%zukB/"
					       "nr_hugepages", run, ps >> 10,
					       ps >> 10);
			return ud_fail(e, "mmap of %zu hugepages failed: %s", run,
				       strerror(e));
		}
		i += run;
	}
	return 0;
}

void ud_bk_fini(struct ud_backing_state *bk)
{
	if (bk->page_fds) {
		for (size_t i = 0; i < bk->n_slots; i++)
			if (bk->page_fds[i] >= 0)
				ud_bk_put_slot(bk, (uint32_t)i);
		free(bk->page_fds);
		bk->page_fds = NULL;
	}
	if (bk->fd >= 0) {
		if (bk->seg_path[0])
			unlink(bk->seg_path);
		close(bk->fd);
		bk->fd = -1;
	}
	free(bk->free_slots);
	bk->free_slots = NULL;
}
