// SPDX-License-Identifier: MIT
/*
 * The process's VFIO container: who uses it, which groups are attached,
 * every DMA mapping the library made (a hash by IOVA, so mappings made
 * before the first group can be applied when it comes, as SPDK does), and
 * its IOVA space.  The kernel side is a backend (lib/vfio_type1.c, or a
 * test's fake).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma/error.h>

#include "internal.h"
#include "vfio.h"

struct mapping {
	uint64_t iova, va, len;
	struct mapping *next;
};

static struct {
	pthread_mutex_t lock;
	int users;
	int groups;
	bool ranges_known;
	const struct ud_vfio_backend *be;     /* while open */
	const struct ud_vfio_backend *next_be; /* NULL: ud_vfio_type1 */
	struct ud_iova_space sp;
	struct mapping **tab;                 /* hash by iova */
	size_t nbuckets, nmaps;
} C = { .lock = PTHREAD_MUTEX_INITIALIZER };

static size_t bucket(uint64_t iova, size_t n)
{
	return (size_t)((iova >> 12) * 0x9e3779b97f4a7c15ull >> 20) & (n - 1);
}

static int tab_grow(void)
{
	size_t n = C.nbuckets ? C.nbuckets * 2 : 1024;
	struct mapping **t = calloc(n, sizeof(*t));

	if (!t)
		return ud_fail(ENOMEM, "out of memory for the DMA mapping table");
	for (size_t i = 0; i < C.nbuckets; i++) {
		for (struct mapping *e = C.tab[i], *nx; e; e = nx) {
			nx = e->next;
			e->next = t[bucket(e->iova, n)];
			t[bucket(e->iova, n)] = e;
		}
	}
	free(C.tab);
	C.tab = t;
	C.nbuckets = n;
	return 0;
}

static struct mapping **tab_find(uint64_t iova)
{
	struct mapping **pp;

	if (!C.nbuckets)
		return NULL;
	for (pp = &C.tab[bucket(iova, C.nbuckets)]; *pp; pp = &(*pp)->next)
		if ((*pp)->iova == iova)
			return pp;
	return NULL;
}

static void tab_free(void)
{
	for (size_t i = 0; i < C.nbuckets; i++)
		for (struct mapping *e = C.tab[i], *nx; e; e = nx) {
			nx = e->next;
			free(e);
		}
	free(C.tab);
	C.tab = NULL;
	C.nbuckets = C.nmaps = 0;
}

int ud_vfio_set_backend(const struct ud_vfio_backend *be)
{
	int rc = 0;

	pthread_mutex_lock(&C.lock);
	if (C.users)
		rc = ud_fail(EBUSY, "the VFIO container is in use; change its "
			     "backend only before the first user");
	else
		C.next_be = be;
	pthread_mutex_unlock(&C.lock);
	return rc;
}

int ud_vfio_get(void)
{
	int rc = 0;

	pthread_mutex_lock(&C.lock);
	if (!C.users) {
		const struct ud_vfio_backend *be = C.next_be ? C.next_be :
						   &ud_vfio_type1;

		rc = be->open(be->ctx);
		if (rc == 0) {
			C.be = be;
			ud_iova_space_init(&C.sp);
			C.ranges_known = false;
			C.groups = 0;
		}
	}
	if (rc == 0)
		C.users++;
	pthread_mutex_unlock(&C.lock);
	return rc;
}

void ud_vfio_put(void)
{
	pthread_mutex_lock(&C.lock);
	if (C.users > 0 && --C.users == 0) {
		if (C.be->close)
			C.be->close(C.be->ctx);
		C.be = NULL;
		tab_free();
		ud_iova_space_fini(&C.sp);
	}
	pthread_mutex_unlock(&C.lock);
}

/* Make every held mapping in the IOMMU; on failure undo what was made. */
static int replay(void)
{
	for (size_t i = 0; i < C.nbuckets; i++) {
		for (struct mapping *e = C.tab[i]; e; e = e->next) {
			if (C.be->map(C.be->ctx, e->va, e->iova, e->len) == 0)
				continue;
			int err = errno;

			for (size_t j = 0; j <= i; j++)
				for (struct mapping *f = C.tab[j]; f && f != e;
				     f = f->next)
					C.be->unmap(C.be->ctx, f->iova, f->len);
			errno = err;
			return ud_fail_wrap(err, "applying the DMA mappings held "
					    "until the first VFIO group: ");
		}
	}
	return 0;
}

