// SPDX-License-Identifier: MIT
/*
 * crashtest - SIGKILL programs in the middle of DMA and check that nothing
 * the device could still reach was let go.
 *
 *   crashtest EDU_BDF ROUNDS SEED [NIC_TX NIC_RX]
 *
 * Each round forks a victim that holds the edu device (the control fd
 * opened before /dev/uioN in odd rounds, after it in even ones; BAR0 mapped
 * through either), pins two 2 MiB hugepages of its own, a hugepage the
 * controller shares with it (memfd) and 64 KiB of small pages, proves one
 * DMA round trip (the "next run works"), then keeps the DMA engine busy
 * with transfers into those hugepages, and a second thread pinning and
 * unpinning small pages, until it is SIGKILLed at a random moment.  With NICs given, e1000e-loop runs frames between them meanwhile
 * and is SIGKILLed at its own random moment; then both NICs have bus
 * mastering off and were reset (unless the module says they cannot be):
 * receive and transmit are off.  In every third round the
 * victim first forks a holder that inherits /dev/uioN (without the control
 * fd in half of them) and takes over the DMA into the victim's pinned pages:
 * while it lives those pages must stay pinned (HugePages_Free stays down by
 * two) and a fresh process taking every free hugepage must see its pattern
 * intact; then the holder is killed too.
 *
 * After each round's last holder is gone: bus mastering is off (PCI
 * command register); the device is opened again at once by a well-behaved
 * next holder (who waits for the engine to be idle and turns bus mastering
 * on itself when the module says the device was not reset) and, while it
 * holds it, the shared hugepage does not change any more and a fresh
 * process taking every free hugepage sees its pattern stay intact; HugePages_Free and
 * the pin count are back to their start; and a checksummed buffer and
 * hugepage that were never given to the device are unchanged.
 *
 * Prints one line per round and "crash: NAME VALUE" totals; exit 0 when
 * every check held.
 */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <uiodma/uio_dma_ioctl.h>

#include "guest_util.h"

#define HP		(2ul << 20)
#define SMALL		(64ul << 10)
#define DMA_SPAN	(60u << 10)	/* victims DMA into [0, 64 KiB) of each hugepage */
#define CHECK_SPAN	(64u << 10)	/* takers check [0, 64 KiB) of each hugepage */
#define STATIC_LEN	(1ul << 20)
#define TAKER_LOST	200		/* taker's exit status: no word from us */

struct msg {
	char tag;		/* R ready, F round trip failed, B open failed, H holder */
	int pid;
};

static const char *bdf;
static unsigned int seed;
/* A hugepage the controller keeps and victims map too (memfd): after the
 * last holder is gone, nothing may change it. */
static uint8_t *shared;
static long t_kill, reopen_ms;	/* ms: the last kill; from it to the next open */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static struct {
	unsigned kills, rounds, holder_rounds, nic_rounds;
	unsigned canary_bad, static_bad, busmaster_on, huge_leak, pin_leak;
	unsigned unpinned_early, next_failed, nic_failed, taker_failed, stale_dma;
	unsigned nic_busmaster_on, nic_not_reset, nic_not_quiet;
} st;

static uint8_t pat(unsigned int s, size_t i)
{
	uint32_t x = (uint32_t)(s * 2654435761u + i * 40503u);

	return (uint8_t)(x ^ x >> 13 ^ 0x5a);
}

static uint32_t rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void send_msg(int fd, char tag)
{
	struct msg m = { tag, (int)getpid() };

	if (write(fd, &m, sizeof(m)) != sizeof(m))
		_exit(3);
}

/* Read one message within @ms; tag 0 on timeout or EOF. */
static struct msg recv_msg(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct msg m = { 0, 0 };

	if (poll(&p, 1, ms) == 1 && read(fd, &m, sizeof(m)) != sizeof(m))
		m.tag = 0;
	return m;
}

static int open_ctl(void)
{
	return open_rw("/dev/uio_dma/%s", bdf);
}

