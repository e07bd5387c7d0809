// SPDX-License-Identifier: MIT
/*
 * vatest - VA mode (IOVA as VA) on an edu bound to vfio-pci, behind the
 * guest's IOMMU (tests/guest/vfio.sh).
 *
 *   vatest mode PCI_ADDR        open the device, then memory in the default
 *                               (auto) mode: prints "mode VA" or "mode PA"
 *                               and the region's dump; exits 0 for VA
 *   vatest isolation PCI_ADDR   the device copies a pattern through a zone
 *                               (so its DMA works), then is pointed at
 *                               process memory that was never mapped into
 *                               the container, at an IOVA inside the IOMMU's
 *                               39-bit width (0x7000000000): the IOMMU must
 *                               refuse the write (the guest's dmesg shows
 *                               the DMAR fault) and that memory must be
 *                               unchanged
 *   vatest msix PCI_ADDR        an e1000e on vfio-pci: all 5 MSI-X vectors
 *                               enabled one by one (on 6.1 MSI-X cannot be
 *                               resized, so each sends the whole set), each
 *                               cause routed to its own vector and fired
 *                               with ICS wakes only that vector's eventfd;
 *                               masking an MSI-X vector is refused
 *                               (EOPNOTSUPP)
 *   vatest intx PCI_ADDR        an edu on vfio-pci with its INTx line (the
 *                               library would choose MSI: forced through
 *                               the test hook): each raised interrupt wakes
 *                               the eventfd once the line is unmasked
 *                               (vfio masks it when it fires)
 *   vatest memtime MIB [VFIO_ADDR]
 *                               time to make MIB MiB of memory ready for DMA
 *                               (ud_mem_open, ud_mem_grow: faulted, locked,
 *                               and resolved to physical addresses or mapped
 *                               into the container) and to give it back, in
 *                               the mode auto picks (with VFIO_ADDR held:
 *                               VA); prints "memtime MODE MIB ready_ms
 *                               close_ms"
 *   vatest irqrtt PCI_ADDR N    edu's interrupt round trip through the
 *                               library's eventfd, whatever the driver
 *                               (uio_dma or vfio-pci): raise, wait, ack, N
 *                               times after 100 unrecorded; prints "irqrtt
 *                               DRIVER MODE median_us p99_us"
 *   vatest wait-unbind PCI_ADDR block in ud_irq_wait() on edu (vfio-pci)
 *                               until the device is unbound: exits 0 when
 *                               woken with ENODEV (vfio's request IRQ),
 *                               then closes it, which lets the unbind end
 *   vatest irq-outlives PCI_ADDR
 *                               an interrupt handle outlives its device
 *                               (ud_dev_close() first): its calls fail with
 *                               ENODEV saying so, and the device and its
 *                               group are let go of at once, so this
 *                               process opens the device again at once
 *   vatest memfirst ADDR ADDR28 memory first (its mappings held: no group
 *                               yet), then the full-mask edu and the 28-bit
 *                               edu, sharing the process's container: the
 *                               held mappings are made at the first attach,
 *                               and a pattern copied through each device
 *                               (the 28-bit one from a zone below 2^28)
 *                               arrives intact
 *   vatest mixed UIO_ADDR VFIO_ADDR
 *                               one device on uio_dma (PA), one on vfio-pci
 *                               (VA): whichever is opened second is refused
 *                               (EINVAL) naming the first; memory in the
 *                               default mode next to the vfio-pci device is
 *                               VA mode, whatever the machine's default
 *
 * Exits 0 when all holds, 1 with the reason on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <uiodma.h>

#include "common/app.h"
#include "edu-dma/edu.h"
#include "guest_util.h"
#include "dev_internal.h"	/* ud_irq_vfio_force_mode(): the INTx test */

#define VICTIM 0x7000000000ull	/* inside 39 bits, far from the windows */
#define LEN 256u

static int mode(struct edu *e, struct ud_mem *m)
{
	(void)e;
	printf("mode %s\n", ud_mem_iova_mode(m) == UD_IOVA_MODE_VA ? "VA" : "PA");
	ud_mem_dump(stdout, m);
	return ud_mem_iova_mode(m) == UD_IOVA_MODE_VA ? 0 : 1;
}

static int dma(struct edu *e, uint64_t iova, int to_device)
{
	char err[256];

	if (edu_dma(e, iova, 0, LEN, to_device, err, sizeof(err))) {
		fprintf(stderr, "vatest: DMA %s IOVA %#llx: %s\n",
			to_device ? "from" : "to", (unsigned long long)iova, err);
		return -1;
	}
	return 0;
}

