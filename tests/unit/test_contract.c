// SPDX-License-Identifier: MIT
/*
 * The library's contract at every call (uiodma/error.h): NULL, a handle of
 * another kind, a handle freed or closed twice or used after it, unknown
 * flags, sizes that overflow, names that do not fit; errors as -1/NULL
 * with errno and a message, never a crash or a negative errno; the same
 * pool behaviour for every pool; messages that name the real cause.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uiodma.h>
#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define NEED 8 /* hugepages this program needs */

HP_FIXTURE(PS, NEED)

/* @call failed as the convention says: @rc, errno @err, a message with @s. */
#define FAILS(call, rc, err, s)                                               \
	do {                                                                  \
		errno = 0;                                                    \
		ud_clear_error();                                             \
		ck_assert_msg((call) == (rc), "%s did not fail", #call);      \
		ck_assert_msg(errno == (err), "%s: errno %d, want %d (%s)",   \
			      #call, errno, (err), ud_errmsg());              \
		ck_assert_msg(strstr(ud_errmsg(), (s)),                       \
			      "%s: message '%s' lacks '%s'", #call,           \
			      ud_errmsg(), (s));                              \
	} while (0)

static const char long_name[] =
	"a-name-of-one-hundred-characters-a-name-of-one-hundred-characters-"
	"a-name-of-one-hundred-characters-x";

/* ---- rings ------------------------------------------------------------- */

START_TEST(ring_handles)
{
	struct ud_ring *r = ud_ring_create("r", 4, 0);
	void *o;

	ck_assert_ptr_nonnull(r);
	/* one convention: -1 and errno, no negative errno */
	ck_assert_int_eq(ud_ring_dequeue(r, &o), -1);
	ck_assert_int_eq(errno, ENOENT);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(ud_ring_enqueue(r, &o), 0);
	errno = 0;
	ck_assert_int_eq(ud_ring_enqueue(r, &o), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	ck_assert_int_eq(ud_ring_free(NULL), 0);
	ck_assert_int_eq(ud_ring_free(r), 0);
	FAILS(ud_ring_free(r), -1, EINVAL, "freed already");
	FAILS(ud_ring_reset(NULL), -1, EINVAL, "NULL");
	FAILS(strcmp(ud_ring_name(NULL), ""), 0, EINVAL, "ud_ring_name");
	FAILS(ud_ring_create(long_name, 4, 0), NULL, ENAMETOOLONG,
	      "at most 31");
	FAILS(ud_ring_create("r", 3, 0), NULL, EINVAL, "power of two");
	FAILS(ud_ring_create("r", 4, 0x80), NULL, EINVAL, "unknown bits");
}
END_TEST

/* ---- pools over caller memory ------------------------------------------- */

struct plain {
	void *va;
	struct ud_pool_mem mem;
};

static struct ud_pool *plain_pool(struct plain *m, const char *name,
				  unsigned n, unsigned flags)
{
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;

	m->va = aligned_alloc(4096, 1 << 20);
	ck_assert_ptr_nonnull(m->va);
	memset(&m->mem, 0, sizeof(m->mem));
	m->mem.va = m->va;
	m->mem.len = 1 << 20;
	m->mem.iova = 0x100000000ull;
	pp.name = name;
	pp.n = n;
	pp.data_room = 1024;
	pp.flags = flags;
	return ud_pool_create_mem(&pp, &m->mem);
}

START_TEST(pool_handles)
{
	struct plain a, b;
	struct ud_pool *p = plain_pool(&a, "a", 8, 0);
	struct ud_pool *q = plain_pool(&b, "b", 8, 0);
	struct ud_pool_cache *c;
	struct ud_buf *x;
	struct ud_pool_stats st;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	FAILS(ud_pool_get(NULL), NULL, EINVAL, "pool is NULL");
	FAILS(ud_pool_put(NULL), -1, EINVAL, "NULL buffer");
	FAILS(ud_pool_get_bulk(NULL, &x, 1), -1, EINVAL, "NULL");
	FAILS(ud_pool_stats(NULL, &st), -1, EINVAL, "NULL");
	FAILS(ud_pool_size(NULL), 0u, EINVAL, "ud_pool_size");
	FAILS(ud_pool_cache_create(NULL, 16), NULL, EINVAL, "NULL");
	/* a handle of another kind */
	FAILS(ud_pool_get((struct ud_pool *)ud_ring_create("r", 2, 0)), NULL,
	      EINVAL, "is a ring, not a pool");

	/* a foreign buffer, without UD_POOL_DEBUG: named as such */
	x = ud_pool_get(q);
	ck_assert_ptr_nonnull(x);
	FAILS(ud_pool_put_bulk(p, &x, 1), -1, EINVAL, "belongs to pool 'b'");
	ck_assert_int_eq(ud_pool_put(x), 0);

	/* caches: double free, and the cache freed with its pool */
	c = ud_pool_cache_create(p, 4);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ud_pool_cache_free(c), 0);
	FAILS(ud_pool_cache_free(c), -1, EINVAL, "not a live pool cache");
	FAILS(ud_pool_cache_flush(NULL), -1, EINVAL, "NULL");
	ck_assert_int_eq(ud_pool_cache_free(NULL), 0);

	/* free twice, use after free */
	ck_assert_int_eq(ud_pool_free(NULL), 0);
	ck_assert_int_eq(ud_pool_free(p), 0);
	FAILS(ud_pool_free(p), -1, EINVAL, "was freed by ud_pool_free()");
	FAILS(ud_pool_get(p), NULL, EINVAL, "was freed");
	FAILS(strcmp(ud_pool_name(p), ""), 0, EINVAL, "was freed");
	ck_assert_int_eq(ud_pool_free(q), 0);
	free(a.va);
	free(b.va);
}
END_TEST

START_TEST(pool_params)
{
	struct plain a;

	/* names fit or fail: never cut */
	FAILS(plain_pool(&a, long_name, 8, 0), NULL, ENAMETOOLONG, "at most 31");
	free(a.va);
	FAILS(plain_pool(&a, "f", 8, 0x4000), NULL, EINVAL, "unknown bits");
	free(a.va);
	FAILS(plain_pool(&a, "z", 0, 0), NULL, EINVAL, "out of range");
	free(a.va);
}
END_TEST

/* A double put without UD_POOL_DEBUG aborts on every pool, whatever its
 * size (a power of two or not), once all its buffers are back. */
START_TEST(pool_double_put_aborts)
{
	static const unsigned sizes[] = { 3, 4 };
	struct plain a;
	struct ud_pool *p = plain_pool(&a, "dbl", sizes[_i], 0);
	struct ud_buf *b = ud_pool_get(p);

	ck_assert_int_eq(ud_pool_put(b), 0);
	ud_pool_put(b); /* the pool would hold n + 1 free buffers */
	ck_abort_msg("a double put returned on a pool of %u", sizes[_i]);
}
END_TEST

/* ... and through a cache, at the flush that overflows the ring. */
START_TEST(pool_double_put_cache_aborts)
{
	struct plain a;
	struct ud_pool *p = plain_pool(&a, "dblc", 3, 0);
	struct ud_pool_cache *c = ud_pool_cache_create(p, 1);
	struct ud_buf *b = ud_pool_get(p);

	ud_pool_cache_put(c, b);
	ud_pool_cache_put(c, b);
	ud_pool_cache_put(c, b);
	ud_pool_cache_free(c);
	ck_abort_msg("a double put through a cache was not caught");
}
END_TEST

/* With UD_POOL_DEBUG: refused at the put, the pool intact. */
START_TEST(pool_double_put_debug)
{
	struct plain a, b;
	struct ud_pool *p = plain_pool(&a, "dbg", 3, UD_POOL_DEBUG);
	struct ud_pool *q = plain_pool(&b, "other", 3, 0);
	struct ud_buf *x = ud_pool_get(p), *y = ud_pool_get(q);

	ck_assert_int_eq(ud_pool_put(x), 0);
	FAILS(ud_pool_put(x), -1, EINVAL, "double free");
	FAILS(ud_pool_put_bulk(p, &y, 1), -1, EINVAL, "belongs to pool 'other'");
	ck_assert_uint_eq(ud_pool_avail(p), 3);
	ud_pool_free(p);
	ud_pool_free(q);
	free(a.va);
	free(b.va);
}
END_TEST

/* ---- descriptor rings over caller memory --------------------------------- */

START_TEST(desc_handles)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	void *va = aligned_alloc(4096, 4096);
	struct ud_desc_ring *r;
	uint64_t d[2] = { 0, 0 };

	p.count = 2;
	p.desc_size = 16;
	p.flags = UD_DESC_USE_ALL;
	p.name = long_name;
	FAILS(ud_desc_ring_create_mem(&p, va, 0x1000, 4096), NULL,
	      ENAMETOOLONG, "at most 31");
	p.name = "d";
	p.flags = 0x100;
	FAILS(ud_desc_ring_create_mem(&p, va, 0x1000, 4096), NULL, EINVAL,
	      "unknown bits");
	p.flags = 0;
	r = ud_desc_ring_create_mem(&p, va, 0x1000, 4096);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(ud_desc_post_copy(r, d, NULL), 0);
	errno = 0;
	ck_assert_int_eq(ud_desc_post_copy(r, d, NULL), -1);	/* count - 1 */
	ck_assert_int_eq(errno, ENOBUFS);
	errno = 0;
	ck_assert_ptr_null(ud_desc_next(r));
	ck_assert_int_eq(errno, ENOBUFS);
	ck_assert_int_eq(ud_desc_ring_free(NULL), 0);
	ck_assert_int_eq(ud_desc_ring_free(r), 0);
	FAILS(ud_desc_ring_free(r), -1, EINVAL, "was freed by");
	FAILS(ud_desc_ring_reset(r), -1, EINVAL, "was freed by");
	FAILS(ud_desc_ring_reset(NULL), -1, EINVAL, "NULL");
	free(va);
}
END_TEST

/* ---- devices and interrupts: handles only (no device needed) ------------- */

START_TEST(dev_handles)
{
	struct ud_dev_info *list;
	struct ud_bar_info bi;
	struct ud_dev *d;
	unsigned int n = 7;
	size_t cnt, len;

	ck_assert_int_eq(ud_dev_close(NULL), 0);
	FAILS(ud_dev_map_bar(NULL, 0, 0, &len), NULL, EINVAL, "NULL");
	FAILS(ud_dev_caps(NULL, &n), 0u, EINVAL, "ud_dev_caps");
	ck_assert_uint_eq(n, 0);
	FAILS(ud_dev_bar_info(NULL, 0, &bi), -1, EINVAL, "NULL");
	FAILS(ud_dev_bus_master(NULL, 1), -1, EINVAL, "NULL");
	FAILS(ud_dev_find_cap(NULL, UD_PCI_CAP_MSI), 0u, EINVAL, "NULL");
	FAILS(ud_dev_get_info(NULL), NULL, EINVAL, "NULL");
	FAILS(ud_irq_enable(NULL, 0), -1, EINVAL, "NULL");
	FAILS(ud_irq_wait(NULL, 0, 0), -1, EINVAL, "NULL");
	FAILS(ud_irq_vectors(NULL), 0u, EINVAL, "NULL");
	FAILS(ud_irq_open_dev(NULL), NULL, EINVAL, "NULL");
	ck_assert_int_eq(ud_irq_close(NULL), 0);

	/* a real handle that only looks, on whatever device this host has */
	if (ud_dev_list(&list, &cnt, 0) || !cnt)
		UD_SKIP("no PCI device on this host");
	d = ud_dev_inspect(list[0].addr);
	free(list);
	ck_assert_msg(d, "%s", ud_errmsg());
	ck_assert_ptr_nonnull(ud_dev_get_info(d));
	FAILS(ud_irq_open_dev(d), NULL, EPERM, "only looks");
	ck_assert_int_eq(ud_dev_close(d), 0);
	FAILS(ud_dev_close(d), -1, EINVAL, "was freed by ud_dev_close()");
	FAILS(ud_dev_map_bar(d, 0, 0, &len), NULL, EINVAL, "was freed");
	FAILS(ud_dev_cfg_read16(d, 0, (uint16_t *)&n), -1, EINVAL, "was freed");
	/* another kind of handle */
	FAILS(ud_irq_close((struct ud_irq *)d), -1, EINVAL, "freed device handle");
}
END_TEST

/* ---- memory: checks before any page is mapped ----------------------------- */

START_TEST(mem_config)
{
	struct ud_mem_config c = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	char prefix[100];

	c.flags = 0x100;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "unknown bits");
	c.flags = 0;
	c.va_size = SIZE_MAX;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "va_size");
	c.va_size = 0;
	c.prealloc = SIZE_MAX;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "prealloc");
	c.prealloc = 0;
	c.max_size = (size_t)1 << 50;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "max_size");
	c.max_size = 0;
	c.mode = (enum ud_mem_mode)7;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "unknown mode");
	c.mode = UD_MEM_DYNAMIC;
	c.backing = (enum ud_backing)9;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "unknown backing");
	c.backing = UD_BACKING_MEMFD;
	memset(prefix, 'p', sizeof(prefix) - 1);
	prefix[sizeof(prefix) - 1] = '\0';
	c.prefix = prefix;
	FAILS(ud_mem_open(&c), NULL, ENAMETOOLONG, "file prefix");
	c.prefix = NULL;
	c.flags = UD_MEM_NUMA;
	c.numa_node = 999;
	FAILS(ud_mem_open(&c), NULL, EINVAL, "NUMA node 999 does not exist");
	c.flags = 0;

	/* a dynamic region maps nothing at open */
	m = ud_mem_open(NULL);
	if (!m)
		UD_SKIP("ud_mem_open: %s", ud_errmsg());
	FAILS(ud_mem_grow(m, SIZE_MAX), -1, EOVERFLOW, "whole");
	FAILS(ud_mem_grow(m, 0), -1, EINVAL, "0 bytes");
	FAILS(ud_mem_grow(NULL, 1), -1, EINVAL, "NULL");
	ck_assert_int_eq(ud_mem_close(NULL), 0);
	ck_assert_int_eq(ud_mem_close(m), 0);
	FAILS(ud_mem_close(m), -1, EINVAL, "was freed by ud_mem_close()");
	FAILS(ud_mem_grow(m, PS), -1, EINVAL, "was freed");
	FAILS(ud_zone_reserve(m, "z", 64, NULL), NULL, EINVAL, "was freed");
	FAILS(ud_zone_free((struct ud_zone *)m), -1, EINVAL,
	      "freed memory region, not a zone");
}
END_TEST

