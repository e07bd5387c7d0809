// SPDX-License-Identifier: MIT
/*
 * Process-wide translation tables.
 *
 * virt -> IOVA: a static top-level table with one slot per 1 GiB of the
 * 47-bit user address space (2^17 slots of 16 bytes, 2 MiB of bss that is
 * only touched where regions live).  A region's window is 1 GiB aligned, so
 * every slot it covers points into the region's own flat per-page IOVA
 * array.  A lookup is: slot = top[va >> 30]; iova = slot.tab[(va & 1G-1) >>
 * slot.shift] + offset - two dependent loads, no lock, no system call.
 * Entries are written before a page becomes reachable and set to
 * UD_BAD_IOVA before it is unmapped.
 *
 * IOVA -> virt: an open-addressing hash (linear probing) keyed by the
 * 2 MiB physical frame number, value the virtual address of that frame.
 * One entry per 2 MiB (a 1 GiB page has 512).  Guarded by a rwlock: a
 * lookup costs a read lock plus O(1) expected probes.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dma_pins.h"
#include "internal.h"
#include "mem_internal.h"

#define TOP_SHIFT 30
#define VA_BITS 47
#define TOP_N (1u << (VA_BITS - TOP_SHIFT))

/* exported for ud_virt2iova_inline() in uiodma/mem.h */
UD_EXPORT struct ud_v2i_slot ud_v2i_top[TOP_N];
#define top ud_v2i_top

int ud_map_register(char *base, size_t len, unsigned int page_shift,
		    uint64_t *iova)
{
	uintptr_t b = (uintptr_t)base;

	if ((b & ((1UL << TOP_SHIFT) - 1)) || (len & ((1UL << TOP_SHIFT) - 1)) ||
	    ((b + len) >> VA_BITS) || page_shift > TOP_SHIFT)
		return ud_fail(EINVAL, "internal: window %p+%zu cannot be "
			       "registered for translation (needs 1 GiB "
			       "alignment below 2^47)", base, len);
	for (uintptr_t a = b; a < b + len; a += 1UL << TOP_SHIFT) {
		struct ud_v2i_slot *s = &top[a >> TOP_SHIFT];

		s->shift = page_shift;
		__atomic_store_n(&s->tab, iova + ((a - b) >> page_shift),
				 __ATOMIC_RELEASE);
	}
	return 0;
}

void ud_map_unregister(char *base, size_t len)
{
	uintptr_t b = (uintptr_t)base;

	for (uintptr_t a = b; a < b + len; a += 1UL << TOP_SHIFT)
		__atomic_store_n(&top[a >> TOP_SHIFT].tab, NULL,
				 __ATOMIC_RELEASE);
}

UD_EXPORT uint64_t ud_virt2iova(const void *va)
{
	uintptr_t a = (uintptr_t)va;
	const uint64_t *tab;
	unsigned long sh;
	uint64_t pa;

	if (__builtin_expect(a >> VA_BITS, 0))
		goto bad;
	tab = __atomic_load_n(&top[a >> TOP_SHIFT].tab, __ATOMIC_ACQUIRE);
	if (__builtin_expect(!tab, 0))
		goto bad;
	sh = top[a >> TOP_SHIFT].shift;
	pa = __atomic_load_n(&tab[(a & ((1UL << TOP_SHIFT) - 1)) >> sh],
			     __ATOMIC_RELAXED);
	if (__builtin_expect(pa == UD_BAD_IOVA, 0))
		goto bad;
	return pa + (a & ((1UL << sh) - 1));
bad:
	ud_fail(EFAULT, "ud_virt2iova: %p is not in mapped libuiodma memory "
		"(not from a zone of an open region, or its page was given "
		"back)", va);
	return UD_BAD_IOVA;
}

/* ---- IOVA -> virt ---- */

#define FRAME_SHIFT 21

struct hent {
	uint64_t key;   /* frame + 1; 0 = empty */
	char *va;
};

