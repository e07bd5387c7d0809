// SPDX-License-Identifier: MIT
/*
 * pinattack - attacks on the library's device pins (lib/dma_pins.c): every
 * published page of every PA-mode region is pinned through every uio_dma
 * device the process holds, so memory a device can reach never goes back
 * to the kernel while the device can still DMA.
 *
 *   pinattack race SECS VARIANT BDF...
 *	threads reserve and free page-sized zones in two regions (VARIANT
 *	and a file-per-page one) while two threads per device open and close
 *	it (the second mostly gets EBUSY); every 100 ms all stop and VmPin
 *	must be (pages mapped) x (devices open [+1 for kpin]) x 2 MiB and the
 *	system pin count agree; at the end everything is back.
 *   pinattack kill ROUNDS SEED VARIANT HELD_BDF BDF...
 *	a victim opens memory (VARIANT), holds HELD_BDF, forks a holder that
 *	keeps only HELD_BDF's /dev/uioN, then churns zones and opens/closes
 *	the other devices; it is SIGKILLed after a random 5-400 ms.  While the
 *	holder lives, a taker maps every free hugepage: none may be a page
 *	the victim had published (recorded in shared memory while surely
 *	published).  Then the holder goes: pins and hugepages must be back.
 *   pinattack rlimit BDF1 BDF2	low RLIMIT_MEMLOCK (CAP_IPC_LOCK dropped):
 *				a second device, a zone, a legacy region
 *				over it are refused, nothing half-done
 *   pinattack unbind BDF1 BDF2	BDF1 unbound while held with live pins
 *   pinattack many BDF...	all devices hold the same memory; killed
 *				process, one holder per device
 *   pinattack big BDF		1 GiB pages (skips if none)
 *
 *   pinattack fork BDF1 BDF2	a forked child's ud_zone_free of a zone it
 *				inherited is refused (EPERM): it once
 *				unpinned the parent's device pins (same
 *				control file) and freed its page
 *   pinattack memclose BDF	ud_mem_close with the device open: the
 *				process let go of the memory, its pages go
 *				back (close devices first); a new region is
 *				pinned through the device again
 * Reproducers of what case 175 does not assert (see their output):
 *   pinattack source BDF	an injected pa_source whose addresses are not
 *				the pages' physical ones (a source is
 *				trusted: its pages are pinned all the same)
 *   pinattack offline BDF	memory offline of a published (pagemap) page's
 *				block, without and with the device open
 *
 * VARIANT: memfd | page | seg | legacy | sort | kpin | nomlock
 * Prints "pinattack: NAME VALUE" lines and FAIL lines; exit 0 if all held.
 */
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <uiodma.h>

#include "guest_util.h"

#define HP (2ul << 20)
#define MAXDEV 8

static int failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("FAIL: " __VA_ARGS__);                        \
			printf("\n");                                        \
			fflush(stdout);                                      \
			failures++;                                          \
		}                                                            \
	} while (0)

/* ---- memory variants */

static const char *variant = "memfd";
static struct ud_pa_source kpin_src;
static char kpin_ctl[128];

static struct ud_mem *open_mem(const char *var, size_t prealloc)
{
	struct ud_mem_config c = UD_MEM_CFG_INIT;
	struct ud_mem *m;

	c.iova_mode = UD_IOVA_MODE_PA;
	c.va_size = 1ul << 30;
	c.prealloc = prealloc;
	if (!strcmp(var, "page"))
		c.backing = UD_BACKING_FILE_PER_PAGE;
	else if (!strcmp(var, "seg"))
		c.backing = UD_BACKING_FILE_PER_SEGMENT;
	else if (!strcmp(var, "legacy")) {
		c.mode = UD_MEM_LEGACY;
		if (!c.prealloc)
			c.prealloc = 4 * HP;
	} else if (!strcmp(var, "sort")) {
		c.flags |= UD_MEM_SORT;
		if (!c.prealloc)
			c.prealloc = 3 * HP;
	} else if (!strcmp(var, "nomlock"))
		c.flags |= UD_MEM_NO_MLOCK;
	else if (!strcmp(var, "kpin")) {
		if (ud_pa_source_kpin(&kpin_src, kpin_ctl))
			die("kpin source %s: %s", kpin_ctl, ud_errmsg());
		c.pa_source = &kpin_src;
	} else if (strcmp(var, "memfd"))
		die("unknown variant %s", var);
	if (!strcmp(var, "page") || !strcmp(var, "seg"))
		c.prefix = "pinattack";
	m = ud_mem_open(&c);
	if (!m)
		die("ud_mem_open (%s): %s", var, ud_errmsg());
	return m;
}

static size_t mapped_pages(struct ud_mem *m)
{
	struct ud_mem_stats st;

	if (ud_mem_stats(m, &st))
		die("ud_mem_stats: %s", ud_errmsg());
	return st.pages_mapped;
}

static struct ud_zone *zone_page(struct ud_mem *m)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;

	p.align = HP;
	return ud_zone_reserve(m, NULL, HP, &p);
}

/* ---- a holder of one device's /dev/uioN only */

static pid_t fork_holder(struct ud_dev *d)
{
	char uio[32];
	pid_t h;

	snprintf(uio, sizeof(uio), "/dev/uio%d", ud_dev_get_info(d)->uio_minor);
	fflush(stdout);
	h = fork();
	if (h == 0)
		hold_only_uio(uio);
	if (h < 0)
		die("fork: %s", strerror(errno));
	return h;
}

