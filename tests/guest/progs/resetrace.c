// SPDX-License-Identifier: GPL-2.0
/*
 * Races around uio_dma's resets at open and close and its bus mastering rule
 * (tests/guest/cases/155-bm-reset-races.sh).
 *
 *   resetrace openloop BDF SECS NPROC
 *	NPROC processes open and close /dev/uioN of BDF as fast as they can
 *	for SECS seconds, whatever happens to the device (unplugged, unbound,
 *	bound again: the node is looked up again each time).  Each last close
 *	resets the function (with reset_method=bus: pciehp_reset_slot(), which
 *	takes the slot's reset_lock for write with the device lock held).
 *	Prints "openloop: opens N"; the case decides whether the kernel hung.
 *
 *   resetrace sysreset BDF ROUNDS
 *	The holder turns bus mastering on and closes /dev/uioN while another
 *	process writes 1 to sysfs "reset" (pci_reset_function(): save config
 *	space with bus mastering on, reset, restore it).  After each round:
 *	with nobody holding the device, bus mastering must be off; and at the
 *	next open, before the holder asked for it, bus mastering must be off.
 *	Prints "sysreset: idle_bm N open_bm N rounds N"; exit 1 if N > 0.
 *
 *   resetrace ctlfd BDF
 *	A process that does not hold /dev/uioN (a previous holder that kept
 *	its control fd, or one whose open() got EBUSY) turns bus mastering on
 *	under the new holder with UIO_DMA_IOC_BUS_MASTER.  Exit 1 if it can.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uiodma/uio_dma_ioctl.h>
#include "guest_util.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* /dev/uioN of @bdf now, or -1 (unplugged, unbound). */
static int try_uio_path(const char *bdf, char *out, size_t len)
{
	char path[256];
	struct dirent *de;
	DIR *d;
	int ok = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", bdf);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "uio", 3)) {
			snprintf(out, len, "/dev/%s", de->d_name);
			ok = 0;
			break;
		}
	closedir(d);
	return ok;
}

static int openloop(const char *bdf, int secs, int nproc)
{
	double end = now_s() + secs;
	long total = 0;

	for (int p = 0; p < nproc; p++) {
		if (fork() == 0) {
			long opens = 0;
			char path[300];

			while (now_s() < end) {
				int fd;

				if (try_uio_path(bdf, path, sizeof(path))) {
					usleep_(2000);
					continue;
				}
				fd = open(path, O_RDWR);
				if (fd < 0) {
					usleep_(200);
					continue;
				}
				opens++;
				close(fd);
			}
			printf("openloop: child %d opens %ld\n", p, opens);
			fflush(stdout);
			_exit(opens > 255 ? 255 : (int)opens);
		}
	}
	for (int p = 0; p < nproc; p++) {
		int st;

		if (wait(&st) > 0 && WIFEXITED(st))
			total += WEXITSTATUS(st);
	}
	printf("openloop: opens %ld%s\n", total, total >= 255 ? "+" : "");
	return 0;
}

static int ctl_open(const char *bdf)
{
	return open_rw("/dev/uio_dma/%s", bdf);
}

static int bm_ioctl(int cfd, uint32_t on)
{
	return ioctl(cfd, UIO_DMA_IOC_BUS_MASTER, &on);
}

static uint32_t info_flags(int cfd)
{
	struct uio_dma_dev_info info;

	if (ioctl(cfd, UIO_DMA_IOC_INFO, &info))
		die("INFO: %s", strerror(errno));
	return info.flags;
}

static int open_uio_retry(const char *bdf)
{
	char path[300];

	for (int i = 0; i < 500; i++) {
		int fd;

		if (!try_uio_path(bdf, path, sizeof(path))) {
			fd = open(path, O_RDWR);
			if (fd >= 0)
				return fd;
		}
		usleep_(10000);
	}
	die("cannot open the uio node of %s", bdf);
}

