// SPDX-License-Identifier: MIT
/*
 * racetest - unbind, bind, rmmod and insmod uio_dma over and over while
 * threads open, map, pin and close its files, and check that nothing leaks.
 *
 *   racetest BDF CYCLES RELOAD_EVERY THREADS MODULE.ko
 *
 * The main thread runs CYCLES cycles of unbind + bind of BDF (which must be
 * bound to uio_dma, with driver_override set); every RELOAD_EVERY-th cycle
 * also unloads the module (retrying while the workers' files still hold
 * it) and loads MODULE.ko again.  THREADS workers meanwhile loop over:
 * open /dev/uioN, map its BAR0 and read it; open the control device, pin a
 * hugepage and small pages, bind an eventfd, map BAR0 through it, read it,
 * sometimes unpin, close; both at once, held a little (now and then a
 * forked child touches the mappings, or one is split by unmapping half of
 * it), closed in either order; poll the control fd.  Every failure is allowed (ENOENT, ENODEV,
 * EBUSY, SIGBUS on a revoked mapping, ...) except a hang or a crash.
 * Afterwards: the module's refcount is 0, no pages are left pinned and
 * HugePages_Free is back to its start.  Prints "race: NAME VALUE" lines;
 * exit 0 if all held.
 */
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
#define SMALL	(16ul << 10)
#define MAPLEN	8192ul		/* two pages of BAR0: a munmap can split it */
#define MAX_THREADS 16

static const char *bdf;
static volatile int stop;
static unsigned long n_ops[4], n_ok[4], n_sigbus;

static __thread sigjmp_buf tjb;
static __thread volatile sig_atomic_t tarmed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (tarmed)
		siglongjmp(tjb, 1);
	_exit(100);
}

/* Read the first register of a BAR mapping; a revoked one raises SIGBUS. */
static void touch(volatile uint32_t *p)
{
	if (sigsetjmp(tjb, 1)) {
		tarmed = 0;
		__atomic_fetch_add(&n_sigbus, 1, __ATOMIC_RELAXED);
		return;
	}
	tarmed = 1;
	(void)rd32(p, 0);
	tarmed = 0;
}

static uint32_t rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* /dev/uioN of BDF now, or "" while unbound. */
static void uio_path(char *buf, size_t len)
{
	char dir[128];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/uio", bdf);
	buf[0] = '\0';
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "uio", 3)) {
			snprintf(buf, len, "/dev/%s", de->d_name);
			break;
		}
	if (d)
		closedir(d);
}

static int open_u(void)
{
	char p[300];

	uio_path(p, sizeof(p));
	return p[0] ? open(p, O_RDWR) : -1;
}

static int open_c(void)
{
	char p[64];

	snprintf(p, sizeof(p), "/dev/uio_dma/%s", bdf);
	return open(p, O_RDWR);
}

struct worker {
	pthread_t t;
	unsigned int seed;
	uint8_t *hp, *small;
};

