// SPDX-License-Identifier: MIT
/*
 * A hash from physical page address to a value (pa_table.h).  Keys are
 * page addresses, so the multiplier scatters them from bit 12 up; the
 * table stays at most half full, tombstones included.  When it fills,
 * it is rebuilt from its live entries only (so tombstones go): at twice
 * the size if they fill a quarter of it, else at the same size, so a
 * table that sees many puts and takes does not grow without end.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "pa_table.h"

static size_t slot_of(const struct ud_pa_table *t, uint64_t pa)
{
	return (size_t)((pa >> 12) * 0x9e3779b97f4a7c15ull) & (t->cap - 1);
}

static void put_slot(struct ud_pa_table *t, uint64_t pa, uint64_t val)
{
	size_t i;

	for (i = slot_of(t, pa); t->pa[i] != UD_PA_EMPTY; i = (i + 1) & (t->cap - 1))
		;
	t->pa[i] = pa;
	t->val[i] = val;
	t->used++;
}

static int rebuild(struct ud_pa_table *t)
{
	struct ud_pa_table old = *t;
	size_t live = 0;

	for (size_t i = 0; i < old.cap; i++)
		live += ud_pa_table_live(&old, i);
	t->cap = !old.cap ? 64 : (live + 1) * 4 > old.cap ? old.cap * 2 : old.cap;
	t->used = 0;
	t->pa = calloc(t->cap, sizeof(*t->pa));
	t->val = calloc(t->cap, sizeof(*t->val));
	if (!t->pa || !t->val) {
		free(t->pa);
		free(t->val);
		*t = old;
		return ud_fail(ENOMEM, "out of memory for a table of pages");
	}
	for (size_t i = 0; i < old.cap; i++)
		if (ud_pa_table_live(&old, i))
			put_slot(t, old.pa[i], old.val[i]);
	free(old.pa);
	free(old.val);
	return 0;
}

int ud_pa_table_put(struct ud_pa_table *t, uint64_t pa, uint64_t val)
{
	if ((t->used + 1) * 2 > t->cap && rebuild(t))
		return -1;
	put_slot(t, pa, val);
	return 0;
}

bool ud_pa_table_take(struct ud_pa_table *t, uint64_t pa, uint64_t *val)
{
	for (size_t i = t->cap ? slot_of(t, pa) : 0, n = 0; n < t->cap;
	     i = (i + 1) & (t->cap - 1), n++) {
		if (t->pa[i] == UD_PA_EMPTY)
			break;
		if (t->pa[i] == pa) {
			t->pa[i] = UD_PA_GONE;
			*val = t->val[i];
			return true;
		}
	}
	return false;
}

void ud_pa_table_free(struct ud_pa_table *t)
{
	free(t->pa);
	free(t->val);
	*t = (struct ud_pa_table){ 0 };
}
