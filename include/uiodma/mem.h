/* SPDX-License-Identifier: MIT */
/*
 * Hugepage DMA memory, in IOVA-as-PA or IOVA-as-VA mode.
 *
 * Without an IOMMU a device addresses memory by physical address, so the
 * library keeps DMA memory in hugepages (which the kernel does not swap or,
 * in practice, migrate), faults and locks every page when it is mapped and
 * reads each page's physical address once, at that moment, through a
 * pluggable physical-address source (struct ud_pa_source).  From then on
 * ud_virt2iova() is a table lookup: no system call, no lock, no list walk.
 *
 * Behind an IOMMU (a device on vfio-pci) the library gives each page an
 * IOVA of its own choosing instead and maps it into the process's VFIO
 * container (VA mode, enum ud_iova_mode); the lookups are the same.
 *
 * The pieces:
 *
 *   discovery    ud_hp_discover(), ud_hp_print(): page sizes, hugetlbfs
 *                mounts, per-size and per-node page counts
 *   reservation  ud_hp_set_pages(): grow/shrink the kernel's hugepage pool
 *   memory       ud_mem_open()/ud_mem_close(): a region of hugepages with a
 *                chosen backing (memfd, file per page, file per segment),
 *                dynamic (grows and shrinks) or legacy (all pages up front,
 *                sorted by physical address, physically contiguous runs
 *                made virtually contiguous)
 *   zones        ud_zone_reserve()/ud_zone_free(): named pieces of that
 *                memory with alignment, a boundary they do not cross,
 *                IOVA contiguity, a DMA address limit and a NUMA node
 *   translation  ud_virt2iova() (O(1)), ud_iova2virt() (O(1) expected)
 *   stale files  ud_hp_clean_stale(): remove hugetlbfs files left by dead
 *                processes
 *
 * Errors: every call that fails returns -1 (or NULL, or UD_BAD_IOVA) and
 * sets errno and ud_errmsg() (see uiodma/error.h); ud_virt2iova_inline()
 * alone sets nothing.
 *
 * Handles: every call taking a struct ud_mem or struct ud_zone checks it
 * first: NULL, a handle of another kind, and a region closed or a zone
 * freed (while the library has not reused its memory for a new one) are
 * refused with EINVAL.  ud_mem_close() and ud_zone_free() accept NULL
 * (they do nothing).  Undefined: a pointer that points nowhere readable,
 * using a zone's memory (ud_zone_addr()) after the zone is freed, and
 * closing a region while another thread still uses it.
 *
 * Ownership: a region owns its zones and its pages; ud_mem_close() frees
 * every zone left.  Pools (uiodma/pool.h) and descriptor rings
 * (uiodma/desc.h) made in a region hold a zone of it: ud_mem_close()
 * refuses (EBUSY, naming them) while any is alive, and ud_zone_free()
 * refuses their zones; free them first, once no device uses them.  A
 * physical-address source's context must live until the region closes.
 *
 * Threads: ud_zone_reserve(), ud_zone_free(), ud_zone_lookup(),
 * ud_mem_grow(), ud_mem_stats() and ud_mem_dump() take the region's lock
 * and may be called from any thread at once; ud_virt2iova(),
 * ud_virt2iova_inline() and ud_iova2virt() take no region lock and are
 * safe against all of those.  The zone accessors (ud_zone_addr() ...)
 * read fields fixed at reservation.  ud_mem_open() may run in several
 * threads at once.  ud_mem_close() needs external synchronisation: no
 * other thread may use the region, its zones or their addresses while it
 * runs.  ud_hp_discover(), ud_hp_print() and ud_hp_get_pages() keep no
 * state; ud_hp_set_pages() and ud_hp_clean_stale() change the machine for
 * every process, so run one at a time.
 */
#ifndef UIODMA_MEM_H
#define UIODMA_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** UD_BAD_IOVA - returned by translations for an address the library does not own. */
#define UD_BAD_IOVA ((uint64_t)-1)

#define UD_PGSZ_2M ((size_t)2 << 20)
#define UD_PGSZ_1G ((size_t)1 << 30)

/* ------------------------------------------------------------------------
 * Discovery
 */

#define UD_HP_MAX_SIZES 8
#define UD_HP_MAX_NODES 64
#define UD_HP_MAX_MOUNTS 16
#define UD_HP_PATH_MAX 256

