// SPDX-License-Identifier: MIT
/*
 * safetytest - regression tests for the module's safety guarantees (issue
 * 9, items 1-7), written against the ABI in uiodma/uio_dma_ioctl.h with
 * raw syscalls, not the library, so they test the module itself.
 *
 *   safetytest huge-order BDF BITS     free hugepages below 2^BITS first in
 *                                      the pool (for a device like edu28)
 *   safetytest busmaster BDF           who turns bus mastering on, the INFO
 *                                      flags, sysfs uio_dma/reset
 *   safetytest pin-holder BDF BITS     (1) pins a closed control file made
 *                                      outlive nothing that can DMA: not
 *                                      freed while a forked holder keeps
 *                                      /dev/uioN; a DMA by that holder does
 *                                      not land in memory someone else got;
 *                                      freed at the holder's exit and at
 *                                      unbind
 *   safetytest pin-kill BDF BITS       (1) a process killed with a DMA into
 *                                      its pinned page in flight, control fd
 *                                      below and above /dev/uioN: the DMA
 *                                      lands nowhere anyone else owns
 *   safetytest stale-dma BDF BITS      (2) a holder starts a DMA into a
 *                                      canary and is killed; the next holder
 *                                      finds the canary intact
 *   safetytest nic-reset BDF [NOOP]    (2) an e1000e's registers are reset
 *                                      between holders and bus mastering is
 *                                      off at open (NOOP 1: the kernel's
 *                                      reset method may reset nothing; only
 *                                      bus mastering is checked)
 *   safetytest pin-race BDF            (3) UNPIN of a handle while its PIN
 *                                      stalls (userfaultfd) and then fails
 *                                      to copy out: no BUG, no leak
 *   safetytest info-mmap BDF           (4) INFO stalled in a user copy does
 *                                      not block mmap of the control fd;
 *                                      INFO and mmap loops finish
 *   safetytest revoke-race BDF N       (5a) N cycles of control-fd mmap
 *                                      racing unbind: every mapping SIGBUSes
 *   safetytest revoke-uio BDF [1]      (5b) a /dev/uioN mapping SIGBUSes
 *                                      after unbind and rebind (and, with 1,
 *                                      after PCI removal; rescans after)
 *   safetytest unbind-churn BDF N      (5c) mmap/munmap/INFO churn during N
 *                                      unbinds (the case checks dmesg)
 *   safetytest one-holder BDF          (6) a second open of /dev/uioN is
 *                                      EBUSY; another control file cannot
 *                                      take or mask the holder's eventfd;
 *                                      the holder still gets interrupts
 *   safetytest map-rules BDF           (7) MAP_PRIVATE refused, nothing past
 *                                      a BAR's end, no unmask or bus
 *                                      mastering without a holder
 *   safetytest memlock BDF             (7) pins are charged to the pinner's
 *                                      RLIMIT_MEMLOCK (VmPin), ENOMEM over it
 *
 * BITS is the device's DMA address width (edu: 64 or 28).  The edu tests
 * need free 2 MiB hugepages (below 2^BITS for the DMA ones).  Each test runs
 * in its own process group under a deadline, so a deadlock is a failure
 * with a reason, not a hang.  Output: "ok: ..." and "FAIL: ..." lines; the
 * exit status is 0 only if nothing failed, 77 if the test cannot run here
 * (no free hugepage the device can reach).
 */
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <uiodma/uio_dma_ioctl.h>

#include "guest_util.h"

#define HUGE		(2ul << 20)
#define PAGE		4096ul

#define E1000_CTRL	0x0000
#define E1000_CTRL_RST	(1u << 26)
#define E1000_RDBAL0	0x2800
#define E1000_RDBAH0	0x2804
#define E1000_RDLEN0	0x2808

static const char *bdf;
static uint64_t dma_mask = ~0ull;
static int failures;

/* ---- reporting */

static void ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ok: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static void bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* expect(COND, FMT...): ok or FAIL with the same description. */
#define expect(cond, ...) ((cond) ? ok(__VA_ARGS__) : bad(__VA_ARGS__))

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "success";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY";
	default: return strerror(e);
	}
}

/* errno of a call that returned @ret (0 when it succeeded). */
static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

/* ---- the device */

static void pci_bind(void)
{
	write_sysfs("uio_dma", "/sys/bus/pci/devices/%s/driver_override", bdf);
	write_sysfs(bdf, "/sys/bus/pci/drivers/uio_dma/bind");
	uio = uio_of_pci(bdf);
}

static void pci_unbind(void)
{
	write_sysfs(bdf, "/sys/bus/pci/devices/%s/driver/unbind", bdf);
}

static int ctl_open(void)
{
	int fd = open_rw("/dev/uio_dma/%s", bdf);

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* open /dev/uioN; -1 with errno on failure. */
static int uio_try_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", uio);
	return open(path, O_RDWR | O_CLOEXEC);
}

static int bus_master(void)
{
	return !!(pci_command(bdf) & 0x4);
}

/* INFO's flags; a module without them fails the test but not at once. */
static uint32_t info_flags(int ctl)
{
	struct uio_dma_dev_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(ctl, UIO_DMA_IOC_INFO, &info))
		bad("UIO_DMA_IOC_INFO (ABI %d): %s", UIO_DMA_ABI_VERSION,
		    strerror(errno));
	return info.flags;
}

static const char *flag_names(uint32_t f)
{
	static char s[96];

	snprintf(s, sizeof(s), "%s%s%s%s",
		 f & UIO_DMA_INFO_RESETTABLE ? "RESETTABLE " : "",
		 f & UIO_DMA_INFO_HELD ? "HELD " : "",
		 f & UIO_DMA_INFO_BUS_MASTER ? "BUS_MASTER " : "",
		 f & UIO_DMA_INFO_NOT_RESET ? "NOT_RESET " : "");
	if (!*s)
		snprintf(s, sizeof(s), "none");
	return s;
}

static int set_bus_master(int ctl, uint32_t on)
{
	return ioctl(ctl, UIO_DMA_IOC_BUS_MASTER, &on);
}

static int mask_vec(int ctl, uint32_t vector, uint32_t masked)
{
	struct uio_dma_irq_mask m = { vector, masked };

	return ioctl(ctl, UIO_DMA_IOC_MASK, &m);
}

static int set_eventfd(int ctl, uint32_t vector, int fd)
{
	struct uio_dma_irq_eventfd e = { vector, fd };

	return ioctl(ctl, UIO_DMA_IOC_SET_EVENTFD, &e);
}

static int pin(int ctl, void *va, uint64_t len, uint64_t page_size,
	       uint64_t *pa, uint64_t *handle)
{
	struct uio_dma_pin p = {
		.vaddr = (uintptr_t)va, .len = len, .page_size = page_size,
		.pa_array = (uintptr_t)pa,
	};
	int ret = ioctl(ctl, UIO_DMA_IOC_PIN, &p);

	if (!ret && handle)
		*handle = p.handle;
	return ret;
}

static int unpin(int ctl, uint64_t handle)
{
	return ioctl(ctl, UIO_DMA_IOC_UNPIN, &handle);
}

static void *ctl_map(int ctl, size_t len, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, ctl,
		    (off_t)UIO_DMA_MMAP_OFFSET(0, 0));
}

/* ---- holding the device */

static int is_e1000e(void)
{
	return sysfs_u64("/sys/bus/pci/devices/%s/vendor", bdf) == 0x8086;
}

/*
 * Become the holder: open /dev/uioN and map BAR0 through it.  A device not
 * reset since its last holder (UIO_DMA_INFO_NOT_RESET) comes with bus
 * mastering off; the holder stops it its own way (edu: wait until its DMA
 * engine is idle; e1000e: software reset), then turns bus mastering on.
 */
