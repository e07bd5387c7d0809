// SPDX-License-Identifier: MIT
/*
 * e1000e-loop - send frames from one e1000e to another and check them,
 * with a userspace driver (e1000e.c) on libuiodma.
 *
 *   e1000e-loop [OPTIONS] TX_PCI_ADDR RX_PCI_ADDR
 *
 * Both NICs (82574L, bound to uio_dma, on one link or hub) are reset and
 * configured.  The first transmits COUNT frames of lengths from 60 to 1514
 * bytes, each with a sequence number and a payload pattern derived from
 * it, to the second's MAC address (or broadcast); the second receives them
 * into its RX ring.  Every frame must arrive exactly once, whole and
 * intact; TX is paced so that no more frames are in flight than the
 * receiver has buffers (loop.c).
 *
 *   --count N     frames to send (default 64)
 *   --irq         wait for received frames on MSI-X vector 0, not by polling
 *   --broadcast   send to ff:ff:ff:ff:ff:ff instead of the receiver's MAC
 *   --promisc     receiver accepts every unicast/multicast frame
 *   --rx-desc N   RX ring size (multiple of 8, default 256)
 *   --tx-desc N   TX ring size (multiple of 8, default 128)
 *
 * Exit status: 0 every frame arrived once and intact, 1 otherwise or on
 * any error, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "common/usage.h"
#include "loop.h"

static const char usage[] =
	"usage: e1000e-loop [OPTIONS] TX_PCI_ADDR RX_PCI_ADDR\n"
	"\n"
	"Send frames from one e1000e (82574L, bound to uio_dma) to another on\n"
	"the same link and check that each arrives once, whole and intact.\n"
	"  --count N     frames to send (default 64)\n"
	"  --irq         wait for received frames on MSI-X vector 0, not by polling\n"
	"  --broadcast   send to ff:ff:ff:ff:ff:ff instead of the receiver's MAC\n"
	"  --promisc     receiver accepts every unicast/multicast frame\n"
	"  --rx-desc N   RX ring size (multiple of 8, default 256)\n"
	"  --tx-desc N   TX ring size (multiple of 8, default 128)\n"
	"  -h, --help    print this text\n"
	"Exit status: 0 every frame arrived once and intact, 1 otherwise or on\n"
	"any error, 2 usage.\n";

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "irq", no_argument, NULL, 'i' },
		{ "broadcast", no_argument, NULL, 'b' },
		{ "promisc", no_argument, NULL, 'p' },
		{ "rx-desc", required_argument, NULL, 'r' },
		{ "tx-desc", required_argument, NULL, 't' },
		{ 0 },
	};
	struct loop_opts o = LOOP_OPTS_INIT;
	unsigned long long v;
	char ta[UD_PCI_ADDR_STRLEN], ra[UD_PCI_ADDR_STRLEN];
	int c;

	app_init("e1000e-loop");
	if (app_help_asked(argc, argv))
		return app_usage(usage, 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o.irq = 1; break;
		case 'b': o.broadcast = 1; break;
		case 'p': o.promisc = 1; break;
		case 'n':
			if (app_num("--count", optarg, 1, 1000000, &v))
				return app_usage(usage, 0);
			o.count = (unsigned)v;
			break;
		case 'r':
		case 't':
			if (app_num(c == 'r' ? "--rx-desc" : "--tx-desc", optarg, 8, 4096, &v))
				return app_usage(usage, 0);
			*(c == 'r' ? &o.rx_desc : &o.tx_desc) = (unsigned)v;
			break;
		default:
			return app_usage(usage, 0);
		}
	}
	if (optind != argc - 2)
		return app_usage(usage, 0);
	o.tx_addr = argv[optind];
	o.rx_addr = argv[optind + 1];
	if (ud_pci_addr_normalize(o.tx_addr, ta) || ud_pci_addr_normalize(o.rx_addr, ra)) {
		app_err("'%s' or '%s' is not a PCI address", o.tx_addr, o.rx_addr);
		return 2;
	}
	if (!strcmp(ta, ra)) {
		app_err("TX and RX are the same device %s; give two NICs on one link", ta);
		return 2;
	}
	return app_verdict(loop_run(&o, NULL, NULL));
}
