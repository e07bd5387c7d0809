// SPDX-License-Identifier: MIT
/*
 * bench_mem - hugepage DMA memory against its baselines.
 *
 * Prints one line per result:
 *
 *   BENCH <name> ours=<v><unit> <baseline>=<v><unit> ratio=<r>
 *
 * with r = ours / baseline, the median of pairwise ratios of runs done
 * interleaved (ours, baseline, ours, baseline, ...).  Notes go to stderr.
 *
 *   hp_1g_ready        time until 1 GiB of 2 MiB pages is mapped, faulted,
 *                      locked and every physical address known, vs the
 *                      floor: mmap(MAP_HUGETLB | MAP_POPULATE) of 1 GiB
 *   virt2iova          ns per ud_virt2iova() of a random address, vs one
 *                      pread of /proc/self/pagemap (cached fd) per lookup
 *   zone_reserve_flat  ns per IOVA-contiguous 4 KiB zone reserve, last 100
 *                      vs first 100 of 1000 zones (flatness)
 *   tlb_random_read    ns per dependent random 8-byte read over a 4 GiB
 *                      buffer (1 GiB if hugepages are short; said on
 *                      stderr): 2 MiB hugepages (ours) vs 4 KiB pages;
 *                      then 1 GiB pages over as many gigabytes as the
 *                      kernel grants, vs 4 KiB pages over the same span
 *
 * Built with -DHAVE_DPDK (and DPDK's cflags/libs), it adds rte_eal_init,
 * rte_mem_virt2iova, rte_mem_virt2memseg and rte_memzone_reserve_aligned.
 *
 * Needs root: it grows the 2 MiB hugepage pool to what it needs and puts
 * nr_hugepages back on exit.
 *
 * Usage: bench_mem [-q]   (-q: fewer rounds, for a smoke run)
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <uiodma.h>
#include "bench_util.h"

#ifdef HAVE_DPDK
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#endif

#define PS UD_PGSZ_2M
#define GIB ((size_t)1 << 30)

static int quick;

/* ---- hugepage pool ---- */

static struct hp_hold hp, hp1g;

static void hp_put_back(void)
{
	hp_restore(&hp);
	hp_restore(&hp1g);
}

static void on_signal(int sig)
{
	hp_put_back();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- (a) time to 1 GiB usable with physical addresses known ---- */

static double ours_ready(size_t bytes)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	double t0, t;

	cfg.page_size = PS;
	cfg.prealloc = bytes;
	cfg.va_size = bytes;
	t0 = now_ns();
	m = ud_mem_open(&cfg);
	t = now_ns() - t0;
	if (!m) {
		fprintf(stderr, "bench_mem: ud_mem_open: %s\n", ud_errmsg());
		exit(1);
	}
	/* sanity: a PA is known for the last byte */
	struct ud_zone *z = ud_zone_reserve(m, NULL, bytes, NULL);
	if (!z || ud_virt2iova((char *)ud_zone_addr(z) + bytes - 1) ==
		  UD_BAD_IOVA) {
		fprintf(stderr, "bench_mem: no IOVA after open: %s\n",
			ud_errmsg());
		exit(1);
	}
	ud_mem_close(m);
	return t;
}

static double floor_ready(size_t bytes)
{
	double t0 = now_ns(), t;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
		       -1, 0);

	t = now_ns() - t0;
	if (p == MAP_FAILED) {
		perror("bench_mem: mmap MAP_HUGETLB");
		exit(1);
	}
	munmap(p, bytes);
	return t;
}

static double bench_ready(double *ours_med)
{
	int rounds = quick ? 3 : 9;
	double r[16], o[16], b[16];

	for (int i = 0; i < rounds; i++) {
		o[i] = ours_ready(GIB);
		b[i] = floor_ready(GIB);
		r[i] = o[i] / b[i];
	}
	double rm = median(r, rounds), om = median(o, rounds),
	       bm = median(b, rounds);
	report("hp_1g_ready", om / 1e6, "mmap_populate", bm / 1e6, "ms", rm);
	*ours_med = om;
	return rm;
}

/* ---- (b) virt -> IOVA ---- */

static inline uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random addresses are generated up front so the loops time lookups only. */
static char **rand_addrs(char *base, size_t len, long n)
{
	char **a = malloc((size_t)n * sizeof(*a));
	uint64_t s = 88172645463325252ULL;

	if (!a) {
		fprintf(stderr, "bench_mem: out of memory\n");
		exit(1);
	}
	for (long i = 0; i < n; i++)
		a[i] = base + (xs(&s) & (len - 1));
	return a;
}