/* ---- the churn: zone threads and device threads */

#define ZSLOTS 6
#define MAXZT 4

struct shared {			/* MAP_SHARED: the parent reads it */
	_Atomic uint64_t pa[MAXZT][ZSLOTS];	/* surely published pages */
	_Atomic long zone_ops, dev_opens, dev_busy, dev_fail;
};

static struct shared *sh;
static struct ud_mem *mems[2];
static int nmems;
static const char *bdfs[MAXDEV];
static int nbdf;
static atomic_int stop, pause_req, paused;
static atomic_int open_now;
static int nzt = 3;

static void maybe_pause(void)
{
	if (!atomic_load(&pause_req))
		return;
	atomic_fetch_add(&paused, 1);
	while (atomic_load(&pause_req) && !atomic_load(&stop))
		usleep_(200);
	atomic_fetch_sub(&paused, 1);
}

static void *zone_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	struct ud_zone *z[ZSLOTS] = { 0 };
	unsigned int seed = (unsigned int)t * 7919u + (unsigned int)getpid();

	while (!atomic_load(&stop)) {
		int s = rand_r(&seed) % ZSLOTS;
		struct ud_mem *m = mems[t % nmems];

		maybe_pause();
		if (z[s]) {
			atomic_store(&sh->pa[t][s], 0);
			if (ud_zone_free(z[s]))
				die("ud_zone_free: %s", ud_errmsg());
			z[s] = NULL;
		} else {
			z[s] = zone_page(m);
			if (z[s])
				atomic_store(&sh->pa[t][s],
					     ud_virt2iova(ud_zone_addr(z[s])));
			else if (errno != ENOMEM)
				die("ud_zone_reserve: %s", ud_errmsg());
			else
				atomic_fetch_add(&sh->dev_fail, 0);
		}
		atomic_fetch_add(&sh->zone_ops, 1);
	}
	for (int s = 0; s < ZSLOTS; s++) {
		atomic_store(&sh->pa[t][s], 0);
		if (z[s] && ud_zone_free(z[s]))
			die("ud_zone_free: %s", ud_errmsg());
	}
	return NULL;
}

static void *dev_thread(void *arg)
{
	int i = (int)(intptr_t)arg;
	unsigned int seed = (unsigned int)i * 104729u + (unsigned int)getpid();

	while (!atomic_load(&stop)) {
		struct ud_dev *d;

		maybe_pause();
		d = ud_dev_open(bdfs[i % nbdf]);
		if (!d) {
			if (errno == EBUSY)
				atomic_fetch_add(&sh->dev_busy, 1);
			else {
				printf("ud_dev_open %s: %s\n", bdfs[i % nbdf], ud_errmsg());
				atomic_fetch_add(&sh->dev_fail, 1);
			}
			usleep_(rand_r(&seed) % 2000);
			continue;
		}
		atomic_fetch_add(&open_now, 1);
		atomic_fetch_add(&sh->dev_opens, 1);
		for (int k = rand_r(&seed) % 20; k > 0 && !atomic_load(&stop); k--) {
			maybe_pause();
			usleep_(500);
		}
		/* not counted as open from here: at a pause it is either in
		 * the count or being closed (its pins not yet dropped) */
		maybe_pause();
		atomic_fetch_sub(&open_now, 1);
		ud_dev_close(d);
	}
	return NULL;
}

/* whole regions opened (with pages mapped at open) and closed */
static void *mem_thread(void *arg)
{
	unsigned int seed = 31337u + (unsigned int)getpid();

	(void)arg;
	while (!atomic_load(&stop)) {
		const char *v[] = { "legacy", "sort", "memfd" };
		struct ud_mem *m;

		maybe_pause();
		m = open_mem(v[rand_r(&seed) % 3], HP);
		if (!zone_page(m) && errno != ENOMEM)
			die("mem thread zone: %s", ud_errmsg());
		usleep_(rand_r(&seed) % 3000);
		if (ud_mem_close(m))
			die("ud_mem_close: %s", ud_errmsg());
		atomic_fetch_add(&sh->zone_ops, 1);
	}
	return NULL;
}

/* ---- race */