static volatile uint32_t *map_bar0(int ctl, int u, int through_ctl)
{
	size_t len;
	void *p;

	if (!through_ctl)
		return map_bar(u, 0, &len);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, ctl,
		 (off_t)UIO_DMA_MMAP_OFFSET(0, 0));
	if (p == MAP_FAILED)
		die("mmap BAR0 through the control device: %s", strerror(errno));
	return p;
}

/*
 * A new holder that follows the ABI: every device comes with bus mastering
 * off; one the module could not reset (NOT_RESET) the holder stops its own
 * way first (edu's only work is a transfer, dropped while bus mastering is
 * off); then it turns bus mastering on.
 */
static void take_device(int ctl, volatile uint32_t *bar)
{
	struct uio_dma_dev_info info;
	uint32_t on = 1;

	if (ioctl(ctl, UIO_DMA_IOC_INFO, &info) == 0 &&
	    (info.flags & UIO_DMA_INFO_NOT_RESET) && edu_dma_wait(bar, 3000))
		die("edu engine still busy 3 s after open");
	if (ioctl(ctl, UIO_DMA_IOC_BUS_MASTER, &on))
		die("UIO_DMA_IOC_BUS_MASTER: %s", strerror(errno));
}

static void pin(int ctl, void *va, size_t len, size_t pgsz, uint64_t *pa)
{
	struct uio_dma_pin p = {
		.vaddr = (uintptr_t)va, .len = len, .page_size = pgsz,
		.pa_array = (uintptr_t)pa,
	};

	if (ioctl(ctl, UIO_DMA_IOC_PIN, &p))
		die("pin %zu bytes: %s", len, strerror(errno));
}

/* Transfers into (mostly) and out of the pinned pages until killed. */
static void __attribute__((noreturn)) dma_forever(volatile uint32_t *bar,
						  const uint64_t *pa,
						  unsigned int s)
{
	for (;;) {
		uint32_t len = 1 + rnd(&s) % EDU_DMA_MAX;
		uint64_t where = pa[rnd(&s) % 3] + rnd(&s) % (DMA_SPAN - len);

		while (edu_dma_busy(bar))
			msleep(1);
		edu_dma_start(bar, where, 0, len, rnd(&s) % 4 != 0);
	}
}

struct pinner {
	int ctl;
	uint8_t *mem;
};

/* PIN and UNPIN small pages over and over (a second thread of the victim). */
static void *pin_forever(void *arg)
{
	struct pinner *pn = arg;
	uint64_t pa[SMALL / 4096];

	for (;;) {
		struct uio_dma_pin p = {
			.vaddr = (uintptr_t)pn->mem, .len = SMALL,
			.page_size = 4096, .pa_array = (uintptr_t)pa,
		};

		if (ioctl(pn->ctl, UIO_DMA_IOC_PIN, &p) == 0)
			ioctl(pn->ctl, UIO_DMA_IOC_UNPIN, &p.handle);
		usleep_(100);	/* leave the controller some CPU */
	}
	return NULL;
}