static int hold(int ctl, volatile uint32_t **bar)
{
	int fd = uio_try_open();
	size_t len;

	if (fd < 0)
		die("open /dev/%s: %s", uio, strerror(errno));
	*bar = map_bar(fd, 0, &len);
	/* Bus mastering is off at open: stop the device, then turn it on. */
	if (info_flags(ctl) & UIO_DMA_INFO_NOT_RESET) {
		if (is_e1000e()) {
			wr32(*bar, E1000_CTRL, E1000_CTRL_RST);
			msleep(10);
		} else if (edu_dma_wait(*bar, 2000)) {
			die("edu's DMA engine still busy 2 s after open");
		}
	}
	if (set_bus_master(ctl, 1))
		die("UIO_DMA_IOC_BUS_MASTER 1: %s", strerror(errno));
	return fd;
}

/* Let go of /dev/uioN: a BAR mapping keeps the file open, so unmap it first. */
static void unhold(int fd, volatile uint32_t *bar)
{
	munmap((void *)bar, resource_size(0));
	close(fd);
}

/* ---- memory */

static long huge_free(void)
{
	long v = meminfo("HugePages_Free");

	if (v < 0)
		die("no HugePages_Free in /proc/meminfo");
	return v;
}

/* Physical address of @va (root reads PFNs from pagemap); 0 if not present. */
static uint64_t va2pa(const void *va)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)va / PAGE) * 8) != 8)
		die("pagemap: %s", strerror(errno));
	close(fd);
	if (!(e & (1ull << 63)))
		return 0;
	return (e & ((1ull << 55) - 1)) * PAGE + (uintptr_t)va % PAGE;
}

/* One populated private 2 MiB hugepage, not inherited by children; NULL if none. */
static void *huge_map(void)
{
	void *p = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, HUGE, MADV_DONTFORK);
	return p;
}

/*
 * A hugepage the device can reach (below dma_mask), and its address.  None
 * free (the guest's low memory is taken) skips the test: exit status 77.
 */
#define SKIPPED 77

static uint8_t *huge_dma(uint64_t *pa)
{
	void *reject[512];
	int n = 0;
	uint8_t *p;

	for (;;) {
		p = huge_map();
		if (!p || n == 512) {
			printf("SKIP: no free 2 MiB hugepage below 0x%" PRIx64 " (%d above it)\n",
			       dma_mask, n);
			exit(failures ? 1 : SKIPPED);
		}
		*pa = va2pa(p);
		if (*pa && *pa + HUGE - 1 <= dma_mask)
			break;
		reject[n++] = p;
	}
	while (n)
		munmap(reject[--n], HUGE);
	return p;
}

/*
 * Free hugepages, zeroed, as another process would get them; returns how
 * many (at most GRAB).  The kernel's free lists are LIFO: a page just let go
 * is among the first handed out.
 */
#define GRAB 32

static int grab_huge(uint8_t **pages, uint64_t *pas, int max)
{
	int n = 0;

	while (n < max && (pages[n] = huge_map())) {
		memset(pages[n], 0, HUGE);
		pas[n] = va2pa(pages[n]);
		n++;
	}
	return n;
}

/* Bytes of @len at @p that are not @c. */
static size_t count_not(const uint8_t *p, size_t len, uint8_t c)
{
	static uint8_t ref[PAGE];
	size_t n = 0;

	memset(ref, c, sizeof(ref));
	for (size_t off = 0; off < len; off += PAGE) {
		size_t k = len - off < PAGE ? len - off : PAGE;

		if (memcmp(p + off, ref, k))
			for (size_t i = 0; i < k; i++)
				n += p[off + i] != c;
	}
	return n;
}

/* Wait until HugePages_Free is @want; 0 if it got there within @ms. */
static int huge_free_becomes(long want, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (huge_free() == want)
			return 0;
		msleep(10);
	}
	return huge_free() == want ? 0 : -1;
}

/*
 * Fill edu's 4 KiB buffer with @byte by a DMA from @buf (at @pa) and check
 * it arrived by a DMA back to the second page of @buf: proves this holder's
 * DMA reaches memory, so a canary that stays intact means something.
 */
static void edu_prime(volatile uint32_t *bar, uint8_t *buf, uint64_t pa,
		      uint8_t byte)
{
	memset(buf, byte, EDU_DMA_MAX);
	memset(buf + PAGE, 0, PAGE);
	edu_dma_start(bar, pa, 0, EDU_DMA_MAX, 0);
	if (edu_dma_wait(bar, 3000))
		die("edu DMA RAM->device did not finish in 3 s");
	edu_dma_start(bar, pa + PAGE, 0, EDU_DMA_MAX, 1);
	if (edu_dma_wait(bar, 3000))
		die("edu DMA device->RAM did not finish in 3 s");
	if (count_not(buf + PAGE, EDU_DMA_MAX, byte))
		die("edu DMA round trip through 0x%" PRIx64 " did not arrive: the test cannot see DMA",
		    pa);
}

/* ---- processes */

static void say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		die("socket write: %s", strerror(errno));
}

/* The next byte from @fd, or -1 after @ms milliseconds or at EOF. */
static int hear(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	if (poll(&p, 1, ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return (unsigned char)c;
}

/* Fork a child that runs @fn(@sock) and exits with its result. */
static pid_t spawn(int (*fn)(int, void *), void *arg, int *sock)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		_exit(fn(sv[1], arg));
	}
	close(sv[1]);
	*sock = sv[0];
	return pid;
}

/* Wait for @pid up to @ms; its wait status, or -1 if still running. */
static int reap(pid_t pid, int ms)
{
	int st;

	for (int i = 0; i <= ms; i += 5) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		msleep(5);
	}
	return -1;
}

/* ---- faults */

static _Thread_local sigjmp_buf probe_jb;
static _Thread_local volatile sig_atomic_t probe_armed;

static void on_fault(int sig)
{
	if (probe_armed)
		siglongjmp(probe_jb, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* Read *@p: 0 and *@v if it reads, else the signal it raised. */
static int probe(volatile uint32_t *p, uint32_t *v)
{
	int sig;

	probe_armed = 1;
	sig = sigsetjmp(probe_jb, 1);
	if (!sig)
		*v = *p;
	probe_armed = 0;
	return sig;
}

/* ---- userfaultfd */

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api))
		die("userfaultfd: %s", strerror(errno));
	return fd;
}

static void uffd_register(int fd, void *p, uint64_t mode)
{
	struct uffdio_register r = {
		.range = { (uintptr_t)p, PAGE }, .mode = mode,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &r))
		die("UFFDIO_REGISTER: %s", strerror(errno));
}

/* 0 when a page fault was reported within @ms. */
static int uffd_wait(int fd, int ms, struct uffd_msg *m)
{
	struct pollfd p = { fd, POLLIN, 0 };

	if (poll(&p, 1, ms) != 1 || read(fd, m, sizeof(*m)) != sizeof(*m))
		return -1;
	return m->event == UFFD_EVENT_PAGEFAULT ? 0 : -1;
}

/* ---- a thread that runs one ioctl, so the caller can see it stall */

struct call {
	int fd;
	unsigned long cmd;
	void *arg;
	atomic_int done;
	int ret, err;
	pthread_t t;
};

static void *call_thread(void *arg)
{
	struct call *c = arg;

	c->ret = ioctl(c->fd, c->cmd, c->arg);
	c->err = c->ret < 0 ? errno : 0;
	atomic_store(&c->done, 1);
	return NULL;
}

static void call_start(struct call *c, int fd, unsigned long cmd, void *arg)
{
	c->fd = fd;
	c->cmd = cmd;
	c->arg = arg;
	atomic_store(&c->done, 0);
	if (pthread_create(&c->t, NULL, call_thread, c))
		die("pthread_create");
}

/* 0 once the call returned within @ms. */
static int call_wait(struct call *c, int ms)
{
	for (int i = 0; i < ms; i++) {
		if (atomic_load(&c->done)) {
			pthread_join(c->t, NULL);
			return 0;
		}
		msleep(1);
	}
	return -1;
}

/*
 * huge-order: the pool's free list is LIFO; hand back the free hugepages
 * below the DMA limit last, so that tests get them first.  A device with a
 * small DMA mask (edu28) needs them, and after other work the kernel hands
 * out its high pages first.
 */