static int cmd_race(int secs, int argc, char **argv)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free");
	long kb0 = vm_pin_kb(getpid());
	pthread_t zt[MAXZT], dt[2 * MAXDEV], mt;
	int ndt, checks = 0, bad_checks = 0;
	bool kpin = !strcmp(variant, "kpin");
	struct timespec t0, now;

	sh = calloc(1, sizeof(*sh));
	nbdf = argc;
	for (int i = 0; i < argc; i++)
		bdfs[i] = argv[i];
	mems[0] = open_mem(variant, 0);
	mems[1] = open_mem(kpin ? "memfd" : "page", 0);
	nmems = 2;
	ndt = 2 * nbdf;
	for (int t = 0; t < nzt; t++)
		pthread_create(&zt[t], NULL, zone_thread, (void *)(intptr_t)t);
	for (int i = 0; i < ndt; i++)
		pthread_create(&dt[i], NULL, dev_thread, (void *)(intptr_t)i);
	pthread_create(&mt, NULL, mem_thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= secs)
			break;
		msleep(100);
		atomic_store(&pause_req, 1);
		while (atomic_load(&paused) < nzt + ndt + 1)
			usleep_(200);
		/* everyone is between calls: the library is quiet */
		size_t mp0 = mapped_pages(mems[0]), mp1 = mapped_pages(mems[1]);
		long n = atomic_load(&open_now);
		long kb = vm_pin_kb(getpid()) - kb0;
		long want = (long)(mp1 * (size_t)n + mp0 * (size_t)(n + kpin)) * 2048;
		long pins = pins_held() - pins0;

		checks++;
		if (kb != want || pins != kb / 4) {
			bad_checks++;
			if (bad_checks < 5)
				printf("FAIL: pause %d: %ld devices open, %zu+%zu pages "
				       "mapped: VmPin %ld kB, want %ld; pins %ld (want %ld)\n",
				       checks, n, mp0, mp1, kb, want, pins, kb / 4);
		}
		atomic_store(&pause_req, 0);
		while (atomic_load(&paused))
			usleep_(100);
	}
	atomic_store(&stop, 1);
	for (int t = 0; t < nzt; t++)
		pthread_join(zt[t], NULL);
	for (int i = 0; i < ndt; i++)
		pthread_join(dt[i], NULL);
	pthread_join(mt, NULL);
	failures += bad_checks;
	printf("pinattack: race_variant %s\n", variant);
	printf("pinattack: race_checks %d\n", checks);
	printf("pinattack: race_bad_checks %d\n", bad_checks);
	printf("pinattack: race_zone_ops %ld\n", atomic_load(&sh->zone_ops));
	printf("pinattack: race_dev_opens %ld\n", atomic_load(&sh->dev_opens));
	printf("pinattack: race_dev_busy %ld\n", atomic_load(&sh->dev_busy));
	printf("pinattack: race_dev_fail %ld\n", atomic_load(&sh->dev_fail));
	CHECK(atomic_load(&sh->dev_fail) == 0, "a device open failed other than EBUSY");
	ud_mem_close(mems[0]);
	ud_mem_close(mems[1]);
	long pins, fr;
	if (await_returned(pins0, free0, 3000, &pins, &fr)) {
		printf("FAIL: race end: pins %ld (start %ld), HugePages_Free %ld (start %ld)\n",
		       pins, pins0, fr, free0);
		failures++;
	}
	CHECK(vm_pin_kb(getpid()) == kb0, "VmPin %ld kB at the end, %ld at start",
	      vm_pin_kb(getpid()), kb0);
	return failures ? 1 : 0;
}

/* ---- kill */

/* Map every free hugepage; count those whose PA is one the victim had
 * surely published. */
static int taker_hits(long *taken)
{
	long n = meminfo("HugePages_Free");
	uint8_t *t = MAP_FAILED;
	int hits = 0, pm;

	while (n > 0) {
		t = mmap(NULL, (size_t)n * HP, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
			 -1, 0);
		if (t != MAP_FAILED)
			break;
		n--;
	}
	*taken = n;
	if (n <= 0)
		return 0;
	pm = open("/proc/self/pagemap", O_RDONLY);
	for (long i = 0; i < n; i++) {
		uint64_t e = 0, pa;

		t[i * HP] = 1;
		if (pread(pm, &e, 8, (off_t)(((uintptr_t)t + i * HP) / 4096 * 8)) != 8)
			die("pagemap: %s", strerror(errno));
		pa = (e & ((1ull << 55) - 1)) << 12;
		for (int a = 0; a < MAXZT; a++)
			for (int s = 0; s < ZSLOTS; s++)
				if (sh->pa[a][s] && sh->pa[a][s] == pa)
					hits++;
	}
	close(pm);
	munmap(t, (size_t)n * HP);
	return hits;
}

static void __attribute__((noreturn)) victim(const char *held, int wfd)
{
	pthread_t zt[MAXZT], dt[2 * MAXDEV];
	struct ud_dev *d;
	pid_t h;
	bool first_dev = getpid() & 1;

	if (first_dev && !(d = ud_dev_open(held)))
		die("victim: ud_dev_open %s: %s", held, ud_errmsg());
	mems[0] = open_mem(variant, 0);
	mems[1] = open_mem(!strcmp(variant, "kpin") ? "memfd" : "page", 0);
	nmems = 2;
	for (int k = 0; k < 2; k++)
		if (!zone_page(mems[k]))
			die("victim: zone: %s", ud_errmsg());
	if (!first_dev && !(d = ud_dev_open(held)))
		die("victim: ud_dev_open %s: %s", held, ud_errmsg());
	h = fork_holder(d);
	for (int t = 0; t < nzt; t++)
		pthread_create(&zt[t], NULL, zone_thread, (void *)(intptr_t)t);
	for (int i = 0; i < 2 * nbdf; i++)
		pthread_create(&dt[i], NULL, dev_thread, (void *)(intptr_t)i);
	if (write(wfd, &h, sizeof(h)) != sizeof(h))
		_exit(5);
	for (;;)
		pause();
}

