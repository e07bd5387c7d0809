// SPDX-License-Identifier: MIT
/*
 * uiotest - the guest tests' probe of a /dev/uioN device.
 *
 * Each subcommand checks one behaviour, prints what it saw and exits 0 only
 * if the behaviour holds:
 *
 *   uiotest maps UIO                 maps are named BARn, sizes match sysfs
 *   uiotest rd32 UIO BAR OFF         print a 32-bit register (hex)
 *   uiotest edu-id UIO               edu identification and liveness
 *   uiotest edu-irq UIO              INTx/MSI wakes read() and poll(), +1 each
 *   uiotest edu-mask UIO             irqcontrol 0 stops delivery, 1 resumes
 *   uiotest busmaster UIO            bus mastering off before open and at
 *                                    open, on once the holder asks
 *                                    (UIO_DMA_IOC_BUS_MASTER), off after close
 *   uiotest hold UIO SECONDS         hold the device open, bus mastering on
 *                                    (for crash tests)
 *   uiotest wait-removed UIO         block in read() until unbind: EIO, no hang
 *
 * UIO is the node name, e.g. uio0.
 */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>

#include "guest_util.h"

#define EDU_ID		0x00
#define EDU_LIVENESS	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64

static uint32_t event_count(void)
{
	return (uint32_t)sysfs_u64("/sys/class/uio/%s/event", uio);
}

static int cmd_maps(void)
{
	int bad = 0, m;

	for (m = 0; m < 5; m++) {
		char path[256], name[32];
		uint64_t size, want;
		int bar;

		snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%d/name",
			 uio, m);
		if (read_sysfs(path, name, sizeof(name)))
			break;
		if (sscanf(name, "BAR%d", &bar) != 1)
			die("map%d has name '%s', not BARn", m, name);
		size = sysfs_u64("/sys/class/uio/%s/maps/map%d/size", uio, m);
		want = resource_size(bar);
		printf("map%d = BAR%d size 0x%" PRIx64 " (sysfs resource 0x%" PRIx64 ")\n",
		       m, bar, size, want);
		if (size != want)
			bad = 1;
	}
	if (m == 0)
		die("%s has no maps", uio);
	return bad;
}

static int cmd_rd32(int bar, uint32_t off)
{
	size_t len;
	volatile uint32_t *p = map_bar(open_uio(), bar, &len);

	printf("0x%08x\n", rd32(p, off));
	return 0;
}

static int cmd_edu_id(void)
{
	size_t len;
	volatile uint32_t *p = map_bar(open_uio(), 0, &len);
	uint32_t id = rd32(p, EDU_ID), v;

	printf("edu id 0x%08x\n", id);
	if (id != 0x010000ed)
		return 1;
	for (uint32_t x = 1; x; x <<= 7) {
		wr32(p, EDU_LIVENESS, x ^ 0x5a5a5a5a);
		v = rd32(p, EDU_LIVENESS);
		if (v != ~(x ^ 0x5a5a5a5a)) {
			printf("liveness: wrote 0x%08x read 0x%08x\n",
			       x ^ 0x5a5a5a5a, v);
			return 1;
		}
	}
	printf("liveness ok\n");
	return 0;
}

struct raiser {
	volatile uint32_t *bar;
	uint32_t value;
	long delay_ms;
};

static void *raise_later(void *arg)
{
	struct raiser *r = arg;

	msleep(r->delay_ms);
	wr32(r->bar, EDU_IRQ_RAISE, r->value);
	return NULL;
}

/* Acknowledge everything edu asserts, then unmask through irqcontrol. */
static void ack_and_unmask(int fd, volatile uint32_t *bar)
{
	uint32_t one = 1, st = rd32(bar, EDU_IRQ_STATUS);

	wr32(bar, EDU_IRQ_ACK, st);
	if (write(fd, &one, 4) != 4)
		die("irqcontrol write 1: %s", strerror(errno));
}