/** struct ud_hp_node_count - hugepages of one size on one NUMA node. */
struct ud_hp_node_count {
	int node;               /* NUMA node id */
	unsigned long nr;       /* pages in the pool (nr_hugepages) */
	unsigned long free;     /* pages not in use (free_hugepages) */
	unsigned long surplus;  /* overcommitted pages (surplus_hugepages) */
};

/** struct ud_hp_size_info - one hugepage size the kernel offers. */
struct ud_hp_size_info {
	size_t page_size;            /* bytes */
	int is_default;              /* the size of MAP_HUGETLB without a size flag */
	unsigned long nr;            /* nr_hugepages */
	unsigned long free;          /* free_hugepages (includes reserved ones) */
	unsigned long resv;          /* resv_hugepages: promised, not yet faulted */
	unsigned long surplus;       /* surplus_hugepages */
	unsigned long overcommit;    /* nr_overcommit_hugepages */
	unsigned long available;     /* free - resv: what a new mapping can get */
	int n_nodes;
	struct ud_hp_node_count nodes[UD_HP_MAX_NODES];
};

/** struct ud_hp_mount - one hugetlbfs mount point. */
struct ud_hp_mount {
	char path[UD_HP_PATH_MAX];
	size_t page_size;            /* from its pagesize= option, or the default */
};

/** struct ud_hp_info - everything ud_hp_discover() finds. */
struct ud_hp_info {
	size_t default_page_size;    /* Hugepagesize from /proc/meminfo; 0 if none */
	int n_sizes;
	struct ud_hp_size_info sizes[UD_HP_MAX_SIZES];  /* ascending page size */
	int n_mounts;
	struct ud_hp_mount mounts[UD_HP_MAX_MOUNTS];
};

/**
 * ud_hp_discover() - read hugepage sizes, counts and mounts from the kernel.
 * @info: filled in on success.
 *
 * Reads /sys/kernel/mm/hugepages, /sys/devices/system/node/node*\/hugepages,
 * /proc/meminfo and /proc/self/mountinfo.  Needs no privileges.
 *
 * Return: 0, or -1 with errno set (ENOENT: the kernel has no hugetlb support).
 */
int ud_hp_discover(struct ud_hp_info *info);

/**
 * ud_hp_find_size() - the entry for one page size in @info.
 * @info: from ud_hp_discover().
 * @page_size: bytes; 0 means the default hugepage size.
 *
 * Return: the entry, or NULL with errno ENOENT (message lists the sizes offered).
 */
const struct ud_hp_size_info *ud_hp_find_size(const struct ud_hp_info *info,
					      size_t page_size);

/**
 * ud_hp_print() - write a human-readable report of @info.
 * @f: stream to write to.
 * @info: from ud_hp_discover().
 *
 * One block per page size (pool, free, reserved, surplus, per node) and one
 * line per hugetlbfs mount; sizes with no pages say how to reserve some.
 *
 * Return: 0, or -1 with errno set if writing failed.
 */
int ud_hp_print(FILE *f, const struct ud_hp_info *info);

/* ------------------------------------------------------------------------
 * Reservation
 */

/**
 * ud_hp_get_pages() - the kernel's pool size for one page size.
 * @page_size: bytes; 0 means the default hugepage size.
 * @node: NUMA node, or -1 for the whole system.
 * @nr: receives nr_hugepages.
 *
 * Return: 0, or -1 with errno set.
 */
int ud_hp_get_pages(size_t page_size, int node, unsigned long *nr);

/**
 * ud_hp_set_pages() - ask the kernel for a pool of @count pages.
 * @page_size: bytes; 0 means the default hugepage size.
 * @node: NUMA node, or -1 to let the kernel spread them over all nodes.
 * @count: wanted pool size (nr_hugepages); lower values give pages back.
 * @granted: if not NULL, receives the pool size the kernel set (on an
 *           ENOMEM failure: the most it could give, before the undo).
 *
 * Needs root (writes sysfs).  Growing is all or nothing: when the kernel
 * gives fewer pages than @count (memory too small or fragmented), the pool
 * is put back to the size it had and the call fails with ENOMEM, its
 * message naming how many pages the kernel could give.  Shrinking below
 * the pages in use leaves those until they are freed (*@granted > @count).
 *
 * Return: 0, or -1 with errno set (EACCES/EPERM: not root; ENOENT: no such
 * size or node; ENOMEM: the kernel could not give @count pages).
 */
int ud_hp_set_pages(size_t page_size, int node, unsigned long count,
		    unsigned long *granted);

