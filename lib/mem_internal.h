/* SPDX-License-Identifier: MIT */
/* Internals of the hugepage memory code (lib/mem_*.c); never installed. */
#ifndef UIODMA_MEM_INTERNAL_H
#define UIODMA_MEM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uiodma/error.h>
#include <uiodma/mem.h>

#include "util.h"

#define UD_MEM_PREFIX_DEFAULT "uiodma"
#define UD_MEM_VA_DEFAULT ((size_t)64 << 30)
#define UD_ZONE_MIN_ALIGN 64
#define UD_ZONE_NAME_MAX 64

/* ---- mem_discover.c ---- */
/* sysfs directory name of a size, e.g. "hugepages-2048kB" into buf. */
void ud_hp_dirname(char *buf, size_t len, size_t page_size);
/* Default hugepage size from /proc/meminfo, 0 if none. */
size_t ud_hp_default_size(void);
/* Pages of @page_size a new mapping can get now (free - resv), on @node
 * (-1: system-wide).  Returns -1 when unknown. */
long ud_hp_available(size_t page_size, int node);
/* First hugetlbfs mount of @page_size into buf; -1 with error if none. */
int ud_hp_find_mount(size_t page_size, char *buf, size_t len);
/* @bytes in the largest unit that holds it exactly, into buf: "2 MiB",
 * "1 GiB", "4 kB"; @opt: as hugetlbfs's pagesize= option, "2M", "1G". */
void ud_hp_size_str(char *buf, size_t len, size_t bytes, bool opt);
/* Read one unsigned number from a file; -1 with errno on failure. */
int ud_read_ulong(const char *path, unsigned long *v);

/* ---- hugetlbfs.c ---- */
/*
 * Is the directory @path (open as @fd) hugetlbfs with @page_size pages
 * (0: any size)?  0, or -1 with ENOTDIR and a message naming what it is and
 * a hugetlbfs mount or mount command that fixes it.
 */
int ud_hugetlbfs_check_fd(int fd, const char *path, size_t page_size);
/* As ud_hugetlbfs_check_fd(), opening @path; its open errors too. */
int ud_hugetlbfs_check(const char *path, size_t page_size);

/* ---- mem_stale.c: the names of the library's hugetlbfs files ---- */
/* Path of a file backing's file in @dir: slot >= 0 for file per page
 * ("<prefix>_<pid>_<id>_p<slot>"), -1 for a segment ("..._seg"). */
void ud_hp_file_path(char *buf, size_t len, const char *dir,
		     const char *prefix, int pid, unsigned int id, long slot);
/* Whether @name is one that ud_hp_file_path() makes for @prefix. */
bool ud_hp_file_name_ours(const char *name, const char *prefix);

/* ---- mem_backing.c ---- */
struct ud_backing_state {
	enum ud_backing kind;
	size_t page_size;
	int fd;                  /* memfd or segment file; -1 for per-page */
	char dir[UD_HP_PATH_MAX];
	char prefix[64];
	char seg_path[UD_HP_PATH_MAX + 96];
	unsigned int id;         /* region number within this process */
	int pid;                 /* creator, part of the file names */
	struct ud_clean_stats stale; /* what the cleanup at open removed */
	int *page_fds;           /* per slot, file-per-page only */
	uint32_t *free_slots;    /* stack of released slots */
	size_t n_free;
	size_t next_slot;        /* slots [next_slot, n_slots) never used */
	size_t n_slots;
};

int ud_bk_init(struct ud_backing_state *bk, const struct ud_mem_config *cfg,
	       size_t page_size, size_t n_slots, unsigned int id);
void ud_bk_fini(struct ud_backing_state *bk);
/* Take a slot for a new page (file created for per-page backing). */
long ud_bk_get_slot(struct ud_backing_state *bk);
/* Free the memory of a slot (punch hole / unlink) and return it. */
void ud_bk_put_slot(struct ud_backing_state *bk, uint32_t slot);
/* Map slots[0..n) at va (MAP_FIXED, shared), grouping adjacent slots. */
int ud_bk_map(struct ud_backing_state *bk, char *va, const uint32_t *slots,
	      size_t n, bool populate);

/* ---- mem_pa.c ---- */
/*
 * ud_pagemap_decode() - the physical address of the byte at @va from its
 * /proc/self/pagemap entry @e, for base pages of @psz bytes.  Pure but for
 * the message.  Return: 0, or -1 with errno (EFAULT: not present or
 * swapped; EPERM: PFN hidden; EIO: a PFN no physical address can have).
 */
