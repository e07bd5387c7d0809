// SPDX-License-Identifier: MIT
/*
 * ioctlfuzz - random ioctls and mmaps on a uio_dma device's control fd and
 * /dev/uioN, and ioctls whose user memory stalls in userfaultfd while
 * another thread unbinds the device, closes the fd or maps it.
 *
 *   ioctlfuzz BDF COUNT SEED UFFD_ROUNDS
 *
 * COUNT ioctls, most on the control device, some on /dev/uioN: the ABI's
 * commands with random payloads, commands of the driver's magic 0xD7 with
 * random number, direction and size, and random other numbers; arguments
 * NULL, a kernel address, unmapped memory, a read-only page, a buffer
 * straddling the end of a page (read-only or writable), or ordinary memory
 * (PIN addresses likewise, and hugepage memory that really pins).  Every
 * 20th step an mmap with a random fd, offset (BAR number, WC bit, offset
 * in the BAR, UIO map index), length, protection and flags, read if it
 * succeeds (SIGBUS allowed; nothing is ever written to a device), then
 * mprotect, mremap, madvise(DONTNEED) and read again, fork and read in the
 * child, or split by a partial munmap, and munmap.  Files are reopened now and then, which drops
 * pins and passes the device through its last close.
 *
 * Then UFFD_ROUNDS rounds of: one thread calls an ABI ioctl (or version
 * 1's INFO) whose argument, or PIN's address array, lies in memory
 * registered with userfaultfd, missing (the copy in stalls) or
 * write-protected (the copy out stalls); once it stalls, a second thread
 * unbinds the device, closes the fd, closes /dev/uioN, maps the control
 * device, unpins the next handles, calls INFO, or does nothing; then the
 * fault is resolved either way (page supplied, or the range unmapped so
 * the copy fails).  252 rounds try every combination.  Both threads must
 * finish within 5 s (a watchdog ends the run if the main thread itself
 * sticks for 15 s).
 *
 * Prints "fuzz: NAME VALUE" totals; exit 0 unless something hung or the
 * module's memory accounting leaked (pins, hugepages).
 */
#include <linux/fs.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <uiodma/uio_dma_ioctl.h>

#include "guest_util.h"

#define HP	(2ul << 20)
#define PG	4096ul
#define RW_LEN	(64ul << 10)

static const char *bdf;
static int ctl = -1, u = -1, efd;
static uint64_t rs;

/* The pointer zoo. */
static uint8_t *rw, *ro, *hole, *strad_rw, *strad_ro, *hp;

static sigjmp_buf jb;
static volatile sig_atomic_t armed;

static struct {
	unsigned long ioctls, ioctls_ctl, ioctls_uio, ok, pins, unpins, mmaps,
		mmaps_ok, sigbus, reopen_ctl, reopen_uio, uffd_rounds,
		uffd_stalls, uffd_unbinds, uffd_closes, uffd_fail_resolved,
		old_info;
	unsigned long err[140];
} st;

static uint64_t r64(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static uint32_t rn(uint32_t n)
{
	return (uint32_t)(r64() % n);
}

static void on_fault(int sig)
{
	(void)sig;
	if (armed)
		siglongjmp(jb, 1);
	_exit(101);
}

/* Read the first word at @p; 1 if that raised SIGBUS or SIGSEGV. */
static int __attribute__((noinline)) faults(const void *p)
{
	if (sigsetjmp(jb, 1)) {
		armed = 0;
		return 1;
	}
	armed = 1;
	(void)*(const volatile uint32_t *)p;
	armed = 0;
	return 0;
}

static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu: %s", len, strerror(errno));
	return p;
}