/* ------------------------------------------------------------------------
 * Physical-address sources
 */

/**
 * struct ud_pa_source - where physical addresses come from.
 * @name: for messages.
 * @resolve: fill @pa[i] with the physical address of the page at
 *           @va + i * @page_size, for @n populated, locked pages.  Called
 *           once per page when the library maps it, never per lookup.  On
 *           failure return -1 with errno and ud_errmsg() set (a source may
 *           use ud_mem_fail() for that).  Must never report address 0 as
 *           valid.
 * @release: optional; called for one page, with the address it had from
 *           @resolve, before the page is given back (a pinning source
 *           unpins here).  @va is where the page is mapped now, which can
 *           differ from where it was resolved (pages are moved into
 *           physical order), so key pins by @pa.
 * @close: optional; called once from ud_mem_close().
 * @ctx: passed to each callback.
 *
 * The library copies the struct; @ctx must live until @close.
 */
struct ud_pa_source {
	const char *name;
	int (*resolve)(void *ctx, void *va, size_t page_size, size_t n,
		       uint64_t *pa);
	void (*release)(void *ctx, void *va, uint64_t pa, size_t page_size);
	void (*close)(void *ctx);
	void *ctx;
};

/**
 * ud_pa_source_pagemap() - the /proc/self/pagemap source (the default).
 *
 * Decodes each entry fully: bit 63 present, bit 62 swapped, bits 0-54 PFN.
 * A page that is not present or swapped is an error (EFAULT).  A PFN of 0
 * means the process lacks CAP_SYS_ADMIN (the kernel hides PFNs since 4.2):
 * that is an error (EPERM) whose message says so, never address 0.
 *
 * Return: a source to pass in struct ud_mem_config (static; never NULL).
 */
const struct ud_pa_source *ud_pa_source_pagemap(void);

/**
 * ud_pa_source_kpin() - the uio_dma kernel pin source.
 * @out: receives the source on success.
 * @ctl_path: control device of a device bound to uio_dma,
 *            /dev/uio_dma/<PCI address>.
 *
 * Pins each page with pin_user_pages(FOLL_LONGTERM) through
 * UIO_DMA_IOC_PIN on the control device (uiodma/uio_dma_ioctl.h) and
 * reports its address, so no CAP_SYS_ADMIN is needed; @release unpins by
 * the handle recorded for the page's address.  The pins stay until the
 * memory is closed (or the process dies), and then, if the device is still
 * held by someone, until its holder lets go: uio_dma never frees memory
 * the device can still DMA into.  Pinned memory counts against
 * RLIMIT_MEMLOCK (uio_dma_ioctl.h).
 *
 * Return: 0, or -1 with errno set (ENODEV: no such control device, bind
 * the device to uio_dma; EPERM: needs CAP_SYS_RAWIO; EPROTO: module ABI
 * mismatch; ENOMEM).
 */
int ud_pa_source_kpin(struct ud_pa_source *out, const char *ctl_path);

/**
 * ud_pagemap_virt2phys() - physical address of one byte, via pagemap.
 * @va: any mapped, faulted-in address of this process.
 * @pa: receives the physical address.
 *
 * Slow (opens and reads /proc/self/pagemap each call); for checks and
 * diagnostics, not for the data path.  Same errors as ud_pa_source_pagemap().
 *
 * Return: 0, or -1 with errno set (EPERM: PFN hidden, need CAP_SYS_ADMIN;
 * EFAULT: not present or swapped).
 */
int ud_pagemap_virt2phys(const void *va, uint64_t *pa);

/**
 * ud_mem_fail() - set errno and ud_errmsg() (for physical-address sources).
 * @err: errno value.
 * @fmt: printf format of the message.
 *
 * Return: -1.
 */
int ud_mem_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Memory regions
 */

/** enum ud_backing - what the hugepages are files of. */
enum ud_backing {
	/* memfd_create(MFD_HUGETLB): nothing left anywhere when the process dies */
	UD_BACKING_MEMFD = 0,
	/* one file per page in a hugetlbfs mount, flock'ed while in use */
	UD_BACKING_FILE_PER_PAGE,
	/* one file per region in a hugetlbfs mount (DPDK --single-file-segments) */
	UD_BACKING_FILE_PER_SEGMENT,
};

/** enum ud_mem_mode - how the page set evolves. */
enum ud_mem_mode {
	/* map pages when zones need them, give whole free pages back */
	UD_MEM_DYNAMIC = 0,
	/* map all pages at open, sort by physical address, never grow/shrink */
	UD_MEM_LEGACY,
};

