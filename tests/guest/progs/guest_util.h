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
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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

/* open(O_RDWR) the path printf-formatted from @fmt, or die naming it. */
static inline int open_rw(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline int open_rw(const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("cannot open %s: %s", path, strerror(errno));
	return fd;
}

static inline int open_uio(void)
{
	return open_rw("/dev/%s", uio);
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

#endif /* GUEST_UTIL_H */