/* ---- memory with hugepages ------------------------------------------------ */

START_TEST(zone_handles)
{
	struct ud_zone_params zp = UD_ZONE_PARAMS_INIT;
	struct ud_mem *m;
	struct ud_zone *z, *y;

	HP_NEED_PAGES(PS, 2);
	m = ud_mem_open(NULL);
	ck_assert_msg(m, "%s", ud_errmsg());
	FAILS(ud_zone_reserve(m, long_name, 64, NULL), NULL, ENAMETOOLONG,
	      "at most 63");
	zp.flags = 0x40;
	FAILS(ud_zone_reserve(m, "f", 64, &zp), NULL, EINVAL, "unknown bits");
	zp.flags = UD_ZONE_NUMA;
	zp.numa_node = 999;
	FAILS(ud_zone_reserve(m, "n", 64, &zp), NULL, EINVAL,
	      "NUMA node 999 does not exist");
	FAILS(ud_zone_reserve(m, "big", SIZE_MAX, NULL), NULL, ENOMEM,
	      "address space");
	z = ud_zone_reserve(m, "z", 4096, NULL);
	ck_assert_msg(z, "%s", ud_errmsg());
	y = ud_zone_reserve(m, "y", 4096, NULL);
	ck_assert_msg(y, "%s", ud_errmsg());
	ck_assert_int_eq(ud_zone_free(NULL), 0);
	ck_assert_int_eq(ud_zone_free(z), 0);
	FAILS(ud_zone_free(z), -1, EINVAL, "was freed");
	FAILS(ud_zone_len(z), 0u, EINVAL, "was freed");
	FAILS(ud_zone_iova(z), UD_BAD_IOVA, EINVAL, "was freed");
	/* closing the region frees its zones: y is dead too */
	ck_assert_int_eq(ud_mem_close(m), 0);
	FAILS(ud_zone_addr(y), NULL, EINVAL, "was freed");
	FAILS(ud_zone_free(y), -1, EINVAL, "was freed");
}
END_TEST