/**
 * enum ud_iova_mode - what a device is given as the address of memory.
 * @UD_IOVA_MODE_AUTO: let ud_mem_open() choose (see struct ud_mem_config).
 * @UD_IOVA_MODE_PA: the physical address (IOVA as PA): no IOMMU, or one in
 *                   passthrough (iommu=pt); devices on uio_dma, igb_uio or
 *                   uio_pci_generic.
 * @UD_IOVA_MODE_VA: an IOVA the library chooses and maps into the
 *                   process's VFIO type1 container (IOVA as VA): devices
 *                   on vfio-pci behind a translating IOMMU.  The IOVA is
 *                   the virtual address where the IOMMU accepts it.
 */
enum ud_iova_mode {
	UD_IOVA_MODE_AUTO = 0,
	UD_IOVA_MODE_PA,
	UD_IOVA_MODE_VA,
};

/* struct ud_mem_config.flags */
#define UD_MEM_NO_MLOCK  0x1u  /* skip mlock() (non-root without RLIMIT_MEMLOCK) */
#define UD_MEM_SORT      0x2u  /* dynamic mode: sort the prealloc pages by PA */
#define UD_MEM_KEEP      0x4u  /* dynamic mode: never give free pages back */
#define UD_MEM_NUMA      0x8u  /* numa_node is set; otherwise any node */

/**
 * struct ud_mem_config - parameters of ud_mem_open(); zero means default.
 * @page_size: hugepage size in bytes; 0 = the default hugepage size.
 * @backing: enum ud_backing.
 * @mode: enum ud_mem_mode.
 * @hugedir: hugetlbfs directory for the file backings; NULL = the first
 *           mount of @page_size.  It must be hugetlbfs with @page_size
 *           pages (checked with statfs() before anything is created or
 *           removed there): an ordinary directory is refused (ENOTDIR).
 * @prefix: file name prefix for the file backings; NULL = "uiodma".
 * @numa_node: node for the pages (prealloc, and zones that name no node);
 *             used only with UD_MEM_NUMA in @flags, so a zeroed config
 *             means any node.
 * @va_size: virtual address space to reserve, the most the region can
 *           ever hold; 0 = 64 GiB (rounded up to a multiple of 1 GiB; at
 *           most 64 TiB).
 * @prealloc: bytes to map at open; legacy mode needs it (it is all the
 *            memory legacy mode will ever have).  These pages stay mapped
 *            until ud_mem_close(), also in dynamic mode.
 * @max_size: most bytes of hugepages mapped at once; 0 = @va_size.
 * @pa_source: NULL = ud_pa_source_pagemap().  PA mode only.
 * @flags: UD_MEM_*; other bits are refused (EINVAL).
 * @iova_mode: enum ud_iova_mode.  UD_IOVA_MODE_AUTO (0, the default) takes
 *             the environment variable UD_IOVA_MODE ("pa" or "va") if set;
 *             else PA if @pa_source is set; else the mode of the devices
 *             this process holds (ud_dev_open(): VA for vfio-pci, PA for
 *             uio_dma, igb_uio and uio_pci_generic); else VA if the IOMMU
 *             translates DMA by default (IOMMU groups of type DMA or
 *             DMA-FQ under /sys/kernel/iommu_groups, none identity), where
 *             physical addresses cannot work; else PA.  ud_mem_iova_mode()
 *             says what was chosen, ud_mem_dump() also why.  One process
 *             uses one mode: memory of the other mode than its devices or
 *             its other regions is refused (EINVAL), naming them.
 *
 * VA mode (IOVA as VA; needs /dev/vfio/vfio with vfio_iommu_type1): each
 * hugepage is mapped into the process's VFIO container with
 * VFIO_IOMMU_MAP_DMA when the library maps it, one mapping per page, and
 * unmapped before its virtual address is used again.  The region's window
 * of address space is placed where IOVA = virtual address is accepted by
 * the IOMMU's ranges (VFIO_IOMMU_GET_INFO; before a device's group is
 * attached, a 39-bit IOMMU without the MSI window 0xfee00000-0xfeefffff is
 * assumed), from 4 GiB up; if no such place is free, the window gets an
 * IOVA block of its own.  Zones with an iova_max below the window get
 * their pages IOVAs from the lowest free ones instead.  Memory may be
 * opened before or after the first device: mappings made before the
 * first group is attached are held and made when it is (the attach fails,
 * ERANGE, if the IOMMU turns out not to accept them).  Legacy mode and
 * UD_MEM_SORT (physical order) and @pa_source have no meaning there and
 * are refused (EINVAL).
 */
