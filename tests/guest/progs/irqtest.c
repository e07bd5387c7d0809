// SPDX-License-Identifier: MIT
/*
 * irqtest - guest tests of libuiodma's interrupt API over uio_dma.
 *
 *   irqtest e1000e-msix BDF      all 5 MSI-X vectors, each cause routed by
 *                                IVAR to its own vector and fired with ICS:
 *                                only that vector's fd fires
 *   irqtest edu BDF MODE         edu's interrupt wakes the vector-0 fd;
 *                                MODE is the expected mode (msi, legacy)
 *   irqtest none BDF             intr_mode=none: no vectors, clear error
 *   irqtest wait-unbind BDF HOW  block (HOW: wait, epoll) until the device
 *                                is unbound; exit 0 if woken with ENODEV
 */
#include <inttypes.h>
#include <sys/epoll.h>

#include <uiodma.h>

#include "guest_util.h"

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64

static struct ud_irq *open_irq(const char *bdf)
{
	struct ud_irq *irq = ud_irq_open(bdf);

	if (!irq)
		die("ud_irq_open(%s): %s", bdf, ud_errmsg());
	printf("%s: mode %s, %u vector(s)\n", bdf,
	       ud_irq_mode_name(ud_irq_mode(irq)), ud_irq_vectors(irq));
	return irq;
}

static volatile uint32_t *bar0(const char *bdf)
{
	size_t len;

	uio = uio_of_pci(bdf);
	return map_bar(hold_uio(), 0, &len);
}

/* Consume everything pending on every vector; return the total. */
static uint64_t drain(struct ud_irq *irq, uint64_t *counts)
{
	uint64_t total = 0;

	for (unsigned int v = 0; v < ud_irq_vectors(irq); v++) {
		int64_t c = ud_irq_ack(irq, v);

		if (c < 0)
			die("ud_irq_ack(%u): %s", v, ud_errmsg());
		if (counts)
			counts[v] = (uint64_t)c;
		total += (uint64_t)c;
	}
	return total;
}

static int cmd_e1000e_msix(const char *bdf)
{
	struct ud_irq *irq = open_irq(bdf);
	volatile uint32_t *bar = bar0(bdf);
	uint64_t counts[E1000E_NVEC];
	int bad = 0;

	if (ud_irq_mode(irq) != UD_IRQ_MSIX || ud_irq_vectors(irq) != E1000E_NVEC)
		die("expected msix with %d vectors", E1000E_NVEC);
	if (ud_irq_enable_all(irq))
		die("ud_irq_enable_all: %s", ud_errmsg());

	e1000e_route_msix(bar);
	msleep(20);
	drain(irq, NULL);

	for (unsigned int i = 0; i < E1000E_NVEC; i++) {
		uint32_t cause = ICR_RXQ0 << i;
		int64_t first;

		/* One interrupt wakes a waiter on its own vector... */
		wr32(bar, E1000_ICS, cause);
		first = ud_irq_wait(irq, i, 2000);
		/* ...and a few more, spaced past QEMU's ~128 us throttle. */
		for (int k = 0; k < 3; k++) {
			usleep_(300);
			wr32(bar, E1000_ICS, cause);
		}
		msleep(50);
		drain(irq, counts);
		counts[i] += first > 0 ? (uint64_t)first : 0;
		printf("cause %u: counts", i);
		for (unsigned int v = 0; v < E1000E_NVEC; v++) {
			printf(" %" PRIu64, counts[v]);
			if (v != i && counts[v])
				bad = 1;
		}
		printf("%s\n", first > 0 ? "" : " (waiter not woken)");
		if (first <= 0 || counts[i] < 4)
			bad = 1;
	}
	wr32(bar, E1000_IMC, ~0u);
	ud_irq_close(irq);
	return bad;
}

