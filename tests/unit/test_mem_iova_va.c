// SPDX-License-Identifier: MIT
/*
 * VA mode (IOVA as VA) on this host, which has no IOMMU: real hugepages,
 * a fake VFIO container injected in place of /dev/vfio/vfio.  The fake
 * behaves as type1 does in the test guests (vfio-facts.md): it refuses
 * IOVAs outside its ranges (EINVAL), a second map of a mapped IOVA
 * (EEXIST) and the unmap of anything but a whole earlier mapping (EINVAL),
 * and it drops every mapping when its last group leaves.  Checked: window
 * placement (IOVA = VA inside a 39-bit IOMMU, from 4 GiB; a window of its
 * own when the IOMMU is narrower), the MSI window never handed out, zones
 * with a DMA limit on low IOVAs, mappings held until the first group and
 * unmapped before a virtual address is reused, the mode choice and its
 * refusals.  The real container is exercised in the guest
 * (tests/guest/vfio.sh); here only its refusal without vfio.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uiodma.h>

#include "iova_mode.h"
#include "iova_space.h"
#include "mem_internal.h"
#include "vfio.h"
#include "unit.h"
#include "hugepages.h"

#define PS UD_PGSZ_2M
#define NEED 16
#define GIB (1ull << 30)
#define MSI_LO 0xfee00000ull
#define MSI_HI 0xfeefffffull

HP_FIXTURE(PS, NEED)

/* ---- the fake container ---- */

struct fmap {
	uint64_t va, iova, len;
};

static struct {
	struct ud_iova_range r[4];
	size_t nr;
	int groups;
	struct fmap map[64];
	size_t n;
	unsigned int maps, unmaps;
} F;

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
		memcpy(r, F.r, F.nr * sizeof(*r));
		*nr = F.nr;
	}
	F.groups++;
	return 0;
}

static int f_detach(void *ctx, int gfd)
{
	(void)ctx;
	(void)gfd;
	if (--F.groups == 0)
		F.n = 0;	/* the IOMMU goes with the last group */
	return 0;
}

static int f_map(void *ctx, uint64_t va, uint64_t iova, uint64_t len)
{
	bool in = false;

	(void)ctx;
	for (size_t i = 0; i < F.nr; i++)
		in |= iova >= F.r[i].start && iova + len - 1 <= F.r[i].end;
	if (!in)
		return ud_mem_fail(EINVAL, "fake: IOVA %#llx outside the ranges",
				   (unsigned long long)iova);
	for (size_t i = 0; i < F.n; i++)
		if (iova < F.map[i].iova + F.map[i].len &&
		    F.map[i].iova < iova + len)
			return ud_mem_fail(EEXIST, "fake: IOVA %#llx mapped",
					   (unsigned long long)iova);
	ck_assert_uint_lt(F.n, 64);
	F.map[F.n++] = (struct fmap){ va, iova, len };
	F.maps++;
	return 0;
}

static int f_unmap(void *ctx, uint64_t iova, uint64_t len)
{
	(void)ctx;
	for (size_t i = 0; i < F.n; i++)
		if (F.map[i].iova == iova && F.map[i].len == len) {
			F.map[i] = F.map[--F.n];
			F.unmaps++;
			return 0;
		}
	return ud_mem_fail(EINVAL, "fake: no mapping at IOVA %#llx + %#llx",
			   (unsigned long long)iova, (unsigned long long)len);
}

static const struct ud_vfio_backend fake = {
	.name = "fake", .open = f_open, .attach = f_attach,
	.detach = f_detach, .map = f_map, .unmap = f_unmap,
};

/* The fake in place, reporting @nr ranges @r at the first attach. */
static void use_fake(const struct ud_iova_range *r, size_t nr)
{
	memset(&F, 0, sizeof(F));
	memcpy(F.r, r, nr * sizeof(*r));
	F.nr = nr;
	ck_assert_int_eq(ud_vfio_set_backend(&fake), 0);
}

static const struct ud_iova_range r39[] = {
	{ 0, MSI_LO - 1 }, { MSI_HI + 1, (1ull << 39) - 1 },
};
static const struct ud_iova_range r32[] = {
	{ 0, MSI_LO - 1 }, { MSI_HI + 1, 0xffffffffull },
};