static int cmd_kill(int rounds, unsigned int seed, const char *held,
		    int argc, char **argv)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free");
	int kills = 0, hits_total = 0, leaks = 0, unpinned = 0, nohold = 0;

	/* the holders (the victims' children) become ours when they die */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	nbdf = argc;
	for (int i = 0; i < argc; i++)
		bdfs[i] = argv[i];
	for (int r = 0; r < rounds; r++) {
		int p[2], st, hits;
		pid_t v, h = -1;
		long taken, sure = 0, pins, fr;

		memset(sh, 0, sizeof(*sh));
		if (pipe(p))
			die("pipe");
		fflush(stdout);
		v = fork();
		if (v == 0) {
			close(p[0]);
			victim(held, p[1]);
		}
		close(p[1]);
		if (read(p[0], &h, sizeof(h)) != sizeof(h)) {
			waitpid(v, &st, 0);
			die("round %d: the victim did not start (status %#x)", r, st);
		}
		close(p[0]);
		msleep(5 + (long)(rand_r(&seed) % 400));
		kill(v, SIGKILL);
		waitpid(v, &st, 0);
		kills++;
		msleep(50);
		for (int a = 0; a < MAXZT; a++)
			for (int s = 0; s < ZSLOTS; s++)
				sure += sh->pa[a][s] != 0;
		if (waitpid(h, &st, WNOHANG) != 0) {
			nohold++;
			printf("round %d: the holder is gone\n", r);
		}
		pins = pins_held() - pins0;
		if (pins < sure * 512) {
			unpinned++;
			printf("round %d: %ld pages surely published, only %ld pins held\n",
			       r, sure, pins);
		}
		hits = taker_hits(&taken);
		hits_total += hits;
		printf("round %d: killed after %ld zone ops, %ld device opens; "
		       "%ld pages surely published, %ld pins; taker got %ld "
		       "free pages, %d of the victim's\n", r,
		       atomic_load(&sh->zone_ops), atomic_load(&sh->dev_opens),
		       sure, pins, taken, hits);
		kill(h, SIGKILL);
		waitpid(h, &st, 0);
		/* a killed process leaves its hugetlbfs files (file backings) */
		ud_hp_clean_stale(NULL, "pinattack", NULL, NULL);
		if (await_returned(pins0, free0, 3000, &pins, &fr)) {
			leaks++;
			printf("round %d: after the holder: pins %ld (start %ld), "
			       "HugePages_Free %ld (start %ld)\n", r, pins, pins0,
			       fr, free0);
		}
	}
	printf("pinattack: kill_variant %s\n", variant);
	printf("pinattack: kill_rounds %d\n", kills);
	printf("pinattack: kill_taker_got_published %d\n", hits_total);
	printf("pinattack: kill_unpinned %d\n", unpinned);
	printf("pinattack: kill_leaks %d\n", leaks);
	printf("pinattack: kill_holder_gone %d\n", nohold);
	return hits_total || leaks || unpinned || nohold ? 1 : 0;
}

/* ---- rlimit */

static int rlimit_run(const char *b1, const char *b2, const char *var)
{
	struct rlimit rl = { 8 << 20, 8 << 20 };
	long free0 = meminfo("HugePages_Free"), pins0 = pins_held();
	struct ud_zone *z[5] = { 0 };
	struct ud_dev *d1, *d2;
	struct ud_mem *m;
	long kb;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || drop_ipc_lock())
		die("setup: %s", strerror(errno));
	m = open_mem(var, 0);
	for (int i = 0; i < 3; i++)
		if (!(z[i] = zone_page(m)))
			die("zone %d: %s", i, ud_errmsg());
	d1 = ud_dev_open(b1);
	CHECK(d1, "%s: 3 pages (6 MiB) under 8 MiB: ud_dev_open: %s", var, ud_errmsg());
	kb = vm_pin_kb(getpid());
	CHECK(kb == 6144, "%s: VmPin %ld kB after one device, want 6144", var, kb);
	d2 = ud_dev_open(b2);
	printf("    %s: second device (12 MiB over 8): %s: %s\n", var,
	       d2 ? "opened" : strerror(errno), d2 ? "" : ud_errmsg());
	CHECK(!d2 && errno == ENOMEM && strstr(ud_errmsg(), "RLIMIT_MEMLOCK"),
	      "%s: second device over the limit not refused with ENOMEM naming RLIMIT_MEMLOCK", var);
	kb = vm_pin_kb(getpid());
	CHECK(kb == 6144, "%s: VmPin %ld kB after the refused open, want 6144", var, kb);
	CHECK(pins_held() - pins0 == 3 * 512, "%s: %ld pins after the refused open, want %d",
	      var, pins_held() - pins0, 3 * 512);
	z[3] = zone_page(m);
	CHECK(z[3], "%s: 4th page (8 MiB): %s", var, ud_errmsg());
	z[4] = zone_page(m);
	printf("    %s: 5th page (10 MiB over 8): %s: %s\n", var,
	       z[4] ? "reserved" : strerror(errno), z[4] ? "" : ud_errmsg());
	CHECK(!z[4] && errno == ENOMEM && strstr(ud_errmsg(), "RLIMIT_MEMLOCK"),
	      "%s: zone over the pin limit not refused with ENOMEM naming RLIMIT_MEMLOCK", var);
	CHECK(mapped_pages(m) == 4, "%s: %zu pages mapped after the refused zone, want 4",
	      var, mapped_pages(m));
	CHECK(vm_pin_kb(getpid()) == 8192, "%s: VmPin %ld kB after the refused zone, want 8192",
	      var, vm_pin_kb(getpid()));
	CHECK(meminfo("HugePages_Free") == free0 - 4, "%s: HugePages_Free %ld, want %ld",
	      var, meminfo("HugePages_Free"), free0 - 4);
	CHECK(pins_held() - pins0 == 4 * 512, "%s: %ld pins, want %d", var,
	      pins_held() - pins0, 4 * 512);
	ud_zone_free(z[3]);
	z[4] = zone_page(m);
	CHECK(z[4], "%s: a zone after one was freed: %s", var, ud_errmsg());
	ud_dev_close(d1);
	CHECK(vm_pin_kb(getpid()) == 0, "%s: VmPin %ld kB after closing the device",
	      var, vm_pin_kb(getpid()));
	d2 = ud_dev_open(b2);
	CHECK(d2, "%s: the other device after the first closed: %s", var, ud_errmsg());
	CHECK(vm_pin_kb(getpid()) == 8192, "%s: VmPin %ld kB, want 8192", var,
	      vm_pin_kb(getpid()));
	ud_dev_close(d2);
	ud_mem_close(m);
	long pins, fr;
	CHECK(!await_returned(pins0, free0, 3000, &pins, &fr),
	      "%s: end: pins %ld (start %ld), free %ld (start %ld)", var, pins, pins0, fr, free0);
	return failures;
}

