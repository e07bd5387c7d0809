// SPDX-License-Identifier: MIT
/*
 * hotplugtest - hold a uio_dma device the way an application does while it
 * is unplugged, and check that every handle fails instead of hanging.
 *
 *   hotplugtest hold BDF FLAG [SECONDS]
 *
 * Holds /dev/uioN and the control device, maps BAR0 through both, pins a
 * 2 MiB hugepage and 64 KiB of small pages, binds an eventfd to vector 0,
 * and has threads blocked in read() on /dev/uioN, poll() on the control fd
 * and read() on the eventfd; then creates FLAG (the script unplugs the
 * device now) and reads a register every 20 ms until the device is gone.
 * Once BDF has left sysfs (within SECONDS, default 60, of FLAG) it must
 * see: the blocked read() fail with EIO, poll() report POLLHUP, the
 * eventfd signalled, the INFO ioctl fail with ENODEV, and a BAR access
 * through either mapping raise SIGBUS; a new PIN, a new mmap and a write()
 * fail too.  Prints one line per check; exit status 0 if all held.
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include <uiodma/uio_dma_ioctl.h>

#include "guest_util.h"

#define HP	(2ul << 20)
#define SMALL	(64ul << 10)

static int u, ctl, efd;
static sigjmp_buf jb;
static volatile sig_atomic_t armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (armed)
		siglongjmp(jb, 1);
	_exit(100);
}

/* Read a register; 1 if that raised SIGBUS. */
static int touch(volatile uint32_t *p, uint32_t *val)
{
	if (sigsetjmp(jb, 1)) {
		armed = 0;
		return 1;
	}
	armed = 1;
	*val = rd32(p, 0);
	armed = 0;
	return 0;
}

struct waiter {
	const char *what;
	int done, err;
	short revents;
	uint64_t val;
};