static void __attribute__((noreturn)) victim(int round, int holder, int wfd)
{
	int ctl_first = round & 1, u, ctl;
	volatile uint32_t *bar;
	uint64_t pa[3], pa_small[SMALL / 4096];
	uint8_t *hp, *small;

	/* At exit, files close in fd order: the control fd first in odd
	 * rounds (its pins must outlive /dev/uioN's bus mastering anyway). */
	if (ctl_first) {
		ctl = open_ctl();
		u = open_uio();
	} else {
		u = open_uio();
		ctl = open_ctl();
	}
	bar = map_bar0(ctl, u, round % 4 >= 2);
	take_device(ctl, bar);

	hp = mmap(NULL, 2 * HP, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	small = mmap(NULL, SMALL, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hp == MAP_FAILED || small == MAP_FAILED)
		die("victim: no memory: %s", strerror(errno));
	memset(hp, 0, 2 * HP);
	memset(small, 0, SMALL);
	/* A holder forked below must not share (or copy) these. */
	madvise(hp, 2 * HP, MADV_DONTFORK);
	madvise(small, SMALL, MADV_DONTFORK);
	pin(ctl, hp, 2 * HP, HP, pa);
	pin(ctl, shared, HP, HP, pa + 2);
	pin(ctl, small, SMALL, 4096, pa_small);

	/* One round trip: RAM -> engine -> RAM on the other hugepage. */
	for (size_t i = 0; i < EDU_DMA_MAX; i++)
		hp[i] = pat(seed + (unsigned)round, i);
	if (edu_dma_wait(bar, 3000))
		die("victim: engine busy at start");
	edu_dma_start(bar, pa[0], 0, EDU_DMA_MAX, 0);
	if (edu_dma_wait(bar, 3000))
		die("victim: DMA to the device did not finish");
	edu_dma_start(bar, pa[1] + 4096, 0, EDU_DMA_MAX, 1);
	if (edu_dma_wait(bar, 3000))
		die("victim: DMA to RAM did not finish");
	send_msg(wfd, memcmp(hp, hp + HP + 4096, EDU_DMA_MAX) ? 'F' : 'R');

	/* Killed in the middle of PIN and UNPIN too. */
	{
		static struct pinner pn;
		pthread_t t;

		pn.ctl = ctl;
		pn.mem = mmap(NULL, SMALL, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (pn.mem != MAP_FAILED) {
			memset(pn.mem, 0, SMALL);
			madvise(pn.mem, SMALL, MADV_DONTFORK);
			pthread_create(&t, NULL, pin_forever, &pn);
		}
	}
	if (holder) {
		pid_t h = fork();

		if (h < 0)
			die("fork: %s", strerror(errno));
		if (h == 0) {
			if (holder == 1) {
				/* Keep /dev/uioN only: a BAR mapping through
				 * the control device would keep it open. */
				if (round % 4 >= 2) {
					size_t len;

					munmap((void *)bar, 1 << 20);
					bar = map_bar(u, 0, &len);
				}
				close(ctl);
			}
			send_msg(wfd, 'H');
			dma_forever(bar, pa, seed ^ 0x9e3779b9u);
		}
		/* The holder drives the engine now: two programs writing
		 * its registers at once would mix up one transfer's
		 * direction and addresses (QEMU 7.2's edu aborts then). */
		for (;;)
			pause();
	}
	dma_forever(bar, pa, seed + (unsigned)round);
}

/*
 * A fresh process takes every free hugepage and fills the first CHECK_SPAN
 * bytes of each, and holds them for @hold_ms.  With @reopen, the device
 * gets its next holder first, at once (a transfer the last holder left
 * behind must not reach memory even now), kept for as long.  Returns the
 * number of hugepages whose pattern changed (-1: no taker).
 */
static int take_and_check(int reopen, int hold_ms)
{
	int to[2], from[2], bad = -1, u = -1, ctl = -1;
	volatile uint32_t *bar = NULL;
	size_t len = 0;
	struct msg m;
	pid_t t;

	if (reopen) {
		reopen_ms = now_ms() - t_kill;
		u = open_uio();
		ctl = open_ctl();
		bar = map_bar(u, 0, &len);
		take_device(ctl, bar);
	}
	if (pipe(to) || pipe(from))
		die("pipe: %s", strerror(errno));
	t = fork();
	if (t < 0)
		die("fork: %s", strerror(errno));
	if (t == 0) {
		long n = meminfo("HugePages_Free");
		uint8_t *pages[64];
		long got = 0, badp = 0;
		char c;

		close(to[1]);
		close(from[0]);
		if (reopen) {	/* the device is the controller's, not ours */
			munmap((void *)bar, len);
			close(ctl);
			close(u);
		}
		for (; got < n && got < 64; got++) {
			pages[got] = mmap(NULL, HP, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
					  MAP_POPULATE, -1, 0);
			if (pages[got] == MAP_FAILED)
				break;
			for (size_t i = 0; i < CHECK_SPAN; i++)
				pages[got][i] = pat(seed ^ (unsigned)got, i);
		}
		send_msg(from[1], 'T');
		if (read(to[0], &c, 1) != 1)
			_exit(TAKER_LOST);
		for (long p = 0; p < got; p++)
			for (size_t i = 0; i < CHECK_SPAN; i++)
				if (pages[p][i] != pat(seed ^ (unsigned)p, i)) {
					printf("    canary: hugepage %ld changed at +0x%zx (0x%02x, want 0x%02x)\n",
					       p, i, pages[p][i], pat(seed ^ (unsigned)p, i));
					badp++;
					break;
				}
		_exit(badp > 100 ? 100 : (int)badp);
	}
	close(to[0]);
	close(from[1]);
	m = recv_msg(from[0], 10000);
	if (m.tag == 'T')
		msleep(hold_ms);
	if (reopen) {
		munmap((void *)bar, len);
		close(ctl);
		close(u);
	}
	if (write(to[1], "V", 1) != 1)
		die("taker gone");
	{
		int status;

		if (waitpid(t, &status, 0) == t && WIFEXITED(status) &&
		    WEXITSTATUS(status) != TAKER_LOST)
			bad = WEXITSTATUS(status);
	}
	close(to[1]);
	close(from[0]);
	if (bad < 0)
		st.taker_failed++;
	return bad;
}

/* e1000e-loop between the NICs, started; its stdout read for the start line. */
static pid_t start_nic(const char *tx, const char *rx, int irq, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execlp("e1000e-loop", "e1000e-loop", "--count", "1000000",
		       "--rx-desc", "64", "--tx-desc", "32",
		       irq ? "--irq" : "--promisc", tx, rx, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Wait up to @ms for e1000e-loop's "TX ... -> RX" line: it is running. */
static int nic_started(int fd, int ms)
{
	char buf[4096];
	size_t n = 0;
	struct pollfd p = { fd, POLLIN, 0 };

	while (n < sizeof(buf) - 1 && poll(&p, 1, ms) == 1) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, " -> RX "))
			return 0;
	}
	buf[n] = '\0';
	printf("    e1000e-loop did not start: %s\n", buf);
	return -1;
}

/*
 * After e1000e-loop died: the NIC's bus mastering is off and, if the module
 * can reset it, it was reset (INFO through the control device, which does
 * not make us its holder).
 */
static void check_nic(const char *nic, char *note, size_t len)
{
	struct uio_dma_dev_info info;
	int c;

	if (pci_command(nic) & 4) {
		st.nic_busmaster_on++;
		snprintf(note + strlen(note), len - strlen(note),
			 " NIC-BUS-MASTER-ON(%s)", nic);
	}
	c = open_rw("/dev/uio_dma/%s", nic);
	if (ioctl(c, UIO_DMA_IOC_INFO, &info) == 0 &&
	    (info.flags & UIO_DMA_INFO_RESETTABLE)) {
		volatile uint32_t *regs;

		if (info.flags & UIO_DMA_INFO_NOT_RESET) {
			st.nic_not_reset++;
			snprintf(note + strlen(note), len - strlen(note),
				 " NIC-NOT-RESET(%s)", nic);
		}
		/* Reset means quiet: receive and transmit are off, so the
		 * next holder's bus mastering cannot let the rings of the
		 * dead one (in freed memory) be used.  Read through the
		 * control device: that does not make us its holder. */
		regs = mmap(NULL, 4096, PROT_READ, MAP_SHARED, c,
			    (off_t)UIO_DMA_MMAP_OFFSET(0, 0));
		if (regs != MAP_FAILED) {
			uint32_t rctl = rd32(regs, 0x100), tctl = rd32(regs, 0x400);

			if ((rctl | tctl) & 2) {
				st.nic_not_quiet++;
				snprintf(note + strlen(note), len - strlen(note),
					 " NIC-STILL-ON(%s: RCTL 0x%x TCTL 0x%x)",
					 nic, rctl, tctl);
			}
			munmap((void *)regs, 4096);
		}
	}
	close(c);
}

static void kill_wait(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t_kill = now_ms();
	st.kills++;
}

static uint32_t sum(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

int main(int argc, char **argv)
{
	const char *nic_tx = NULL, *nic_rx = NULL;
	uint8_t *fixed, *fixed_hp;
	uint32_t fixed_sum, fixed_hp_sum;
	long f0, pins0;
	int rounds;
	unsigned int rs;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4 && argc != 6)
		die("usage: crashtest EDU_BDF ROUNDS SEED [NIC_TX NIC_RX]");
	bdf = argv[1];
	rounds = atoi(argv[2]);
	seed = (unsigned int)strtoul(argv[3], NULL, 0);
	if (argc == 6) {
		nic_tx = argv[4];
		nic_rx = argv[5];
	}
	uio = uio_of_pci(bdf);
	rs = seed;
	signal(SIGPIPE, SIG_IGN);
	/* Orphaned holders come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	/* Memory never given to the device: 1 MiB of small pages and one
	 * hugepage, checksummed. */
	fixed = mmap(NULL, STATIC_LEN, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fixed_hp = mmap(NULL, HP, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (fixed == MAP_FAILED || fixed_hp == MAP_FAILED)
		die("no memory for the fixed canary: %s", strerror(errno));
	for (size_t i = 0; i < STATIC_LEN; i++)
		fixed[i] = pat(seed ^ 0xc0ffee, i);
	for (size_t i = 0; i < HP; i++)
		fixed_hp[i] = pat(seed ^ 0xbeef, i);
	madvise(fixed, STATIC_LEN, MADV_DONTFORK);
	madvise(fixed_hp, HP, MADV_DONTFORK);
	fixed_sum = sum(fixed, STATIC_LEN);
	fixed_hp_sum = sum(fixed_hp, HP);
	{
		int mfd = memfd_create("crashtest-shared", MFD_HUGETLB);

		if (mfd < 0 || ftruncate(mfd, HP))
			die("hugetlb memfd: %s", strerror(errno));
		shared = mmap(NULL, HP, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		if (shared == MAP_FAILED)
			die("mmap memfd: %s", strerror(errno));
		close(mfd);
		memset(shared, 0, HP);
	}

	f0 = meminfo("HugePages_Free");
	pins0 = pins_held();
	printf("crashtest %s: %d rounds, seed %u, %ld free hugepages, %ld pins at start%s\n",
	       bdf, rounds, seed, f0, pins0, nic_tx ? ", e1000e-loop alongside" : "");
	if (f0 < 4)
		die("need at least 4 free hugepages");

	for (int r = 0; r < rounds; r++) {
		int holder = r % 3 == 2 ? 1 + (r / 3) % 2 : 0, p[2], nic_fd = -1;
		pid_t v, h = 0, nic = 0;
		unsigned d_edu, d_nic, bm;
		struct msg m;
		int bad;
		long pins, free_now;
		uint32_t shared_sum;
		char note[256] = "";

		st.rounds++;
		if (nic_tx) {
			nic = start_nic(nic_tx, nic_rx, r & 1, &nic_fd);
			st.nic_rounds++;
		}
		if (pipe(p))
			die("pipe: %s", strerror(errno));
		v = fork();
		if (v < 0)
			die("fork: %s", strerror(errno));
		if (v == 0) {
			close(p[0]);
			if (nic_fd >= 0)
				close(nic_fd);
			victim(r, holder, p[1]);
		}
		close(p[1]);
		m = recv_msg(p[0], 15000);
		if (m.tag != 'R') {
			st.next_failed++;
			snprintf(note, sizeof(note), " VICTIM-NOT-READY(%c)", m.tag ? m.tag : '-');
		}
		if (holder) {
			m = recv_msg(p[0], 5000);
			if (m.tag == 'H')
				h = m.pid;
			else
				snprintf(note + strlen(note), sizeof(note) - strlen(note),
					 " NO-HOLDER");
		}
		if (nic && nic_started(nic_fd, 15000)) {
			st.nic_failed++;
			strcat(note, " NIC-NOT-STARTED");
		}
		/* Random moments: the engine is busy almost all the time. */
		d_edu = rnd(&rs) % 300;
		d_nic = rnd(&rs) % 300;
		if (nic && d_nic < d_edu) {
			msleep(d_nic);
			kill_wait(nic);
			msleep(d_edu - d_nic);
			kill_wait(v);
		} else {
			msleep(d_edu);
			kill_wait(v);
			if (nic) {
				msleep(d_nic - d_edu);
				kill_wait(nic);
			}
		}
		if (nic_fd >= 0)
			close(nic_fd);
		if (nic) {
			check_nic(nic_tx, note, sizeof(note));
			check_nic(nic_rx, note, sizeof(note));
		}
		if (h) {
			/* The victim is dead, its pins must hold while the
			 * holder can still DMA into them. */
			st.holder_rounds++;
			if (meminfo("HugePages_Free") != f0 - 2) {
				st.unpinned_early++;
				snprintf(note + strlen(note), sizeof(note) - strlen(note),
					 " UNPINNED-WHILE-HELD(free %ld, want %ld)",
					 meminfo("HugePages_Free"), f0 - 2);
			}
			bad = take_and_check(0, 250);
			if (bad > 0) {
				st.canary_bad++;
				snprintf(note + strlen(note), sizeof(note) - strlen(note),
					 " CANARY-HIT-WHILE-HELD(%d)", bad);
			}
			kill_wait(h);
		}
		close(p[0]);
		/* Reap anything else the victim left (nothing, normally). */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;

		/* Every holder is gone: from now on the device must not
		 * write to memory, even once the next holder has it. */
		shared_sum = sum(shared, DMA_SPAN + 4096);
		bm = pci_command(bdf) & 4;
		if (bm) {
			st.busmaster_on++;
			strcat(note, " BUS-MASTER-ON");
		}
		bad = take_and_check(1, 250);
		if (bad > 0) {
			st.canary_bad++;
			snprintf(note + strlen(note), sizeof(note) - strlen(note),
				 " CANARY-HIT(%d)", bad);
		}
		if (sum(shared, DMA_SPAN + 4096) != shared_sum) {
			st.stale_dma++;
			strcat(note, " DMA-AFTER-LAST-HOLDER");
		}
		await_returned(pins0, f0, 2000, &pins, &free_now);
		if (free_now != f0) {
			st.huge_leak++;
			snprintf(note + strlen(note), sizeof(note) - strlen(note),
				 " HUGEPAGES(free %ld, want %ld)", free_now, f0);
		}
		if (pins != pins0) {
			st.pin_leak++;
			snprintf(note + strlen(note), sizeof(note) - strlen(note),
				 " PINS(%ld, want %ld)", pins, pins0);
		}
		if (sum(fixed, STATIC_LEN) != fixed_sum ||
		    sum(fixed_hp, HP) != fixed_hp_sum) {
			st.static_bad++;
			strcat(note, " FIXED-CANARY-CHANGED");
		}
		printf("round %d: ctl %s uio, %s, killed after %u ms, reopened %ld ms later%s%s\n", r,
		       r & 1 ? "before" : "after",
		       holder == 1 ? "holder with /dev/uioN only" :
		       holder == 2 ? "holder with both fds" : "no other holder",
		       d_edu, reopen_ms, nic ? (r & 1 ? ", e1000e irq" : ", e1000e polling") : "",
		       note[0] ? note : ": ok");
	}
	printf("crash: kills %u\n", st.kills);
	printf("crash: rounds %u\n", st.rounds);
	printf("crash: holder_rounds %u\n", st.holder_rounds);
	printf("crash: nic_rounds %u\n", st.nic_rounds);
	printf("crash: canary_hit %u\n", st.canary_bad);
	printf("crash: fixed_canary_changed %u\n", st.static_bad);
	printf("crash: busmaster_on %u\n", st.busmaster_on);
	printf("crash: dma_after_last_holder %u\n", st.stale_dma);
	printf("crash: nic_busmaster_on %u\n", st.nic_busmaster_on);
	printf("crash: nic_not_reset %u\n", st.nic_not_reset);
	printf("crash: nic_not_quiet %u\n", st.nic_not_quiet);
	printf("crash: hugepage_leak %u\n", st.huge_leak);
	printf("crash: pin_leak %u\n", st.pin_leak);
	printf("crash: unpinned_while_held %u\n", st.unpinned_early);
	printf("crash: next_run_failed %u\n", st.next_failed + st.nic_failed);
	printf("crash: taker_failed %u\n", st.taker_failed);
	return st.canary_bad || st.static_bad || st.busmaster_on || st.huge_leak ||
	       st.stale_dma || st.nic_busmaster_on || st.nic_not_reset ||
	       st.nic_not_quiet ||
	       st.pin_leak || st.unpinned_early || st.next_failed ||
	       st.nic_failed || st.taker_failed;
}
