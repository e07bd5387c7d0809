/* SPDX-License-Identifier: MIT */
/*
 * A hash from a page's physical address to a 64-bit value (a pin handle, a
 * virtual address): open addressing with linear probing and tombstones.
 * Not thread-safe: its users lock.  Private to libuiodma.
 */
#ifndef UIODMA_PA_TABLE_H
#define UIODMA_PA_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UD_PA_EMPTY 0ull	/* no page has physical address 0 */
#define UD_PA_GONE  1ull	/* deleted slot (never page-aligned) */

struct ud_pa_table {
	size_t used, cap;	/* slots in use (incl. UD_PA_GONE), capacity */
	uint64_t *pa, *val;	/* cap entries each; NULL while empty */
};

/* Add @pa -> @val (@pa page-aligned, not 0, not present yet); 0, or -1
 * with ENOMEM and a message. */
int ud_pa_table_put(struct ud_pa_table *t, uint64_t pa, uint64_t val);
/* Remove @pa; true with its value in *@val if it was there. */
bool ud_pa_table_take(struct ud_pa_table *t, uint64_t pa, uint64_t *val);
/* Whether slot @i (< t->cap) holds an entry. */
static inline bool ud_pa_table_live(const struct ud_pa_table *t, size_t i)
{
	return t->pa[i] != UD_PA_EMPTY && t->pa[i] != UD_PA_GONE;
}
/* Free the arrays; @t is empty (and usable) again. */
void ud_pa_table_free(struct ud_pa_table *t);

#endif /* UIODMA_PA_TABLE_H */