struct ud_mem_config {
	size_t page_size;
	enum ud_backing backing;
	enum ud_mem_mode mode;
	const char *hugedir;
	const char *prefix;
	int numa_node;
	size_t va_size;
	size_t prealloc;
	size_t max_size;
	const struct ud_pa_source *pa_source;
	unsigned int flags;
	enum ud_iova_mode iova_mode;
};

/** UD_MEM_CFG_INIT - a default configuration (same as all zeros). */
#define UD_MEM_CFG_INIT { .numa_node = -1 }

struct ud_mem;

/**
 * ud_mem_open() - create a region of hugepage DMA memory.
 * @cfg: parameters; NULL = UD_MEM_CFG_INIT.
 *
 * Reserves @cfg->va_size of address space, and maps @cfg->prealloc bytes of
 * pages: each page is faulted (MADV_POPULATE_WRITE, or a write per page on
 * kernels before 5.14), locked and its physical address read once.  A page
 * shortage is an error here, never a SIGBUS later; the message names the
 * shortfall and the command that fixes it.  File backings first remove stale
 * files of dead processes in @cfg->hugedir (with the same prefix); what that
 * freed is in struct ud_mem_stats.
 *
 * In PA mode with the pagemap source (physical addresses) a machine
 * whose IOMMU translates DMA by default (its IOMMU groups have type DMA or
 * DMA-FQ, none identity) is refused: a device given these addresses would
 * fault.  A source passed in @cfg->pa_source is trusted to give addresses
 * the device can use.  The IOVA mode is chosen first (see struct
 * ud_mem_config), so by default such a machine gets VA mode.
 *
 * Fork: a child forked after this call may read and write the region's
 * memory (its mappings are shared), but only this process reserves,
 * frees or closes zones of it: in a child ud_zone_reserve(),
 * ud_zone_free() and ud_mem_close() fail with EPERM, since the child's
 * copy of the region's state would hand out or give back pages the parent
 * uses.  Nor does a child make or drop the parent's device pins
 * (ud_dev_open()).
 *
 * Checked before anything is mapped: @cfg->flags holds only UD_MEM_*
 * bits, @cfg->mode and @cfg->backing are known values, @cfg->va_size,
 * @cfg->prealloc and @cfg->max_size are at most 64 TiB, a legacy region
 * has a prealloc, UD_MEM_NUMA names a node that exists and has memory,
 * @cfg->prefix and @cfg->hugedir fit.
 *
 * Return: the region, or NULL with errno set (EINVAL: a bad parameter
 * above, the message naming it, or a NUMA node that does not exist, the
 * message naming those that do; ENAMETOOLONG: prefix or hugedir too long;
 * ENOMEM: too few hugepages, the message naming the nr_hugepages value
 * that fixes it; ENOTDIR: the file backings' directory is not hugetlbfs
 * with the region's page size, the message naming what it is and a
 * hugetlbfs mount or the mount command to use; EOPNOTSUPP: PA mode and
 * the IOMMU translates DMA: boot with iommu=pt (or intel_iommu=off), or
 * use VA mode with vfio-pci; EINVAL also: an unknown iova_mode or
 * UD_IOVA_MODE value, or VA mode with legacy mode, UD_MEM_SORT or a
 * pa_source, or a mode other than that of the process's devices and
 * regions, the message naming them; ENODEV: VA mode without /dev/vfio/vfio or vfio_iommu_type1,
 * the message naming the modules to load; ENOMEM also: no room for the
 * window in the IOMMU's IOVA ranges).
 */
struct ud_mem *ud_mem_open(const struct ud_mem_config *cfg);

/**
 * ud_mem_close() - free every zone and page of @m and the region itself.
 * @m: region, or NULL (nothing to do).
 *
 * Refused, with nothing freed, while pools or descriptor rings made in @m
 * are alive: free those first.  Otherwise zones of @m become invalid
 * (calls given them fail with EINVAL, see "Handles" above) and
 * translations of their addresses return UD_BAD_IOVA / NULL.  No other
 * thread may use @m meanwhile.
 *
 * The pages go back to the kernel even while a uio_dma device is held
 * (the process let go of the memory, as with ud_zone_free()): close the
 * devices that can reach it first.  Only a process that dies keeps them
 * pinned until its devices are quiet (ud_dev_open()).
 *
 * Return: 0, or -1 with errno (EBUSY: pools or descriptor rings still
 * live in @m, the message naming them; EINVAL: @m is not a live region,
 * e.g. closed already; EPERM: called in a child forked after
 * ud_mem_open()).
 */