static int cmd_edu_irq(void)
{
	int fd = hold_uio();
	size_t len;
	volatile uint32_t *bar = map_bar(fd, 0, &len);
	struct raiser r = { bar, 0x1, 100 };
	struct pollfd pfd = { fd, POLLIN, 0 };
	pthread_t t;
	uint32_t before = event_count(), count;
	int n;

	/* Blocking read woken by an interrupt raised 100 ms later. */
	pthread_create(&t, NULL, raise_later, &r);
	n = read(fd, &count, 4);
	pthread_join(t, NULL);
	if (n != 4)
		die("read: %s", n < 0 ? strerror(errno) : "short");
	printf("read: count %u -> %u\n", before, count);
	if (count != before + 1)
		return 1;
	ack_and_unmask(fd, bar);

	/* poll() sees the next one. */
	r.value = 0x2;
	pthread_create(&t, NULL, raise_later, &r);
	n = poll(&pfd, 1, 5000);
	pthread_join(t, NULL);
	if (n != 1 || !(pfd.revents & POLLIN)) {
		printf("poll: %d revents 0x%x\n", n, pfd.revents);
		return 1;
	}
	if (read(fd, &count, 4) != 4)
		die("read after poll: %s", strerror(errno));
	printf("poll: count -> %u\n", count);
	if (count != before + 2)
		return 1;
	ack_and_unmask(fd, bar);
	return 0;
}

static int cmd_edu_mask(void)
{
	int fd = hold_uio();
	size_t len;
	volatile uint32_t *bar = map_bar(fd, 0, &len);
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint32_t zero = 0, one = 1, before, count;
	int n;

	/* Consume whatever is pending so poll() starts quiet. */
	ack_and_unmask(fd, bar);
	msleep(50);
	if (poll(&pfd, 1, 0) == 1 && read(fd, &count, 4) != 4)
		die("drain: %s", strerror(errno));

	if (write(fd, &zero, 4) != 4)
		die("irqcontrol write 0: %s", strerror(errno));
	before = event_count();
	wr32(bar, EDU_IRQ_RAISE, 0x4);
	n = poll(&pfd, 1, 300);
	printf("masked: poll %d, count %u -> %u\n", n, before, event_count());
	if (n != 0 || event_count() != before)
		return 1;

	/* Unmasking delivers the interrupt that arrived while masked. */
	if (write(fd, &one, 4) != 4)
		die("irqcontrol write 1: %s", strerror(errno));
	n = poll(&pfd, 1, 5000);
	if (n != 1 || read(fd, &count, 4) != 4)
		die("no interrupt after unmask (poll %d)", n);
	printf("unmasked: count -> %u\n", count);
	if (count != before + 1)
		return 1;
	ack_and_unmask(fd, bar);
	return 0;
}

static int bus_master_on(void)
{
	return !!(pci_command(pci_of_uio()) & 0x4);
}

/* uio_dma opens every device with bus mastering off, turns it on when the
 * holder asks (UIO_DMA_IOC_BUS_MASTER) and off at the last close. */
static int cmd_busmaster(void)
{
	int before = bus_master_on(), during, asked = -1, after;
	int fd = open_uio(), ctl;
	char path[300];
	uint32_t on = 1;

	during = bus_master_on();
	snprintf(path, sizeof(path), "/dev/uio_dma/%s", pci_of_uio());
	ctl = open(path, O_RDWR);
	if (ctl >= 0 && !ioctl(ctl, UIO_DMA_IOC_BUS_MASTER, &on))
		asked = bus_master_on();
	if (ctl >= 0)
		close(ctl);
	close(fd);
	after = bus_master_on();
	printf("bus master: before open %d, open %d, asked for %d, after close %d\n",
	       before, during, asked, after);
	return before || during || asked != 1 || after;
}

static int cmd_hold(long seconds)
{
	int fd = hold_uio();

	printf("holding %s (bus master %d)\n", uio, !!bus_master_on());
	fflush(stdout);
	sleep(seconds);
	close(fd);
	return 0;
}

static int cmd_wait_removed(void)
{
	int fd = open_uio();
	uint32_t count;
	ssize_t n;

	printf("waiting in read()\n");
	fflush(stdout);
	n = read(fd, &count, 4);
	printf("read returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "event");
	return !(n < 0 && errno == EIO);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: uiotest CMD UIO [ARGS]; see the source's header");
	uio = argv[2];
	if (!strcmp(argv[1], "maps"))
		return cmd_maps();
	if (!strcmp(argv[1], "rd32") && argc == 5)
		return cmd_rd32(atoi(argv[3]), strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "edu-id"))
		return cmd_edu_id();
	if (!strcmp(argv[1], "edu-irq"))
		return cmd_edu_irq();
	if (!strcmp(argv[1], "edu-mask"))
		return cmd_edu_mask();
	if (!strcmp(argv[1], "busmaster"))
		return cmd_busmaster();
	if (!strcmp(argv[1], "hold") && argc == 4)
		return cmd_hold(atol(argv[3]));
	if (!strcmp(argv[1], "wait-removed"))
		return cmd_wait_removed();
	die("unknown command '%s'", argv[1]);
}