static int t_huge_order(void)
{
	static uint8_t *pages[4096];
	int n = 0, low = 0;

	while (n < 4096 && (pages[n] = huge_map()))
		n++;
	for (int i = 0; i < n; i++) {
		uint64_t pa = va2pa(pages[i]);

		if (!pa || pa + HUGE - 1 > dma_mask) {
			munmap(pages[i], HUGE);
			pages[i] = NULL;
		}
	}
	for (int i = 0; i < n; i++) {
		if (pages[i]) {
			munmap(pages[i], HUGE);
			low++;
		}
	}
	if (!low) {
		printf("SKIP: none of %d free hugepages lies below 0x%" PRIx64 "\n", n, dma_mask);
		return SKIPPED;
	}
	printf("    %d of %d free hugepages lie below 0x%" PRIx64 " and now come first\n",
	       low, n, dma_mask);
	return failures;
}

/* ==== busmaster: the contract of the header's "Quiet before reuse" */

static int t_busmaster(void)
{
	int ctl = ctl_open(), fd;
	uint32_t f;
	char path[256], reset[64] = "";

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio_dma/reset", bdf);
	if (read_sysfs(path, reset, sizeof(reset)))
		bad("no %s: %s", path, strerror(errno));
	f = info_flags(ctl);
	printf("    not held: flags %s, bus master %d, sysfs reset '%s'\n",
	       flag_names(f), bus_master(), reset);
	expect(!(f & (UIO_DMA_INFO_HELD | UIO_DMA_INFO_BUS_MASTER)) && !bus_master(),
	       "not held: bus mastering off, HELD and BUS_MASTER clear");
	expect(set_bus_master(ctl, 1) && errno == EPERM && !bus_master(),
	       "BUS_MASTER 1 without a holder: EPERM, still off");

	fd = uio_try_open();
	if (fd < 0)
		die("open /dev/%s: %s", uio, strerror(errno));
	f = info_flags(ctl);
	printf("    held: flags %s, bus master %d\n", flag_names(f), bus_master());
	expect(f & UIO_DMA_INFO_HELD, "held: HELD set");
	expect(!bus_master() && !(f & UIO_DMA_INFO_BUS_MASTER),
	       "opened with bus mastering off (the holder turns it on)");
	if (f & UIO_DMA_INFO_RESETTABLE)
		expect(!(f & UIO_DMA_INFO_NOT_RESET),
		       "resettable device: reset by its first open, NOT_RESET clear");
	else
		expect(f & UIO_DMA_INFO_NOT_RESET,
		       "device that cannot be reset: NOT_RESET");
	expect(!set_bus_master(ctl, 1) && bus_master() &&
	       (info_flags(ctl) & UIO_DMA_INFO_BUS_MASTER),
	       "BUS_MASTER 1 from the holder turns it on");
	expect(!set_bus_master(ctl, 0) && !bus_master(), "BUS_MASTER 0 turns it off");
	expect(!set_bus_master(ctl, 1) && bus_master(), "BUS_MASTER 1 turns it on again");
	close(fd);
	f = info_flags(ctl);
	expect(!bus_master() && !(f & (UIO_DMA_INFO_HELD | UIO_DMA_INFO_BUS_MASTER)),
	       "after the last close: bus mastering off, HELD clear (flags %s)",
	       flag_names(f));
	return failures;
}

/* ==== 1. pins outlive nothing that can DMA */

struct holder_arg {
	int ctl;
	volatile uint32_t *bar;		/* BAR0 through /dev/uioN, inherited */
};

/* The holder: keeps only /dev/uioN; DMAs edu's buffer to addresses it is sent. */
static int holder_main(int sock, void *arg)
{
	struct holder_arg *h = arg;
	uint64_t pa;
	int c;

	close(h->ctl);
	say(sock, 'r');
	while ((c = hear(sock, 20000)) == 'd') {
		if (read(sock, &pa, sizeof(pa)) != sizeof(pa))
			return 2;
		edu_dma_start(h->bar, pa, 0, EDU_DMA_MAX, 1);
		say(sock, edu_dma_wait(h->bar, 3000) ? 'x' : 'k');
	}
	return 0;
}

static int t_pin_holder(void)
{
	long free0 = huge_free(), f;
	int ctl = ctl_open(), fd, sock, n, st;
	volatile uint32_t *bar;
	uint64_t pa_v, got, grab_pa[GRAB];
	uint8_t *victim, *grab[GRAB];
	struct holder_arg h;
	pid_t pid;

	catch_faults();
	for (int round = 0; round < 2; round++) {
		const char *how = round ? "unbind" : "the holder's exit";

		fd = hold(ctl, &bar);
		victim = huge_dma(&pa_v);
		if (pin(ctl, victim, HUGE, HUGE, &got, NULL) || got != pa_v)
			die("PIN of a 2 MiB hugepage: %s", strerror(errno));
		edu_prime(bar, victim, pa_v, 0xa5);
		printf("    round %d: pinned the hugepage at 0x%" PRIx64 "; HugePages_Free %ld -> %ld\n",
		       round, pa_v, free0, huge_free());

		/* A child keeps /dev/uioN (fd passed on by fork); this process
		 * lets go of everything else. */
		h.ctl = ctl;
		h.bar = bar;
		pid = spawn(holder_main, &h, &sock);
		if (hear(sock, 5000) != 'r')
			die("holder did not start");
		munmap((void *)bar, resource_size(0));
		close(fd);
		close(ctl);
		munmap(victim, HUGE);
		msleep(50);
		f = huge_free();
		expect(f == free0 - 1,
		       "control file closed while pid %d holds /dev/uioN: its pinned hugepage stays out of the pool (HugePages_Free %ld, %ld before pinning)",
		       (int)pid, f, free0);

		if (round == 0) {
			/* Anyone may get the free hugepages now; the holder's
			 * DMA must not land in them. */
			n = grab_huge(grab, grab_pa, GRAB);
			for (int i = 0; i < n; i++)
				if (grab_pa[i] == pa_v)
					bad("hugepage at 0x%" PRIx64 ", still pinned for the device, was handed to another mapping",
					    grab_pa[i]);
			say(sock, 'd');
			if (write(sock, &pa_v, sizeof(pa_v)) != sizeof(pa_v) || hear(sock, 5000) != 'k')
				bad("holder's DMA to 0x%" PRIx64 " did not complete", pa_v);
			for (int i = 0; i < n; i++) {
				size_t changed = count_not(grab[i], HUGE, 0);

				if (changed)
					bad("the holder's DMA wrote %zu bytes into the hugepage at 0x%" PRIx64 " another mapping got",
					    changed, grab_pa[i]);
				munmap(grab[i], HUGE);
			}
			printf("    took %d free hugepages and had the holder DMA into the pinned one\n", n);
			say(sock, 'q');
			st = reap(pid, 5000);
			if (st != 0)
				bad("holder exited with status 0x%x", st);
		} else {
			pci_unbind();
		}
		expect(!huge_free_becomes(free0, 3000),
		       "pins released at %s (HugePages_Free %ld, want %ld)", how,
		       huge_free(), free0);
		if (round == 1) {
			say(sock, 'q');
			reap(pid, 5000);
			pci_bind();
		}
		close(sock);
		ctl = ctl_open();
	}
	return failures;
}

/* pin-kill: the child pins, starts a DMA into its own page and is killed. */
static int killed_main(int sock, void *arg)
{
	int ctl_first = *(int *)arg, ctl, fd;
	volatile uint32_t *bar;
	uint64_t pa_v;
	uint8_t *victim;

	if (ctl_first) {
		ctl = ctl_open();
		fd = hold(ctl, &bar);
	} else {
		int low = open("/dev/null", O_RDONLY);	/* keeps a low number free */

		ctl = ctl_open();
		close(low);
		fd = hold(ctl, &bar);
	}
	victim = huge_dma(&pa_v);
	if (pin(ctl, victim, HUGE, HUGE, &pa_v, NULL))
		die("PIN: %s", strerror(errno));
	edu_prime(bar, victim, pa_v, 0x3c);
	munmap(victim, HUGE);
	printf("    child: control fd %d, /dev/%s fd %d, DMA into 0x%" PRIx64 " started, SIGKILL\n",
	       ctl, uio, fd, pa_v);
	fflush(stdout);
	say(sock, 'r');
	edu_dma_start(bar, pa_v, 0, EDU_DMA_MAX, 1);
	raise(SIGKILL);
	return 1;
}