/* The kernel's mapping at @iova (the fake's), or NULL. */
static const struct fmap *mapped(uint64_t iova)
{
	for (size_t i = 0; i < F.n; i++)
		if (F.map[i].iova == iova)
			return &F.map[i];
	return NULL;
}

static struct ud_mem *open_va(size_t va_size)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;

	cfg.page_size = PS;
	cfg.va_size = va_size;
	cfg.iova_mode = UD_IOVA_MODE_VA;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "ud_mem_open: %s", ud_errmsg());
	ck_assert_int_eq(ud_mem_iova_mode(m), UD_IOVA_MODE_VA);
	return m;
}

static struct ud_zone *zone(struct ud_mem *m, const char *name, size_t len,
			    uint64_t iova_max, bool contig)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z;

	p.iova_max = iova_max;
	p.flags = contig ? UD_ZONE_IOVA_CONTIG : 0;
	z = ud_zone_reserve(m, name, len, &p);
	ck_assert_msg(z, "zone %s: %s", name, ud_errmsg());
	return z;
}

/* Every page of @z: its IOVA is in the kernel's map at its address (if a
 * group is attached), outside the MSI window, not 0; translation both
 * ways; the memory is writable. */
static void check_zone(struct ud_zone *z, bool attached)
{
	char *a = ud_zone_addr(z);
	size_t len = ud_zone_len(z);

	for (size_t o = 0; o < len; o += PS / 2) {
		uint64_t iova = ud_virt2iova(a + o);
		uint64_t pg = iova & ~(uint64_t)(PS - 1);
		const struct fmap *f = mapped(pg);

		ck_assert_uint_ne(iova, UD_BAD_IOVA);
		ck_assert_uint_ge(pg, PS);
		ck_assert(pg + PS - 1 < MSI_LO || pg > MSI_HI);
		ck_assert_ptr_eq(ud_iova2virt(iova), a + o);
		if (attached) {
			ck_assert_msg(f, "IOVA %#llx not in the IOMMU",
				      (unsigned long long)pg);
			ck_assert_uint_eq(f->va, (uintptr_t)(a + o) & ~(PS - 1));
			ck_assert_uint_eq(f->len, PS);
		}
	}
	memset(a, 0xa5, len);
}

/* IOVA = VA for @a, unless the process cannot have addresses there (in
 * the 39-bit window, from 4 GiB): a sanitizer's shadow memory. */