static int cmd_rlimit(const char *b1, const char *b2)
{
	const char *vars[] = { "nomlock", "memfd", "page" };
	int st, bad = 0;

	/* legacy: all pages at ud_mem_open, after the device */
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		fflush(stdout);
		pid_t c = fork();

		if (c == 0)
			_exit(rlimit_run(b1, b2, vars[i]) ? 1 : 0);
		waitpid(c, &st, 0);
		printf("pinattack: rlimit_%s %s\n", vars[i],
		       WIFEXITED(st) && !WEXITSTATUS(st) ? "ok" : "FAILED");
		bad += !(WIFEXITED(st) && !WEXITSTATUS(st));
	}
	/* legacy region opened while the device is held, over the limit */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct rlimit rl = { 8 << 20, 8 << 20 };
		struct ud_mem_config cf = UD_MEM_CFG_INIT;
		long pins0 = pins_held(), free0 = meminfo("HugePages_Free");
		struct ud_dev *d;
		struct ud_mem *m;

		if (setrlimit(RLIMIT_MEMLOCK, &rl) || drop_ipc_lock())
			die("setup");
		if (!(d = ud_dev_open(b1)))
			die("open: %s", ud_errmsg());
		cf.iova_mode = UD_IOVA_MODE_PA;
		cf.mode = UD_MEM_LEGACY;
		cf.flags = UD_MEM_NO_MLOCK;
		cf.prealloc = 5 * HP;
		m = ud_mem_open(&cf);
		printf("    legacy 10 MiB with a device held under 8 MiB: %s\n",
		       m ? "opened" : ud_errmsg());
		CHECK(!m && errno == ENOMEM, "legacy over the limit not refused");
		CHECK(vm_pin_kb(getpid()) == 0, "legacy refused: VmPin %ld", vm_pin_kb(getpid()));
		CHECK(meminfo("HugePages_Free") == free0, "legacy refused: free %ld, want %ld",
		      meminfo("HugePages_Free"), free0);
		CHECK(pins_held() == pins0, "legacy refused: pins %ld want %ld",
		      pins_held(), pins0);
		cf.prealloc = 4 * HP;
		m = ud_mem_open(&cf);
		CHECK(m, "legacy 8 MiB: %s", ud_errmsg());
		CHECK(vm_pin_kb(getpid()) == 8192, "legacy VmPin %ld", vm_pin_kb(getpid()));
		ud_mem_close(m);
		ud_dev_close(d);
		_exit(failures ? 1 : 0);
	}
	waitpid(c, &st, 0);
	printf("pinattack: rlimit_legacy %s\n",
	       WIFEXITED(st) && !WEXITSTATUS(st) ? "ok" : "FAILED");
	bad += !(WIFEXITED(st) && !WEXITSTATUS(st));
	return bad ? 1 : 0;
}

/* ---- unbind */