/*
 * Both orders in which exit closes the two files.  The window between an
 * early unpin and bus mastering going off is microseconds here, so this
 * guards the order more than it reproduces the race; pin-holder widens the
 * window to as long as a holder lives.
 */
static int t_pin_kill(void)
{
	uint8_t *grab[GRAB];
	uint64_t grab_pa[GRAB];
	long free0 = huge_free();

	for (int order = 0; order < 2; order++) {
		int ctl_first = order == 0, sock, n, st;
		pid_t pid = spawn(killed_main, &ctl_first, &sock);
		const char *what = ctl_first ? "control fd below /dev/uioN" :
				   "control fd above /dev/uioN";

		hear(sock, 10000);
		st = reap(pid, 10000);
		close(sock);
		if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == SKIPPED)
			exit(SKIPPED);
		if (st < 0 || !WIFSIGNALED(st))
			die("child (%s) did not die by SIGKILL (status 0x%x)", what, st);
		/* Straight after the exit: take free hugepages as another process would. */
		n = grab_huge(grab, grab_pa, GRAB);
		msleep(400);
		for (int i = 0; i < n; i++) {
			size_t changed = count_not(grab[i], HUGE, 0);

			if (changed)
				bad("%s: the killed process's DMA wrote %zu bytes into the hugepage at 0x%" PRIx64 " this process got after the kill",
				    what, changed, grab_pa[i]);
			munmap(grab[i], HUGE);
		}
		printf("    %s: took %d free hugepages after the kill\n", what, n);
		expect(!huge_free_becomes(free0, 3000),
		       "%s: pins released after the process died (HugePages_Free %ld, want %ld)",
		       what, huge_free(), free0);
	}
	return failures;
}

/* ==== 2. stale DMA after the holder dies */

/* One hugepage: the canary in its first MiB, the priming source above. */
struct stale_arg {
	int ctl;
	uint64_t pa_canary, pa_src;
};

#define CANARY	(HUGE / 2)

static int stale_main(int sock, void *arg)
{
	struct stale_arg *s = arg;
	volatile uint32_t *bar;

	hold(s->ctl, &bar);
	/* fill edu's buffer from the parent's source (by address) */
	edu_dma_start(bar, s->pa_src, 0, EDU_DMA_MAX, 0);
	if (edu_dma_wait(bar, 3000))
		die("priming DMA did not finish");
	say(sock, 'r');
	edu_dma_start(bar, s->pa_canary, 0, EDU_DMA_MAX, 1);
	raise(SIGKILL);
	return 1;
}

static int t_stale_dma(void)
{
	struct stale_arg s;
	uint8_t *canary = huge_dma(&s.pa_canary), *src = canary + CANARY;
	volatile uint32_t *bar;
	size_t changed;
	uint32_t f;
	int sock, fd, st;
	pid_t pid;

	s.ctl = ctl_open();
	if (pin(s.ctl, canary, HUGE, HUGE, &s.pa_canary, NULL))
		die("PIN: %s", strerror(errno));
	s.pa_src = s.pa_canary + CANARY;
	memset(canary, 0x5a, CANARY);
	memset(src, 0xe7, EDU_DMA_MAX);

	pid = spawn(stale_main, &s, &sock);
	if (hear(sock, 10000) != 'r')
		die("child did not start its DMA");
	st = reap(pid, 10000);
	close(sock);
	if (st < 0 || !WIFSIGNALED(st))
		die("child did not die by SIGKILL (status 0x%x)", st);

	/* The next holder, straight after. */
	fd = uio_try_open();
	if (fd < 0) {
		bad("open /dev/%s after its holder died: %s", uio, strerror(errno));
		return failures;
	}
	f = info_flags(s.ctl);
	printf("    reopened: flags %s, bus master %d\n", flag_names(f), bus_master());
	expect(!bus_master(), "reopened with bus mastering off");
	if (f & UIO_DMA_INFO_RESETTABLE)
		expect(!(f & UIO_DMA_INFO_NOT_RESET),
		       "resettable: reset at the last close, NOT_RESET clear");
	else
		expect(f & UIO_DMA_INFO_NOT_RESET, "not resettable: NOT_RESET");
	msleep(400);
	changed = count_not(canary, CANARY, 0x5a);
	expect(!changed,
	       "DMA started by the killed holder did not land after the reopen (%zu of %u canary bytes overwritten)",
	       changed, EDU_DMA_MAX);

	size_t len;

	bar = map_bar(fd, 0, &len);
	/* The new holder stops the device its own way, then turns bus
	 * mastering on: whatever was pending went nowhere. */
	expect(!edu_dma_wait(bar, 2000), "edu's DMA engine idle before bus mastering goes on");
	/* s.ctl served the dead holder too: a control fd of an earlier hold
	 * may not turn bus mastering on; the new holder opens its own. */
	expect(set_bus_master(s.ctl, 1) && errno == EPERM && !bus_master(),
	       "BUS_MASTER 1 through the dead holder's control fd: EPERM");
	int ctl2 = ctl_open();

	expect(!set_bus_master(ctl2, 1) && bus_master(), "BUS_MASTER 1 turns bus mastering on");
	close(ctl2);
	msleep(300);
	changed = count_not(canary, CANARY, 0x5a);
	expect(!changed, "canary intact after bus mastering went on (%zu bytes overwritten)",
	       changed);
	/* The device works for the new holder: a DMA lands where it should. */
	edu_prime(bar, src, s.pa_src, 0x81);
	ok("the new holder's own DMA round trip works");
	unhold(fd, bar);
	return failures;
}

/* nic-reset: an e1000e holder programs an RX ring address and is killed. */
static int nic_holder(int sock, void *arg)
{
	size_t len;
	int fd = uio_try_open();
	volatile uint32_t *bar;

	(void)arg;
	if (fd < 0)
		die("open /dev/%s: %s", uio, strerror(errno));
	bar = map_bar(fd, 0, &len);
	wr32(bar, E1000_RDBAL0, 0x12345000);
	wr32(bar, E1000_RDBAH0, 0x1);
	wr32(bar, E1000_RDLEN0, 0x1000);
	if (rd32(bar, E1000_RDBAL0) != 0x12345000)
		die("RDBAL0 reads 0x%x after writing 0x12345000", rd32(bar, E1000_RDBAL0));
	say(sock, 'r');
	raise(SIGKILL);
	return 1;
}

/*
 * @noop_reset: the kernel's reset method is one the device ignores (QEMU
 * 7.2's e1000e and its PM reset): the ring setup may survive, and bus
 * mastering off at open is what keeps it from DMA.
 */
static int t_nic_reset(int noop_reset)
{
	int ctl = ctl_open(), sock, fd;
	volatile uint32_t *bar;
	pid_t pid = spawn(nic_holder, NULL, &sock);
	uint32_t f, lo;
	size_t len;

	if (hear(sock, 10000) != 'r')
		die("holder did not program the ring");
	reap(pid, 10000);
	close(sock);
	fd = uio_try_open();
	if (fd < 0)
		die("open /dev/%s after its holder died: %s", uio, strerror(errno));
	f = info_flags(ctl);
	bar = map_bar(fd, 0, &len);
	lo = rd32(bar, E1000_RDBAL0);
	printf("    reopened: flags %s, bus master %d, RDBAL0 0x%08x RDBAH0 0x%x RDLEN0 0x%x\n",
	       flag_names(f), bus_master(), lo, rd32(bar, E1000_RDBAH0),
	       rd32(bar, E1000_RDLEN0));
	expect(f & UIO_DMA_INFO_RESETTABLE, "e1000e behind its own root port is resettable");
	if (noop_reset)
		printf("    the reset %s the killed holder's RX ring setup\n",
		       lo ? "kept" : "cleared");
	else
		expect(lo == 0 && rd32(bar, E1000_RDLEN0) == 0,
		       "the killed holder's RX ring setup was reset before the next holder (RDBAL0 0x%08x)",
		       lo);
	expect(!bus_master(), "bus mastering off for the new holder until it turns it on");
	unhold(fd, bar);
	expect(!bus_master(), "bus mastering off after the last close");
	return failures;
}