static int sysreset(const char *bdf, int rounds)
{
	int idle_bm = 0, open_bm = 0, cfd = ctl_open(bdf);

	for (int r = 0; r < rounds; r++) {
		int fd = open_uio_retry(bdf), st;
		unsigned int cmd_idle, cmd_open;
		long delay_us = (r * 7919L) % 25000;	/* 0..25 ms, spread */
		int sync[2], rcfd;
		char go;
		pid_t c;

		/* The holder's own control fd, opened while it holds the device. */
		rcfd = ctl_open(bdf);
		if (bm_ioctl(rcfd, 1))
			die("BUS_MASTER on: %s", strerror(errno));
		close(rcfd);
		if (pipe(sync))
			die("pipe");
		c = fork();
		if (c == 0) {
			char rp[128];
			int w;

			close(fd);	/* the parent's close must be the last */
			snprintf(rp, sizeof(rp), "/sys/bus/pci/devices/%s/reset", bdf);
			w = open(rp, O_WRONLY);	/* write-only attribute */
			if (w < 0 || write(sync[1], "g", 1) != 1 ||
			    write(w, "1", 1) != 1) {
				fprintf(stderr, "sysfs reset of %s: %s\n", bdf, strerror(errno));
				_exit(2);
			}
			_exit(0);
		}
		/* The child is about to write "1" to reset. */
		if (read(sync[0], &go, 1) != 1)
			die("round %d: the resetting child died", r);
		close(sync[0]);
		close(sync[1]);
		usleep_(delay_us);
		close(fd);	/* last close: BM off, try reset */
		waitpid(c, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die("round %d: the sysfs reset failed", r);
		cmd_idle = pci_command(bdf);
		if (cmd_idle & 4) {
			idle_bm++;
			printf("sysreset: round %d (close %ld us after the sysfs reset began): nobody holds %s, command 0x%04x: bus mastering ON; INFO flags 0x%x\n",
			       r, delay_us, bdf, cmd_idle, info_flags(cfd));
		}
		fd = open_uio_retry(bdf);
		cmd_open = pci_command(bdf);
		if (cmd_open & 4) {
			open_bm++;
			printf("sysreset: round %d: new holder of %s has bus mastering ON at open without asking (command 0x%04x, INFO flags 0x%x)\n",
			       r, bdf, cmd_open, info_flags(cfd));
		}
		close(fd);
	}
	close(cfd);
	printf("sysreset: idle_bm %d open_bm %d rounds %d\n", idle_bm, open_bm,
	       rounds);
	return idle_bm || open_bm;
}

static int ctlfd(const char *bdf)
{
	int p[2], q[2], fd, cfd, bad = 0;
	char c;
	pid_t h;

	/* A previous holder: had /dev/uioN, keeps its control fd. */
	fd = open_uio_retry(bdf);
	cfd = ctl_open(bdf);
	if (bm_ioctl(cfd, 1))
		die("BUS_MASTER on (as holder): %s", strerror(errno));
	close(fd);
	if (pipe(p) || pipe(q))
		die("pipe");
	h = fork();
	if (h == 0) {
		/* The new holder: opens, does not ask for bus mastering. */
		int ufd = open_uio_retry(bdf);
		unsigned int cmd = pci_command(bdf);

		printf("ctlfd: new holder opened, command 0x%04x\n", cmd);
		fflush(stdout);
		if (write(p[1], "o", 1) != 1 || read(q[0], &c, 1) != 1)
			_exit(3);
		cmd = pci_command(bdf);
		printf("ctlfd: new holder, after the old control fd's ioctl: command 0x%04x\n",
		       cmd);
		close(ufd);
		_exit(cmd & 4 ? 1 : 0);
	}
	if (read(p[0], &c, 1) != 1)
		die("holder died");
	/* Not a holder any more: /dev/uioN belongs to the child now. */
	if (bm_ioctl(cfd, 1) == 0) {
		printf("ctlfd: the previous holder's control fd turned bus mastering ON under the new holder\n");
		bad = 1;
	} else {
		printf("ctlfd: previous holder's BUS_MASTER on refused: %s\n",
		       strerror(errno));
	}
	if (write(q[1], "g", 1) != 1)
		die("pipe");
	{
		int st;

		waitpid(h, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) == 1)
			bad = 1;
	}
	close(cfd);
	printf("ctlfd: %s\n", bad ? "VIOLATION" : "ok");
	return bad;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "openloop"))
		return openloop(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "sysreset"))
		return sysreset(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "ctlfd"))
		return ctlfd(argv[2]);
	fprintf(stderr, "usage: resetrace openloop BDF SECS NPROC | sysreset BDF ROUNDS | ctlfd BDF\n");
	return 2;
}