static void check_identity(const void *a, uint64_t iova)
{
	void *p = mmap((void *)(uintptr_t)(4 * GIB), PS, PROT_NONE, MAP_PRIVATE |
		       MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	bool low_free = (uintptr_t)a < (1ull << 39) || p != MAP_FAILED;

	if (p != MAP_FAILED)
		munmap(p, PS);
	if (low_free)
		ck_assert_uint_eq(iova, (uintptr_t)a);
	else
		ck_assert_uint_lt(iova, 1ull << 39);
}

/* ---- the IOVA space alone ---- */

START_TEST(space_msi_hole)
{
	struct ud_iova_space s;
	uint64_t a, prev = 0;

	ud_iova_space_init(&s);
	/* blocks from just below the MSI window up: none lands in it */
	for (int i = 0; i < 12; i++) {
		ck_assert_int_eq(ud_iova_space_alloc(&s, PS, PS, 0, 0xfe000000ull,
						     UINT64_MAX, &a), 0);
		ck_assert(a + PS - 1 < MSI_LO || a > MSI_HI);
		ck_assert_uint_gt(a, prev);
		prev = a;
	}
	ck_assert_uint_eq(prev, 0xff800000ull);	/* 7 below, 5 above it */
	ck_assert(!ud_iova_space_free(&s, MSI_LO, PS));
	/* IOVA 0 is never handed out; nothing above the 39-bit end */
	ck_assert_int_eq(ud_iova_space_alloc(&s, PS, PS, 0, 0, UINT64_MAX, &a), 0);
	ck_assert_uint_eq(a, PS);
	ck_assert_int_eq(ud_iova_space_take(&s, 1ull << 39, PS), -1);
	ck_assert_int_eq(errno, ERANGE);
	ud_iova_space_fini(&s);
}
END_TEST

START_TEST(space_limits)
{
	struct ud_iova_space s;
	uint64_t a, b;

	ud_iova_space_init(&s);
	/* below a 28-bit limit, aligned, not crossing a boundary */
	ck_assert_int_eq(ud_iova_space_alloc(&s, 3 * PS, 4 * PS, 0, PS,
					     0xfffffff, &a), 0);
	ck_assert_uint_eq(a, 4 * PS);
	ck_assert_int_eq(ud_iova_space_alloc(&s, 3 * PS, PS, 4 * PS, PS,
					     0xfffffff, &b), 0);
	ck_assert_uint_eq(b, PS);	/* 1..3 stays inside 0..4 */
	ck_assert_int_eq(ud_iova_space_alloc(&s, 2 * PS, PS, 4 * PS, PS,
					     0xfffffff, &b), 0);
	ck_assert_uint_eq(b, 8 * PS);	/* 7..8 would cross 8 */
	/* give back a middle page: only it is free again */
	ud_iova_space_put(&s, 5 * PS, PS);
	ck_assert(ud_iova_space_free(&s, 5 * PS, PS));
	ck_assert(!ud_iova_space_free(&s, 4 * PS, PS));
	ck_assert(!ud_iova_space_free(&s, 6 * PS, PS));
	/* the limit is a limit */
	ck_assert_int_eq(ud_iova_space_alloc(&s, 256ull << 20, PS, 0, PS,
					     0xfffffff, &b), -1);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "0xfffffff"));
	/* real ranges that leave a taken piece outside are refused */
	ck_assert_int_eq(ud_iova_space_take(&s, 8ull << 30, GIB), 0);
	ck_assert_int_eq(ud_iova_space_set_ranges(&s, r32, 2), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "0x200000000-0x23fffffff"));
	ud_iova_space_put(&s, 8ull << 30, GIB);
	ck_assert_int_eq(ud_iova_space_set_ranges(&s, r32, 2), 0);
	ud_iova_space_fini(&s);
}
END_TEST

/* ---- regions over the fake container ---- */

/* Memory first (39-bit assumed), then the group: held, then made. */
START_TEST(va_memory_first)
{
	struct ud_mem *m;
	struct ud_zone *z;
	char *a;
	uint64_t iova;
	unsigned int maps;

	HP_NEED_PAGES(PS, 4);
	use_fake(r39, 2);
	m = open_va(GIB);
	z = zone(m, "ring", 3 * PS, 0, true);
	a = ud_zone_addr(z);
	iova = ud_zone_iova(z);
	/* IOVA = VA, inside the 39-bit window, from 4 GiB (where those
	 * addresses are taken, as ASan's shadow takes them: IOVAs there) */
	check_identity(a, iova);
	ck_assert_uint_ge(iova, 4 * GIB);
	ck_assert_uint_lt(iova + 3 * PS, 1ull << 39);
	ck_assert(ud_zone_iova_contig(z));
	/* no group yet: held, not in the IOMMU */
	ck_assert_uint_eq(F.n, 0);
	ck_assert_uint_eq(ud_vfio_mappings(), 3);
	check_zone(z, false);
	ck_assert_int_eq(ud_vfio_group_attach(3), 0);
	ck_assert_uint_eq(F.n, 3);
	check_zone(z, true);
	/* freed: out of the IOMMU before the address can hold another page */
	ck_assert_int_eq(ud_zone_free(z), 0);
	ck_assert_uint_eq(F.n, 0);
	ck_assert_uint_eq(ud_vfio_mappings(), 0);
	maps = F.maps;
	z = zone(m, "again", PS, 0, false);
	ck_assert_uint_eq(F.maps, maps + 1);	/* mapped at once now */
	check_zone(z, true);
	/* the last group leaves: held again, and made for the next first */
	ck_assert_int_eq(ud_vfio_group_detach(3), 0);
	ck_assert_uint_eq(F.n, 0);
	ck_assert_int_eq(ud_vfio_group_attach(4), 0);
	check_zone(z, true);
	ck_assert_int_eq(ud_mem_close(m), 0);
	ck_assert_uint_eq(F.n, 0);
	ck_assert_uint_eq(F.unmaps, F.maps - 1); /* one went with the group */
}
END_TEST