/* ==== 3. PIN racing UNPIN of its own handle */

struct unpin_all {
	int ctl, n_ok;
	atomic_int done;
	pthread_t t;
};

static void *unpin_thread(void *arg)
{
	struct unpin_all *u = arg;

	/* Handles are small counters in the old module; try a range. */
	for (uint64_t h = 0; h <= 64; h++)
		u->n_ok += !unpin(u->ctl, h);
	atomic_store(&u->done, 1);
	return NULL;
}

struct race {
	int ctl;
	uint8_t *buf;
	struct uio_dma_pin *req;
	uint64_t pa;
	atomic_int stop;
	atomic_ullong last;
	long pins, unpins;
};

static void *race_pin(void *arg)
{
	struct race *r = arg;

	/* The request stays as set up: the kernel writes only the handle,
	 * and the page is read-only half of the time. */
	while (!atomic_load(&r->stop)) {
		if (!ioctl(r->ctl, UIO_DMA_IOC_PIN, r->req)) {
			r->pins++;
			atomic_store(&r->last, r->req->handle);
			unpin(r->ctl, r->req->handle);
		}
	}
	return NULL;
}

static void *race_unpin(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop))
		for (uint64_t h = 1; h <= 3; h++)
			r->unpins += !unpin(r->ctl, atomic_load(&r->last) + h);
	return NULL;
}

static void *race_protect(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		mprotect(r->req, PAGE, PROT_READ);
		usleep_(50);
		mprotect(r->req, PAGE, PROT_READ | PROT_WRITE);
		usleep_(50);
	}
	return NULL;
}

