/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the guest test programs: fatal errors, sysfs reads and
 * mapping a BAR through the UIO map that names it.  Header-only: each test
 * program is one file plus this.
 */
#ifndef GUEST_UTIL_H
#define GUEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <uiodma/uio_dma_ioctl.h>

/* The UIO node under test, e.g. "uio0". */
static const char *uio;

static inline void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static inline void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static inline int read_sysfs(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static inline uint64_t sysfs_u64(const char *fmt, ...)
{
	char path[256], buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (read_sysfs(path, buf, sizeof(buf)))
		die("cannot read %s: %s", path, strerror(errno));
	return strtoull(buf, NULL, 0);
}

/* The UIO map index whose name is "BAR<bar>", or -1. */
static inline int map_of_bar(int bar)
{
	char path[256], name[32], want[8];

	snprintf(want, sizeof(want), "BAR%d", bar);
	for (int m = 0; m < 5; m++) {
		snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%d/name",
			 uio, m);
		if (read_sysfs(path, name, sizeof(name)))
			break;
		if (!strcmp(name, want))
			return m;
	}
	return -1;
}

/* Size of BAR @bar from the PCI device's sysfs "resource" file. */
static inline uint64_t resource_size(int bar)
{
	char path[256];
	unsigned long long start, end, flags;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/sys/class/uio/%s/device/resource", uio);
	f = fopen(path, "r");
	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	for (i = 0; i <= bar; i++)
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			die("short %s", path);
	fclose(f);
	return start ? end - start + 1 : 0;
}

/* open(@flags) the path formatted from @fmt into @path, or die naming it. */
static inline int vopen_path(char *path, size_t len, int flags,
			     const char *fmt, va_list ap)
{
	int fd;

	vsnprintf(path, len, fmt, ap);
	fd = open(path, flags);
	if (fd < 0)
		die("cannot open %s: %s", path, strerror(errno));
	return fd;
}

/* open(O_RDWR) the path printf-formatted from @fmt, or die naming it. */
static inline int open_rw(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline int open_rw(const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fd = vopen_path(path, sizeof(path), O_RDWR, fmt, ap);
	va_end(ap);
	return fd;
}

/* Write @val to the sysfs file printf-formatted from @fmt, or die. */
static inline void write_sysfs(const char *val, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void write_sysfs(const char *val, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fd = vopen_path(path, sizeof(path), O_WRONLY, fmt, ap);
	va_end(ap);
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		die("write '%s' to %s: %s", val, path, strerror(errno));
	close(fd);
}

static inline int open_uio(void)
{
	return open_rw("/dev/%s", uio);
}

/* The PCI address of the device behind @uio, e.g. "0000:00:02.0". */
static inline const char *pci_of_uio(void)
{
	static char bdf[256];
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/uio/%s/device", uio);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("readlink %s: %s", path, strerror(errno));
	link[n] = '\0';
	snprintf(bdf, sizeof(bdf), "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	return bdf;
}

/*
 * Hold /dev/uioN for a test that makes the device send MSIs or DMA.  uio_dma
 * opens every device with bus mastering off; turn it on, as a holder does
 * once it has set the device up: these tests leave nothing running on it.
 * Under other UIO drivers this is the open alone.
 */
static inline int hold_uio(void)
{
	int fd = open_uio(), ctl;
	char path[300];
	uint32_t on = 1;

	snprintf(path, sizeof(path), "/dev/uio_dma/%s", pci_of_uio());
	ctl = open(path, O_RDWR);
	if (ctl < 0)
		return fd;
	if (ioctl(ctl, UIO_DMA_IOC_BUS_MASTER, &on))
		die("UIO_DMA_IOC_BUS_MASTER on %s: %s", path, strerror(errno));
	close(ctl);
	return fd;
}

static inline volatile uint32_t *map_bar(int fd, int bar, size_t *len)
{
	int m = map_of_bar(bar);
	char path[256];
	void *p;

	if (m < 0) {
		/* Drivers that do not name their maps (uio_pci_generic) leave
		 * the BAR unclaimed, so sysfs resourceN can be mapped. */
		snprintf(path, sizeof(path), "/sys/class/uio/%s/device/resource%d",
			 uio, bar);
		fd = open(path, O_RDWR | O_SYNC);
		if (fd < 0)
			die("%s has no map named BAR%d and %s: %s", uio, bar,
			    path, strerror(errno));
		*len = resource_size(bar);
		p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap %s: %s", path, strerror(errno));
		return p;
	}
	*len = sysfs_u64("/sys/class/uio/%s/maps/map%d/size", uio, m);
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)m * getpagesize());
	if (p == MAP_FAILED)
		die("mmap of BAR%d (map%d) failed: %s", bar, m, strerror(errno));
	return p;
}

static inline void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static inline void usleep_(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

/* The uioN name of PCI device @bdf (bound to a UIO driver). */
static inline const char *uio_of_pci(const char *bdf)
{
	static char name[sizeof(((struct dirent *)0)->d_name)];
	char path[256];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", bdf);
	d = opendir(path);
	name[0] = '\0';
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "uio", 3)) {
			snprintf(name, sizeof(name), "%s", de->d_name);
			break;
		}
	if (d)
		closedir(d);
	if (!name[0])
		die("%s has no uio node", bdf);
	return name;
}