static double ours_v2i(char **addr, long n, uint64_t *sink)
{
	uint64_t acc = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		acc += ud_virt2iova(addr[i]);
	*sink += acc;
	return (now_ns() - t0) / (double)n;
}

static double ours_v2i_inline(char **addr, long n, uint64_t *sink)
{
	uint64_t acc = 0;
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		acc += ud_virt2iova_inline(addr[i]);
	*sink += acc;
	return (now_ns() - t0) / (double)n;
}

static double pagemap_v2i(int fd, char **addr, long n, uint64_t *sink)
{
	uint64_t acc = 0, e;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		uintptr_t va = (uintptr_t)addr[i];

		if (pread(fd, &e, 8, (off_t)(va >> 12) * 8) != 8)
			exit(1);
		acc += ((e & ((1ULL << 55) - 1)) << 12) | (va & 4095);
	}
	*sink += acc;
	return (now_ns() - t0) / (double)n;
}

/* ---- (c) zone reserve flatness ---- */

static void zone_flat(struct ud_mem *m, double *first, double *last)
{
	enum { N = 1000 };
	static struct ud_zone *z[N];
	static double t[N];
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	char name[32];

	p.flags = UD_ZONE_IOVA_CONTIG;
	p.align = 4096;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "bench_zone_%d", i);
		double t0 = now_ns();
		z[i] = ud_zone_reserve(m, name, 4096, &p);
		t[i] = now_ns() - t0;
		if (!z[i]) {
			fprintf(stderr, "bench_mem: zone %d: %s\n", i, ud_errmsg());
			exit(1);
		}
	}
	*first = *last = 0;
	for (int i = 0; i < 100; i++) {
		*first += t[i] / 100;
		*last += t[N - 100 + i] / 100;
	}
	for (int i = 0; i < N; i++)
		ud_zone_free(z[i]);
}

/* ---- (d) TLB: random reads ---- */

static double chase(const uint64_t *buf, size_t len, long n)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL, v = 0;
	size_t mask = len / 8 - 1;
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		v = buf[(xs(&s) ^ v) & mask];  /* v is 0: keeps loads dependent */
	if (v)
		fprintf(stderr, "?");
	return (now_ns() - t0) / (double)n;
}

#ifdef HAVE_DPDK
static double g_dpdk_first100, g_dpdk_last100;

static void bench_dpdk(double ours_ready_ns, char *ours_base, size_t ours_len)
{
	char *argv[] = { "bench_mem", "--iova-mode=pa", "-m", "1024",
			 "--no-pci", "--in-memory", "--no-telemetry",
			 "--log-level=3", "-l", "0", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	double t0 = now_ns(), t;
	uint64_t sink = 0;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_mem: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		return;
	}
	t = now_ns() - t0;
	report("eal_init_1g", ours_ready_ns / 1e6, "dpdk_eal_init", t / 1e6, "ms",
	       ours_ready_ns / t);
	fprintf(stderr, "# eal_init_1g: one rte_eal_init (it cannot run twice) "
		"vs the median of ours\n");

	const struct rte_memzone *mz = rte_memzone_reserve_aligned(
		"bench_v2i", 256 << 20, SOCKET_ID_ANY, 0, PS);
	if (!mz) {
		fprintf(stderr, "bench_mem: rte_memzone_reserve: %s\n",
			rte_strerror(rte_errno));
		return;
	}
	size_t len = 256 << 20;
	long n_o = quick ? 1000000 : 10000000, n_d = quick ? 20000 : 200000;
	double rv[8], ro[8], rd[8], rm[8];
	int rounds = quick ? 3 : 5;
	char **oa = rand_addrs(ours_base, ours_len, n_o);
	char **da = rand_addrs(mz->addr, len, n_o);
	for (int i = 0; i < rounds; i++) {
		ro[i] = ours_v2i(oa, n_o, &sink);
		uint64_t acc = 0;
		double t1 = now_ns();
		for (long k = 0; k < n_d; k++)
			acc += rte_mem_virt2iova(da[k]);
		rd[i] = (now_ns() - t1) / (double)n_d;
		t1 = now_ns();
		for (long k = 0; k < n_o; k++)
			acc += (uintptr_t)rte_mem_virt2memseg(da[k], NULL);
		rm[i] = (now_ns() - t1) / (double)n_o;
		sink += acc;
		rv[i] = ro[i] / rd[i];
	}
	free(oa);
	free(da);
	report_rounds("virt2iova_vs_dpdk", ro, "rte_mem_virt2iova", rd, "ns",
		      rv, rounds);
	for (int i = 0; i < rounds; i++)
		rv[i] = ro[i] / rm[i];
	report_rounds("virt2iova_vs_memseg", ro, "rte_mem_virt2memseg", rm,
		      "ns", rv, rounds);

	/* memzone reserve: first 100 vs last 100 of 1000 */
	enum { N = 1000 };
	static const struct rte_memzone *z[N];
	static double tz[N];
	char name[32];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "bz%d", i);
		double t1 = now_ns();
		z[i] = rte_memzone_reserve_aligned(name, 4096, SOCKET_ID_ANY,
						   RTE_MEMZONE_IOVA_CONTIG, 4096);
		tz[i] = now_ns() - t1;
		if (!z[i]) {
			fprintf(stderr, "bench_mem: rte_memzone %d: %s\n", i,
				rte_strerror(rte_errno));
			return;
		}
	}
	double f = 0, l = 0;
	for (int i = 0; i < 100; i++) {
		f += tz[i] / 100;
		l += tz[N - 100 + i] / 100;
	}
	fprintf(stderr, "# sink %" PRIu64 "\n", sink);
	g_dpdk_first100 = f;
	g_dpdk_last100 = l;
}
#endif