static void setup_zoo(void)
{
	uint8_t *two;

	rw = map_anon(RW_LEN + PG, PROT_READ | PROT_WRITE);
	mprotect(rw + RW_LEN, PG, PROT_NONE);
	ro = map_anon(PG, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < PG; i++)
		ro[i] = (uint8_t)r64();
	mprotect(ro, PG, PROT_READ);
	hole = map_anon(PG, PROT_READ);
	munmap(hole, PG);
	two = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	mprotect(two + PG, PG, PROT_NONE);
	strad_rw = two + PG;		/* the end of a writable page */
	two = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	mprotect(two, PG, PROT_READ);
	mprotect(two + PG, PG, PROT_NONE);
	strad_ro = two + PG;		/* the end of a read-only page */
	hp = mmap(NULL, HP, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (hp == MAP_FAILED)
		die("no hugepage: %s", strerror(errno));
	memset(hp, 0, HP);
}

/* A user pointer for an argument of @size bytes. */
static void *pick_ptr(size_t size)
{
	size_t back = size ? 1 + rn((uint32_t)(size < PG ? size : PG)) : 1;

	switch (rn(12)) {
	case 0: return NULL;
	case 1: return (void *)0xffff888000000000ull;
	case 2: return hole + rn(PG);
	case 3: return ro + rn(PG - (size < PG ? size : 0) + 1);
	case 4: return strad_rw - back;
	case 5: return strad_ro - back;
	case 6: return (void *)(uintptr_t)r64();
	case 7: return hp + rn(HP - PG);
	default: return rw + rn((uint32_t)(RW_LEN - (size < RW_LEN ? size : 0) + 1));
	}
}

/* A PIN range: mostly real memory, with random lengths and page sizes. */
static void fill_pin(struct uio_dma_pin *p)
{
	static const uint64_t sizes[] = { 4096, 2ul << 20, 1ul << 30, 0, 8192,
					  1ul << 21 | 1, 512 };

	switch (rn(6)) {
	case 0: p->vaddr = (uintptr_t)hp; break;
	case 1: p->vaddr = (uintptr_t)hp + PG * rn(512); break;
	case 2: p->vaddr = (uintptr_t)rw + PG * rn(16); break;
	case 3: p->vaddr = (uintptr_t)ro; break;
	case 4: p->vaddr = (uintptr_t)pick_ptr(8); break;
	default: p->vaddr = r64(); break;
	}
	switch (rn(8)) {
	case 0: p->len = HP; break;
	case 1: p->len = PG * (1 + rn(16)); break;
	case 2: p->len = 0; break;
	case 3: p->len = r64(); break;
	case 4: p->len = (uint64_t)PG << rn(40); break;
	case 5: p->len = 1 + rn(PG); break;
	default: p->len = PG * (1 + rn(4)); break;
	}
	/* A huge range once in a while: the module must bound its work. */
	if (p->len > (256ul << 20) && rn(64))
		p->len = HP;
	p->page_size = rn(4) ? sizes[rn(3)] : (rn(2) ? sizes[rn(7)] : r64());
	p->pa_array = (uintptr_t)pick_ptr(p->len / (p->page_size ? p->page_size : 1) * 8);
	p->handle = r64();
}

static uint64_t handles[64];
static unsigned int nhandles;

static unsigned long do_ioctl(int fd, unsigned long cmd, void *arg)
{
	long r;

	st.ioctls++;
	if (fd == ctl)
		st.ioctls_ctl++;
	else
		st.ioctls_uio++;
	r = ioctl(fd, cmd, arg);
	if (r == 0)
		st.ok++;
	else if (errno > 0 && errno < 140)
		st.err[errno]++;
	return (unsigned long)r;
}

/* One ABI command with a random payload, in random memory. */
static void abi_ioctl(int fd)
{
	union {
		struct uio_dma_pin pin;
		struct uio_dma_irq_eventfd ev;
		struct uio_dma_irq_mask mask;
		struct uio_dma_dev_info info;
		uint64_t handle;
		uint32_t v;
	} a;
	unsigned long cmd;
	size_t size;
	uint8_t *where;

	memset(&a, 0, sizeof(a));
	switch (rn(9)) {
	case 0: cmd = UIO_DMA_IOC_VERSION; size = 4; break;
	case 1: cmd = UIO_DMA_IOC_INFO; size = sizeof(a.info); break;
	case 2:
		cmd = UIO_DMA_IOC_SET_EVENTFD;
		size = sizeof(a.ev);
		a.ev.vector = rn(4) ? rn(3) : (uint32_t)r64();
		a.ev.fd = rn(3) == 0 ? -1 : rn(3) == 0 ? (int)r64() :
			  (int[]){ efd, ctl, u, 0, 1000 }[rn(5)];
		break;
	case 3:
		cmd = UIO_DMA_IOC_MASK;
		size = sizeof(a.mask);
		a.mask.vector = rn(4) ? rn(2) : (uint32_t)r64();
		a.mask.masked = rn(4) ? rn(2) : (uint32_t)r64();
		break;
	case 4: case 5:
		cmd = UIO_DMA_IOC_PIN;
		size = sizeof(a.pin);
		fill_pin(&a.pin);
		break;
	case 6:
		cmd = UIO_DMA_IOC_UNPIN;
		size = 8;
		a.handle = nhandles && rn(2) ? handles[rn(nhandles)] :
			   rn(2) ? r64() : rn(16);
		break;
	case 7:
		cmd = UIO_DMA_IOC_BUS_MASTER;
		size = 4;
		a.v = rn(4) ? rn(2) : (uint32_t)r64();
		break;
	default:	/* version 1's INFO (16 bytes) */
		cmd = _IOR(UIO_DMA_IOC_MAGIC, 1, uint8_t[16]);
		size = 16;
		st.old_info++;
		break;
	}
	/* Mostly well-placed arguments, so the commands get past the copy. */
	where = rn(3) ? rw + rn((uint32_t)(RW_LEN - sizeof(a))) : pick_ptr(size);
	if (where >= rw && where + sizeof(a) <= rw + RW_LEN)
		memcpy(where, &a, sizeof(a));
	if (do_ioctl(fd, cmd, where) == 0 && cmd == UIO_DMA_IOC_PIN &&
	    where >= rw && where + sizeof(a) <= rw + RW_LEN) {
		st.pins++;
		memcpy(&a.pin, where, sizeof(a.pin));
		handles[nhandles++ % 64] = a.pin.handle;
		if (nhandles > 64)
			nhandles = 64;
	} else if (cmd == UIO_DMA_IOC_UNPIN && fd == ctl) {
		st.unpins++;
	}
}

static int fd_of_choice(void)
{
	return rn(7) ? ctl : u;
}

static void random_ioctl(void)
{
	int fd = fd_of_choice();
	unsigned long cmd;

	switch (rn(10)) {
	case 0: case 1: case 2: case 3: case 4:
		abi_ioctl(fd);
		return;
	case 5: case 6: case 7:		/* the driver's magic, anything else */
		cmd = _IOC(rn(4), rn(8) ? UIO_DMA_IOC_MAGIC : 0xD6 + rn(3),
			   rn(4) ? rn(12) : rn(256), rn(4) ? rn(64) : rn(1u << 14));
		break;
	default:			/* any number */
		cmd = (uint32_t)r64();
		if (rn(2))
			cmd &= 0xffff;
		/* Freezing the filesystem of /dev is not the driver's business. */
		if (cmd == FIFREEZE || cmd == FITHAW)
			cmd = 0;
		break;
	}
	do_ioctl(fd, cmd, pick_ptr(_IOC_SIZE(cmd)));
}

static void reopen_ctl(void)
{
	if (ctl >= 0)
		close(ctl);
	ctl = open_rw("/dev/uio_dma/%s", bdf);
	nhandles = 0;
	st.reopen_ctl++;
}

static void reopen_uio(void)
{
	if (u >= 0)
		close(u);
	uio = uio_of_pci(bdf);
	u = open_uio();
	st.reopen_uio++;
}

static void random_mmap(void)
{
	static const size_t lens[] = { 0, 1, 4096, 8192, 1 << 20, (1 << 20) + 4096,
				       2 << 20, 16384, 131072 };
	static const int flagset[] = {
		MAP_SHARED, MAP_PRIVATE, MAP_SHARED | MAP_POPULATE,
		MAP_PRIVATE | MAP_POPULATE, MAP_SHARED | MAP_FIXED,
		MAP_SHARED | MAP_LOCKED, MAP_SHARED | MAP_NORESERVE,
		MAP_SHARED_VALIDATE, MAP_SHARED | MAP_32BIT,
	};
	static uint8_t *fixed_at;
	int fd = rn(3) ? ctl : u, prot, flags;
	size_t len = rn(4) ? lens[rn(9)] : rn(4u << 20);
	uint64_t off;
	uint8_t *p;

	if (!fixed_at) {
		fixed_at = map_anon(4 << 20, PROT_NONE);
		munmap(fixed_at, 4 << 20);
	}
	if (fd == ctl)
		off = UIO_DMA_MMAP_OFFSET(rn(4) ? rn(2) : rn(8), rn(4) == 0) +
		      (rn(2) ? PG * rn(300) : r64() % (2u << 20));
	else
		off = PG * (rn(4) ? rn(2) : rn(8)) + (rn(4) ? 0 : PG * rn(300));
	if (rn(16) == 0)
		off = r64() & ~(PG - 1);
	prot = (int)rn(8);		/* any of READ, WRITE, EXEC */
	flags = flagset[rn(9)];
	st.mmaps++;
	p = mmap(flags & MAP_FIXED ? fixed_at : NULL, len, prot, flags, fd,
		 (off_t)off);
	if (p == MAP_FAILED)
		return;
	st.mmaps_ok++;
	if (prot & PROT_READ)
		st.sigbus += (unsigned long)faults(p);
	switch (rn(6)) {
	case 0:
		mprotect(p, len, PROT_READ | PROT_WRITE);
		break;
	case 1: {
		void *q = mremap(p, len, len + PG, MREMAP_MAYMOVE);

		if (q != MAP_FAILED) {
			p = q;
			len += PG;
		}
		break;
	}
	case 2:		/* drop the pages, fault them in again */
		madvise(p, len, MADV_DONTNEED);
		if (prot & PROT_READ)
			st.sigbus += (unsigned long)faults(p);
		break;
	case 3:		/* a child inherits the mapping and reads it */
		if (fork() == 0) {
			if (prot & PROT_READ)
				faults(p);
			_exit(0);
		}
		wait(NULL);
		break;
	case 4:		/* split it */
		if (len > PG)
			munmap(p + PG, PG);
		break;
	default:
		break;
	}
	munmap(p, len);
}

/* ---- userfaultfd rounds */

static int uffd = -1, have_wp;

static void uffd_setup(void)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd: %s", strerror(errno));
	if (ioctl(uffd, UFFDIO_API, &api)) {
		close(uffd);
		uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		api = (struct uffdio_api){ .api = UFFD_API };
		if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
			die("UFFDIO_API: %s", strerror(errno));
	}
	have_wp = (api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP) != 0;
}