int ud_mem_close(struct ud_mem *m);

/**
 * ud_mem_iova_mode() - the IOVA mode @m runs in.
 * @m: region.
 *
 * Fixed at ud_mem_open(), so any thread may ask at any time.
 *
 * Return: UD_IOVA_MODE_PA or UD_IOVA_MODE_VA (UD_IOVA_MODE_AUTO, errno
 * EINVAL, for anything but a live region).
 */
enum ud_iova_mode ud_mem_iova_mode(const struct ud_mem *m);

/** struct ud_mem_stats - state of a region (see ud_mem_stats()). */
struct ud_mem_stats {
	size_t page_size;
	size_t pages_mapped;       /* hugepages held now */
	size_t pages_max;          /* most that can be held (max_size) */
	size_t zones;              /* live zones */
	size_t bytes_in_zones;     /* sum of zone lengths */
	size_t bytes_free;         /* mapped but not in a zone */
	size_t largest_contig;     /* longest IOVA-contiguous mapped run, bytes */
	size_t pages_given_back;   /* pages returned to the kernel so far */
	unsigned long stale_files_removed; /* by the cleanup at open (file backings) */
	uint64_t stale_bytes_freed;        /* hugepage memory that cleanup freed */
};

/**
 * ud_mem_stats() - counters of a region.
 * @m: region.
 * @st: filled in.
 *
 * Return: 0, or -1 with errno EINVAL (@m not a live region, or @st NULL).
 */
int ud_mem_stats(struct ud_mem *m, struct ud_mem_stats *st);

/**
 * ud_mem_dump() - print the pages of @m (address, IOVA, node, runs) and zones.
 * @f: stream.
 * @m: region.
 *
 * Return: 0, or -1 with errno (EINVAL: @m not a live region or @f NULL;
 * EIO: writing failed).
 */
int ud_mem_dump(FILE *f, struct ud_mem *m);

/**
 * ud_mem_grow() - map at least @bytes more memory now (dynamic mode).
 * @m: region.
 * @bytes: rounded up to whole pages.
 *
 * Zones grow the region on demand; this is for warming it up front.  The
 * pages are given back like any others once a zone that used them is freed.
 *
 * Return: 0, or -1 with errno set (ENOMEM: too few hugepages, the message
 * naming the shortfall and the fix, or more than the region's max_size;
 * EINVAL: @bytes is 0, @m is not a live region, or a legacy region, which
 * never grows; EOVERFLOW: @bytes cannot be rounded up to whole pages).
 */
int ud_mem_grow(struct ud_mem *m, size_t bytes);

/* ------------------------------------------------------------------------
 * Zones
 */

/* struct ud_zone_params.flags */
#define UD_ZONE_IOVA_CONTIG 0x1u  /* one IOVA-contiguous block */
#define UD_ZONE_NUMA        0x2u  /* numa_node is set */

/**
 * struct ud_zone_params - constraints of a zone; zero means none.
 * @align: power of two; 0 = 64 (a cache line).  Alignment of the virtual
 *         address and, up to the page size (or beyond it for
 *         UD_ZONE_IOVA_CONTIG zones), of the IOVA.
 * @boundary: power of two or 0; the zone does not cross a multiple of it
 *            (in IOVA for UD_ZONE_IOVA_CONTIG zones; otherwise every
 *            page-sized IOVA piece is within one page anyway, and a
 *            boundary up to the page size holds for the whole zone).
 *            Must be >= the zone's length.
 * @iova_max: highest IOVA any byte of the zone may have (e.g. 0xffffffff
 *            for a 32-bit device); 0 = no limit.
 * @numa_node: node of the zone's pages, used only with UD_ZONE_NUMA in
 *             @flags; otherwise the region's node (any if it has none).
 * @flags: UD_ZONE_*; other bits are refused (EINVAL).
 */
struct ud_zone_params {
	size_t align;
	size_t boundary;
	uint64_t iova_max;
	int numa_node;
	unsigned int flags;
};