static int cmd_unbind(const char *b1, const char *b2)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free"), pins, fr;
	struct ud_mem *m = open_mem("memfd", 0);
	struct ud_dev *d1, *d2;
	struct ud_zone *z[3];
	char path[128];

	for (int i = 0; i < 2; i++)
		if (!(z[i] = zone_page(m)))
			die("zone: %s", ud_errmsg());
	if (!(d1 = ud_dev_open(b1)) || !(d2 = ud_dev_open(b2)))
		die("open: %s", ud_errmsg());
	CHECK(vm_pin_kb(getpid()) == 2 * 4096, "VmPin %ld, want 8192", vm_pin_kb(getpid()));
	write_sysfs(b1, "/sys/bus/pci/devices/%s/driver/unbind", b1);
	msleep(100);
	printf("    %s unbound while held: VmPin %ld kB, pins %ld\n", b1,
	       vm_pin_kb(getpid()), pins_held() - pins0);
	CHECK(vm_pin_kb(getpid()) == 4096, "after unbind VmPin %ld, want 4096 (the other device's)",
	      vm_pin_kb(getpid()));
	z[2] = zone_page(m);
	printf("    zone with the unbound device still open: %s%s\n",
	       z[2] ? "reserved" : strerror(errno), z[2] ? "" : ud_errmsg());
	printf("pinattack: unbind_zone_after %s\n", z[2] ? "ok" : strerror(errno));
	if (z[2])
		ud_zone_free(z[2]);
	CHECK(meminfo("HugePages_Free") == free0 - 2, "free %ld want %ld",
	      meminfo("HugePages_Free"), free0 - 2);
	ud_dev_close(d1);
	z[2] = zone_page(m);
	CHECK(z[2], "zone after closing the unbound device: %s", ud_errmsg());
	CHECK(vm_pin_kb(getpid()) == 3 * 2048, "VmPin %ld, want 6144", vm_pin_kb(getpid()));
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/uio_dma/bind");
	write_sysfs(b1, "%s", path);
	msleep(200);
	d1 = ud_dev_open(b1);
	CHECK(d1, "reopen after rebind: %s", ud_errmsg());
	CHECK(vm_pin_kb(getpid()) == 3 * 4096, "VmPin %ld, want 12288", vm_pin_kb(getpid()));
	ud_dev_close(d1);
	ud_dev_close(d2);
	ud_mem_close(m);
	CHECK(!await_returned(pins0, free0, 3000, &pins, &fr),
	      "unbind end: pins %ld (start %ld), free %ld (start %ld)", pins, pins0, fr, free0);
	printf("pinattack: unbind %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

/* ---- fork */

static int cmd_fork(const char *b1, const char *b2)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free"), pins, fr;
	struct ud_mem *m = open_mem("memfd", 0);
	struct ud_zone *z[3];
	struct ud_dev *d;
	int st;
	pid_t c;

	for (int i = 0; i < 3; i++)
		if (!(z[i] = zone_page(m)))
			die("zone: %s", ud_errmsg());
	if (!(d = ud_dev_open(b1)))
		die("open: %s", ud_errmsg());
	long kb = vm_pin_kb(getpid()), p1 = pins_held() - pins0;
	uint64_t pa0 = ud_virt2iova(ud_zone_addr(z[0]));

	memset(ud_zone_addr(z[0]), 0x5a, 64);
	/* a child opens another device: pins in its own name, gone at exit */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		struct ud_dev *d2 = ud_dev_open(b2);

		if (!d2) {
			printf("    child: ud_dev_open %s: %s\n", b2, ud_errmsg());
			_exit(1);
		}
		printf("    child: opened %s: VmPin %ld kB\n", b2, vm_pin_kb(getpid()));
		_exit(vm_pin_kb(getpid()) == 3 * 2048 ? 0 : 1);
	}
	waitpid(c, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "child opening another device");
	msleep(50);
	CHECK(pins_held() - pins0 == p1, "after the child: pins %ld, want %ld",
	      pins_held() - pins0, p1);
	/* a child frees a zone it inherited */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		int r = ud_zone_free(z[0]);

		printf("    child: ud_zone_free of an inherited zone: %s\n",
		       r ? ud_errmsg() : "done");
		_exit(0);
	}
	waitpid(c, &st, 0);
	long kb2 = vm_pin_kb(getpid()), p2 = pins_held() - pins0;
	uint64_t pa_now = 0;
	unsigned char b = *(volatile unsigned char *)ud_zone_addr(z[0]);

	ud_pagemap_virt2phys(ud_zone_addr(z[0]), &pa_now);
	printf("    parent after the child's ud_zone_free: VmPin %ld kB (was %ld), "
	       "pins %ld (was %ld), zone byte %#x (was 0x5a), page %#" PRIx64
	       " (was %#" PRIx64 "), HugePages_Free %ld (start %ld)\n",
	       kb2, kb, p2, p1, b, pa_now, pa0, meminfo("HugePages_Free"), free0);
	printf("pinattack: fork_child_free_unpinned_parent %s\n",
	       kb2 < kb || p2 < p1 ? "yes" : "no");
	printf("pinattack: fork_child_free_changed_parent_page %s\n",
	       b != 0x5a || pa_now != pa0 ? "yes" : "no");
	CHECK(kb2 == kb && p2 == p1, "a forked child's ud_zone_free dropped the parent's device pins");
	CHECK(b == 0x5a && pa_now == pa0, "a forked child's ud_zone_free took the parent's page");
	ud_dev_close(d);
	ud_mem_close(m);
	CHECK(!await_returned(pins0, free0, 3000, &pins, &fr),
	      "fork end: pins %ld (start %ld), free %ld (start %ld)", pins, pins0, fr, free0);
	return failures ? 1 : 0;
}

/* ---- many: every device holds the same memory */