static int cmd_edu(const char *bdf, const char *mode)
{
	struct ud_irq *irq = open_irq(bdf);
	volatile uint32_t *bar = bar0(bdf);
	int64_t n;

	if (strcmp(ud_irq_mode_name(ud_irq_mode(irq)), mode))
		die("expected mode %s", mode);
	if (ud_irq_enable(irq, 0))
		die("ud_irq_enable: %s", ud_errmsg());
	drain(irq, NULL);
	for (int k = 0; k < 3; k++) {
		wr32(bar, EDU_IRQ_RAISE, 0x100u << k);
		n = ud_irq_wait(irq, 0, 2000);
		printf("raise %d: vector 0 fired %" PRId64 " time(s)\n", k, n);
		if (n != 1)
			return 1;
		wr32(bar, EDU_IRQ_ACK, rd32(bar, EDU_IRQ_STATUS));
		if (ud_irq_unmask(irq, 0))
			die("ud_irq_unmask: %s", ud_errmsg());
	}
	/* Masked: nothing arrives; unmask delivers what came meanwhile. */
	if (ud_irq_mask(irq, 0))
		die("ud_irq_mask: %s", ud_errmsg());
	wr32(bar, EDU_IRQ_RAISE, 0x1000);
	n = ud_irq_wait(irq, 0, 300);
	printf("masked: %" PRId64 "\n", n);
	if (n != 0)
		return 1;
	if (ud_irq_unmask(irq, 0))
		die("ud_irq_unmask: %s", ud_errmsg());
	n = ud_irq_wait(irq, 0, 2000);
	printf("after unmask: %" PRId64 "\n", n);
	wr32(bar, EDU_IRQ_ACK, rd32(bar, EDU_IRQ_STATUS));
	ud_irq_unmask(irq, 0);
	ud_irq_close(irq);
	return n != 1;
}

static int cmd_none(const char *bdf)
{
	struct ud_irq *irq = open_irq(bdf);
	int r = ud_irq_enable_all(irq);

	printf("enable: %d errno %d: %s\n", r, errno, ud_errmsg());
	return !(ud_irq_vectors(irq) == 0 && ud_irq_mode(irq) == UD_IRQ_NONE &&
		 r == -1 && errno == EINVAL && strstr(ud_errmsg(), "intr_mode"));
}

static int cmd_wait_unbind(const char *bdf, const char *how)
{
	struct ud_irq *irq = open_irq(bdf);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int64_t n;
	int ep;

	if (ud_irq_enable(irq, 0))
		die("ud_irq_enable: %s", ud_errmsg());
	printf("waiting (%s)\n", how);
	fflush(stdout);
	if (!strcmp(how, "wait")) {
		n = ud_irq_wait(irq, 0, -1);
		printf("ud_irq_wait: %" PRId64 " errno %d: %s\n", n, errno, ud_errmsg());
		return !(n == -1 && errno == ENODEV);
	}
	ep = epoll_create1(0);
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, ud_irq_fd(irq, 0), &ev);
	ev.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, ud_irq_hup_fd(irq), &ev);
	n = epoll_wait(ep, &out, 1, -1);
	printf("epoll_wait: %" PRId64 ", fd %u, events 0x%x\n", n, out.data.u32,
	       out.events);
	/* Woken by the eventfd's farewell signal or by the HUP itself. */
	n = ud_irq_wait(irq, 0, 1000);
	printf("then ud_irq_wait: %" PRId64 " (%s)\n", n, ud_errmsg());
	n = ud_irq_wait(irq, 0, 1000);
	printf("and again: %" PRId64 " errno %d (%s)\n", n, errno, ud_errmsg());
	return !(n == -1 && errno == ENODEV);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "e1000e-msix"))
		return cmd_e1000e_msix(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "edu"))
		return cmd_edu(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "none"))
		return cmd_none(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "wait-unbind"))
		return cmd_wait_unbind(argv[2], argv[3]);
	die("usage: see the header of irqtest.c");
}