/* Pools and descriptor rings must go before their region. */
START_TEST(mem_dependents)
{
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	struct ud_desc_ring_params dp = UD_DESC_RING_PARAMS_INIT;
	struct ud_mem *m;
	struct ud_pool *p;
	struct ud_desc_ring *r;
	struct ud_buf *b;

	HP_NEED_PAGES(PS, 2);
	m = ud_mem_open(NULL);
	ck_assert_msg(m, "%s", ud_errmsg());
	pp.name = "rx";
	pp.n = 64;
	pp.data_room = 2048;
	pp.iova_max = 1;
	FAILS(ud_pool_create(m, &pp), NULL, EINVAL, "DMA limit 0x1");
	ck_assert_ptr_null(strstr(ud_errmsg(), "IOVA 0x")); /* no dry-run IOVA */
	pp.iova_max = 0;
	p = ud_pool_create(m, &pp);
	ck_assert_msg(p, "%s", ud_errmsg());
	dp.name = "txq0";
	dp.count = 64;
	dp.desc_size = 16;
	r = ud_desc_ring_create(m, &dp);
	ck_assert_msg(r, "%s", ud_errmsg());
	FAILS(ud_zone_free(ud_pool_zone(p)), -1, EBUSY, "holds pool 'rx'");
	FAILS(ud_mem_close(m), -1, EBUSY, "pool 'rx'");
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "descriptor ring 'txq0'"));
	/* refused: nothing was freed, the pool still works */
	b = ud_pool_get(p);
	ck_assert_ptr_nonnull(b);
	memset(ud_buf_data(b), 0x5a, ud_buf_room(b));
	ck_assert_int_eq(ud_pool_put(b), 0);
	ck_assert_int_eq(ud_pool_free(p), 0);
	FAILS(ud_mem_close(m), -1, EBUSY, "descriptor ring 'txq0'");
	ck_assert_int_eq(ud_desc_ring_free(r), 0);
	ck_assert_int_eq(ud_mem_close(m), 0);
}
END_TEST