static int t_pin_race(void)
{
	long free0 = huge_free();
	int ctl = ctl_open(), uf = uffd_open();
	uint8_t *buf = huge_map();
	uint64_t *pa = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	struct uio_dma_pin *req = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_writeprotect wp = {
		.range = { (uintptr_t)req, PAGE }, .mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	struct uffdio_range wake = { (uintptr_t)req, PAGE };
	struct unpin_all u = { .ctl = ctl };
	struct call c;
	struct uffd_msg m;

	if (!buf || pa == MAP_FAILED || req == MAP_FAILED)
		die("cannot map test memory (free hugepages: %ld)", free0);
	*req = (struct uio_dma_pin){ (uintptr_t)buf, HUGE, HUGE, (uintptr_t)pa, 0 };
	/* The request is readable, but writing it back stalls. */
	uffd_register(uf, req, UFFDIO_REGISTER_MODE_WP);
	if (ioctl(uf, UFFDIO_WRITEPROTECT, &wp))
		die("UFFDIO_WRITEPROTECT: %s", strerror(errno));

	call_start(&c, ctl, UIO_DMA_IOC_PIN, req);
	if (uffd_wait(uf, 5000, &m)) {
		bad("PIN never wrote its result back (returned %d, %s)",
		    call_wait(&c, 0) ? -2 : c.ret, err_name(c.err));
		return failures;
	}
	printf("    PIN stalled writing the handle back (fault at 0x%llx, %s)\n",
	       (unsigned long long)m.arg.pagefault.address,
	       m.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP ? "write-protect" : "missing");
	/* Meanwhile another thread unpins every handle it can guess. */
	if (pthread_create(&u.t, NULL, unpin_thread, &u))
		die("pthread_create");
	for (int i = 0; i < 2000 && !atomic_load(&u.done); i++)
		msleep(1);
	if (!atomic_load(&u.done))
		bad("UNPIN blocked for 2 s while PIN stalled in a user copy: a lock is held across it");
	printf("    UNPIN of handles 0..64 during the stall: %d succeeded\n", u.n_ok);
	/* Now make the copy fail. */
	if (mprotect(req, PAGE, PROT_READ) || ioctl(uf, UFFDIO_WAKE, &wake))
		die("mprotect/UFFDIO_WAKE: %s", strerror(errno));
	if (call_wait(&c, 5000)) {
		bad("PIN did not return 5 s after its copy was made to fail");
		return failures;
	}
	if (atomic_load(&u.done))
		pthread_join(u.t, NULL);
	expect(c.ret < 0 && c.err == EFAULT,
	       "PIN whose copy-out faulted returns EFAULT (got %d, %s)", c.ret,
	       err_name(c.err));
	expect(vm_pin_kb(getpid()) == 0, "nothing stays charged (VmPin %ld kB)",
	       vm_pin_kb(getpid()));
	close(uf);

	/* Without userfaultfd: PIN, UNPIN of guessed handles and mprotect of
	 * the request race for a while. */
	struct race r = { .ctl = ctl, .buf = buf, .req = req };
	pthread_t t[3];

	mprotect(req, PAGE, PROT_READ | PROT_WRITE);
	*req = (struct uio_dma_pin){ (uintptr_t)buf, HUGE, HUGE, (uintptr_t)&r.pa, 0 };
	pthread_create(&t[0], NULL, race_pin, &r);
	pthread_create(&t[1], NULL, race_unpin, &r);
	pthread_create(&t[2], NULL, race_protect, &r);
	msleep(1500);
	atomic_store(&r.stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("    racing for 1.5 s: %ld pins, %ld unpins by guessed handle\n",
	       r.pins, r.unpins);

	close(ctl);
	munmap(buf, HUGE);
	expect(!huge_free_becomes(free0, 3000),
	       "no pin leaked: the hugepage went back to the pool (HugePages_Free %ld, want %ld)",
	       huge_free(), free0);
	expect(vm_pin_kb(getpid()) == 0, "VmPin back to 0 (%ld kB)", vm_pin_kb(getpid()));
	return failures;
}

/* ==== 4. INFO stalled in a user copy vs mmap of the control fd */

struct churn {
	int ctl;
	atomic_int stop, running;
	atomic_long n_info, n_map;
	int map_err;
};

static void *churn_info(void *arg)
{
	struct churn *c = arg;

	atomic_fetch_add(&c->running, 1);
	while (!atomic_load(&c->stop)) {
		/* A fresh, never-touched page: the copy must fault it in. */
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ioctl(c->ctl, UIO_DMA_IOC_INFO, p);
		munmap(p, PAGE);
		atomic_fetch_add(&c->n_info, 1);
	}
	atomic_fetch_sub(&c->running, 1);
	return NULL;
}

static void *churn_map(void *arg)
{
	struct churn *c = arg;
	uint32_t v;

	atomic_fetch_add(&c->running, 1);
	while (!atomic_load(&c->stop)) {
		volatile uint32_t *p = ctl_map(c->ctl, PAGE, MAP_SHARED);

		if (p == MAP_FAILED) {
			c->map_err = errno;
			break;
		}
		probe(p, &v);
		munmap((void *)p, PAGE);
		atomic_fetch_add(&c->n_map, 1);
	}
	atomic_fetch_sub(&c->running, 1);
	return NULL;
}

struct mapper {
	int ctl;
	atomic_int done;
	int err;
};

static void *map_once(void *arg)
{
	struct mapper *m = arg;
	void *p = ctl_map(m->ctl, PAGE, MAP_SHARED);

	m->err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	atomic_store(&m->done, 1);
	return NULL;
}

/*
 * Report a deadlock and end the process touching no memory that may fault:
 * with mmap_lock held by a blocked thread, a page fault of ours would hang
 * too.  The test mlockall()s first; the stalled copy is killable, so the
 * exit ends the deadlock of the old module.
 */
static void __attribute__((noreturn)) stuck(const char *msg)
{
	if (write(1, "FAIL: ", 6) < 0 || write(1, msg, strlen(msg)) < 0 ||
	    write(1, "\n", 1) < 0)
		_exit(1);
	_exit(1);
}

static int t_info_mmap(void)
{
	int ctl = ctl_open(), uf = uffd_open();
	struct mapper mp = { .ctl = ctl };
	static char zero[PAGE];
	struct churn ch = { .ctl = ctl };
	struct uio_dma_dev_info *info;
	struct uffdio_copy cp;
	struct uffd_msg m;
	struct call c;
	pthread_t t, tt[2];
	long last = -1;
	void *page;
	int still = 0;

	catch_faults();
	if (mlockall(MCL_CURRENT))
		die("mlockall: %s", strerror(errno));
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	info = page;
	cp = (struct uffdio_copy){ .dst = (uintptr_t)page, .src = (uintptr_t)zero, .len = PAGE };
	uffd_register(uf, page, UFFDIO_REGISTER_MODE_MISSING);
	call_start(&c, ctl, UIO_DMA_IOC_INFO, page);
	if (uffd_wait(uf, 5000, &m))
		die("INFO did not fault on its output page");
	printf("    INFO stalled in its copy to user space (userfaultfd)\n");
	pthread_create(&t, NULL, map_once, &mp);
	for (int i = 0; i < 2000 && !atomic_load(&mp.done); i++)
		msleep(1);
	if (!atomic_load(&mp.done))
		stuck("mmap of the control fd blocked for 2 s while INFO was stalled in copy_to_user: a lock is held across the copy (the INFO/mmap deadlock)");
	pthread_join(t, NULL);
	expect(!mp.err, "mmap of the control fd completed during the stall (%s)",
	       err_name(mp.err));
	if (ioctl(uf, UFFDIO_COPY, &cp))
		die("UFFDIO_COPY: %s", strerror(errno));
	if (call_wait(&c, 5000))
		stuck("INFO did not finish after its page was supplied");
	expect(!c.ret && info->abi_version == UIO_DMA_ABI_VERSION,
	       "the stalled INFO completed (%d, abi %u)", c.ret, info->abi_version);
	close(uf);

	/* Plain page faults: INFO into fresh pages against mmap loops. */
	pthread_create(&tt[0], NULL, churn_info, &ch);
	pthread_create(&tt[1], NULL, churn_map, &ch);
	for (int i = 0; i < 20; i++) {
		long now;

		msleep(100);
		now = atomic_load(&ch.n_info) + atomic_load(&ch.n_map);
		still = now == last ? still + 1 : 0;
		last = now;
		if (still == 15)
			stuck("INFO and mmap threads made no progress for 1.5 s: deadlock");
	}
	atomic_store(&ch.stop, 1);
	for (int i = 0; i < 300 && atomic_load(&ch.running); i++)
		msleep(10);
	if (atomic_load(&ch.running))
		stuck("INFO and mmap threads did not stop within 3 s: deadlock");
	pthread_join(tt[0], NULL);
	pthread_join(tt[1], NULL);
	expect(!ch.map_err, "2 s of INFO into fresh pages against mmap/munmap: %ld INFO, %ld mmap, no deadlock (%s)",
	       atomic_load(&ch.n_info), atomic_load(&ch.n_map), err_name(ch.map_err));
	return failures;
}

/* ==== 5. every BAR mapping is revoked at unbind */

#define RING 16

/* Map BAR0 through the control fd again and again until the device goes. */
static int revoke_child(int sock, void *arg)
{
	volatile uint32_t *ring[RING] = { 0 };
	struct pollfd pfd;
	int ctl, n = 0, survived = 0, sig;
	uint32_t v;

	(void)arg;
	catch_faults();
	ctl = ctl_open();
	pfd = (struct pollfd){ ctl, POLLIN, 0 };
	for (;;) {
		volatile uint32_t *p = ctl_map(ctl, PAGE, MAP_SHARED);

		if (p == MAP_FAILED && !n) {
			printf("    mmap of BAR0 through the control fd: %s\n", strerror(errno));
			return 2;
		}
		if (p == MAP_FAILED)
			break;
		if (probe(p, &v)) {		/* revoked already */
			munmap((void *)p, PAGE);
			break;
		}
		if (ring[n % RING])
			munmap((void *)ring[n % RING], PAGE);
		ring[n % RING] = p;
		if (++n == 1)
			say(sock, 'r');
		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
			break;
	}
	/* POLLHUP comes as the unbind begins: probe once it has finished. */
	if (hear(sock, 5000) != 'u')
		die("no word that the unbind finished");
	for (int i = 0; i < RING; i++) {
		if (!ring[i])
			continue;
		sig = probe(ring[i], &v);
		if (sig != SIGBUS) {
			survived++;
			printf("    mapping %p after unbind: %s (read 0x%08x)\n",
			       (void *)ring[i], sig ? strsignal(sig) : "no fault", v);
		}
	}
	return survived ? 1 : 0;
}

static int t_revoke_race(int cycles)
{
	int survived = 0, sock, st;

	srand((unsigned int)getpid());
	for (int i = 0; i < cycles; i++) {
		pid_t pid = spawn(revoke_child, NULL, &sock);

		if (hear(sock, 5000) != 'r')
			die("cycle %d: mapper did not start", i);
		usleep_(rand() % 3000);
		pci_unbind();
		say(sock, 'u');
		st = reap(pid, 5000);
		close(sock);
		if (st < 0) {
			bad("cycle %d: mapper still running 5 s after unbind", i);
			kill(pid, SIGKILL);
			reap(pid, 2000);
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 1) {
			survived++;
		} else if (st != 0) {
			bad("cycle %d: mapper failed (status 0x%x)", i, st);
		}
		pci_bind();
	}
	expect(!survived,
	       "control-fd mappings made while unbinding were all revoked (%d of %d cycles left one working)",
	       survived, cycles);
	return failures;
}

/* Hold /dev/uioN with BAR0 mapped through it; probe it when told. */
static int uio_map_child(int sock, void *arg)
{
	volatile uint32_t *bar;
	uint32_t v = 0;
	size_t len;
	int fd, c, sig;

	(void)arg;
	catch_faults();
	fd = uio_try_open();
	if (fd < 0)
		die("open /dev/%s: %s", uio, strerror(errno));
	bar = map_bar(fd, 0, &len);
	if (rd32(bar, 0) == 0xffffffff)
		die("BAR0 reads all ones before unbind");
	say(sock, 'r');
	while ((c = hear(sock, 20000)) == 'p') {
		sig = probe(bar, &v);
		printf("    %s\n", sig ? strsignal(sig) : "read without a fault");
		say(sock, sig == SIGBUS ? 'b' : 'n');
	}
	return 0;
}

static void probe_uio_map(int sock, const char *after)
{
	int r;

	say(sock, 'p');
	r = hear(sock, 5000);
	expect(r == 'b', "BAR0 mapped through /dev/%s: access after %s gets SIGBUS",
	       uio, after);
}

static int t_revoke_uio(int with_remove)
{
	char buf[16], path[256];
	int sock;
	pid_t pid = spawn(uio_map_child, NULL, &sock);

	if (hear(sock, 5000) != 'r')
		die("holder did not map BAR0");
	pci_unbind();
	probe_uio_map(sock, "unbind");
	pci_bind();
	probe_uio_map(sock, "unbind and rebind");
	say(sock, 'q');
	reap(pid, 5000);
	close(sock);
	if (!with_remove)
		return failures;

	pid = spawn(uio_map_child, NULL, &sock);
	if (hear(sock, 5000) != 'r')
		die("holder did not map BAR0");
	write_sysfs("1", "/sys/bus/pci/devices/%s/remove", bdf);
	probe_uio_map(sock, "PCI removal");
	say(sock, 'q');
	reap(pid, 5000);
	close(sock);
	write_sysfs("1", "/sys/bus/pci/rescan");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", bdf);
	for (int i = 0; i < 100 && read_sysfs(path, buf, sizeof(buf)); i++)
		msleep(50);
	pci_bind();
	return failures;
}

/* unbind-churn: mmap/munmap through both files and INFO while unbinding. */
struct spin {
	int ctl, uio_fd;
	atomic_int stop;
	atomic_long n;
};

static void *spin_ctl(void *arg)
{
	struct spin *s = arg;
	uint32_t v;

	while (!atomic_load(&s->stop)) {
		volatile uint32_t *p = ctl_map(s->ctl, 4 * PAGE, MAP_SHARED);

		if (p != MAP_FAILED) {
			probe(p, &v);
			probe(p + PAGE / 4, &v);
			munmap((void *)p, 4 * PAGE);
		}
		atomic_fetch_add(&s->n, 1);
	}
	return NULL;
}

static void *spin_uio(void *arg)
{
	struct spin *s = arg;
	uint32_t v;
	off_t off = (off_t)map_of_bar(0) * getpagesize();

	while (!atomic_load(&s->stop)) {
		volatile uint32_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					    MAP_SHARED, s->uio_fd, off);

		if (p != MAP_FAILED) {
			probe(p, &v);
			munmap((void *)p, PAGE);
		}
		atomic_fetch_add(&s->n, 1);
	}
	return NULL;
}

static void *spin_info(void *arg)
{
	struct spin *s = arg;
	struct uio_dma_dev_info info;

	while (!atomic_load(&s->stop)) {
		ioctl(s->ctl, UIO_DMA_IOC_INFO, &info);
		atomic_fetch_add(&s->n, 1);
	}
	return NULL;
}

static int churn_child(int sock, void *arg)
{
	static void *(*const fns[])(void *) = {
		spin_ctl, spin_ctl, spin_ctl, spin_uio, spin_info,
	};
	struct spin s = { 0 };
	pthread_t t[5];

	(void)arg;
	catch_faults();
	s.ctl = ctl_open();
	s.uio_fd = uio_try_open();
	if (s.uio_fd < 0)
		die("open /dev/%s: %s", uio, strerror(errno));
	for (int i = 0; i < 5; i++)
		pthread_create(&t[i], NULL, fns[i], &s);
	say(sock, 'r');
	hear(sock, 10000);
	atomic_store(&s.stop, 1);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static int t_unbind_churn(int cycles)
{
	int sock;

	srand((unsigned int)getpid());
	for (int i = 0; i < cycles; i++) {
		pid_t pid = spawn(churn_child, NULL, &sock);

		if (hear(sock, 5000) != 'r')
			die("cycle %d: churn did not start", i);
		msleep(5 + rand() % 30);
		pci_unbind();
		msleep(20);
		say(sock, 'q');
		if (reap(pid, 5000) != 0)
			bad("cycle %d: churning process did not finish cleanly", i);
		close(sock);
		pci_bind();
	}
	ok("%d unbinds under mmap/munmap/INFO churn finished", cycles);
	return failures;
}

/* ==== 6. one holder; eventfds belong to their control file */

/* Make the device interrupt on @vec. */
static void fire(volatile uint32_t *bar, int nic, unsigned int vec)
{
	if (nic) {
		e1000e_route_msix(bar);
		wr32(bar, E1000_ICS, ICR_RXQ0 << vec);
	} else {
		wr32(bar, 0x60, 0x1);			/* edu: raise */
	}
}

static void quiet(volatile uint32_t *bar, int nic)
{
	if (nic)
		wr32(bar, E1000_IMC, ~0u);
	else
		wr32(bar, 0x64, rd32(bar, 0x24));	/* edu: ack */
}

static int passed_child(int sock, void *arg)
{
	struct msghdr mh = { 0 };
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec io = { &b, 1 };
	uint32_t one = 1;
	int fd;

	(void)arg;
	mh.msg_iov = &io;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &mh, 0) != 1 || !CMSG_FIRSTHDR(&mh))
		return 2;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(fd));
	/* irqcontrol through the passed holder fd works */
	return write(fd, &one, 4) == 4 ? 0 : 3;
}

