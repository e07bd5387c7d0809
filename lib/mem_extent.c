// SPDX-License-Identifier: MIT
/*
 * Free extents of a region: the mapped memory that no zone holds, as a list
 * of [off, off + len) sorted by address and coalesced on free.  Zones
 * (mem_zone.c) are carved out of it; pages a region maps are added to it.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "mem_internal.h"

static struct ud_ext *ext_new(size_t off, size_t len)
{
	struct ud_ext *e = malloc(sizeof(*e));

	if (e) {
		e->off = off;
		e->len = len;
		e->prev = e->next = NULL;
	}
	return e;
}

static void ext_unlink(struct ud_mem *m, struct ud_ext *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		m->ext_head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	m->n_ext--;
	free(e);
}

int ud_ext_add(struct ud_mem *m, size_t off, size_t len)
{
	struct ud_ext *prev = NULL, *next = m->ext_head, *e;

	while (next && next->off < off) {
		prev = next;
		next = next->next;
	}
	if (prev && prev->off + prev->len == off) {
		prev->len += len;
		if (next && prev->off + prev->len == next->off) {
			prev->len += next->len;
			ext_unlink(m, next);
		}
		return 0;
	}
	if (next && off + len == next->off) {
		next->off = off;
		next->len += len;
		return 0;
	}
	e = ext_new(off, len);
	if (!e)
		return ud_fail(ENOMEM, "out of memory for a free extent");
	e->prev = prev;
	e->next = next;
	if (prev)
		prev->next = e;
	else
		m->ext_head = e;
	if (next)
		next->prev = e;
	m->n_ext++;
	return 0;
}

/* Remove [off, off+len) from the extent e that contains it. */
int ud_ext_carve(struct ud_mem *m, struct ud_ext *e, size_t off, size_t len)
{
	size_t end = e->off + e->len;

	if (off == e->off && len == e->len) {
		ext_unlink(m, e);
	} else if (off == e->off) {
		e->off += len;
		e->len -= len;
	} else if (off + len == end) {
		e->len -= len;
	} else {
		struct ud_ext *t = ext_new(off + len, end - off - len);

		if (!t)
			return ud_fail(ENOMEM, "out of memory for a free extent");
		e->len = off - e->off;
		t->prev = e;
		t->next = e->next;
		if (e->next)
			e->next->prev = t;
		e->next = t;
		m->n_ext++;
	}
	return 0;
}

int ud_ext_take(struct ud_mem *m, size_t off, size_t len)
{
	for (struct ud_ext *e = m->ext_head; e; e = e->next)
		if (e->off <= off && off + len <= e->off + e->len)
			return ud_ext_carve(m, e, off, len);
	return ud_fail(EFAULT, "internal: range %zu+%zu is not free", off, len);
}