/* @p's LEN bytes all @v? */
static int all(const uint8_t *p, uint8_t v)
{
	for (unsigned i = 0; i < LEN; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int isolation(struct edu *e, struct ud_mem *m)
{
	struct ud_zone *src = app_zone(m, "src", LEN, 4096, 0, 0);
	struct ud_zone *dst = app_zone(m, "dst", LEN, 4096, 0, 0);
	uint8_t *victim;

	if (!src || !dst)
		return 1;
	if (ud_mem_iova_mode(m) != UD_IOVA_MODE_VA) {
		fprintf(stderr, "vatest: memory is not in VA mode\n");
		return 1;
	}
	/* the device works: src -> device -> dst */
	memset(ud_zone_addr(src), 0x3c, LEN);
	memset(ud_zone_addr(dst), 0, LEN);
	if (dma(e, ud_zone_iova(src), 1) || dma(e, ud_zone_iova(dst), 0))
		return 1;
	if (!all(ud_zone_addr(dst), 0x3c)) {
		fprintf(stderr, "vatest: the copy through the device is wrong\n");
		return 1;
	}
	printf("copy through IOVA %#llx and %#llx: ok\n",
	       (unsigned long long)ud_zone_iova(src),
	       (unsigned long long)ud_zone_iova(dst));
	/* memory of this process the container never saw */
	victim = mmap((void *)(uintptr_t)VICTIM, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_LOCKED,
		      -1, 0);
	if (victim == MAP_FAILED || (uintptr_t)victim != VICTIM) {
		fprintf(stderr, "vatest: cannot map %#llx: %s\n",
			(unsigned long long)VICTIM, strerror(errno));
		return 1;
	}
	memset(victim, 0x5a, LEN);
	if (dma(e, VICTIM, 0))
		return 1;
	if (!all(victim, 0x5a)) {
		fprintf(stderr, "vatest: the device wrote memory at %#llx that "
			"was never mapped for it\n", (unsigned long long)VICTIM);
		return 1;
	}
	printf("DMA to unmapped IOVA %#llx: memory there unchanged\n",
	       (unsigned long long)VICTIM);
	return 0;
}

/* Counts of every vector since the last call, into @c. */
static void drain(struct ud_irq *irq, uint64_t *c)
{
	for (unsigned int v = 0; v < E1000E_NVEC; v++) {
		int64_t n = ud_irq_ack(irq, v);

		c[v] = n > 0 ? (uint64_t)n : 0;
	}
}

static int msix(const char *bdf)
{
	struct ud_dev *d = ud_dev_open(bdf);
	volatile uint32_t *bar;
	struct ud_irq *irq;
	uint64_t c[E1000E_NVEC];
	size_t len;
	int bad = 0;

	if (!d || !(bar = ud_dev_map_bar(d, 0, 0, &len)) ||
	    ud_dev_bus_master(d, 1) || !(irq = ud_irq_open_dev(d)))
		die("%s: %s", bdf, ud_errmsg());
	printf("%s: mode %s, %u vector(s)\n", bdf,
	       ud_irq_mode_name(ud_irq_mode(irq)), ud_irq_vectors(irq));
	if (ud_irq_mode(irq) != UD_IRQ_MSIX || ud_irq_vectors(irq) != E1000E_NVEC)
		die("expected msix with %d vectors", E1000E_NVEC);
	if (ud_irq_enable_all(irq))
		die("ud_irq_enable_all: %s", ud_errmsg());
	e1000e_route_msix(bar);
	msleep(20);
	drain(irq, c);
	for (unsigned int i = 0; i < E1000E_NVEC; i++) {
		int64_t first;

		wr32(bar, E1000_ICS, ICR_RXQ0 << i);
		first = ud_irq_wait(irq, i, 2000);
		msleep(20);
		drain(irq, c);
		printf("cause %u: vector %u woken (%lld)", i, i, (long long)first);
		for (unsigned int v = 0; v < E1000E_NVEC; v++) {
			if (v != i && c[v]) {
				printf(", vector %u too", v);
				bad = 1;
			}
		}
		printf("\n");
		bad |= first <= 0;
	}
	if (ud_irq_mask(irq, 0) == 0 || errno != EOPNOTSUPP) {
		printf("masking an MSI-X vector through vfio: not refused\n");
		bad = 1;
	} else {
		printf("mask: %s\n", ud_errmsg());
	}
	wr32(bar, E1000_IMC, ~0u);
	ud_irq_close(irq);
	ud_dev_close(d);
	return bad;
}

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64

static int intx(const char *bdf)
{
	struct ud_dev *d = ud_dev_open(bdf);
	volatile uint32_t *bar;
	struct ud_irq *irq;
	size_t len;
	int bad = 0;

	if (!d || !(bar = ud_dev_map_bar(d, 0, 0, &len)) ||
	    ud_dev_bus_master(d, 1) || !(irq = ud_irq_open_dev(d)))
		die("%s: %s", bdf, ud_errmsg());
	if (ud_irq_vfio_force_mode(irq, UD_IRQ_LEGACY) || ud_irq_enable(irq, 0))
		die("%s: INTx: %s", bdf, ud_errmsg());
	for (int round = 0; round < 3; round++) {
		int64_t n;

		wr32(bar, EDU_IRQ_RAISE, 1u << round);
		n = ud_irq_wait(irq, 0, 2000);
		printf("round %d: status %#x, eventfd count %lld\n", round,
		       rd32(bar, EDU_IRQ_STATUS), (long long)n);
		bad |= n <= 0;
		wr32(bar, EDU_IRQ_ACK, rd32(bar, EDU_IRQ_STATUS));
		if (ud_irq_unmask(irq, 0))
			die("unmask: %s", ud_errmsg());
	}
	ud_irq_close(irq);
	ud_dev_close(d);
	return bad;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int memtime(unsigned long mib, const char *vfio)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_dev *d = NULL;
	struct ud_mem *m;
	double t0, t1, t2;

	if (vfio && !(d = ud_dev_open(vfio)))
		die("%s: %s", vfio, ud_errmsg());
	cfg.va_size = (size_t)4 << 30;
	t0 = now_ms();
	m = ud_mem_open(&cfg);
	if (!m || ud_mem_grow(m, (size_t)mib << 20))
		die("memory: %s", ud_errmsg());
	t1 = now_ms();
	printf("memtime %s %lu %.1f", ud_mem_iova_mode(m) == UD_IOVA_MODE_VA ?
	       "VA" : "PA", mib, t1 - t0);
	ud_mem_close(m);
	t2 = now_ms();
	printf(" %.1f\n", t2 - t1);
	ud_dev_close(d);
	return 0;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int irqrtt(const char *bdf, unsigned long n)
{
	struct ud_dev *d = ud_dev_open(bdf);
	volatile uint32_t *bar;
	struct ud_irq *irq;
	double *us = calloc(n ? n : 1, sizeof(*us));
	size_t len;

	if (!d || !us || !(bar = ud_dev_map_bar(d, 0, 0, &len)) ||
	    ud_dev_bus_master(d, 1) || !(irq = ud_irq_open_dev(d)) ||
	    ud_irq_enable(irq, 0))
		die("%s: %s", bdf, ud_errmsg());
	for (unsigned long i = 0; i < n + 100; i++) {
		double t0 = now_ms();

		wr32(bar, EDU_IRQ_RAISE, 1);
		if (ud_irq_wait(irq, 0, 2000) <= 0)
			die("%s: interrupt %lu did not come: %s", bdf, i, ud_errmsg());
		if (i >= 100)
			us[i - 100] = (now_ms() - t0) * 1e3;
		wr32(bar, EDU_IRQ_ACK, rd32(bar, EDU_IRQ_STATUS));
		ud_irq_unmask(irq, 0);
	}
	qsort(us, n, sizeof(*us), cmp_dbl);
	printf("irqrtt %s %s %.1f %.1f\n", ud_dev_get_info(d)->driver,
	       ud_irq_mode_name(ud_irq_mode(irq)), us[n / 2], us[n * 99 / 100]);
	free(us);
	ud_irq_close(irq);
	ud_dev_close(d);
	return 0;
}

static int wait_unbind(const char *bdf)
{
	struct ud_dev *d = ud_dev_open(bdf);
	struct ud_irq *irq;
	int64_t r;

	if (!d || !(irq = ud_irq_open_dev(d)) || ud_irq_enable(irq, 0))
		die("%s: %s", bdf, ud_errmsg());
	printf("hup fd %d; waiting\n", ud_irq_hup_fd(irq));
	fflush(stdout);
	r = ud_irq_wait(irq, 0, 30000);
	printf("ud_irq_wait: %lld, errno %s: %s\n", (long long)r,
	       strerrorname_np(errno), r < 0 ? ud_errmsg() : "");
	ud_irq_close(irq);
	ud_dev_close(d);
	return r == -1 && errno == ENODEV ? 0 : 1;
}

static int irq_outlives(const char *bdf)
{
	struct ud_dev *d = ud_dev_open(bdf);
	struct ud_irq *irq;
	int r, e, bad;

	if (!d || !(irq = ud_irq_open_dev(d)) || ud_irq_enable(irq, 0))
		die("%s: %s", bdf, ud_errmsg());
	ud_dev_close(d);
	r = ud_irq_enable(irq, 0);
	e = errno;
	printf("ud_irq_enable after ud_dev_close: %d, errno %s: %s\n", r,
	       strerrorname_np(e), r < 0 ? ud_errmsg() : "");
	bad = r != -1 || e != ENODEV || !strstr(ud_errmsg(), "ud_dev_close");
	d = ud_dev_open(bdf);	/* the group left the container with it */
	printf("ud_dev_open again with the interrupt handle still open: %s\n",
	       d ? "ok" : ud_errmsg());
	bad |= !d;
	ud_dev_close(d);
	bad |= ud_irq_close(irq) != 0;
	return bad;
}

/* src -> device -> dst through @e; 0 if the copy is intact. */
static int copy_through(struct edu *e, struct ud_zone *src, struct ud_zone *dst,
			uint8_t v)
{
	memset(ud_zone_addr(src), v, LEN);
	memset(ud_zone_addr(dst), 0, LEN);
	if (dma(e, ud_zone_iova(src), 1) || dma(e, ud_zone_iova(dst), 0))
		return 1;
	printf("%s: copy through IOVA %#llx -> %#llx: %s\n", e->addr,
	       (unsigned long long)ud_zone_iova(src),
	       (unsigned long long)ud_zone_iova(dst),
	       all(ud_zone_addr(dst), v) ? "ok" : "WRONG");
	return !all(ud_zone_addr(dst), v);
}

static int memfirst(const char *a, const char *a28)
{
	struct ud_mem *m = app_mem_open("vatest", NULL, NULL);
	struct ud_zone *s, *d, *s28, *d28;
	struct edu e, e28;
	int bad;

	if (!m)
		return 1;
	s = app_zone(m, "s", LEN, 4096, 0, 0);
	d = app_zone(m, "d", LEN, 4096, 0, 0);
	s28 = app_zone(m, "s28", LEN, 4096, 0xfffffff, 0);
	d28 = app_zone(m, "d28", LEN, 4096, 0xfffffff, 0);
	if (!s || !d || !s28 || !d28 || ud_mem_iova_mode(m) != UD_IOVA_MODE_VA) {
		fprintf(stderr, "vatest: no VA-mode zones\n");
		return 1;
	}
	ud_mem_dump(stdout, m);
	if (edu_open(&e, a, 64, 0) || edu_open(&e28, a28, 28, 0))
		return 1;
	bad = copy_through(&e, s, d, 0x21) | copy_through(&e28, s28, d28, 0x42);
	edu_close(&e28);
	edu_close(&e);
	ud_mem_close(m);
	return bad;
}

/* Open @second while @first is held: must fail with EINVAL naming it. */
static int refused(const char *first, const char *second)
{
	struct ud_dev *a = ud_dev_open(first), *b;
	int bad = 0;

	if (!a)
		die("%s: %s", first, ud_errmsg());
	b = ud_dev_open(second);
	if (b || errno != EINVAL || !strstr(ud_errmsg(), first)) {
		printf("%s next to %s: %s\n", second, first,
		       b ? "opened" : ud_errmsg());
		bad = 1;
	} else {
		printf("%s next to %s: %s\n", second, first, ud_errmsg());
	}
	ud_dev_close(b);
	ud_dev_close(a);
	return bad;
}

static int mixed_modes(const char *uio, const char *vfio)
{
	struct ud_dev *d;
	struct ud_mem *m;
	int bad = refused(uio, vfio) | refused(vfio, uio);

	d = ud_dev_open(vfio);
	if (!d)
		die("%s: %s", vfio, ud_errmsg());
	m = app_mem_open("vatest", NULL, NULL);
	if (!m || ud_mem_iova_mode(m) != UD_IOVA_MODE_VA) {
		printf("memory next to %s is not in VA mode\n", vfio);
		bad = 1;
	} else {
		ud_mem_dump(stdout, m);
	}
	ud_mem_close(m);
	ud_dev_close(d);
	return bad;
}

int main(int argc, char **argv)
{
	struct ud_mem *m;
	struct edu e;
	int ret;

	app_init("vatest");
	if (argc == 3 && !strcmp(argv[1], "msix"))
		return msix(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "intx"))
		return intx(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "mixed"))
		return mixed_modes(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "memfirst"))
		return memfirst(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "irq-outlives"))
		return irq_outlives(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "wait-unbind"))
		return wait_unbind(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "irqrtt"))
		return irqrtt(argv[2], strtoul(argv[3], NULL, 10));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "memtime"))
		return memtime(strtoul(argv[2], NULL, 10), argc == 4 ? argv[3] : NULL);
	if (argc != 3 || (strcmp(argv[1], "mode") && strcmp(argv[1], "isolation"))) {
		fprintf(stderr, "usage: vatest mode|isolation|msix PCI_ADDR\n");
		return 2;
	}
	if (edu_open(&e, argv[2], 64, 0)) {
		edu_close(&e);
		return 1;
	}
	m = app_mem_open("vatest", NULL, NULL);
	if (!m) {
		edu_close(&e);
		return 1;
	}
	ret = !strcmp(argv[1], "mode") ? mode(&e, m) : isolation(&e, m);
	ud_mem_close(m);
	edu_close(&e);
	return ret;
}