static int t_one_holder(void)
{
	int nic = is_e1000e();
	unsigned int vec = nic ? 1 : 0, other = 2;
	int ctl1 = ctl_open(), ctl2, fd1, fd2, efd1, efd2, sock, e;
	volatile uint32_t *bar;
	uint64_t cnt;
	struct pollfd p;
	pid_t pid;

	fd1 = hold(ctl1, &bar);
	efd1 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	efd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (set_eventfd(ctl1, vec, efd1) || mask_vec(ctl1, vec, 0))
		die("holder's SET_EVENTFD/unmask of vector %u: %s", vec, strerror(errno));

	fd2 = uio_try_open();
	e = err_of(fd2);
	expect(fd2 < 0 && e == EBUSY, "second open of held /dev/%s: %s (want EBUSY)",
	       uio, fd2 < 0 ? err_name(e) : "opened");
	if (fd2 >= 0)
		close(fd2);

	ctl2 = ctl_open();
	e = err_of(set_eventfd(ctl2, vec, efd2));
	expect(e == EBUSY, "another control file's SET_EVENTFD on the holder's vector %u: %s (want EBUSY)",
	       vec, err_name(e));
	e = err_of(set_eventfd(ctl2, vec, -1));
	expect(e == EBUSY, "another control file clearing the holder's eventfd: %s (want EBUSY)",
	       err_name(e));
	e = err_of(mask_vec(ctl2, vec, 1));
	expect(e == EBUSY, "another control file masking the holder's vector: %s (want EBUSY)",
	       err_name(e));
	if (nic) {
		/* A free vector is anyone's; then it is that file's. */
		expect(!set_eventfd(ctl2, other, efd2), "another control file takes free vector %u", other);
		e = err_of(set_eventfd(ctl1, other, efd1));
		expect(e == EBUSY, "the holder's control file cannot take it over: %s (want EBUSY)",
		       err_name(e));
	}
	close(ctl2);
	if (nic)
		expect(!set_eventfd(ctl1, other, efd2),
		       "vector %u is free again once that control file is closed", other);
	mask_vec(ctl1, vec, 0);

	/* The holder still gets its interrupt. */
	while (read(efd1, &cnt, 8) == 8)
		;
	fire(bar, nic, vec);
	p = (struct pollfd){ efd1, POLLIN, 0 };
	expect(poll(&p, 1, 2000) == 1 && read(efd1, &cnt, 8) == 8,
	       "the holder's eventfd still fires on vector %u after the other control file came and went",
	       vec);
	quiet(bar, nic);
	mask_vec(ctl1, vec, 0);

	/* Passing the holder's fd on is fine. */
	pid = spawn(passed_child, NULL, &sock);
	{
		struct msghdr mh = { 0 };
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b = 'f';
		struct iovec io = { &b, 1 };
		struct cmsghdr *cm;

		mh.msg_iov = &io;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd1, sizeof(fd1));
		if (sendmsg(sock, &mh, 0) != 1)
			die("sendmsg: %s", strerror(errno));
	}
	expect(reap(pid, 5000) == 0, "a process given the holder's fd by SCM_RIGHTS uses it");
	close(sock);

	unhold(fd1, bar);
	fd2 = uio_try_open();
	expect(fd2 >= 0, "after the holder closed, the next open succeeds (%s)",
	       fd2 < 0 ? err_name(errno) : "opened");
	if (fd2 >= 0)
		close(fd2);
	close(ctl1);
	return failures;
}

/* ==== 7. mapping rules, no unmask without a holder, RLIMIT_MEMLOCK */