struct call {
	int fd;
	unsigned long cmd;
	void *arg;
	long ret;
	int err, done;
};

static void *caller(void *arg)
{
	struct call *c = arg;

	c->ret = ioctl(c->fd, c->cmd, c->arg);
	c->err = errno;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

enum { ACT_NONE, ACT_UNBIND, ACT_CLOSE, ACT_CLOSE_UIO, ACT_MMAP, ACT_UNPIN,
       ACT_INFO, ACT_COUNT };
static const char *const act_names[] = { "nothing", "unbind", "close", "close-uio",
					 "mmap", "unpin", "info" };

struct action {
	int act, fd;
	uint64_t next_handle;
	int done;
};

static void *actor(void *arg)
{
	struct action *a = arg;

	switch (a->act) {
	case ACT_UNBIND: {
		int fd = open("/sys/bus/pci/drivers/uio_dma/unbind", O_WRONLY);

		if (fd >= 0) {
			if (write(fd, bdf, strlen(bdf)) < 0) { /* reported by the rebind */ }
			close(fd);
		}
		break;
	}
	case ACT_CLOSE:
		close(a->fd);
		break;
	case ACT_CLOSE_UIO:
		close(u);
		break;
	case ACT_MMAP: {
		void *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, a->fd,
			       (off_t)UIO_DMA_MMAP_OFFSET(0, 0));

		if (p != MAP_FAILED)
			munmap(p, PG);
		break;
	}
	case ACT_UNPIN:
		for (uint64_t h = a->next_handle; h < a->next_handle + 8; h++)
			ioctl(a->fd, UIO_DMA_IOC_UNPIN, &h);
		break;
	case ACT_INFO: {
		struct uio_dma_dev_info info;

		ioctl(a->fd, UIO_DMA_IOC_INFO, &info);
		break;
	}
	}
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Progress of the uffd rounds; a round that takes 15 s means a thread of
 * ours (maybe this one) is stuck in the kernel. */
static volatile int progress = -1;

static void *watchdog(void *arg)
{
	int last = -2, same = 0;

	(void)arg;
	for (;;) {
		msleep(1000);
		if (progress != last) {
			last = progress;
			same = 0;
		} else if (last >= 0 && ++same >= 15) {
			/* No stdio: its buffer could need malloc, which
			 * could need mmap_lock, which a stuck thread may
			 * hold.  Exiting kills the thread waiting in
			 * userfaultfd, which unblocks the others. */
			char msg[128];
			int n = snprintf(msg, sizeof(msg),
					 "STUCK: uffd round %d made no progress for 15 s\nfuzz: hung 1\n",
					 last);

			if (write(1, msg, (size_t)n) < 0) { /* nothing else to do */ }
			_exit(2);
		}
	}
	return NULL;
}

static int join_in(pthread_t t, int secs)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += secs;
	return pthread_timedjoin_np(t, NULL, &ts);
}