int main(int argc, char **argv)
{
	uint64_t sink = 0;
	double ready_ns;

	if (argc > 1 && !strcmp(argv[1], "-q"))
		quick = 1;
	if (geteuid() != 0) {
		fprintf(stderr, "bench_mem: needs root (hugepage pool, pagemap "
			"physical addresses)\n");
		return 1;
	}
	atexit(hp_put_back);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* (a) */
	if (hp_reserve(&hp, PS, 512 + 8) < 512) {
		fprintf(stderr, "bench_mem: cannot get 512 free 2 MiB pages\n");
		return 1;
	}
	bench_ready(&ready_ns);

	/* (b) one region of 1 GiB, random addresses in it */
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	cfg.page_size = PS;
	cfg.prealloc = GIB;
	cfg.va_size = 2 * GIB;
	struct ud_mem *m = ud_mem_open(&cfg);
	if (!m) {
		fprintf(stderr, "bench_mem: %s\n", ud_errmsg());
		return 1;
	}
	struct ud_zone *big = ud_zone_reserve(m, "v2i", GIB, NULL);
	char *base = ud_zone_addr(big);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	long n_o = quick ? 1000000 : 10000000, n_p = quick ? 20000 : 200000;
	int rounds = quick ? 3 : 5;
	double ro[16], rb[16], rr[16];

	char **addr = rand_addrs(base, GIB, n_o);
	double ri[16], rib[16];
	for (int i = 0; i < rounds; i++) {
		ro[i] = ours_v2i(addr, n_o, &sink);
		rb[i] = pagemap_v2i(fd, addr, n_p, &sink);
		rr[i] = ro[i] / rb[i];
		ri[i] = ours_v2i_inline(addr, n_o, &sink);
		rib[i] = ri[i] / rb[i];
	}
	close(fd);
	/* check: every lookup agreed with pagemap for a sample */
	for (long i = 0; i < n_o; i += n_o / 1000) {
		uint64_t pm;

		if (ud_pagemap_virt2phys(addr[i], &pm) ||
		    pm != ud_virt2iova(addr[i]) ||
		    pm != ud_virt2iova_inline(addr[i])) {
			fprintf(stderr, "bench_mem: virt2iova disagrees with "
				"pagemap at %p\n", (void *)addr[i]);
			return 1;
		}
	}
	report_rounds("virt2iova", ro, "pagemap_pread", rb, "ns", rr, rounds);
	report_rounds("virt2iova_inline", ri, "pagemap_pread", rb, "ns", rib,
		      rounds);
	fprintf(stderr, "# virt2iova: %ld random addresses in 1 GiB per round "
		"for ours, the first %ld of them for pagemap (a syscall each)\n",
		n_o, n_p);
	free(addr);
	ud_zone_free(big);
	ud_mem_close(m);

	/* (c) flatness, in a pre-grown region so no call maps pages */
	cfg.prealloc = 16 << 20;
	cfg.va_size = GIB;
	double rf[16], fo[16], la[16];
	for (int i = 0; i < rounds; i++) {
		m = ud_mem_open(&cfg);
		if (!m) {
			fprintf(stderr, "bench_mem: %s\n", ud_errmsg());
			return 1;
		}
		zone_flat(m, &fo[i], &la[i]);
		rf[i] = la[i] / fo[i];
		ud_mem_close(m);
	}
	report_rounds("zone_reserve_flat", la, "first100", fo, "ns", rf, rounds);
	fprintf(stderr, "# zone_reserve_flat: ours = mean of the last 100 of "
		"1000 IOVA-contiguous 4 KiB zones, baseline = first 100\n");

	/* (d) TLB */
	size_t blen = 4 * GIB;
	if (hp_reserve(&hp, PS, (long)(blen / PS) + 8) < (long)(blen / PS)) {
		blen = GIB;
		fprintf(stderr, "# tlb_random_read: only 1 GiB (not enough "
			"hugepages for 4 GiB)\n");
	}
	cfg.prealloc = blen;
	cfg.va_size = blen;
	m = ud_mem_open(&cfg);
	if (!m) {
		fprintf(stderr, "bench_mem: %s\n", ud_errmsg());
		return 1;
	}
	big = ud_zone_reserve(m, "tlb", blen, NULL);
	uint64_t *hb = ud_zone_addr(big);
	memset(hb, 0, blen);
	uint64_t *sb = mmap(NULL, blen, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sb == MAP_FAILED) {
		perror("bench_mem: mmap 4K buffer");
		return 1;
	}
	madvise(sb, blen, MADV_NOHUGEPAGE); /* really 4 KiB pages */
	memset(sb, 0, blen);
	long n_t = quick ? 1000000 : 5000000;
	double th[16], ts[16], rt[16];
	for (int i = 0; i < rounds; i++) {
		th[i] = chase(hb, blen, n_t);
		ts[i] = chase(sb, blen, n_t);
		rt[i] = th[i] / ts[i];
	}
	report_rounds(blen == 4 * GIB ? "tlb_random_read_4g" : "tlb_random_read_1g",
		      th, "pages_4k", ts, "ns", rt, rounds);
	ud_zone_free(big);
	ud_mem_close(m);

	/* (d) again over 1 GiB pages: as many as the kernel grants (it needs
	 * contiguous free gigabytes), against 4 KiB pages over the same span */
	long want1g = (long)(blen / UD_PGSZ_1G), got1g;

	got1g = hp_reserve(&hp1g, UD_PGSZ_1G, want1g);
	if (got1g > want1g)
		got1g = want1g;
	if (got1g < 1) {
		printf("BENCH-SKIP tlb_random_read_1gpages: no free 1 GiB page (the kernel could not find a contiguous free gigabyte)\n");
	} else {
		struct ud_mem_config c1 = cfg;
		size_t len1 = (size_t)got1g * UD_PGSZ_1G;
		char name[48];

		c1.page_size = UD_PGSZ_1G;
		c1.prealloc = len1;
		c1.va_size = len1;
		m = ud_mem_open(&c1);
		big = m ? ud_zone_reserve(m, "tlb1g", len1, NULL) : NULL;
		if (!big) {
			fprintf(stderr, "bench_mem: 1 GiB pages: %s\n", ud_errmsg());
			return 1;
		}
		hb = ud_zone_addr(big);
		memset(hb, 0, len1);
		for (int i = 0; i < rounds; i++) {
			th[i] = chase(hb, len1, n_t);
			ts[i] = chase(sb, len1, n_t);
			rt[i] = th[i] / ts[i];
		}
		snprintf(name, sizeof(name), "tlb_random_read_%zug_1gpages",
			 len1 / GIB);
		report_rounds(name, th, "pages_4k", ts, "ns", rt, rounds);
		ud_mem_close(m);
	}
	hp_restore(&hp1g);
	munmap(sb, blen);

#ifdef HAVE_DPDK
	{
		double f, l;

		hp_reserve(&hp, PS, 512 + 512 + 16);
		cfg.prealloc = 256 << 20;
		cfg.va_size = GIB;
		m = ud_mem_open(&cfg);
		if (!m) {
			fprintf(stderr, "bench_mem: %s\n", ud_errmsg());
			return 1;
		}
		big = ud_zone_reserve(m, "v2i", 256 << 20, NULL);
		bench_dpdk(ready_ns, ud_zone_addr(big), 256 << 20);
		ud_zone_free(big);
		ud_mem_close(m);
		cfg.prealloc = 16 << 20;
		m = ud_mem_open(&cfg);
		if (m && g_dpdk_last100 > 0) {
			zone_flat(m, &f, &l);
			report("zone_reserve_last100_vs_dpdk", l,
			       "rte_memzone_reserve", g_dpdk_last100, "ns",
			       l / g_dpdk_last100);
			report("zone_reserve_growth_vs_dpdk", l / f,
			       "rte_memzone_reserve", g_dpdk_last100 /
			       g_dpdk_first100, "x", (l / f) /
			       (g_dpdk_last100 / g_dpdk_first100));
			fprintf(stderr, "# zone_reserve_growth_vs_dpdk: mean "
				"time of the last 100 / first 100 of 1000 "
				"IOVA-contiguous 4 KiB zones\n");
		}
		ud_mem_close(m);
	}
#endif
	fprintf(stderr, "# sink %" PRIu64 "\n", sink);
	return 0;
}