static inline uint32_t rd32(volatile uint32_t *bar, uint32_t off)
{
	return bar[off / 4];
}

static inline void wr32(volatile uint32_t *bar, uint32_t off, uint32_t v)
{
	bar[off / 4] = v;
}

/* ---- e1000e (82574): interrupt causes fired through ICS, one per MSI-X
 * vector */
#define E1000_CTRL_EXT	0x00018
#define E1000_ICS	0x000C8
#define E1000_IMS	0x000D0
#define E1000_IMC	0x000D8
#define E1000_EIAC	0x000DC
#define E1000_IVAR	0x000E4
#define CTRL_EXT_IAME	(1u << 27)
#define ICR_RXQ0	(1u << 20)	/* RXQ0, RXQ1, TXQ0, TXQ1, OTHER */
#define E1000E_NVEC	5
#define IVAR_VALID	0x8u

/* Route cause i (ICR_RXQ0 << i) to MSI-X vector i, auto-cleared once its
 * vector fired, and enable all five: writing it to E1000_ICS fires vector i. */
static inline void e1000e_route_msix(volatile uint32_t *bar)
{
	uint32_t all = ((1u << E1000E_NVEC) - 1) * ICR_RXQ0, ivar = 0;

	for (unsigned int i = 0; i < E1000E_NVEC; i++)
		ivar |= (IVAR_VALID | i) << (4 * i);
	wr32(bar, E1000_IMC, ~0u);
	wr32(bar, E1000_IVAR, ivar);
	wr32(bar, E1000_EIAC, all);
	wr32(bar, E1000_CTRL_EXT, rd32(bar, E1000_CTRL_EXT) | CTRL_EXT_IAME);
	wr32(bar, E1000_IMS, all);
}

/* ---- memory, pin and bus-master accounting (crash, race, fuzz tests) */

/* The value of "@key:" in /proc/meminfo (e.g. "HugePages_Free"), or -1. */
static inline long meminfo(const char *key)
{
	char line[128];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* Drop CAP_IPC_LOCK (effective, permitted, inheritable) so that
 * RLIMIT_MEMLOCK binds this process, root or not; 0 or -1 (errno). */
static inline int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint32_t bit = 1u << (CAP_IPC_LOCK % 32);
	int i = CAP_IPC_LOCK / 32;

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	return (int)syscall(SYS_capset, &h, d);
}

/* VmPin of process @pid in kB (pages pinned and charged to it), -1 if
 * unknown. */
static inline long vm_pin_kb(pid_t pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6))
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/*
 * In a forked child: become a holder of one /dev/uioN and nothing else of
 * the parent's: close every fd but stdio and the one open on @uio (NULL:
 * any /dev/uio<N>), clear its close-on-exec and exec "sleep 600", which
 * drops every mapping (a memfd mapping inherited would keep the parent's
 * pages alive).  Never returns (exit 2: no such fd).
 */