/*
 * A DMA limit no free hugepage meets: with /proc/kpageflags the search
 * stops before mapping any page, and the message names the limit, the
 * memory zones and a fix, not fragmentation.  The first 4 MiB of physical
 * memory never hold a free hugepage.
 */
START_TEST(limit_unreachable)
{
	struct ud_zone_params zp = UD_ZONE_PARAMS_INIT;
	struct ud_mem_stats st;
	struct ud_mem *m;

	HP_NEED_PAGES(PS, 2);
	if (access("/proc/kpageflags", R_OK))
		UD_SKIP("cannot read /proc/kpageflags");
	m = ud_mem_open(NULL);
	ck_assert_msg(m, "%s", ud_errmsg());
	zp.iova_max = 2 * PS - 1;
	zp.flags = UD_ZONE_IOVA_CONTIG;
	FAILS(ud_zone_reserve(m, "low", 16384, &zp), NULL, ENOMEM,
	      "lie at or below the DMA address limit 0x3fffff");
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "/proc/kpageflags"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "Fix:"));
	ck_assert_ptr_null(strstr(ud_errmsg(), "fragmented"));
	ck_assert_int_eq(ud_mem_stats(m, &st), 0);
	ck_assert_uint_eq(st.pages_given_back, 0); /* nothing was mapped */
	ck_assert_uint_eq(st.pages_mapped, 0);
	ud_mem_close(m);
}
END_TEST