static int bound(void)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/uio", bdf);
	return access(p, F_OK) == 0;
}

#define UFFD_CMDS 9

/*
 * One round: command @round % UFFD_CMDS, then every action, then missing
 * or write-protected memory, then the fault resolved or failed, so that
 * UFFD_CMDS * ACT_COUNT * 4 rounds try every combination.  0, or -1 if a
 * thread hung.
 */
static int uffd_round(int round)
{
	uint8_t *reg = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int combo = round % (UFFD_CMDS * ACT_COUNT * 4);
	int wp = have_wp && (combo / (UFFD_CMDS * ACT_COUNT)) % 2;
	int fail_it = combo / (UFFD_CMDS * ACT_COUNT * 2), stalled = 0;
	int want_act = (combo / UFFD_CMDS) % ACT_COUNT;
	struct uffdio_register ureg = {
		.range = { (uintptr_t)reg, 2 * PG },
		.mode = UFFDIO_REGISTER_MODE_MISSING |
			(wp ? UFFDIO_REGISTER_MODE_WP : 0),
	};
	struct call c = { .fd = ctl };
	struct action a = { .act = ACT_NONE, .fd = ctl };
	static struct uio_dma_pin pin_out;	/* PIN with pa_array in @reg */
	uint8_t payload[2 * PG];
	pthread_t tc, ta;
	struct pollfd pfd = { uffd, POLLIN, 0 };
	struct uio_dma_pin pin;
	size_t size;
	int act_started = 0;

	if (reg == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (ioctl(uffd, UFFDIO_REGISTER, &ureg))
		die("UFFDIO_REGISTER: %s", strerror(errno));
	memset(payload, 0, sizeof(payload));
	switch (combo % UFFD_CMDS) {
	case 0: c.cmd = UIO_DMA_IOC_INFO; size = sizeof(struct uio_dma_dev_info); break;
	case 1: c.cmd = UIO_DMA_IOC_VERSION; size = 4; break;
	case 2: c.cmd = UIO_DMA_IOC_MASK; size = 8; break;
	case 3: c.cmd = UIO_DMA_IOC_UNPIN; size = 8; break;
	case 4: c.cmd = UIO_DMA_IOC_BUS_MASTER; size = 4; break;
	case 5: c.cmd = UIO_DMA_IOC_SET_EVENTFD; size = 8;
		((struct uio_dma_irq_eventfd *)(void *)payload)->fd = efd;
		break;
	case 7:		/* version 1's INFO: the old module's copy out */
		c.cmd = _IOR(UIO_DMA_IOC_MAGIC, 1, uint8_t[16]);
		size = 16;
		break;
	default: c.cmd = UIO_DMA_IOC_PIN; size = sizeof(pin); break;
	}
	if (c.cmd == UIO_DMA_IOC_PIN) {
		pin = (struct uio_dma_pin){ (uintptr_t)hp, HP, rn(2) ? HP : PG,
					    (uintptr_t)reg, 0 };
		if (rn(3)) {
			/* The request itself in @reg (write-protected: only
			 * the final copy out stalls), the addresses in
			 * ordinary memory or in @reg too. */
			pin.pa_array = (uintptr_t)(rn(2) ? reg + PG : rw);
			memcpy(payload, &pin, sizeof(pin));
			c.arg = reg;
		} else {
			/* The request in ordinary memory, the address
			 * array in @reg: the report stalls mid-PIN. */
			pin_out = pin;
			c.arg = &pin_out;
		}
	} else {
		/* Straddle the two pages now and then. */
		c.arg = reg + (rn(3) ? 0 : PG - size / 2);
	}
	if (wp) {
		/* Present and write-protected: reads pass, writes stall. */
		struct uffdio_copy cp = { (uintptr_t)reg, (uintptr_t)payload,
					  2 * PG, UFFDIO_COPY_MODE_WP, 0 };

		if (ioctl(uffd, UFFDIO_COPY, &cp))
			die("UFFDIO_COPY wp: %s", strerror(errno));
	}
	if (rn(5) == 0)
		c.fd = u;			/* ENOTTY after the copy, or before */
	a.fd = c.fd;
	st.uffd_rounds++;
	pthread_create(&tc, NULL, caller, &c);

	/* Wait for the fault, or for the ioctl to return without one. */
	for (int i = 0; i < 200 && !__atomic_load_n(&c.done, __ATOMIC_ACQUIRE); i++)
		if (poll(&pfd, 1, 5) == 1)
			break;
	if (poll(&pfd, 1, 0) == 1) {
		struct uffd_msg msg;

		if (read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
		    msg.event == UFFD_EVENT_PAGEFAULT) {
			stalled = 1;
			st.uffd_stalls++;
			a.act = want_act;
			a.next_handle = nhandles ? handles[nhandles - 1] + 1 : 1;
			if (a.act == ACT_CLOSE_UIO && u < 0)
				a.act = ACT_NONE;
			pthread_create(&ta, NULL, actor, &a);
			act_started = 1;
			msleep(20 + rn(30));
			if (fail_it) {
				/* The copy fails: the range is gone. */
				struct uffdio_range wake = { (uintptr_t)reg, 2 * PG };

				munmap(reg, 2 * PG);
				ioctl(uffd, UFFDIO_WAKE, &wake);
				reg = NULL;
				st.uffd_fail_resolved++;
			} else if (wp) {
				struct uffdio_writeprotect w = {
					{ (uintptr_t)reg, 2 * PG }, 0 };

				ioctl(uffd, UFFDIO_WRITEPROTECT, &w);
			} else {
				struct uffdio_copy cp = { (uintptr_t)reg,
							  (uintptr_t)payload,
							  2 * PG, 0, 0 };

				if (ioctl(uffd, UFFDIO_COPY, &cp) && errno != EEXIST) {
					struct uffdio_range wake = { (uintptr_t)reg, 2 * PG };

					ioctl(uffd, UFFDIO_WAKE, &wake);
				}
			}
		}
	}
	if (join_in(tc, 5)) {
		printf("STUCK: round %d: %s ioctl 0x%lx in %s memory, %s meanwhile, fault %s: still in the ioctl 5 s later\n",
		       round, c.fd == ctl ? "control" : "uio", c.cmd,
		       wp ? "write-protected" : "missing", act_names[a.act],
		       fail_it ? "failed" : "resolved");
		return -1;
	}
	if (act_started && join_in(ta, 5)) {
		printf("STUCK: round %d: the other thread (%s) still blocked 5 s after ioctl 0x%lx returned\n",
		       round, act_names[a.act], c.cmd);
		return -1;
	}
	if (c.ret == 0 && c.cmd == UIO_DMA_IOC_PIN && c.arg == (void *)&pin_out) {
		handles[nhandles++ % 64] = pin_out.handle;
		if (nhandles > 64)
			nhandles = 64;
	}
	if (reg) {
		struct uffdio_range r = { (uintptr_t)reg, 2 * PG };

		ioctl(uffd, UFFDIO_UNREGISTER, &r);
		munmap(reg, 2 * PG);
	}
	(void)stalled;
	/* Put things back as they were. */
	if (a.act == ACT_UNBIND) {
		int fd;

		st.uffd_unbinds++;
		close(ctl);
		ctl = -1;
		if (u >= 0)
			close(u);
		u = -1;
		fd = open("/sys/bus/pci/drivers/uio_dma/bind", O_WRONLY);
		if (fd >= 0) {
			if (write(fd, bdf, strlen(bdf)) < 0 && !bound())
				die("rebind %s: %s", bdf, strerror(errno));
			close(fd);
		}
		reopen_ctl();
		reopen_uio();
	} else if (a.act == ACT_CLOSE) {
		st.uffd_closes++;
		if (a.fd == ctl) {
			ctl = -1;
			reopen_ctl();
		} else {
			u = -1;
			reopen_uio();
		}
	} else if (a.act == ACT_CLOSE_UIO) {
		u = -1;
		reopen_uio();
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count;
	int uffd_rounds, hung = 0;
	long f0, pins0, pins, f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5)
		die("usage: ioctlfuzz BDF COUNT SEED UFFD_ROUNDS");
	bdf = argv[1];
	count = strtoul(argv[2], NULL, 0);
	rs = strtoull(argv[3], NULL, 0) | 1;
	uffd_rounds = atoi(argv[4]);
	signal(SIGBUS, on_fault);
	signal(SIGSEGV, on_fault);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGIO, SIG_IGN);
	signal(SIGURG, SIG_IGN);

	/* Print now: stdio allocates its buffer at the first output, which
	 * must not happen while a stuck thread holds mmap_lock. */
	printf("ioctlfuzz %s: %lu ioctls, seed %s, %d userfaultfd rounds\n",
	       bdf, count, argv[3], uffd_rounds);
	f0 = meminfo("HugePages_Free");
	pins0 = pins_held();
	setup_zoo();
	efd = eventfd(0, EFD_NONBLOCK);
	reopen_ctl();
	reopen_uio();
	st.reopen_ctl = st.reopen_uio = 0;

	for (unsigned long i = 0; i < count; i++) {
		random_ioctl();
		if (i % 20 == 0)
			random_mmap();
		if (i % 5000 == 4999)
			reopen_ctl();
		if (i % 25000 == 24999)
			reopen_uio();
	}
	uffd_setup();
	{
		pthread_t wd;

		pthread_create(&wd, NULL, watchdog, NULL);
	}
	for (int r = 0; r < uffd_rounds && !hung; r++) {
		progress = r;
		hung = uffd_round(r) != 0;
	}
	progress = -1;

	if (!hung) {
		close(ctl);
		close(u);
		munmap(hp, HP);
		await_returned(pins0, f0, 2000, &pins, &f);
	} else {
		pins = pins0;
		f = f0;
	}
	printf("fuzz: ioctls %lu\n", st.ioctls + st.uffd_rounds);
	printf("fuzz: ioctls_ctl %lu\n", st.ioctls_ctl);
	printf("fuzz: ioctls_uio %lu\n", st.ioctls_uio);
	printf("fuzz: succeeded %lu\n", st.ok);
	printf("fuzz: pins %lu\n", st.pins);
	printf("fuzz: old_abi_info %lu\n", st.old_info);
	printf("fuzz: errno");
	for (int e = 1; e < 140; e++)
		if (st.err[e])
			printf(" %s:%lu", strerrorname_np(e) ? strerrorname_np(e) : "?",
			       st.err[e]);
	printf("\n");
	printf("fuzz: mmaps %lu\n", st.mmaps);
	printf("fuzz: mmaps_ok %lu\n", st.mmaps_ok);
	printf("fuzz: sigbus %lu\n", st.sigbus);
	printf("fuzz: reopened %lu control, %lu uio\n", st.reopen_ctl, st.reopen_uio);
	printf("fuzz: uffd_rounds %lu\n", st.uffd_rounds);
	printf("fuzz: uffd_stalls %lu\n", st.uffd_stalls);
	printf("fuzz: uffd_unbinds %lu\n", st.uffd_unbinds);
	printf("fuzz: uffd_closes %lu\n", st.uffd_closes);
	printf("fuzz: uffd_failed_copies %lu\n", st.uffd_fail_resolved);
	printf("fuzz: uffd_write_protect %s\n", have_wp ? "yes" : "no");
	printf("fuzz: hung %d\n", hung);
	printf("fuzz: pins_leaked %ld\n", pins - pins0);
	printf("fuzz: hugepages_leaked %ld\n", f0 - f);
	if (hung)
		_exit(2);	/* a thread is stuck in the kernel */
	return pins != pins0 || f != f0;
}