/* A 32-bit IOMMU, group first: no place for IOVA = VA from 4 GiB, so the
 * window has IOVAs of its own, below 4 GiB and around the MSI window. */
START_TEST(va_narrow_iommu)
{
	struct ud_mem *m;
	struct ud_zone *z, *low;
	char buf[4096];
	FILE *f;

	HP_NEED_PAGES(PS, 4);
	use_fake(r32, 2);
	ck_assert_int_eq(ud_vfio_get(), 0);
	ck_assert_int_eq(ud_vfio_group_attach(3), 0);
	m = open_va(GIB);
	z = zone(m, "buf", 2 * PS, 0, true);
	ck_assert_uint_ne(ud_zone_iova(z), (uintptr_t)ud_zone_addr(z));
	ck_assert_uint_lt(ud_zone_iova(z) + 2 * PS - 1, 0xffffffffull);
	check_zone(z, true);
	/* a 28-bit device: low IOVAs, never 0 */
	low = zone(m, "dev28", PS, 0xfffffff, false);
	ck_assert_uint_le(ud_zone_iova(low) + PS - 1, 0xfffffff);
	check_zone(low, true);
	/* the dump says the mode, why, and where the window is */
	f = fmemopen(buf, sizeof(buf), "w");
	ck_assert_int_eq(ud_mem_dump(f, m), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "IOVA mode VA: asked for"));
	ck_assert_ptr_nonnull(strstr(buf, "does not accept the VA"));
	ck_assert_int_eq(ud_mem_close(m), 0);
	ck_assert_uint_eq(F.n, 0);
	ud_vfio_put();
}
END_TEST

/* DMA limits under a 39-bit IOMMU: a 32-bit zone gets low IOVAs (not the
 * window's), given back and reused when it is freed; a limit the window
 * meets keeps IOVA = VA. */
START_TEST(va_iova_max)
{
	struct ud_mem *m;
	struct ud_zone *z, *w;
	uint64_t first;

	HP_NEED_PAGES(PS, 6);
	use_fake(r39, 2);
	ck_assert_int_eq(ud_vfio_get(), 0);
	ck_assert_int_eq(ud_vfio_group_attach(3), 0);
	m = open_va(GIB);
	z = zone(m, "dev32", 3 * PS, 0xffffffff, true);
	first = ud_zone_iova(z);
	ck_assert_uint_le(first + 3 * PS - 1, 0xffffffff);
	ck_assert_uint_ne(first, (uintptr_t)ud_zone_addr(z));
	ck_assert(ud_zone_iova_contig(z));
	check_zone(z, true);
	w = zone(m, "dev39", PS, (1ull << 39) - 1, false);
	check_identity(ud_zone_addr(w), ud_zone_iova(w));
	check_zone(w, true);
	ck_assert_int_eq(ud_zone_free(z), 0);
	ck_assert_ptr_null(mapped(first));
	z = zone(m, "dev32b", PS, 0xffffffff, false);
	ck_assert_uint_eq(ud_zone_iova(z), first);	/* given back */
	check_zone(z, true);
	ck_assert_int_eq(ud_mem_close(m), 0);
	ck_assert_uint_eq(F.n, 0);
	ud_vfio_put();
}
END_TEST

/* Memory placed for the assumed 39-bit IOMMU, then a group whose IOMMU
 * is 32-bit: the attach fails, says why and what to do, maps nothing. */
START_TEST(va_held_outside)
{
	struct ud_mem *m;

	HP_NEED_PAGES(PS, 1);
	use_fake(r32, 2);
	m = open_va(GIB);
	zone(m, "z", PS, 0, false);
	ck_assert_int_eq(ud_vfio_group_attach(3), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "open the device before the "
				     "memory"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "0xfef00000-0xffffffff"));
	ck_assert_uint_eq(F.n, 0);
	ck_assert_int_eq(F.groups, 0);
	ck_assert_int_eq(ud_mem_close(m), 0);
}
END_TEST