/* In legacy mode the limit is named too. */
START_TEST(limit_legacy)
{
	struct ud_zone_params zp = UD_ZONE_PARAMS_INIT;
	struct ud_mem_config c = UD_MEM_CFG_INIT;
	struct ud_mem *m;

	HP_NEED_PAGES(PS, 2);
	c.mode = UD_MEM_LEGACY;
	c.prealloc = 2 * PS;
	m = ud_mem_open(&c);
	ck_assert_msg(m, "%s", ud_errmsg());
	zp.iova_max = 2 * PS - 1;
	FAILS(ud_zone_reserve(m, "low", 4096, &zp), NULL, ENOMEM,
	      "legacy region's 2 hugepages");
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "0x3fffff"));
	ud_mem_close(m);
}
END_TEST

/* The shortage message names the real node, not "nodeN". */
START_TEST(shortage_names_node)
{
	struct ud_mem_config c = UD_MEM_CFG_INIT;

	HP_NEED_PAGES(PS, 1);
	c.flags = UD_MEM_NUMA;
	c.numa_node = 0;
	c.prealloc = (size_t)(hp_avail(PS) + 1) * PS;
	FAILS(ud_mem_open(&c), NULL, ENOMEM,
	      "/sys/devices/system/node/node0/hugepages");
	ck_assert_ptr_null(strstr(ud_errmsg(), "nodeN"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "--node 0"));
}
END_TEST