static void *uio_reader(void *arg)
{
	struct waiter *w = arg;
	uint32_t n;

	w->err = read(u, &n, sizeof(n)) < 0 ? errno : 0;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *ctl_poller(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { ctl, POLLIN, 0 };

	w->err = poll(&p, 1, -1) < 0 ? errno : 0;
	w->revents = p.revents;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *efd_reader(void *arg)
{
	struct waiter *w = arg;

	w->err = read(efd, &w->val, sizeof(w->val)) < 0 ? errno : 0;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int report(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int report(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(": %s\n", ok ? "ok" : "BAD");
	return !ok;
}

static int joined(pthread_t t, struct waiter *w, int secs)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += secs;
	if (pthread_timedjoin_np(t, NULL, &ts)) {
		printf("%s still blocked %d s after the device went away\n",
		       w->what, secs);
		return 0;
	}
	return 1;
}

static int cmd_hold(const char *bdf, const char *flag, int secs)
{
	struct uio_dma_dev_info info;
	struct uio_dma_irq_eventfd ev;
	uint64_t pa[1], pa_small[SMALL / 4096];
	struct uio_dma_pin pin;
	struct waiter wr = { "read() on /dev/uioN", 0, 0, 0, 0 };
	struct waiter wp = { "poll() on the control fd", 0, 0, 0, 0 };
	struct waiter we = { "read() on the eventfd", 0, 0, 0, 0 };
	pthread_t tr, tp, te;
	volatile uint32_t *bar_uio, *bar_ctl;
	size_t len;
	uint32_t v, on = 1;
	uint8_t *hp, *small;
	int bad = 0, gone_uio = 0, gone_ctl = 0, have_irq, ioc_err = 0, ok;
	long ms;
	char sysdir[96];
	FILE *f;

	snprintf(sysdir, sizeof(sysdir), "/sys/bus/pci/devices/%s", bdf);
	uio = uio_of_pci(bdf);
	u = open_uio();
	ctl = open_rw("/dev/uio_dma/%s", bdf);
	if (ioctl(ctl, UIO_DMA_IOC_INFO, &info)) {
		/* A module of another ABI version: go on without INFO. */
		printf("INFO: %s; vector count from sysfs\n", strerror(errno));
		memset(&info, 0, sizeof(info));
		info.num_vectors = (uint32_t)sysfs_u64(
			"/sys/bus/pci/devices/%s/uio_dma/intr_vectors", bdf);
	}
	if (ioctl(ctl, UIO_DMA_IOC_BUS_MASTER, &on))
		die("BUS_MASTER: %s", strerror(errno));
	bar_uio = map_bar(u, 0, &len);
	bar_ctl = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ctl,
		       (off_t)UIO_DMA_MMAP_OFFSET(0, 0));
	if (bar_ctl == MAP_FAILED)
		die("mmap BAR0 through the control device: %s", strerror(errno));

	hp = mmap(NULL, HP, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	small = mmap(NULL, SMALL, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hp == MAP_FAILED || small == MAP_FAILED)
		die("no memory: %s", strerror(errno));
	memset(hp, 1, HP);
	memset(small, 1, SMALL);
	pin = (struct uio_dma_pin){ (uintptr_t)hp, HP, HP, (uintptr_t)pa, 0 };
	if (ioctl(ctl, UIO_DMA_IOC_PIN, &pin))
		die("pin hugepage: %s", strerror(errno));
	pin = (struct uio_dma_pin){ (uintptr_t)small, SMALL, 4096,
				    (uintptr_t)pa_small, 0 };
	if (ioctl(ctl, UIO_DMA_IOC_PIN, &pin))
		die("pin small pages: %s", strerror(errno));
	have_irq = info.num_vectors > 0;
	efd = eventfd(0, 0);
	ev = (struct uio_dma_irq_eventfd){ 0, efd };
	if (have_irq && ioctl(ctl, UIO_DMA_IOC_SET_EVENTFD, &ev))
		die("SET_EVENTFD: %s", strerror(errno));

	signal(SIGBUS, on_sigbus);
	if (pthread_create(&tr, NULL, uio_reader, &wr) ||
	    pthread_create(&tp, NULL, ctl_poller, &wp) ||
	    (have_irq && pthread_create(&te, NULL, efd_reader, &we)))
		die("pthread_create");
	touch(bar_uio, &v);
	printf("holding %s (%s): BAR0 mapped twice, reads 0x%08x; %u vector(s); pinned 2 MiB at 0x%llx and 64 KiB\n",
	       bdf, uio, v, info.num_vectors, (unsigned long long)pa[0]);
	fflush(stdout);
	f = fopen(flag, "w");
	if (!f)
		die("cannot create %s", flag);
	fclose(f);

	/* The application goes on using the device until it is gone. */
	for (ms = 0; ms < secs * 1000L; ms += 20) {
		if (!gone_uio)
			gone_uio = touch(bar_uio, &v);
		if (!gone_ctl)
			gone_ctl = touch(bar_ctl, &v);
		if (access(sysdir, F_OK))
			break;
		msleep(20);
	}
	printf("device gone after %ld ms\n", ms);
	ioc_err = ioctl(ctl, UIO_DMA_IOC_INFO, &info) ? errno : 0;
	bad |= report(ioc_err == ENODEV, "INFO ioctl fails with ENODEV (%s)",
		      ioc_err ? strerror(ioc_err) : "still succeeds");
	/* Give waiters and revocation a moment; nothing may hang. */
	ok = joined(tr, &wr, 10);
	bad |= report(ok && wr.err == EIO,
		      "blocked read() on /dev/uioN returns EIO (%s)",
		      ok ? strerror(wr.err) : "still blocked");
	ok = joined(tp, &wp, 10);
	bad |= report(ok && (wp.revents & POLLHUP),
		      "poll() on the control fd reports POLLHUP (revents 0x%x)",
		      ok ? wp.revents : 0);
	if (have_irq) {
		ok = joined(te, &we, 10);
		bad |= report(ok && !we.err && we.val >= 1,
			      "eventfd signalled at removal (%s)",
			      ok ? "woken" : "still blocked");
	}
	if (!gone_uio)
		gone_uio = touch(bar_uio, &v);
	if (!gone_ctl)
		gone_ctl = touch(bar_ctl, &v);
	bad |= report(gone_uio, "BAR0 mapped through /dev/uioN raises SIGBUS%s",
		      gone_uio ? "" : " (it still reads)");
	bad |= report(gone_ctl, "BAR0 mapped through the control device raises SIGBUS%s",
		      gone_ctl ? "" : " (it still reads)");
	pin = (struct uio_dma_pin){ (uintptr_t)hp, HP, HP, (uintptr_t)pa, 0 };
	ok = ioctl(ctl, UIO_DMA_IOC_PIN, &pin) ? errno : 0;
	bad |= report(ok == ENODEV, "a new PIN fails with ENODEV (%s)",
		      ok ? strerror(ok) : "pinned");
	ok = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ctl,
		  (off_t)UIO_DMA_MMAP_OFFSET(0, 0)) == MAP_FAILED ? errno : 0;
	bad |= report(ok != 0, "a new mmap of the control device fails (%s)",
		      ok ? strerror(ok) : "mapped");
	ok = write(u, &on, sizeof(on)) < 0 ? errno : 0;
	bad |= report(ok != 0, "write() (irqcontrol) on /dev/uioN fails (%s)",
		      ok ? strerror(ok) : "accepted");
	close(efd);
	close(ctl);
	close(u);
	return bad;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : 60);
	die("usage: hotplugtest hold BDF FLAG [SECONDS]");
}