static inline void hold_only_uio(const char *uio)
{
	DIR *dir = opendir("/proc/self/fd");
	int keep = -1, dfd = dir ? dirfd(dir) : -1;
	struct dirent *de;
	char path[64], target[64];

	while (dir && (de = readdir(dir))) {
		int fd = atoi(de->d_name);
		ssize_t n;

		if (de->d_name[0] == '.' || fd <= 2 || fd == dfd)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = 0;
		if (uio ? !strcmp(target, uio) :
		    !strncmp(target, "/dev/uio", 8) && target[8] >= '0' && target[8] <= '9')
			keep = fd;
		else
			close(fd);
	}
	if (dir)
		closedir(dir);
	if (keep < 0 || fcntl(keep, F_SETFD, 0))
		_exit(2);
	execlp("sleep", "sleep", "600", (char *)NULL);
	_exit(3);
}

/*
 * Pages pinned with FOLL_PIN now, system-wide: nr_foll_pin_acquired minus
 * nr_foll_pin_released from /proc/vmstat, after folding the per-CPU
 * counters (vm.stat_refresh).  Nothing but the tests pins in the guest.
 */
static inline long pins_held(void)
{
	long acq = -1, rel = -1, v;
	char name[64];
	FILE *f;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) { /* folded anyway within a second */ }
		close(fd);
	}
	f = fopen("/proc/vmstat", "r");
	while (f && fscanf(f, "%63s %ld", name, &v) == 2) {
		if (!strcmp(name, "nr_foll_pin_acquired"))
			acq = v;
		else if (!strcmp(name, "nr_foll_pin_released"))
			rel = v;
	}
	if (f)
		fclose(f);
	if (acq < 0 || rel < 0)
		die("no nr_foll_pin_* in /proc/vmstat");
	return acq - rel;
}

/*
 * Wait up to @ms for the pin count and HugePages_Free to be back at @pins0
 * and @free0 (a release may lag a little); 0 if they are.  What was seen
 * last goes to *@pins and *@free.
 */
static inline int await_returned(long pins0, long free0, int ms, long *pins,
				 long *free)
{
	for (int i = 0;; i += 20) {
		*pins = pins_held();
		*free = meminfo("HugePages_Free");
		if (*pins == pins0 && *free == free0)
			return 0;
		if (i >= ms)
			return -1;
		msleep(20);
	}
}

/* The PCI command register of @bdf (bit 2: bus mastering), from sysfs. */
static inline unsigned int pci_command(const char *bdf)
{
	int fd = open_rw("/sys/bus/pci/devices/%s/config", bdf);
	uint8_t b[2] = { 0, 0 };

	if (pread(fd, b, 2, 4) != 2)
		die("read %s config: %s", bdf, strerror(errno));
	close(fd);
	return (unsigned int)b[0] | (unsigned int)b[1] << 8;
}

/* ---- QEMU's edu DMA engine (hw/misc/edu.c): 64-bit registers in BAR0;
 * a transfer runs 100 ms (virtual) after the command; the engine's buffer
 * is 4 KiB at 0x40000 in its address space; writes to the DMA registers
 * are ignored while a transfer is pending. */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_DMA_BUF	0x40000ull
#define EDU_DMA_MAX	4095u		/* QEMU 7.2 aborts on 4096 */

static inline void edu_wr64(volatile uint32_t *bar, uint32_t off, uint64_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint64_t *)((volatile uint8_t *)bar + off) = v;
}

static inline int edu_dma_busy(volatile uint32_t *bar)
{
	return *(volatile uint64_t *)((volatile uint8_t *)bar + EDU_DMA_CMD) &
	       EDU_DMA_RUN;
}

/* Start a transfer of @len bytes between RAM at @pa and the engine's buffer
 * at @off: to RAM if @to_ram.  Does not wait. */
static inline void edu_dma_start(volatile uint32_t *bar, uint64_t pa,
				 uint32_t off, uint32_t len, int to_ram)
{
	edu_wr64(bar, EDU_DMA_SRC, to_ram ? EDU_DMA_BUF + off : pa);
	edu_wr64(bar, EDU_DMA_DST, to_ram ? pa : EDU_DMA_BUF + off);
	edu_wr64(bar, EDU_DMA_COUNT, len);
	edu_wr64(bar, EDU_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
}

/* Wait up to @ms for the engine to be idle; 0 once it is. */
static inline int edu_dma_wait(volatile uint32_t *bar, long ms)
{
	for (long i = 0; i < ms; i++) {
		if (!edu_dma_busy(bar))
			return 0;
		msleep(1);
	}
	return edu_dma_busy(bar) ? -1 : 0;
}

#endif /* GUEST_UTIL_H */