int ud_pagemap_decode(uint64_t e, uintptr_t va, size_t psz, uint64_t *pa);
int ud_pa_check(const struct ud_pa_source *src, void *va, size_t page_size,
		size_t n, uint64_t *pa);
/* mem_pa_kpin.c: whether @s is the uio_dma pin source. */
bool ud_pa_source_is_kpin(const struct ud_pa_source *s);

/* ---- mem_phys.c: where memory lies physically ---- */
/* Free hugepages of @pgsz whose last byte is at or below @limit
 * (/proc/kpageflags; an upper bound); -1 when that cannot be read. */
long ud_phys_free_below(size_t pgsz, uint64_t limit);
/* The memory zones (/proc/zoneinfo) and which lie above @limit, and how
 * the kernel fills hugepage pools from them, into @buf ("" if unknown). */
void ud_phys_explain(char *buf, size_t len, uint64_t limit);

/* ---- mem_map.c: process-wide translation tables ---- */
int ud_map_register(char *base, size_t len, unsigned int page_shift,
		    uint64_t *iova);
void ud_map_unregister(char *base, size_t len);
/*
 * A page of @m at @iova, mapped at @va for good, becomes reachable through
 * ud_iova2virt() and, in PA mode, pinned through every uio_dma device the
 * process holds (dma_pins.c): before its IOVA is stored in m->iova.  0, or
 * -1 with the error (nothing done).  Unpublish undoes both, after its IOVA
 * was cleared and before the page is given back (the process lets go of
 * it: zone freed, region closed).
 */
struct ud_mem;
int ud_page_publish(const struct ud_mem *m, uint64_t iova, char *va);
void ud_page_unpublish(const struct ud_mem *m, uint64_t iova, char *va);

/* ---- regions ---- */
#define UD_PG_KEEP 0x1  /* mapped at open: never given back */

struct ud_pginfo {
	int32_t slot;      /* backing slot, -1 when the VA page is empty */
	int16_t node;      /* NUMA node of the page, -1 unknown */
	uint16_t flags;
	uint32_t users;    /* zones touching the page */
};

struct ud_ext {            /* free extent of mapped memory, sorted by off */
	size_t off, len;
	struct ud_ext *prev, *next;
};

struct ud_zone {
	uint32_t magic;          /* handle.h: ud_hk_zone */
	struct ud_mem *m;
	size_t off;              /* from m->base */
	size_t len;              /* as requested */
	size_t span;             /* bytes carved from the free list */
	uint64_t iova;
	int contig;
	struct ud_zone *hnext;   /* name hash chain */
	struct ud_zone *prev, *next;  /* all zones of m */
	const char *owner_what;  /* "pool", "descriptor ring": the zone is */
	const char *owner_name;  /* held by it (ud_zone_set_owner()) */
	char name[UD_ZONE_NAME_MAX];
};

struct ud_mem {
	uint32_t magic;          /* handle.h: ud_hk_mem */
	pthread_mutex_t lock;
	size_t pgsz;
	unsigned int pgshift;
	char *base;              /* window start, 1 GiB aligned */
	size_t npages;           /* pages in the window */
	void *resv;              /* whole reservation (for munmap) */
	size_t resv_len;
	uint64_t *iova;          /* per VA page; UD_BAD_IOVA if empty */
	struct ud_pginfo *pg;
	size_t mapped, max_pages, given_back, hint;
	enum ud_mem_mode mode;
	unsigned int flags;
	int node;                /* -1 any */
	struct ud_pa_source pas; /* VA mode: release unmaps from the IOMMU */
	bool pa_real;            /* pas gives real physical addresses */
	int owner;               /* pid of the process that opened it */
	enum ud_iova_mode iova_mode;  /* PA or VA, fixed at open */
	char iova_why[200];      /* why that mode (mem_iova_mode.c) */
	uint64_t iova_base;      /* VA mode: IOVA of base (== base: IOVA = VA) */
	bool vfio;               /* VA mode: holds the container (vfio.h) */
	bool window_taken;       /* VA mode: the window's IOVAs are taken */
	bool mode_held;          /* counted by ud_iova_mem_hold() */
	struct ud_backing_state bk;
	bool registered;
	/* allocator */
	struct ud_ext *ext_head;
	size_t n_ext;
	size_t n_zones, bytes_in_zones;
	size_t n_owned;          /* zones held by pools and descriptor rings */
	struct ud_zone **names;  /* hash buckets */
	size_t names_cap;
	struct ud_zone *zones;
};