static pthread_rwlock_t hlock = PTHREAD_RWLOCK_INITIALIZER;
static struct hent *htab;
static size_t hcap, hcount;

static inline size_t hslot(uint64_t key, size_t cap)
{
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key >> 32) & (cap - 1);
}

static void hput(struct hent *t, size_t cap, uint64_t key, char *va)
{
	size_t i = hslot(key, cap);

	while (t[i].key)
		i = (i + 1) & (cap - 1);
	t[i].key = key;
	t[i].va = va;
}

static int hgrow(size_t need)
{
	size_t ncap = hcap ? hcap : 1024;
	struct hent *nt;

	while (need * 2 > ncap)
		ncap *= 2;
	if (ncap == hcap)
		return 0;
	nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return ud_fail(ENOMEM, "out of memory for the IOVA table");
	for (size_t i = 0; i < hcap; i++)
		if (htab[i].key)
			hput(nt, ncap, htab[i].key, htab[i].va);
	free(htab);
	htab = nt;
	hcap = ncap;
	return 0;
}

static int iova_insert(uint64_t pa, char *va, size_t page_size)
{
	size_t n = page_size >> FRAME_SHIFT;
	int r = 0;

	pthread_rwlock_wrlock(&hlock);
	if (hgrow(hcount + n))
		r = -1;
	else
		for (size_t i = 0; i < n; i++, hcount++)
			hput(htab, hcap, (pa >> FRAME_SHIFT) + i + 1,
			     va + (i << FRAME_SHIFT));
	pthread_rwlock_unlock(&hlock);
	return r;
}

static void hdel(uint64_t key, char *va)
{
	size_t i = hslot(key, hcap), j;

	while (htab[i].key && !(htab[i].key == key && htab[i].va == va))
		i = (i + 1) & (hcap - 1);
	if (!htab[i].key)
		return;
	/* backward-shift deletion keeps probe chains intact */
	j = i;
	for (;;) {
		htab[i].key = 0;
		for (;;) {
			j = (j + 1) & (hcap - 1);
			if (!htab[j].key)
				goto done;
			size_t h = hslot(htab[j].key, hcap);
			/* can the entry at j move to i? (h not in (i, j]) */
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		htab[i] = htab[j];
		i = j;
	}
done:
	hcount--;
}

static void iova_remove(uint64_t pa, char *va, size_t page_size)
{
	size_t n = page_size >> FRAME_SHIFT;

	pthread_rwlock_wrlock(&hlock);
	if (htab)
		for (size_t i = 0; i < n; i++)
			hdel((pa >> FRAME_SHIFT) + i + 1, va + (i << FRAME_SHIFT));
	pthread_rwlock_unlock(&hlock);
}

int ud_page_publish(const struct ud_mem *m, uint64_t iova, char *va)
{
	if (iova_insert(iova, va, m->pgsz))
		return -1;
	if (ud_dma_pins_page_add(m, iova, va)) {
		iova_remove(iova, va, m->pgsz);
		return -1;
	}
	return 0;
}

void ud_page_unpublish(const struct ud_mem *m, uint64_t iova, char *va)
{
	iova_remove(iova, va, m->pgsz);
	ud_dma_pins_page_remove(m, iova);
}

UD_EXPORT void *ud_iova2virt(uint64_t iova)
{
	uint64_t key = (iova >> FRAME_SHIFT) + 1;
	char *va = NULL;

	pthread_rwlock_rdlock(&hlock);
	if (htab && iova != UD_BAD_IOVA) {
		size_t i = hslot(key, hcap);

		while (htab[i].key) {
			if (htab[i].key == key) {
				va = htab[i].va + (iova & ((1UL << FRAME_SHIFT) - 1));
				break;
			}
			i = (i + 1) & (hcap - 1);
		}
	}
	pthread_rwlock_unlock(&hlock);
	if (!va)
		ud_fail(EFAULT, "ud_iova2virt: IOVA %#" PRIx64 " is not in "
			"mapped libuiodma memory", iova);
	return va;
}