/* README's example: an IOVA-contiguous ring zone, its IOVA in two halves. */
START_TEST(readme_example)
{
	struct ud_mem *mem;
	struct ud_zone *ring;
	uint64_t iova;

	HP_NEED_PAGES(PS, 1);
	mem = ud_mem_open(NULL);
	ck_assert_msg(mem, "%s", ud_errmsg());
	struct ud_zone_params zp = { .align = 4096, .flags = UD_ZONE_IOVA_CONTIG };
	ring = ud_zone_reserve(mem, "rx-ring", 16384, &zp);
	ck_assert_msg(ring, "%s", ud_errmsg());
	iova = ud_zone_iova(ring);
	ck_assert_uint_ne(iova, UD_BAD_IOVA);
	ck_assert_uint_eq(iova % 4096, 0);
	ck_assert_uint_eq(ud_virt2iova((char *)ud_zone_addr(ring) + 16383),
			  iova + 16383);
	ck_assert_int_eq(ud_mem_close(mem), 0);
}
END_TEST

static Suite *contract_suite(void)
{
	Suite *s = suite_create("contract");
	TCase *tc = tcase_create("handles");
	TCase *hp = tcase_create("hugepages");

	tcase_add_test(tc, ring_handles);
	tcase_add_test(tc, pool_handles);
	tcase_add_test(tc, pool_params);
	tcase_add_loop_test_raise_signal(tc, pool_double_put_aborts, SIGABRT,
					 0, 2);
	tcase_add_test_raise_signal(tc, pool_double_put_cache_aborts, SIGABRT);
	tcase_add_test(tc, pool_double_put_debug);
	tcase_add_test(tc, desc_handles);
	tcase_add_test(tc, dev_handles);
	tcase_add_test(tc, mem_config);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(hp, hp_setup, hp_teardown);
	tcase_set_timeout(hp, 60);
	tcase_add_test(hp, zone_handles);
	tcase_add_test(hp, mem_dependents);
	tcase_add_test(hp, limit_unreachable);
	tcase_add_test(hp, limit_legacy);
	tcase_add_test(hp, shortage_names_node);
	tcase_add_test(hp, readme_example);
	suite_add_tcase(s, hp);
	return s;
}

UD_TEST_MAIN(contract_suite)