/* mem_region.c */
struct ud_pgreq {          /* what a set of new pages must satisfy */
	size_t k;              /* pages wanted */
	bool contig;           /* physically consecutive, in order */
	int node;              /* -1 any */
	uint64_t iova_max;     /* 0 none */
	size_t pa_align;       /* first page's PA alignment (>= page size) */
	size_t va_align;       /* first page's VA alignment (>= page size) */
	size_t boundary;       /* zone of zlen from first page start stays in */
	size_t zlen;
};
/* Map pages satisfying @rq into the window; their range goes to the free
 * list.  Returns 0 and the first page index, or -1 with error set. */
int ud_region_grow(struct ud_mem *m, const struct ud_pgreq *rq, size_t *first);
/* 0 if NUMA node @node (>= 0) exists and has memory; else -1 with EINVAL
 * and a message, prefixed "@who: ", naming the nodes there are. */
int ud_numa_check(int node, const char *who);
/* The error (ENOMEM) for a request whose DMA limit or node only @have of
 * its rq->k pages meet, @what naming among which pages ("of the 12 free
 * ones"); names the limit, the memory zones and what can work. */
int ud_region_unreachable(const struct ud_mem *m, const struct ud_pgreq *rq,
			  size_t have, const char *what);
/*
 * 0 if this process opened @m; else -1 with EPERM: a child forked after
 * ud_mem_open() shares the region's files (memfd, hugetlbfs) and the
 * devices' control files with its parent, but its copy of the region's
 * state is its own, so a page it reserved, freed or closed would take a
 * page the parent uses, or drop the parent's device pins.  @fn names the
 * call refused.
 */
int ud_mem_owner_check(const struct ud_mem *m, const char *fn);
/* Give page @p back to the kernel (its bytes must be free). */
void ud_region_release_page(struct ud_mem *m, size_t p);
/* Largest run of physically consecutive mapped pages, in pages. */
size_t ud_region_largest_run(const struct ud_mem *m);

/* mem_legacy.c */
/* Order indices idx[0..n) by pa[idx[i]] ascending. */
void ud_sort_by_pa(uint32_t *idx, const uint64_t *pa, size_t n);
/* Place pages (slot[i], pa[i]) into window pages [dst, dst+n) in the order
 * given by ord, mapping each at its place, and publish them (fills
 * m->iova/m->pg, ud_page_publish()).  0, or -1 with the error and no page
 * published: the caller gives them all back. */
int ud_place_pages(struct ud_mem *m, size_t dst, const uint32_t *slots,
		   const uint64_t *pa, const int16_t *node,
		   const uint32_t *ord, size_t n, const size_t *cur_page);

/* mem_iova_mode.c: the IOVA mode of a new region */
/* Choose from @cfg, UD_IOVA_MODE and the IOMMU groups under @sysfs
 * ("/sys"): 0 with *@mode (PA or VA) and the reason in @why, or -1 with
 * EINVAL (an unknown mode in @cfg or the environment). */
int ud_iova_mode_choose(const struct ud_mem_config *cfg, const char *sysfs,
			enum ud_iova_mode *mode, char *why, size_t len);
/* "PA", "VA", "AUTO". */
const char *ud_iova_mode_name(enum ud_iova_mode mode);
/* One mode per process: lib/iova_mode.h. */

/* mem_iova_va.c: VA mode (IOVAs from the VFIO container) */
/* Take the container and reserve the window of @len bytes (1 GiB
 * aligned) where IOVA = VA is accepted, else anywhere with an IOVA block
 * of its own; sets resv, resv_len, base, iova_base, pas.  0 or -1. */
int ud_va_open(struct ud_mem *m, size_t len);
/* Give back the window's IOVAs and the container (pages unmapped first). */
void ud_va_close(struct ud_mem *m);
/* IOVAs for the @k new pages at window pages [@p, @p + @k), meeting
 * @rq's DMA limit, alignment and boundary, each mapped into the container;
 * into @iova[0..k).  0, or -1 with error and nothing left mapped. */
int ud_va_assign(struct ud_mem *m, size_t p, size_t k,
		 const struct ud_pgreq *rq, uint64_t *iova);

/* mem_extent.c: the free extents of a region */
int ud_ext_add(struct ud_mem *m, size_t off, size_t len);
int ud_ext_take(struct ud_mem *m, size_t off, size_t len);
/* Remove [off, off + len) from @e, which contains it. */
int ud_ext_carve(struct ud_mem *m, struct ud_ext *e, size_t off, size_t len);

/* mem_zone.c */
void ud_zones_fini(struct ud_mem *m);

#endif /* UIODMA_MEM_INTERNAL_H */