/* Two regions share the container; prealloc'ed pages are mapped too. */
START_TEST(va_two_regions)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *a, *b;
	struct ud_zone *za, *zb;

	HP_NEED_PAGES(PS, 4);
	use_fake(r39, 2);
	a = open_va(GIB);
	cfg.page_size = PS;
	cfg.va_size = GIB;
	cfg.prealloc = 2 * PS;
	cfg.iova_mode = UD_IOVA_MODE_VA;
	b = ud_mem_open(&cfg);
	ck_assert_msg(b, "%s", ud_errmsg());
	ck_assert_uint_eq(ud_vfio_mappings(), 2);
	za = zone(a, "a", PS, 0, false);
	zb = zone(b, "b", PS, 0, false);
	ck_assert_int_eq(ud_vfio_group_attach(3), 0);
	ck_assert_uint_eq(F.n, 3);
	check_zone(za, true);
	check_zone(zb, true);
	ck_assert_int_eq(ud_mem_close(b), 0);
	ck_assert_uint_eq(F.n, 1);
	ck_assert_int_eq(ud_mem_close(a), 0);
	ck_assert_uint_eq(F.n, 0);
}
END_TEST

/* ---- the mode: choice and refusals ---- */

static char root[64];

static void groups(const char *type, int n)
{
	char cmd[512];

	snprintf(root, sizeof(root), "/tmp/ud-va-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	for (int i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "mkdir -p %s/kernel/iommu_groups/%d && "
			 "echo %s > %s/kernel/iommu_groups/%d/type", root, i,
			 type, root, i);
		ck_assert_int_eq(system(cmd), 0);
	}
}

static enum ud_iova_mode choose(const struct ud_mem_config *cfg, char *why)
{
	enum ud_iova_mode mode = UD_IOVA_MODE_AUTO;

	ck_assert_int_eq(ud_iova_mode_choose(cfg, root, &mode, why, 200), 0);
	return mode;
}

START_TEST(mode_choice)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_pa_source src = *ud_pa_source_pagemap();
	enum ud_iova_mode mode;
	char why[200], cmd[128];

	unsetenv("UD_IOVA_MODE");
	groups("DMA", 3);
	ck_assert_int_eq(choose(&cfg, why), UD_IOVA_MODE_VA);
	ck_assert_ptr_nonnull(strstr(why, "translates DMA by default (3"));
	cfg.pa_source = &src;
	ck_assert_int_eq(choose(&cfg, why), UD_IOVA_MODE_PA);
	cfg.pa_source = NULL;
	setenv("UD_IOVA_MODE", "pa", 1);
	ck_assert_int_eq(choose(&cfg, why), UD_IOVA_MODE_PA);
	ck_assert_str_eq(why, "UD_IOVA_MODE=pa in the environment");
	setenv("UD_IOVA_MODE", "physical", 1);
	ck_assert_int_eq(ud_iova_mode_choose(&cfg, root, &mode, why, 200), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "set it to pa or va"));
	cfg.iova_mode = UD_IOVA_MODE_PA;	/* the config wins */
	ck_assert_int_eq(choose(&cfg, why), UD_IOVA_MODE_PA);
	cfg.iova_mode = 7;
	ck_assert_int_eq(ud_iova_mode_choose(&cfg, root, &mode, why, 200), -1);
	ck_assert_int_eq(errno, EINVAL);
	unsetenv("UD_IOVA_MODE");
	cfg.iova_mode = UD_IOVA_MODE_AUTO;
	snprintf(cmd, sizeof(cmd), "echo identity > %s/kernel/iommu_groups/1/type",
		 root);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(choose(&cfg, why), UD_IOVA_MODE_PA);
	ck_assert_ptr_nonnull(strstr(why, "iommu=pt"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s/kernel", root);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(choose(&cfg, why), UD_IOVA_MODE_PA);
	ck_assert_ptr_nonnull(strstr(why, "no IOMMU"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(mode_refusals)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_pa_source src = *ud_pa_source_pagemap();

	cfg.iova_mode = UD_IOVA_MODE_VA;
	cfg.mode = UD_MEM_LEGACY;
	cfg.prealloc = PS;
	ck_assert_ptr_null(ud_mem_open(&cfg));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "VA mode (asked for in "
				     "ud_mem_config.iova_mode) has no use for "
				     "legacy mode"));
	cfg.mode = UD_MEM_DYNAMIC;
	cfg.prealloc = 0;
	cfg.pa_source = &src;
	ck_assert_ptr_null(ud_mem_open(&cfg));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "physical-address source"));
	ck_assert_int_eq(ud_mem_iova_mode(NULL), UD_IOVA_MODE_AUTO);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* One mode per process: devices and regions of the other are refused,
 * naming them; held devices decide the auto mode. */