static int cmd_many(int argc, char **argv)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free"), pins, fr;
	int p[2], st, order[MAXDEV];
	pid_t v, h[MAXDEV];

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	unsigned int seed = 42;

	if (pipe(p))
		die("pipe");
	fflush(stdout);
	v = fork();
	if (v == 0) {
		struct ud_mem *m = open_mem("memfd", 0);
		struct ud_dev *d[MAXDEV];

		close(p[0]);
		if (!zone_page(m))
			die("zone: %s", ud_errmsg());
		for (int i = 0; i < argc; i++)
			if (!(d[i] = ud_dev_open(argv[i])))
				die("open %s: %s", argv[i], ud_errmsg());
		if (!zone_page(m))
			die("zone: %s", ud_errmsg());
		printf("    victim: %d devices, 2 pages: VmPin %ld kB\n", argc,
		       vm_pin_kb(getpid()));
		if (vm_pin_kb(getpid()) != 2 * 2048 * argc)
			printf("FAIL: VmPin %ld kB, want %d\n", vm_pin_kb(getpid()),
			       2 * 2048 * argc);
		for (int i = 0; i < argc; i++)
			h[i] = fork_holder(d[i]);
		if (write(p[1], h, sizeof(h)) != sizeof(h))
			_exit(5);
		raise(SIGKILL);
	}
	close(p[1]);
	if (read(p[0], h, sizeof(h)) != sizeof(h))
		die("many: victim did not report");
	waitpid(v, &st, 0);
	msleep(100);
	for (int i = 0; i < argc; i++)
		order[i] = i;
	for (int i = argc - 1; i > 0; i--) {
		int j = rand_r(&seed) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int k = 0; k < argc; k++) {
		long pn = pins_held() - pins0, fn = meminfo("HugePages_Free");

		printf("    %d holders left: pins %ld (want %d), HugePages_Free %ld (want %ld)\n",
		       argc - k, pn, 2 * 512 * (argc - k), fn, free0 - 2);
		CHECK(pn == 2 * 512 * (argc - k) && fn == free0 - 2,
		      "with %d holders left", argc - k);
		kill(h[order[k]], SIGKILL);
		waitpid(h[order[k]], &st, 0);
		/* its last close resets the device first (a bus reset takes
		 * a while): wait for its pins to go */
		for (int i = 0; i < 150 && pins_held() - pins0 > 2 * 512 * (argc - k - 1); i++)
			msleep(20);
	}
	CHECK(!await_returned(pins0, free0, 3000, &pins, &fr),
	      "many end: pins %ld (start %ld), free %ld (start %ld)", pins, pins0, fr, free0);
	printf("pinattack: many %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

/* ---- memclose with the device open */

static int cmd_memclose(const char *b1)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free"), pins, fr;
	struct ud_mem *m = open_mem("memfd", 0);
	struct ud_dev *d;

	if (!zone_page(m) || !zone_page(m))
		die("zone: %s", ud_errmsg());
	if (!(d = ud_dev_open(b1)))
		die("open: %s", ud_errmsg());
	CHECK(ud_mem_close(m) == 0, "ud_mem_close: %s", ud_errmsg());
	printf("    ud_mem_close with %s open: VmPin %ld kB, pins %ld, HugePages_Free %ld (start %ld)\n",
	       b1, vm_pin_kb(getpid()), pins_held() - pins0, meminfo("HugePages_Free"), free0);
	printf("pinattack: memclose_returned_while_open %s\n",
	       meminfo("HugePages_Free") == free0 ? "yes" : "no");
	/* the process let go of them (as with ud_zone_free): given back */
	CHECK(meminfo("HugePages_Free") == free0 && vm_pin_kb(getpid()) == 0,
	      "ud_mem_close with the device open kept its pages (VmPin %ld, free %ld, start %ld)",
	      vm_pin_kb(getpid()), meminfo("HugePages_Free"), free0);
	m = open_mem("page", 0);
	if (!zone_page(m))
		die("zone: %s", ud_errmsg());
	CHECK(vm_pin_kb(getpid()) == 2048, "new region with the device open: VmPin %ld",
	      vm_pin_kb(getpid()));
	ud_dev_close(d);
	ud_mem_close(m);
	CHECK(!await_returned(pins0, free0, 3000, &pins, &fr),
	      "memclose end: pins %ld (start %ld), free %ld (start %ld)", pins, pins0, fr, free0);
	return failures ? 1 : 0;
}

/* ---- injected sources */

static int off_resolve(void *ctx, void *va, size_t ps, size_t n, uint64_t *pa)
{
	int r = ud_pa_source_pagemap()->resolve(NULL, va, ps, n, pa);

	for (size_t i = 0; !r && i < n; i++)
		pa[i] += (uint64_t)(uintptr_t)ctx;
	return r;
}

static int cmd_source(const char *b1)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free"), pins, fr;
	uint64_t offs[2] = { 0, 1ull << 40 };

	for (int k = 0; k < 2; k++) {
		struct ud_pa_source s = { .name = k ? "offset" : "wrapped-pagemap",
					  .resolve = off_resolve,
					  .ctx = (void *)(uintptr_t)offs[k] };
		struct ud_mem_config c = UD_MEM_CFG_INIT;
		struct ud_mem *m;
		struct ud_dev *d;

		c.pa_source = &s;
		c.iova_mode = UD_IOVA_MODE_PA;
		m = ud_mem_open(&c);
		if (!m || !zone_page(m))
			die("source %s: %s", s.name, ud_errmsg());
		d = ud_dev_open(b1);
		printf("    source '%s': ud_dev_open: %s\n", s.name,
		       d ? "ok" : ud_errmsg());
		printf("pinattack: source_%s_dev_open %s\n", s.name,
		       d ? "ok" : strerror(errno));
		if (d)
			ud_dev_close(d);
		ud_mem_close(m);
	}
	CHECK(!await_returned(pins0, free0, 3000, &pins, &fr),
	      "source end: pins %ld (start %ld), free %ld (start %ld)", pins, pins0, fr, free0);
	return failures ? 1 : 0;
}

