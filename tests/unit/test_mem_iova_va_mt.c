// SPDX-License-Identifier: MIT
/*
 * VA mode under concurrency (also run under ThreadSanitizer): two regions
 * share the process's VFIO container (a fake one, as in
 * test_mem_iova_va.c), and four threads reserve and free zones in them for
 * a second (some with a 32-bit DMA limit, so low IOVAs come and go too)
 * while the group is attached, detached and attached again.  The fake
 * kernel refuses a second map of a mapped IOVA and the unmap of anything
 * not mapped, so a mapping made or dropped twice, or an IOVA handed out
 * twice, fails a reserve; at the end nothing is left mapped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <uiodma.h>

#include "vfio.h"
#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define NEED 24
#define RUN_NS 1000000000ull

HP_FIXTURE(PS, NEED)

static pthread_mutex_t flock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint64_t iova[256], len[256];
	size_t n;
	int groups;
} F;
static _Atomic int bad;
static char badmsg[256];

static int f_open(void *ctx)
{
	(void)ctx;
	return 0;
}

static int f_attach(void *ctx, int gfd, bool first, struct ud_iova_range *r,
		    size_t *nr)
{
	(void)ctx;
	(void)gfd;
	if (first) {
		r[0] = (struct ud_iova_range){ 0, 0xfedfffff };
		r[1] = (struct ud_iova_range){ 0xfef00000, (1ull << 39) - 1 };
		*nr = 2;
	}
	pthread_mutex_lock(&flock);
	F.groups++;
	pthread_mutex_unlock(&flock);
	return 0;
}

static int f_detach(void *ctx, int gfd)
{
	(void)ctx;
	(void)gfd;
	pthread_mutex_lock(&flock);
	if (--F.groups == 0)
		F.n = 0;
	pthread_mutex_unlock(&flock);
	return 0;
}

static int f_map(void *ctx, uint64_t va, uint64_t iova, uint64_t len)
{
	int rc = 0;

	(void)ctx;
	(void)va;
	pthread_mutex_lock(&flock);
	for (size_t i = 0; i < F.n && !rc; i++)
		if (iova < F.iova[i] + F.len[i] && F.iova[i] < iova + len)
			rc = ud_mem_fail(EEXIST, "fake: IOVA %#llx mapped twice",
					 (unsigned long long)iova);
	if (!rc && F.n == 256)
		rc = ud_mem_fail(ENOSPC, "fake: too many mappings");
	if (!rc) {
		F.iova[F.n] = iova;
		F.len[F.n++] = len;
	}
	pthread_mutex_unlock(&flock);
	return rc;
}

static int f_unmap(void *ctx, uint64_t iova, uint64_t len)
{
	int rc = -1;

	(void)ctx;
	pthread_mutex_lock(&flock);
	for (size_t i = 0; i < F.n; i++)
		if (F.iova[i] == iova && F.len[i] == len) {
			F.iova[i] = F.iova[--F.n];
			F.len[i] = F.len[F.n];
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&flock);
	return rc ? ud_mem_fail(EINVAL, "fake: no mapping at %#llx",
				(unsigned long long)iova) : 0;
}

static const struct ud_vfio_backend fake = {
	.name = "fake", .open = f_open, .attach = f_attach,
	.detach = f_detach, .map = f_map, .unmap = f_unmap,
};

struct worker {
	struct ud_mem *m;
	int id;
	uint64_t t0;
	unsigned long ops;
};

static void flag_bad(const char *what)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&bad, &zero, 1))
		snprintf(badmsg, sizeof(badmsg), "%s", what);
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct ud_zone *z[3] = { 0 };
	unsigned rs = 7u + (unsigned)w->id;

	while (ut_now_ns() - w->t0 < RUN_NS && !atomic_load(&bad)) {
		unsigned k = (rs = rs * 1103515245u + 12345u) >> 16;
		unsigned slot = k % 3;

		if (z[slot]) {
			if (ud_zone_free(z[slot]))
				flag_bad(ud_errmsg());
			z[slot] = NULL;
		} else {
			struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
			uint64_t iova;

			p.iova_max = k & 4 ? 0xffffffffull : 0;
			p.flags = UD_ZONE_IOVA_CONTIG;
			z[slot] = ud_zone_reserve(w->m, NULL, (1 + k % 2) * PS - 64, &p);
			if (!z[slot]) {
				if (errno != ENOMEM)
					flag_bad(ud_errmsg());
				continue;
			}
			iova = ud_virt2iova(ud_zone_addr(z[slot]));
			if (iova != ud_zone_iova(z[slot]) ||
			    (p.iova_max && iova + ud_zone_len(z[slot]) - 1 > p.iova_max))
				flag_bad("a zone's IOVA is wrong");
			memset(ud_zone_addr(z[slot]), w->id, 64);
		}
		w->ops++;
	}
	for (int i = 0; i < 3; i++)
		if (z[i] && ud_zone_free(z[i]))
			flag_bad(ud_errmsg());
	return NULL;
}

START_TEST(va_threads)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m[2];
	struct worker w[4];
	pthread_t t[4];
	uint64_t t0;
	int attached = 0;

	HP_NEED_PAGES(PS, 16);
	ck_assert_int_eq(ud_vfio_set_backend(&fake), 0);
	ck_assert_int_eq(ud_vfio_get(), 0);	/* as an open device holds it */
	cfg.page_size = PS;
	cfg.va_size = (size_t)1 << 30;
	cfg.max_size = 8 * PS;
	cfg.iova_mode = UD_IOVA_MODE_VA;
	for (int i = 0; i < 2; i++) {
		m[i] = ud_mem_open(&cfg);
		ck_assert_msg(m[i], "%s", ud_errmsg());
	}
	t0 = ut_now_ns();
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .m = m[i % 2], .id = i + 1, .t0 = t0 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	/* the group comes and goes while the threads map and unmap */
	while (ut_now_ns() - t0 < RUN_NS && !atomic_load(&bad)) {
		if (attached ? ud_vfio_group_detach(3) : ud_vfio_group_attach(3))
			flag_bad(ud_errmsg());
		attached = !attached;
		usleep(20000);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ck_assert_msg(!atomic_load(&bad), "%s", badmsg);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_gt(w[i].ops, 10);
	ck_assert_int_eq(ud_mem_close(m[0]), 0);
	ck_assert_int_eq(ud_mem_close(m[1]), 0);
	ck_assert_uint_eq(ud_vfio_mappings(), 0);
	ck_assert_uint_eq(F.n, 0);
	if (attached)
		ck_assert_int_eq(ud_vfio_group_detach(3), 0);
	ud_vfio_put();
}
END_TEST

static Suite *va_mt_suite(void)
{
	Suite *s = suite_create("mem_iova_va_mt");
	TCase *tc = tcase_create("threads");

	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, va_threads);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(va_mt_suite)