START_TEST(mode_one_per_process)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	char why[200];

	HP_NEED_PAGES(PS, 1);
	unsetenv("UD_IOVA_MODE");
	use_fake(r39, 2);
	ck_assert_int_eq(ud_iova_dev_hold("0000:00:03.0", UD_IOVA_MODE_PA), 0);
	ck_assert_int_eq(ud_iova_mode_choose(&cfg, "/nonexistent", &(enum
			 ud_iova_mode){ 0 }, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "this process holds 0000:00:03.0 on "
				     "uio_dma"));
	cfg.page_size = PS;
	cfg.iova_mode = UD_IOVA_MODE_VA;
	ck_assert_ptr_null(ud_mem_open(&cfg));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "needs VA mode, but this "
				     "process uses PA mode: 1 device(s) on "
				     "uio_dma, igb_uio or uio_pci_generic "
				     "(0000:00:03.0)"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "--driver vfio-pci"));
	ck_assert_int_eq(ud_iova_dev_hold("0000:00:04.0", UD_IOVA_MODE_VA), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "0000:00:04.0 (on vfio-pci) "
				     "needs VA mode"));
	ud_iova_dev_release("0000:00:03.0", UD_IOVA_MODE_PA);
	/* now VA memory, and a UIO device is refused while it lives */
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "%s", ud_errmsg());
	ck_assert_int_eq(ud_iova_dev_hold("0000:00:03.0", UD_IOVA_MODE_PA), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "0 device(s) on vfio-pci and "
				     "1 memory region(s) in VA mode"));
	ck_assert_int_eq(ud_iova_dev_hold("0000:00:04.0", UD_IOVA_MODE_VA), 0);
	ck_assert_int_eq(ud_mem_close(m), 0);
	/* the held vfio-pci device makes auto mode VA */
	cfg.iova_mode = UD_IOVA_MODE_AUTO;
	m = ud_mem_open(&cfg);
	ck_assert_msg(m, "%s", ud_errmsg());
	ck_assert_int_eq(ud_mem_iova_mode(m), UD_IOVA_MODE_VA);
	ck_assert_int_eq(ud_mem_close(m), 0);
	ud_iova_dev_release("0000:00:04.0", UD_IOVA_MODE_VA);
}
END_TEST

/* The real container on a host without vfio: refused, naming the fix. */
START_TEST(mode_no_vfio)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;

	if (access("/dev/vfio/vfio", F_OK) == 0)
		UD_SKIP("this host has /dev/vfio/vfio");
	cfg.page_size = PS;
	cfg.iova_mode = UD_IOVA_MODE_VA;
	ck_assert_ptr_null(ud_mem_open(&cfg));
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "VA mode (asked for in "
				     "ud_mem_config.iova_mode): VA mode needs "
				     "the VFIO container"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "modprobe vfio-pci"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "UD_IOVA_MODE=pa"));
}
END_TEST

static Suite *va_suite(void)
{
	Suite *s = suite_create("mem_iova_va");
	TCase *tc = tcase_create("space");

	tcase_add_test(tc, space_msi_hole);
	tcase_add_test(tc, space_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("region");
	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, va_memory_first);
	tcase_add_test(tc, va_narrow_iommu);
	tcase_add_test(tc, va_iova_max);
	tcase_add_test(tc, va_held_outside);
	tcase_add_test(tc, va_two_regions);
	suite_add_tcase(s, tc);
	tc = tcase_create("mode");
	tcase_add_unchecked_fixture(tc, hp_setup, hp_teardown);
	tcase_add_test(tc, mode_choice);
	tcase_add_test(tc, mode_refusals);
	tcase_add_test(tc, mode_one_per_process);
	tcase_add_test(tc, mode_no_vfio);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(va_suite)
