/* SPDX-License-Identifier: MIT */
/* Shared by pool.c and pool_zone.c; private to libuiodma. */
#ifndef UIODMA_POOL_INTERNAL_H
#define UIODMA_POOL_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <uiodma/pool.h>

#define UD_POOL_MAX_N (1u << 30)

/* struct ud_buf.state with UD_POOL_DEBUG */
enum { UD_BUF_FREE = 0x46524545u, UD_BUF_USED = 0x55534544u };

struct ud_pool {
	uint32_t magic;    /* handle.h: ud_hk_pool */
	char name[UD_POOL_NAME_LEN];
	struct ud_ring *ring;
	unsigned n;
	unsigned flags;
	size_t buf_len;    /* headroom + data room */
	size_t headroom;
	size_t priv_len;   /* private area, rounded to 64 */
	size_t align;
	size_t boundary;   /* 0 = none */
	uint64_t iova_max; /* 0 = none */
	uintptr_t lo, hi;  /* memory holding the buffers */
	struct ud_buf **bufs; /* by index */
	struct ud_zone *zone;
	int (*zone_free)(struct ud_zone *);
	pthread_mutex_t lock; /* caches list */
	struct ud_pool_cache *caches;
	unsigned ncaches;
	/* counters of the cache-less calls (UD_POOL_STATS) */
	_Atomic uint64_t st_gets, st_get_fails, st_puts;
};

/* Where buffers go: a description of memory for the layout. */
struct ud_layout_mem {
	uintptr_t va;
	size_t len;
	uint64_t (*v2i)(uintptr_t va, const struct ud_layout_mem *m);
	uint64_t iova;     /* base, for contiguous memory */
	uint64_t (*user_v2i)(const void *va, void *arg);
	void *arg;
	size_t page;       /* no DMA area crosses a multiple of it in VA; 0 none */
	int dry;           /* made-up addresses: do not check the DMA limit */
};

/* Check parameters, fill in the shape of @p; -1 with error recorded. */
int ud_pool_shape(struct ud_pool *p, const struct ud_pool_params *pp);

/* A new pool shaped by ud_pool_shape(), or NULL with error recorded. */
struct ud_pool *ud_pool_new(const struct ud_pool_params *pp);

/*
 * Give up on a pool from ud_pool_new() that could not be finished: free its
 * tables, its zone if it has one, and @p itself.  Keeps errno; returns
 * NULL.
 */
void *ud_pool_discard(struct ud_pool *p);

/*
 * Place @p->n buffers in @m.  With @bufs NULL only compute: *@used gets
 * the bytes from m->va to the end of the last DMA area.  Otherwise write
 * the headers and fill @bufs.  -1 with error recorded when they do not fit.
 */
int ud_pool_layout(struct ud_pool *p, const struct ud_layout_mem *m,
		   struct ud_buf **bufs, size_t *used);

/* Finish a pool whose bufs[] are laid out: ring, fill. -1 on error. */
int ud_pool_finish(struct ud_pool *p);

/* Free what ud_pool_shape()/finish() allocated, not the memory, and kill
 * the handle. */
void ud_pool_destroy(struct ud_pool *p);

/* IOVA of contiguous memory: base + offset. */
uint64_t ud_layout_contig_v2i(uintptr_t va, const struct ud_layout_mem *m);

#endif /* UIODMA_POOL_INTERNAL_H */
