// SPDX-License-Identifier: MIT
/*
 * uiodma - show and bind PCI devices for userspace DMA, manage hugepages.
 *
 *   uiodma status [--json]
 *   uiodma info BDF [--json]
 *   uiodma bind [--driver NAME] [--force] BDF...
 *   uiodma unbind [--force] [--no-restore] BDF...
 *   uiodma hugepages show
 *   uiodma hugepages reserve COUNT [--pagesize 2M|1G] [--node N]
 *   uiodma hugepages clean [--dir DIR]
 *   uiodma --version
 *
 * Exit status: 0 success, 1 failure, 2 usage error.  See doc/uiodma.1.
 *
 * Files: cli.c (arguments, usage), dispatch.c (command to function),
 * status.c, info.c, bind.c (bind and unbind), hugepages.c (the commands),
 * json.c, size.c, sysfs.c (their helpers).
 */
#include <stdio.h>
#include <stdlib.h>

#include <uiodma.h>
#include <uiodma/uio_dma_ioctl.h>

#include "cli.h"
#include "commands.h"

int main(int argc, char **argv)
{
	struct cli c;
	char err[512];
	int r = cli_parse(argc, argv, &c, err, sizeof(err));

	if (r) {
		fprintf(stderr, "uiodma: %s\n%s\n", err, hint_of(c.cmd));
		free(c.addrs);
		return r;
	}
	if (c.help) {
		fputs(usage_of(c.cmd), stdout);
		free(c.addrs);
		return 0;
	}
	if (c.version) {
		unsigned int v = ud_version();

		printf("uiodma %d.%d.%d (libuiodma %u.%u.%u, uio_dma ABI %d)\n",
		       UIODMA_VERSION_MAJOR, UIODMA_VERSION_MINOR,
		       UIODMA_VERSION_PATCH, v / 10000, v / 100 % 100, v % 100,
		       UIO_DMA_ABI_VERSION);
		free(c.addrs);
		return 0;
	}
	r = run(&c);
	free(c.addrs);
	return r;
}