/* ---- memory offline: does a published page move? */

static int offline_block(uint64_t pa, char *path, size_t len)
{
	uint64_t bs = sysfs_u64("/sys/devices/system/memory/block_size_bytes");
	int fd, r;

	/* block_size_bytes is hex without 0x */
	{
		char b[64];

		read_sysfs("/sys/devices/system/memory/block_size_bytes", b, sizeof(b));
		bs = strtoull(b, NULL, 16);
	}
	snprintf(path, len, "/sys/devices/system/memory/memory%" PRIu64 "/state", pa / bs);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	/* the kernel retries a page it cannot move until a signal: give it
	 * 3 s in a child */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		alarm(3);
		_exit(write(fd, "offline", 7) == 7 ? 0 : errno);
	}
	close(fd);
	if (waitpid(c, &r, 0) < 0)
		return -errno;
	return WIFEXITED(r) ? -WEXITSTATUS(r) : -ETIMEDOUT;
}

static void online_block(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "online", 6) < 0) { /* reported by the caller */ }
		close(fd);
	}
}

static int cmd_offline(const char *b1)
{
	for (int withdev = 0; withdev < 2; withdev++) {
		struct ud_mem *m = open_mem("nomlock", 0);
		struct ud_dev *d = withdev ? ud_dev_open(b1) : NULL;
		struct ud_zone *z = zone_page(m);
		uint64_t pa, now = 0;
		char path[128];
		int r;

		if (!z || (withdev && !d))
			die("offline: %s", ud_errmsg());
		pa = ud_virt2iova(ud_zone_addr(z));
		r = offline_block(pa, path, sizeof(path));
		ud_pagemap_virt2phys(ud_zone_addr(z), &now);
		printf("    %s: offline of the block of page %#" PRIx64 ": %s; page now at %#" PRIx64 "\n",
		       withdev ? "device open" : "no device", pa, r ? strerror(-r) : "done", now);
		printf("pinattack: offline_%s %s %s\n", withdev ? "dev" : "nodev",
		       r ? "refused" : "done", now == pa ? "same" : "moved");
		if (withdev)
			CHECK(now == pa, "a page pinned through the device moved");
		if (!withdev && now != pa) {
			d = ud_dev_open(b1);
			printf("    ud_dev_open after the move: %s\n", d ? "ok" : ud_errmsg());
		}
		if (!r)
			online_block(path);
		ud_dev_close(d);
		ud_mem_close(m);
	}
	return failures ? 1 : 0;
}

/* ---- 1 GiB pages */

static int cmd_big(const char *b1)
{
	long pins0 = pins_held(), pins, fr;
	struct ud_mem_config c = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	struct ud_dev *d;
	pid_t h;
	int st;

	c.page_size = 1ul << 30;
	c.iova_mode = UD_IOVA_MODE_PA;
	c.va_size = 2ul << 30;
	m = ud_mem_open(&c);
	if (!m || !ud_zone_reserve(m, "a", 4096, NULL)) {
		printf("pinattack: big skipped (%s)\n", ud_errmsg());
		return 0;
	}
	if (!(d = ud_dev_open(b1)))
		die("open: %s", ud_errmsg());
	printf("    1 GiB page, device open: VmPin %ld kB, pins %ld\n",
	       vm_pin_kb(getpid()), pins_held() - pins0);
	CHECK(vm_pin_kb(getpid()) == 1 << 20, "VmPin %ld, want 1048576", vm_pin_kb(getpid()));
	fflush(stdout);
	h = fork_holder(d);
	ud_dev_close(d);
	ud_mem_close(m);
	msleep(100);
	CHECK(pins_held() - pins0 == 262144, "1 GiB page not pinned after close with a holder: %ld",
	      pins_held() - pins0);
	kill(h, SIGKILL);
	waitpid(h, &st, 0);
	(void)fr;
	for (int i = 0; i < 100 && (pins = pins_held()) != pins0; i++)
		msleep(30);
	CHECK(pins == pins0, "big end pins %ld start %ld", pins, pins0);
	printf("pinattack: big %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("PINATTACK_VARIANT"))
		variant = getenv("PINATTACK_VARIANT");
	if (argc >= 5 && !strcmp(argv[1], "race")) {
		variant = argv[3];
		snprintf(kpin_ctl, sizeof(kpin_ctl), "/dev/uio_dma/%s", argv[4]);
		return cmd_race(atoi(argv[2]), argc - 4, argv + 4);
	}
	if (argc >= 6 && !strcmp(argv[1], "kill")) {
		variant = argv[4];
		snprintf(kpin_ctl, sizeof(kpin_ctl), "/dev/uio_dma/%s", argv[5]);
		return cmd_kill(atoi(argv[2]), (unsigned int)strtoul(argv[3], NULL, 0),
				argv[5], argc - 6, argv + 6);
	}
	if (argc == 4 && !strcmp(argv[1], "rlimit"))
		return cmd_rlimit(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "unbind"))
		return cmd_unbind(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "fork"))
		return cmd_fork(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "many"))
		return cmd_many(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "memclose"))
		return cmd_memclose(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "source"))
		return cmd_source(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "offline"))
		return cmd_offline(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "big"))
		return cmd_big(argv[2]);
	die("usage: see the comment at the top of pinattack.c");
}