/** UD_ZONE_PARAMS_INIT - no constraints, region's node (same as all zeros). */
#define UD_ZONE_PARAMS_INIT { .numa_node = -1 }

struct ud_zone;

/**
 * ud_zone_reserve() - reserve @len bytes of DMA memory in @m.
 * @m: region.
 * @name: unique name within @m (copied, up to 63 bytes; longer is
 *        ENAMETOOLONG), or NULL for an anonymous zone.
 * @len: bytes, > 0.
 * @p: constraints; NULL = UD_ZONE_PARAMS_INIT.
 *
 * Finds room with a free-extent allocator (cost independent of the number of
 * zones); in dynamic mode maps more pages when there is none.  An
 * UD_ZONE_IOVA_CONTIG zone larger than a page needs physically adjacent
 * pages: the library looks for them among the pages it holds and, in
 * dynamic mode, among a batch of new ones (kept in physical order); when
 * there are none, the error (ENOMEM) states the largest contiguous size
 * available.  With a DMA limit, only pages wholly at or below it count;
 * when the pagemap or kernel pin source gives real physical addresses and
 * /proc/kpageflags can be read (root), too few free hugepages below the
 * limit fail at once, before any page is mapped, and the message names
 * the limit, the memory zones and what can work.  Without that knowledge
 * every free hugepage may be looked at (bounded by max_size).
 * Thread-safe.
 *
 * Return: the zone (memory not zeroed), or NULL with errno set (EINVAL bad
 * parameters, a NUMA node that does not exist, or @m not a live region;
 * ENAMETOOLONG name too long; EEXIST name in use; ENOMEM no room, or a
 * held uio_dma device could not pin the new page (RLIMIT_MEMLOCK); EPERM
 * called in a child forked after ud_mem_open()).
 */
struct ud_zone *ud_zone_reserve(struct ud_mem *m, const char *name,
				size_t len, const struct ud_zone_params *p);

/**
 * ud_zone_free() - give a zone back to its region.
 * @z: zone, or NULL (nothing to do, returns 0).
 *
 * In dynamic mode hugepages left without any zone go back to the kernel
 * (unless UD_MEM_KEEP).  Thread-safe.  A zone a pool or descriptor ring
 * holds (ud_pool_zone()) is refused: free its owner.
 *
 * Return: 0, or -1 with errno set (EINVAL: @z is not a live zone, e.g.
 * freed already or its region closed; EBUSY: a pool or descriptor ring
 * holds it; ENOMEM; EPERM: called in a child forked after ud_mem_open()).
 */
int ud_zone_free(struct ud_zone *z);

/**
 * ud_zone_lookup() - find a zone by name.
 * @m: region.
 * @name: as given to ud_zone_reserve().
 *
 * Return: the zone, or NULL with errno (ENOENT: no such zone; EINVAL: @m
 * is not a live region, or @name is NULL or "").
 */
struct ud_zone *ud_zone_lookup(struct ud_mem *m, const char *name);

/**
 * ud_zone_addr() - virtual address of the zone's first byte.
 * @z: zone.
 *
 * Return: the address (NULL, errno EINVAL, for anything but a live zone).
 */
void *ud_zone_addr(const struct ud_zone *z);

/**
 * ud_zone_len() - length of the zone in bytes, as requested.
 * @z: zone.
 *
 * Return: the length (0, errno EINVAL, for anything but a live zone).
 */
size_t ud_zone_len(const struct ud_zone *z);

/**
 * ud_zone_iova() - IOVA of the zone's first byte.
 * @z: zone.
 *
 * For a zone that is not IOVA-contiguous this holds only up to the end of
 * its first page; use ud_virt2iova() for the rest.
 *
 * Return: the IOVA (UD_BAD_IOVA, errno EINVAL, for anything but a live
 * zone).
 */
uint64_t ud_zone_iova(const struct ud_zone *z);

/**
 * ud_zone_iova_contig() - whether the whole zone is one IOVA block.
 * @z: zone.
 *
 * True for UD_ZONE_IOVA_CONTIG zones and for others that happen to be.
 *
 * Return: 1 or 0 (0, errno EINVAL, for anything but a live zone).
 */
int ud_zone_iova_contig(const struct ud_zone *z);

/**
 * ud_zone_name() - name of the zone.
 * @z: zone.
 *
 * Return: the name, "" for an anonymous zone ("", errno EINVAL, for
 * anything but a live zone).
 */
const char *ud_zone_name(const struct ud_zone *z);

