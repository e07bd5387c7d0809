// SPDX-License-Identifier: MIT
/* Handle magic numbers and the quarantine of freed handles (handle.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/desc.h>
#include <uiodma/pool.h>
#include <uiodma/ring.h>
#include "dev_internal.h"
#include "handle.h"
#include "internal.h"
#include "mem_internal.h"
#include "pool_internal.h"

/* The magic of a freed handle: the live one with every bit of a byte
 * pattern flipped, so each kind's dead value is its own. */
#define DEAD(m) ((m) ^ 0xdeaddeadu)
#define KIND(var, what_, made, freed, magic, sz)                              \
	struct ud_hkind var = {                                               \
		.what = what_, .made_by = made, .freed_by = freed,            \
		.live = magic, .dead = DEAD(magic), .size = sz,               \
		.lock = PTHREAD_MUTEX_INITIALIZER,                            \
	}

KIND(ud_hk_mem, "memory region", "ud_mem_open()", "ud_mem_close()",
     0x756d4d65u /* "umMe" */, sizeof(struct ud_mem));
KIND(ud_hk_zone, "zone", "ud_zone_reserve()", "ud_zone_free() or ud_mem_close()",
     0x757a4f6eu, sizeof(struct ud_zone));
KIND(ud_hk_pool, "pool", "ud_pool_create()", "ud_pool_free()",
     0x75704f6fu, sizeof(struct ud_pool));
KIND(ud_hk_cache, "pool cache", "ud_pool_cache_create()",
     "ud_pool_cache_free()", 0x75634163u, 0);
KIND(ud_hk_ring, "ring", "ud_ring_create() or ud_ring_init()", "ud_ring_free()",
     0x75724952u, 0);
KIND(ud_hk_desc, "descriptor ring", "ud_desc_ring_create()",
     "ud_desc_ring_free()", 0x75644573u, sizeof(struct ud_desc_ring));
KIND(ud_hk_dev, "device handle", "ud_dev_open() or ud_dev_inspect()",
     "ud_dev_close()", 0x75644576u, sizeof(struct ud_dev));
KIND(ud_hk_irq, "interrupt handle", "ud_irq_open() or ud_irq_open_dev()",
     "ud_irq_close()", 0x75695251u, sizeof(struct ud_irq));

static struct ud_hkind *const kinds[] = {
	&ud_hk_mem, &ud_hk_zone, &ud_hk_pool, &ud_hk_cache,
	&ud_hk_ring, &ud_hk_desc, &ud_hk_dev, &ud_hk_irq,
};

/* The next pointer of a queued handle: after the magic. */
static void **next_of(void *h)
{
	return (void **)((char *)h + sizeof(void *));
}

void *ud_handle_new(struct ud_hkind *k)
{
	void *h = NULL;

	pthread_mutex_lock(&k->lock);
	if (k->n > UD_HANDLE_QUARANTINE) {
		h = k->head;
		k->head = *next_of(h);
		if (!k->head)
			k->tail = NULL;
		k->n--;
	}
	pthread_mutex_unlock(&k->lock);
	if (!h)
		h = malloc(k->size);
	if (!h)
		return ud_fail_null(ENOMEM, "out of memory for a %s", k->what);
	memset(h, 0, k->size);
	*(uint32_t *)h = k->live;
	return h;
}

void ud_handle_poison(struct ud_hkind *k, void *h)
{
	__atomic_store_n((uint32_t *)h, k->dead, __ATOMIC_RELAXED);
}

void ud_handle_kill(struct ud_hkind *k, void *h)
{
	/* everything but the magic: a stale pointer's fields are garbage
	 * rather than plausible */
	memset((char *)h + sizeof(uint32_t), 0x6b, k->size - sizeof(uint32_t));
	ud_handle_poison(k, h);
	*next_of(h) = NULL;
	pthread_mutex_lock(&k->lock);
	if (k->tail)
		*next_of(k->tail) = h;
	else
		k->head = h;
	k->tail = h;
	k->n++;
	pthread_mutex_unlock(&k->lock);
}

int ud_handle_bad(const struct ud_hkind *k, const void *h, const char *fn)
{
	uint32_t m;

	if (!h)
		return ud_fail(EINVAL, "%s: the %s is NULL; pass one from %s",
			       fn, k->what, k->made_by);
	m = __atomic_load_n((const uint32_t *)h, __ATOMIC_RELAXED);
	if (m == k->dead)
		return ud_fail(EINVAL, "%s: %s %p was freed by %s; a freed %s "
			       "cannot be used or freed again", fn, k->what, h,
			       k->freed_by, k->what);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (m == kinds[i]->live)
			return ud_fail(EINVAL, "%s: %p is a %s, not a %s", fn, h,
				       kinds[i]->what, k->what);
		if (m == kinds[i]->dead)
			return ud_fail(EINVAL, "%s: %p is a freed %s, not a %s",
				       fn, h, kinds[i]->what, k->what);
	}
	return ud_fail(EINVAL, "%s: %p is not a %s (its first word is %#x, "
		       "not the %s magic): a wrong pointer or overwritten "
		       "memory", fn, h, k->what, m, k->what);
}

/* ---- live sets ------------------------------------------------------------ */

#define GONE ((const void *)1)

static size_t hash_ptr(const void *h, size_t cap)
{
	return (size_t)(((uintptr_t)h >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

/* Index of @h, or of the free slot to put it in; with s->lock held. */
static size_t find(const struct ud_hset *s, const void *h, int *found)
{
	size_t i = hash_ptr(h, s->cap), first_gone = SIZE_MAX;

	for (;; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == h) {
			*found = 1;
			return i;
		}
		if (s->slot[i] == GONE && first_gone == SIZE_MAX)
			first_gone = i;
		if (!s->slot[i]) {
			*found = 0;
			return first_gone != SIZE_MAX ? first_gone : i;
		}
	}
}

static int grow(struct ud_hset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	const void **old = s->slot, **slot = calloc(cap, sizeof(*slot));
	size_t oldcap = s->cap;

	if (!slot)
		return ud_fail(ENOMEM, "out of memory for the table of live "
			       "handles");
	s->slot = slot;
	s->cap = cap;
	s->used = 0;
	for (size_t i = 0; i < oldcap; i++) {
		int found;

		if (old[i] && old[i] != GONE) {
			s->slot[find(s, old[i], &found)] = old[i];
			s->used++;
		}
	}
	free(old);
	return 0;
}

int ud_hset_add(struct ud_hset *s, const void *h)
{
	int found, r = 0;

	pthread_mutex_lock(&s->lock);
	if ((s->used + 1) * 2 > s->cap)
		r = grow(s);
	if (!r) {
		size_t i = find(s, h, &found);

		if (!found) {
			if (!s->slot[i])
				s->used++;
			s->slot[i] = h;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* Whether @h is in @s; with @del, remove it too. */
static int lookup(struct ud_hset *s, const void *h, int del)
{
	int found = 0;

	pthread_mutex_lock(&s->lock);
	if (s->cap) {
		size_t i = find(s, h, &found);

		if (found && del)
			s->slot[i] = GONE;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

int ud_hset_del(struct ud_hset *s, const void *h)
{
	return lookup(s, h, 1);
}

int ud_hset_has(struct ud_hset *s, const void *h)
{
	return lookup(s, h, 0);
}