static volatile uint32_t *map_uio(int fd)
{
	void *p = mmap(NULL, MAPLEN, PROT_READ, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static volatile uint32_t *map_ctl(int fd)
{
	void *p = mmap(NULL, MAPLEN, PROT_READ, MAP_SHARED, fd,
		       (off_t)UIO_DMA_MMAP_OFFSET(0, 0));

	return p == MAP_FAILED ? NULL : p;
}

static int pin_some(int c, struct worker *w, uint64_t *handle)
{
	uint64_t pa[SMALL / 4096];
	struct uio_dma_pin p = { (uintptr_t)w->hp, HP, HP, (uintptr_t)pa, 0 };
	int ok;

	ok = ioctl(c, UIO_DMA_IOC_PIN, &p) == 0;
	p = (struct uio_dma_pin){ (uintptr_t)w->small, SMALL, 4096,
				  (uintptr_t)pa, 0 };
	if (ioctl(c, UIO_DMA_IOC_PIN, &p) == 0) {
		*handle = p.handle;
		ok = 1;
	}
	return ok;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	while (!stop) {
		unsigned int kind = rnd(&w->seed) % 4;
		volatile uint32_t *m = NULL, *m2 = NULL;
		int u = -1, c = -1, efd = -1, ok = 0;
		uint64_t handle = 0;

		__atomic_fetch_add(&n_ops[kind], 1, __ATOMIC_RELAXED);
		switch (kind) {
		case 0:		/* /dev/uioN alone */
			u = open_u();
			if (u >= 0 && (m = map_uio(u))) {
				touch(m);
				ok = 1;
			}
			break;
		case 1:		/* the control device alone */
			c = open_c();
			if (c < 0)
				break;
			{
				struct uio_dma_dev_info info;

				ok = ioctl(c, UIO_DMA_IOC_INFO, &info) == 0;
			}
			ok &= pin_some(c, w, &handle);
			efd = eventfd(0, EFD_NONBLOCK);
			{
				struct uio_dma_irq_eventfd ev = { 0, efd };

				ioctl(c, UIO_DMA_IOC_SET_EVENTFD, &ev);
			}
			if ((m = map_ctl(c)))
				touch(m);
			if (handle && rnd(&w->seed) % 2)
				ioctl(c, UIO_DMA_IOC_UNPIN, &handle);
			break;
		case 2:		/* both, held a little */
			if (rnd(&w->seed) % 2) {
				c = open_c();
				u = open_u();
			} else {
				u = open_u();
				c = open_c();
			}
			if (c >= 0) {
				pin_some(c, w, &handle);
				m2 = map_ctl(c);
			}
			if (u >= 0)
				m = map_uio(u);
			ok = c >= 0 && u >= 0 && m && m2;
			usleep_(rnd(&w->seed) % 3000);
			if (m)
				touch(m);
			if (m2)
				touch(m2);
			/* A child inherits the mappings (and the files)
			 * and touches them: the mappings are copied. */
			if (rnd(&w->seed) % 4 == 0) {
				pid_t pid = fork();

				if (pid == 0) {
					if (m)
						touch(m + 1024);
					if (m2)
						touch(m2 + 1024);
					_exit(0);
				}
				if (pid > 0)
					waitpid(pid, NULL, 0);
			}
			/* Split a mapping: its second page goes first. */
			if (m2 && rnd(&w->seed) % 3 == 0)
				munmap((void *)(m2 + 1024), 4096);
			break;
		case 3:		/* poll the control fd */
			c = open_c();
			if (c >= 0) {
				struct pollfd p = { c, POLLIN, 0 };

				ok = poll(&p, 1, (int)(rnd(&w->seed) % 5)) >= 0;
			}
			break;
		}
		if (ok)
			__atomic_fetch_add(&n_ok[kind], 1, __ATOMIC_RELAXED);
		/* Close in either order; mappings sometimes outlive the fd. */
		if (rnd(&w->seed) % 2) {
			if (m)
				munmap((void *)m, MAPLEN);
			if (m2)
				munmap((void *)m2, MAPLEN);
			m = m2 = NULL;
		}
		if (rnd(&w->seed) % 2) {
			if (u >= 0)
				close(u);
			if (c >= 0)
				close(c);
		} else {
			if (c >= 0)
				close(c);
			if (u >= 0)
				close(u);
		}
		if (m)
			munmap((void *)m, MAPLEN);
		if (m2)
			munmap((void *)m2, MAPLEN);
		if (efd >= 0)
			close(efd);
		if (!ok)
			usleep_(500 + rnd(&w->seed) % 1500);
	}
	return NULL;
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int bound(void)
{
	char p[128], link[128];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(p, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return strstr(link, "/uio_dma") != NULL;
}

static long refcnt(void)
{
	char buf[32];

	if (read_sysfs("/sys/module/uio_dma/refcnt", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	struct worker w[MAX_THREADS];
	int cycles, every, nthreads, reloads = 0, bad = 0, unbind_fail = 0,
	    bind_fail = 0, rmmod_fail = 0, insmod_fail = 0;
	unsigned long rmmod_busy = 0;
	long f0, pins0, ms0;
	const char *ko;
	struct timespec t0, t1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 6)
		die("usage: racetest BDF CYCLES RELOAD_EVERY THREADS MODULE.ko");
	bdf = argv[1];
	cycles = atoi(argv[2]);
	every = atoi(argv[3]);
	nthreads = atoi(argv[4]);
	ko = argv[5];
	if (nthreads < 1 || nthreads > MAX_THREADS || every < 1)
		die("bad arguments");
	if (!bound())
		die("%s is not bound to uio_dma", bdf);
	signal(SIGBUS, on_sigbus);
	signal(SIGPIPE, SIG_IGN);
	f0 = meminfo("HugePages_Free");
	pins0 = pins_held();
	clock_gettime(CLOCK_MONOTONIC, &t0);

	for (int i = 0; i < nthreads; i++) {
		w[i].seed = 0x1234567u * (unsigned)(i + 1);
		w[i].hp = mmap(NULL, HP, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		w[i].small = mmap(NULL, SMALL, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w[i].hp == MAP_FAILED || w[i].small == MAP_FAILED)
			die("no memory: %s", strerror(errno));
		memset(w[i].hp, 0, HP);
		memset(w[i].small, 0, SMALL);
		if (pthread_create(&w[i].t, NULL, work, &w[i]))
			die("pthread_create");
	}

	for (int c = 0; c < cycles; c++) {
		unsigned int s = (unsigned)c * 2654435761u;

		if (sysfs_write("/sys/bus/pci/drivers/uio_dma/unbind", bdf))
			unbind_fail++;
		usleep_(rnd(&s) % 2000);
		if (c % every == every - 1) {
			int fd, tries = 0;

			/* The workers' files hold the module: retry. */
			while (syscall(SYS_delete_module, "uio_dma", O_NONBLOCK)) {
				if (errno != EWOULDBLOCK && errno != EAGAIN &&
				    errno != EBUSY) {
					printf("rmmod: %s\n", strerror(errno));
					rmmod_fail++;
					break;
				}
				rmmod_busy++;
				if (++tries > 5000) {
					printf("rmmod: still busy after 5 s (refcnt %ld)\n",
					       refcnt());
					rmmod_fail++;
					break;
				}
				usleep_(1000);
			}
			fd = open(ko, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
				if (errno != EEXIST) {
					printf("insmod %s: %s\n", ko, strerror(errno));
					insmod_fail++;
				}
			} else {
				reloads++;
			}
			if (fd >= 0)
				close(fd);
			usleep_(rnd(&s) % 2000);
		}
		/* A fresh module binds the device by itself (driver_override). */
		if (!bound() &&
		    sysfs_write("/sys/bus/pci/drivers/uio_dma/bind", bdf) &&
		    !bound())
			bind_fail++;
		usleep_(rnd(&s) % 3000);
	}

	stop = 1;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].t, NULL);
		munmap(w[i].hp, HP);
		munmap(w[i].small, SMALL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms0 = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;

	printf("race: cycles %d\n", cycles);
	printf("race: reloads %d\n", reloads);
	printf("race: seconds %ld\n", ms0 / 1000);
	printf("race: rmmod_busy_retries %lu\n", rmmod_busy);
	for (int k = 0; k < 4; k++)
		printf("race: worker_ops_%d %lu (%lu succeeded)\n", k, n_ops[k], n_ok[k]);
	printf("race: sigbus %lu\n", n_sigbus);
	printf("race: unbind_failed %d\n", unbind_fail);
	printf("race: bind_failed %d\n", bind_fail);
	printf("race: rmmod_failed %d\n", rmmod_fail);
	printf("race: insmod_failed %d\n", insmod_fail);
	bad |= unbind_fail || bind_fail || rmmod_fail || insmod_fail ||
	       reloads != cycles / every;
	printf("race: bound_at_end %d\n", bound());
	bad |= !bound();
	printf("race: refcnt %ld\n", refcnt());
	bad |= refcnt() != 0;
	{
		long pins, f;

		bad |= await_returned(pins0, f0, 2000, &pins, &f) != 0;
		printf("race: pins_leaked %ld\n", pins - pins0);
		printf("race: hugepages_leaked %ld\n", f0 - f);
	}
	return bad;
}
