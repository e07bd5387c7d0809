/* SPDX-License-Identifier: MIT */
/*
 * Handles: the magic number each handle starts with, and where freed
 * handles go.  Private to libuiodma.
 *
 * Every handle (struct ud_mem, ud_zone, ud_pool, ud_desc_ring, ud_dev,
 * ud_irq; struct ud_ring and ud_pool_cache too) begins with a 32-bit magic
 * number of its kind.  A call checks it before anything else, so NULL, a
 * pointer to a handle of another kind and a handle already freed are
 * errors (EINVAL, a message naming the call and what was passed) and not a
 * crash.
 *
 * A freed handle of a fixed-size kind is not given back to malloc: its
 * magic becomes the kind's "dead" value, the rest is poisoned, and it
 * waits in a FIFO of the kind's freed handles.  Only when more than
 * UD_HANDLE_QUARANTINE of them wait is the oldest used again for a new
 * handle of the same kind.  So the memory a freed handle pointer points at
 * stays ours and readable, and a second free or a use after free is seen
 * as such, unless the handle has been recycled since (then the stale
 * pointer names the new handle: that remains undefined).  What a kind
 * keeps is bounded by its largest number of live handles plus the
 * quarantine.
 */
#ifndef UIODMA_HANDLE_H
#define UIODMA_HANDLE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define UD_HANDLE_QUARANTINE 16

struct ud_hkind {
	const char *what;	/* "memory region", for messages */
	const char *made_by;	/* "ud_mem_open()" */
	const char *freed_by;	/* "ud_mem_close()" */
	uint32_t live, dead;	/* magic of a live and of a freed handle */
	size_t size;		/* bytes of a handle; 0: not recycled here */
	pthread_mutex_t lock;	/* the FIFO below */
	void *head, *tail;	/* freed handles, oldest first */
	size_t n;
};

extern struct ud_hkind ud_hk_mem, ud_hk_zone, ud_hk_pool, ud_hk_cache,
	ud_hk_ring, ud_hk_desc, ud_hk_dev, ud_hk_irq;

/*
 * The live handles of a variable-size kind (rings from ud_ring_create(),
 * pool caches), which go back to malloc when freed: a free looks its
 * pointer up here before touching it, so a second free is refused.
 */
struct ud_hset {
	pthread_mutex_t lock;
	const void **slot;	/* open addressing; NULL empty, GONE deleted */
	size_t cap, used;	/* used counts deleted slots too */
};
#define UD_HSET_INIT { .lock = PTHREAD_MUTEX_INITIALIZER }

/* Add @h; 0, or -1 with ENOMEM and a message. */
int ud_hset_add(struct ud_hset *s, const void *h);
/* Remove @h; 1 if it was there, 0 if not. */
int ud_hset_del(struct ud_hset *s, const void *h);
/* 1 if @h is there. */
int ud_hset_has(struct ud_hset *s, const void *h);

/* A zeroed handle of kind @k with its live magic; NULL (ENOMEM, message)
 * when out of memory. */
void *ud_handle_new(struct ud_hkind *k);

/* Poison @h (a live handle of kind @k, its resources already released)
 * and queue it; it is not given back to malloc. */
void ud_handle_kill(struct ud_hkind *k, void *h);

/* Mark @h dead without queueing it (memory the caller frees or owns). */
void ud_handle_poison(struct ud_hkind *k, void *h);

/* The error of ud_handle_check(): -1, EINVAL and a message. */
int ud_handle_bad(const struct ud_hkind *k, const void *h, const char *fn);

/*
 * ud_handle_check() - 0 if @h is a live handle of kind @k, else -1 with
 * errno EINVAL and a message naming @fn and what @h is (NULL, freed, of
 * another kind, or not a handle).  One load and a compare when it is live.
 */
static inline int ud_handle_check(const struct ud_hkind *k, const void *h,
				  const char *fn)
{
	if (__builtin_expect(h && __atomic_load_n((const uint32_t *)h,
						  __ATOMIC_RELAXED) == k->live, 1))
		return 0;
	return ud_handle_bad(k, h, fn);
}

#endif /* UIODMA_HANDLE_H */