/**
 * ud_zone_mem() - the region a zone belongs to.
 * @z: zone.
 *
 * Return: the region (NULL, errno EINVAL, for anything but a live zone).
 */
struct ud_mem *ud_zone_mem(const struct ud_zone *z);

/* ------------------------------------------------------------------------
 * Translation
 */

/**
 * ud_virt2iova() - IOVA of a byte of library memory: its physical address
 * in PA mode, the IOVA the library mapped it at in VA mode.
 * @va: any address inside memory of any open region.
 *
 * O(1): two dependent loads from tables filled when pages were mapped, no
 * system call, no lock; safe against concurrent zone reserve/free (not
 * against ud_mem_close() of the region @va is in).
 *
 * Return: the IOVA, or UD_BAD_IOVA (errno EFAULT) for an address that is
 * not in mapped library memory.
 */
uint64_t ud_virt2iova(const void *va);

/* The table behind ud_virt2iova_inline(); not an API of its own. */
struct ud_v2i_slot {
	const uint64_t *tab;
	unsigned long shift;
};
extern struct ud_v2i_slot ud_v2i_top[];

/**
 * ud_virt2iova_inline() - ud_virt2iova() without the function call.
 * @va: any address inside memory of any open region.
 *
 * The same two loads, inlined into the caller (about 1-2 ns less per
 * lookup on a hot path).  Unlike ud_virt2iova() it does not set errno or a
 * message on a miss.
 *
 * Return: the IOVA, or UD_BAD_IOVA for an address not in mapped library
 * memory.
 */
static inline uint64_t ud_virt2iova_inline(const void *va)
{
	uintptr_t a = (uintptr_t)va;
	const struct ud_v2i_slot *s;
	const uint64_t *tab;
	uint64_t pa;

	if (__builtin_expect(a >> 47, 0))
		return UD_BAD_IOVA;
	s = &ud_v2i_top[a >> 30];
	tab = __atomic_load_n(&s->tab, __ATOMIC_ACQUIRE);
	if (__builtin_expect(!tab, 0))
		return UD_BAD_IOVA;
	pa = __atomic_load_n(&tab[(a & ((1UL << 30) - 1)) >> s->shift],
			     __ATOMIC_RELAXED);
	if (__builtin_expect(pa == UD_BAD_IOVA, 0))
		return UD_BAD_IOVA;
	return pa + (a & ((1UL << s->shift) - 1));
}

/**
 * ud_iova2virt() - virtual address of an IOVA of library memory.
 * @iova: an IOVA returned by ud_virt2iova() or ud_zone_iova().
 *
 * O(1) expected: a hash of 2 MiB IOVA frames (physical frames in PA mode)
 * under a read lock (about 20-50 ns).  If the same physical page were
 * mapped twice, the first mapping found is returned.
 *
 * Return: the address, or NULL (errno EFAULT) if no library memory has
 * that IOVA.
 */
void *ud_iova2virt(uint64_t iova);

/* ------------------------------------------------------------------------
 * Stale files
 */

/** struct ud_clean_stats - what ud_hp_clean_stale() did. */
struct ud_clean_stats {
	unsigned long files_seen;     /* files matching the prefix */
	unsigned long files_removed;  /* stale ones removed */
	unsigned long files_in_use;   /* locked by a live process, kept */
	uint64_t bytes_freed;         /* hugepage memory returned to the kernel */
};

/**
 * ud_hp_clean_stale() - remove hugetlbfs files of dead processes.
 * @dir: hugetlbfs directory; NULL = every hugetlbfs mount.
 * @prefix: file name prefix; NULL = "uiodma".
 * @st: if not NULL, receives counts (zeroed first).
 * @log: if not NULL, one line per removed file is written here.
 *
 * Only regular files on hugetlbfs named as the library names them
 * ("<prefix>_<pid>_<n>_p<slot>", "<prefix>_<pid>_<n>_seg") are looked at;
 * anything else in @dir is left alone.  Such a file whose
 * flock(LOCK_EX|LOCK_NB) can be taken has no live owner (live regions hold
 * LOCK_SH) and is removed.  Needs write access to @dir.
 *
 * Return: number of files removed, or -1 with errno set (ENOTDIR: @dir, or
 * a mount listed as hugetlbfs, is not hugetlbfs; nothing was removed).
 */
long ud_hp_clean_stale(const char *dir, const char *prefix,
		       struct ud_clean_stats *st, FILE *log);

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_MEM_H */
