// SPDX-License-Identifier: MIT
/*
 * ctltest - the uio_dma control device beyond interrupts.
 *
 *   ctltest map BDF            map BAR0 by number through /dev/uio_dma/BDF:
 *                              edu's ID reads right; WC on a non-prefetchable
 *                              BAR, a missing BAR and an oversized length
 *                              are refused with EINVAL
 *   ctltest revoke BDF FILE    map BAR0, create FILE, wait until FILE is
 *                              removed (the script unbinds meanwhile), then
 *                              touch the mapping: exit 0 only on SIGBUS
 *   ctltest abi BDF            version and info ioctls agree with sysfs
 */
#include <signal.h>
#include <sys/ioctl.h>

#include <uiodma/uio_dma_ioctl.h>

#include "guest_util.h"

static int open_ctl(const char *bdf)
{
	return open_rw("/dev/uio_dma/%s", bdf);
}

static void *map(int fd, int bar, int wc, size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)UIO_DMA_MMAP_OFFSET(bar, wc));
}

static int expect_einval(int fd, int bar, int wc, size_t len, const char *what)
{
	void *p = map(fd, bar, wc, len);

	printf("%s: %s\n", what, p == MAP_FAILED ? strerror(errno) : "mapped");
	return !(p == MAP_FAILED && errno == EINVAL);
}

static int cmd_map(const char *bdf)
{
	int fd = open_ctl(bdf), bad = 0;
	volatile uint32_t *bar = map(fd, 0, 0, 1 << 20);

	if (bar == MAP_FAILED)
		die("mmap BAR0: %s", strerror(errno));
	printf("BAR0 via control device: id 0x%08x\n", rd32(bar, 0));
	bad |= rd32(bar, 0) != 0x010000ed;
	bad |= expect_einval(fd, 0, 1, 4096, "WC on non-prefetchable BAR0");
	bad |= expect_einval(fd, 1, 0, 4096, "absent BAR1");
	bad |= expect_einval(fd, 0, 0, 2 << 20, "2 MiB of a 1 MiB BAR");
	return bad;
}

static void on_sigbus(int sig)
{
	(void)sig;
	printf("SIGBUS on access after unbind\n");
	fflush(stdout);
	_exit(0);
}

static int cmd_revoke(const char *bdf, const char *flag)
{
	int fd = open_ctl(bdf);
	volatile uint32_t *bar = map(fd, 0, 0, 4096);
	FILE *f;

	if (bar == MAP_FAILED)
		die("mmap BAR0: %s", strerror(errno));
	printf("before unbind: id 0x%08x\n", rd32(bar, 0));
	signal(SIGBUS, on_sigbus);
	f = fopen(flag, "w");
	if (!f)
		die("create %s", flag);
	fclose(f);
	while (access(flag, F_OK) == 0)
		msleep(20);
	printf("after unbind: read 0x%08x without a fault\n", rd32(bar, 0));
	return 1;
}

static int cmd_abi(const char *bdf)
{
	int fd = open_ctl(bdf);
	struct uio_dma_dev_info info;
	uint32_t v;
	char want[32];

	if (ioctl(fd, UIO_DMA_IOC_VERSION, &v) || ioctl(fd, UIO_DMA_IOC_INFO, &info))
		die("ioctl: %s", strerror(errno));
	uio = uio_of_pci(bdf);
	snprintf(want, sizeof(want), "uio%u", info.uio_minor);
	printf("abi %u/%u, mode %u, %u vectors, %s (sysfs %s)\n", v,
	       info.abi_version, info.intr_mode, info.num_vectors, want, uio);
	return v != UIO_DMA_ABI_VERSION || info.abi_version != v ||
	       strcmp(want, uio) != 0 ||
	       ioctl(fd, _IO(UIO_DMA_IOC_MAGIC, 99)) != -1 || errno != ENOTTY;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "map"))
		return cmd_map(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "revoke"))
		return cmd_revoke(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "abi"))
		return cmd_abi(argv[2]);
	die("usage: see the header of ctltest.c");
}