static int t_map_rules(void)
{
	int ctl = ctl_open(), fd, e;
	uint64_t len = resource_size(0);
	off_t base = (off_t)UIO_DMA_MMAP_OFFSET(0, 0);
	off_t uoff = (off_t)map_of_bar(0) * getpagesize();
	void *p;

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ctl, base);
	e = p == MAP_FAILED ? errno : 0;
	expect(e == EINVAL, "MAP_PRIVATE writable control-fd mapping: %s (want EINVAL)", err_name(e));
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, ctl, base);
	e = p == MAP_FAILED ? errno : 0;
	expect(e == EINVAL, "MAP_PRIVATE read-only control-fd mapping: %s (want EINVAL)", err_name(e));
	if (p != MAP_FAILED)
		munmap(p, PAGE);

	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, ctl, base + (off_t)len - PAGE);
	e = p == MAP_FAILED ? errno : 0;
	expect(e == EINVAL, "2 pages from BAR0's last page (size 0x%" PRIx64 "): %s (want EINVAL)",
	       len, err_name(e));
	if (p != MAP_FAILED)
		munmap(p, 2 * PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ctl, base + (off_t)len);
	e = p == MAP_FAILED ? errno : 0;
	expect(e == EINVAL, "a page at BAR0's end: %s (want EINVAL)", err_name(e));
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ctl, base + (off_t)len - PAGE);
	expect(p != MAP_FAILED, "BAR0's last page maps (%s)", p == MAP_FAILED ? strerror(errno) : "mapped");
	if (p != MAP_FAILED)
		munmap(p, PAGE);

	/* Nobody holds /dev/uioN here. */
	e = err_of(mask_vec(ctl, 0, 0));
	expect(e == EPERM, "unmask of vector 0 with /dev/%s not held: %s (want EPERM)", uio, err_name(e));
	e = err_of(set_bus_master(ctl, 1));
	expect(e == EPERM && !bus_master(),
	       "BUS_MASTER 1 with /dev/%s not held: %s (want EPERM), bus mastering %d",
	       uio, err_name(e), bus_master());

	fd = uio_try_open();
	if (fd < 0)
		die("open /dev/%s: %s", uio, strerror(errno));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, uoff);
	e = p == MAP_FAILED ? errno : 0;
	expect(e == EINVAL, "MAP_PRIVATE mapping of /dev/%s: %s (want EINVAL)", uio, err_name(e));
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, len + PAGE, PROT_READ, MAP_SHARED, fd, uoff);
	e = p == MAP_FAILED ? errno : 0;
	expect(e == EINVAL, "/dev/%s mapping one page longer than BAR0: %s (want EINVAL)", uio, err_name(e));
	if (p != MAP_FAILED)
		munmap(p, len + PAGE);
	expect(!mask_vec(ctl, 0, 0), "unmask while held works");
	close(fd);
	close(ctl);
	return failures;
}

static int memlock_child(int sock, void *arg)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };
	uint8_t *small, *big = arg;
	uint64_t pa[128], h1, h2 = 0;
	int ctl = ctl_open(), e;
	long kb;

	(void)sock;
	small = mmap(NULL, 128 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (small == MAP_FAILED || setrlimit(RLIMIT_MEMLOCK, &rl) || drop_ipc_lock())
		die("setup: %s", strerror(errno));
	printf("    RLIMIT_MEMLOCK 1 MiB, CAP_IPC_LOCK dropped\n");
	if (pin(ctl, small, 128 * PAGE, PAGE, pa, &h1))
		die("PIN of 512 KiB under a 1 MiB limit: %s", strerror(errno));
	kb = vm_pin_kb(getpid());
	expect(kb == 512, "512 KiB pinned: VmPin %ld kB (want 512)", kb);
	e = err_of(pin(ctl, big, HUGE, HUGE, pa, &h2));
	expect(e == ENOMEM, "2 MiB more over the 1 MiB limit: %s (want ENOMEM)", err_name(e));
	if (!e)
		unpin(ctl, h2);
	expect(vm_pin_kb(getpid()) == 512, "a refused pin charges nothing (VmPin %ld kB)",
	       vm_pin_kb(getpid()));
	expect(!unpin(ctl, h1) && vm_pin_kb(getpid()) == 0, "UNPIN uncharges (VmPin %ld kB)",
	       vm_pin_kb(getpid()));
	if (pin(ctl, small, 128 * PAGE, PAGE, pa, &h1))
		die("PIN again: %s", strerror(errno));
	close(ctl);
	expect(vm_pin_kb(getpid()) == 0,
	       "closing the control file (nobody holds the device) unpins and uncharges (VmPin %ld kB)",
	       vm_pin_kb(getpid()));
	return failures;
}

static int t_memlock(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };
	uint8_t *big = huge_map();
	uint64_t pa, h;
	int sock, st, ctl, e;
	pid_t pid;

	if (!big)
		die("no free hugepage");
	madvise(big, HUGE, MADV_DOFORK);
	pid = spawn(memlock_child, big, &sock);
	st = reap(pid, 10000);
	close(sock);
	if (st != 0)
		bad("unprivileged pinner: status 0x%x (see above)", st);
	/* With CAP_IPC_LOCK the limit does not apply. */
	ctl = ctl_open();
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		die("setrlimit: %s", strerror(errno));
	e = err_of(pin(ctl, big, HUGE, HUGE, &pa, &h));
	expect(!e, "with CAP_IPC_LOCK, 2 MiB pins over a 1 MiB RLIMIT_MEMLOCK (%s)",
	       err_name(e));
	close(ctl);
	return failures;
}

/* ---- main: each test in its own process group, under a deadline */

static int supervise(int (*fn)(int), int arg, int seconds)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int r;

		setpgid(0, 0);
		r = fn(arg);
		_exit(r == SKIPPED ? SKIPPED : r ? 1 : 0);
	}
	setpgid(pid, pid);
	st = reap(pid, seconds * 1000);
	if (st >= 0) {
		if (WIFSIGNALED(st)) {
			printf("FAIL: test process killed by %s\n", strsignal(WTERMSIG(st)));
			return 1;
		}
		return WEXITSTATUS(st);
	}
	printf("FAIL: not finished after %d s (deadlock?): killing it\n", seconds);
	kill(-pid, SIGKILL);
	if (reap(pid, 3000) >= 0)
		return 1;
	char path[64], stack[2048] = "";

	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	read_sysfs(path, stack, sizeof(stack));
	printf("FAIL: pid %d survives SIGKILL, stuck in the kernel:\n%s\n", (int)pid, stack);
	return 1;
}

static int a_huge_order(int a) { (void)a; return t_huge_order(); }
static int a_busmaster(int a) { (void)a; return t_busmaster(); }
static int a_pin_holder(int a) { (void)a; return t_pin_holder(); }
static int a_pin_kill(int a) { (void)a; return t_pin_kill(); }
static int a_stale_dma(int a) { (void)a; return t_stale_dma(); }
static int a_nic_reset(int a) { return t_nic_reset(a); }
static int a_pin_race(int a) { (void)a; return t_pin_race(); }
static int a_info_mmap(int a) { (void)a; return t_info_mmap(); }
static int a_revoke_uio(int a) { return t_revoke_uio(a); }
static int a_one_holder(int a) { (void)a; return t_one_holder(); }
static int a_map_rules(int a) { (void)a; return t_map_rules(); }
static int a_memlock(int a) { (void)a; return t_memlock(); }

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int);
		int seconds;
		int needs;	/* 1: BITS, 2: N */
	} tests[] = {
		{ "huge-order", a_huge_order, 60, 1 },
		{ "busmaster", a_busmaster, 20, 0 },
		{ "pin-holder", a_pin_holder, 40, 1 },
		{ "pin-kill", a_pin_kill, 30, 1 },
		{ "stale-dma", a_stale_dma, 30, 1 },
		{ "nic-reset", a_nic_reset, 20, 0 },
		{ "pin-race", a_pin_race, 30, 0 },
		{ "info-mmap", a_info_mmap, 30, 0 },
		{ "revoke-race", t_revoke_race, 120, 2 },
		{ "revoke-uio", a_revoke_uio, 30, 0 },
		{ "unbind-churn", t_unbind_churn, 120, 2 },
		{ "one-holder", a_one_holder, 20, 0 },
		{ "map-rules", a_map_rules, 20, 0 },
		{ "memlock", a_memlock, 20, 0 },
	};
	int arg = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 3)
		die("usage: safetytest TEST BDF [BITS|N]; see the source's header");
	bdf = argv[2];
	uio = uio_of_pci(bdf);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (strcmp(argv[1], tests[i].name))
			continue;
		if (tests[i].needs && argc != 4)
			die("%s needs a %s argument", tests[i].name,
			    tests[i].needs == 1 ? "BITS" : "count");
		if (tests[i].needs == 1) {
			int bits = atoi(argv[3]);

			dma_mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
		} else if (argc == 4) {
			arg = atoi(argv[3]);
		}
		return supervise(tests[i].fn, arg, tests[i].seconds);
	}
	die("unknown test '%s'", argv[1]);
}
