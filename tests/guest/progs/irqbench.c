// SPDX-License-Identifier: MIT
/*
 * irqbench - interrupt round trip: edu raises an interrupt, the waiting
 * process wakes.  Each sample is the time from the MMIO write that raises
 * the interrupt (edu 0x60) to the return of the wait; acknowledging and
 * unmasking happen outside the timed window.  An interrupt that does not
 * come within 2 s ends the run with a message naming it.
 *
 *   irqbench run METHOD BDF ITERS OUTFILE   append ITERS samples (ns), after
 *                                           WARMUP unrecorded round trips
 *   irqbench median FILE...                 median of all samples, in ns
 *
 * METHOD:
 *   uio-read      blocking read() on /dev/uioN (uio_dma, igb_uio)
 *   uio-read-intx the same, then unmask through write(1) on /dev/uioN
 *   pcicfg-intx   read() on /dev/uioN, unmask by clearing the command
 *                 register's Interrupt Disable bit in sysfs config
 *                 (uio_pci_generic has no irqcontrol)
 *   eventfd-epoll libuiodma: the vector-0 eventfd in an epoll set (uio_dma)
 */
#include <inttypes.h>
#include <signal.h>
#include <sys/epoll.h>

#include <uiodma.h>

#include "guest_util.h"

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define WARMUP		200
#define WAIT_S		2	/* a lost interrupt ends the run after this */

static void on_alarm(int sig)
{
	(void)sig;	/* only to interrupt read() */
}

/* A lost interrupt: say which and what the device and the UIO core saw. */
static void __attribute__((noreturn)) lost(volatile uint32_t *bar,
					   const char *method, long i)
{
	die("%s: no interrupt %d s after edu raised it (round trip %ld, the "
	    "first %d unrecorded; edu interrupt status 0x%x, %s event count %"
	    PRIu64 "): the interrupt was lost; an MSI is a memory write and "
	    "needs bus mastering on, and dmesg may say more",
	    method, WAIT_S, i + WARMUP + 1, WARMUP, rd32(bar, EDU_IRQ_STATUS),
	    uio, sysfs_u64("/sys/class/uio/%s/event", uio));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pcicfg_unmask(int cfg)
{
	uint16_t cmd;

	if (pread(cfg, &cmd, 2, 4) != 2)
		die("config read: %s", strerror(errno));
	cmd &= (uint16_t)~0x400;	/* PCI_COMMAND_INTX_DISABLE */
	if (pwrite(cfg, &cmd, 2, 4) != 2)
		die("config write: %s", strerror(errno));
}

static int run(const char *method, const char *bdf, long iters, const char *out)
{
	FILE *f = fopen(out, "a");
	struct ud_irq *irq = NULL;
	struct epoll_event ev = { .events = EPOLLIN }, got;
	volatile uint32_t *bar;
	size_t len;
	int fd, cfg = -1, ep = -1;
	uint32_t one = 1, count;

	if (!f)
		die("cannot open %s: %s", out, strerror(errno));
	uio = uio_of_pci(bdf);
	/* With bus mastering off (uio_dma's state at every open) edu's MSI,
	 * a memory write, never arrives: hold_uio() turns it on. */
	fd = hold_uio();
	bar = map_bar(fd, 0, &len);
	if (!strcmp(method, "pcicfg-intx")) {
		cfg = open_rw("/sys/bus/pci/devices/%s/config", bdf);
	} else if (!strcmp(method, "eventfd-epoll")) {
		irq = ud_irq_open(bdf);
		if (!irq || ud_irq_enable(irq, 0))
			die("libuiodma: %s", ud_errmsg());
		ep = epoll_create1(0);
		epoll_ctl(ep, EPOLL_CTL_ADD, ud_irq_fd(irq, 0), &ev);
	} else if (strcmp(method, "uio-read") && strcmp(method, "uio-read-intx")) {
		die("unknown method %s", method);
	}

	/* A blocking read() that never returns would hang the whole
	 * benchmark: an alarm (armed outside the timed window) ends it. */
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_alarm }, NULL);
	/* The first round trips after a bind pay for cold caches and the
	 * module loader's aftermath; they are run but not recorded. */
	for (long i = -WARMUP; i < iters; i++) {
		uint64_t t0, t1;

		if (ep < 0)
			alarm(WAIT_S);
		t0 = now_ns();
		wr32(bar, EDU_IRQ_RAISE, 1);
		if (ep >= 0) {
			if (epoll_wait(ep, &got, 1, WAIT_S * 1000) != 1)
				lost(bar, method, i);
		} else if (read(fd, &count, 4) != 4) {
			if (errno == EINTR)
				lost(bar, method, i);
			die("read: %s", strerror(errno));
		}
		t1 = now_ns();
		if (ep < 0)
			alarm(0);
		wr32(bar, EDU_IRQ_ACK, rd32(bar, EDU_IRQ_STATUS));
		if (ep >= 0 && ud_irq_ack(irq, 0) < 0)
			die("ud_irq_ack: %s", ud_errmsg());
		if (cfg >= 0)
			pcicfg_unmask(cfg);
		if (!strcmp(method, "uio-read-intx") && write(fd, &one, 4) != 4)
			die("irqcontrol: %s", strerror(errno));
		if (i >= 0)
			fprintf(f, "%" PRIu64 "\n", t1 - t0);
	}
	fclose(f);
	ud_irq_close(irq);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int median(int nfiles, char **files)
{
	size_t n = 0, cap = 1 << 16;
	uint64_t *v = malloc(cap * sizeof(*v)), x;

	for (int i = 0; i < nfiles; i++) {
		FILE *f = fopen(files[i], "r");

		if (!f)
			die("cannot open %s", files[i]);
		while (fscanf(f, "%" SCNu64, &x) == 1) {
			if (n == cap)
				v = realloc(v, (cap *= 2) * sizeof(*v));
			v[n++] = x;
		}
		fclose(f);
	}
	if (!n)
		die("no samples");
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("%" PRIu64 " %zu\n", v[n / 2], n);
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "run"))
		return run(argv[2], argv[3], atol(argv[4]), argv[5]);
	if (argc >= 3 && !strcmp(argv[1], "median"))
		return median(argc - 2, argv + 2);
	die("usage: see the header of irqbench.c");
}