int ud_vfio_group_attach(int group_fd)
{
	struct ud_iova_range r[UD_IOVA_MAX_RANGES];
	size_t nr = 0;
	bool first;
	int rc = -1;

	pthread_mutex_lock(&C.lock);
	if (!C.users) {
		pthread_mutex_unlock(&C.lock);
		return ud_fail(EINVAL, "internal: VFIO group attached to a "
			       "container nobody uses");
	}
	first = C.groups == 0;
	if (C.be->attach(C.be->ctx, group_fd, first, r, &nr))
		goto out;
	if (first) {
		if (ud_iova_space_set_ranges(&C.sp, r, nr)) {
			ud_fail_wrap(ERANGE, "attaching the first VFIO group "
				     "(open the device before the memory, so "
				     "the memory is placed where its IOMMU "
				     "accepts it): ");
			goto undo;
		}
		C.ranges_known = true;
		if (replay())
			goto undo;
	}
	C.groups++;
	rc = 0;
	goto out;
undo:
	{
		int e = errno;
		char msg[UD_ERRMSG_MAX];

		snprintf(msg, sizeof(msg), "%s", ud_errmsg());
		C.be->detach(C.be->ctx, group_fd);
		ud_fail(e, "%s", msg);
	}
out:
	pthread_mutex_unlock(&C.lock);
	return rc;
}

int ud_vfio_group_detach(int group_fd)
{
	int rc;

	pthread_mutex_lock(&C.lock);
	rc = C.users ? C.be->detach(C.be->ctx, group_fd) :
		ud_fail(EINVAL, "internal: VFIO group detached from a "
			"container nobody uses");
	if (rc == 0 && C.groups > 0)
		C.groups--;	/* at 0 the kernel dropped the IOMMU and its
				 * mappings: they are held again */
	pthread_mutex_unlock(&C.lock);
	return rc;
}

int ud_vfio_groups(void)
{
	int n;

	pthread_mutex_lock(&C.lock);
	n = C.groups;
	pthread_mutex_unlock(&C.lock);
	return n;
}

int ud_vfio_map(uint64_t va, uint64_t iova, uint64_t len)
{
	struct mapping *e;
	int rc = -1;

	pthread_mutex_lock(&C.lock);
	if (!C.users) {
		ud_fail(EINVAL, "internal: DMA mapping without a VFIO container");
		goto out;
	}
	if (tab_find(iova)) {
		ud_fail(EEXIST, "IOVA %#" PRIx64 " is mapped already", iova);
		goto out;
	}
	if (C.nmaps >= C.nbuckets && tab_grow())
		goto out;
	e = malloc(sizeof(*e));
	if (!e) {
		ud_fail(ENOMEM, "out of memory for a DMA mapping");
		goto out;
	}
	if (C.groups && C.be->map(C.be->ctx, va, iova, len)) {
		free(e);
		goto out;
	}
	*e = (struct mapping){ iova, va, len, C.tab[bucket(iova, C.nbuckets)] };
	C.tab[bucket(iova, C.nbuckets)] = e;
	C.nmaps++;
	rc = 0;
out:
	pthread_mutex_unlock(&C.lock);
	return rc;
}

int ud_vfio_unmap(uint64_t iova, uint64_t len)
{
	struct mapping **pp, *e;
	int rc = -1;

	pthread_mutex_lock(&C.lock);
	pp = C.users ? tab_find(iova) : NULL;
	if (!pp || (*pp)->len != len) {
		ud_fail(ENOENT, "internal: IOVA %#" PRIx64 " + %#" PRIx64 " was "
			"never mapped as one piece", iova, len);
		goto out;
	}
	if (C.groups && C.be->unmap(C.be->ctx, iova, len))
		goto out;	/* still in the IOMMU: keep it on record */
	e = *pp;
	*pp = e->next;
	free(e);
	C.nmaps--;
	rc = 0;
out:
	pthread_mutex_unlock(&C.lock);
	return rc;
}

size_t ud_vfio_mappings(void)
{
	size_t n;

	pthread_mutex_lock(&C.lock);
	n = C.nmaps;
	pthread_mutex_unlock(&C.lock);
	return n;
}

int ud_vfio_iova_take(uint64_t start, uint64_t len)
{
	int rc;

	pthread_mutex_lock(&C.lock);
	rc = ud_iova_space_take(&C.sp, start, len);
	pthread_mutex_unlock(&C.lock);
	return rc;
}

int ud_vfio_iova_alloc(uint64_t len, uint64_t align, uint64_t boundary,
		       uint64_t lo, uint64_t hi, uint64_t *out)
{
	int rc;

	pthread_mutex_lock(&C.lock);
	rc = ud_iova_space_alloc(&C.sp, len, align, boundary, lo, hi, out);
	pthread_mutex_unlock(&C.lock);
	return rc;
}

void ud_vfio_iova_put(uint64_t start, uint64_t len)
{
	pthread_mutex_lock(&C.lock);
	if (C.users)
		ud_iova_space_put(&C.sp, start, len);
	pthread_mutex_unlock(&C.lock);
}

size_t ud_vfio_iova_ranges(struct ud_iova_range *r)
{
	size_t n;

	pthread_mutex_lock(&C.lock);
	n = C.sp.nr;
	memcpy(r, C.sp.r, n * sizeof(*r));
	pthread_mutex_unlock(&C.lock);
	return n;
}

bool ud_vfio_ranges_known(void)
{
	bool k;

	pthread_mutex_lock(&C.lock);
	k = C.ranges_known;
	pthread_mutex_unlock(&C.lock);
	return k;
}
