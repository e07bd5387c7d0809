// SPDX-License-Identifier: MIT
/*
 * e1000e-gen - a packet generator and receiver on an e1000e (82574L)
 * bound to uio_dma, driven by apps/drivers/e1000e.c; the traffic is
 * gen.c's, the datagrams' payload and the counting stream.c's.
 *
 *   e1000e-gen tx --dst-mac M --dst-ip A --src-ip A [OPTIONS] PCI_ADDR
 *   e1000e-gen rx [OPTIONS] PCI_ADDR
 *
 * tx sends UDP/IPv4 frames, numbered, with a payload pattern, to M and A;
 * rx counts those (and the kernel's pktgen's) sent to its port: lost,
 * duplicated, reordered, corrupt.  Both print packets and bits per second
 * and the CPU time per frame.
 *
 *   --dst-mac M, --dst-ip A, --src-ip A   tx: where the frames go, and from
 *   --port N       UDP destination port (default 9000; tx: source port too)
 *   --size N       tx: frame length, 60 to 1514 bytes without FCS (default 60)
 *   --count N      tx: frames to send (default 1000, 0: no limit);
 *                  rx: frames expected, stop when all came (default 0: none)
 *   --rate N       tx: frames per second (default 0: full speed)
 *   --seconds N    stop after N seconds (default: no limit)
 *   --idle-ms N    rx: stop N ms after the last frame (default 2000)
 *   --burst N      frames per bulk post or RX poll, 1 to 64 (default 32)
 *   --irq          rx: sleep on MSI-X vector 0 while nothing arrives
 *   --rx-desc N, --tx-desc N   ring sizes (multiples of 8, default 512)
 *
 * SIGINT/SIGTERM end a run with its statistics.  Exit status: 0 success
 * (rx: nothing lost, duplicated or corrupt), 1 failure, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "common/usage.h"
#include "gen.h"

static const char usage[] =
	"usage: e1000e-gen tx --dst-mac M --dst-ip A --src-ip A [OPTIONS] PCI_ADDR\n"
	"       e1000e-gen rx [OPTIONS] PCI_ADDR\n"
	"\n"
	"tx sends numbered UDP/IPv4 frames from an e1000e (82574L) bound to\n"
	"uio_dma; rx counts those (and the kernel's pktgen's) sent to its port:\n"
	"lost, duplicated, reordered, corrupt.  Both print packets and bits per\n"
	"second and the CPU time per frame.\n"
	"  --dst-mac M, --dst-ip A, --src-ip A   tx: where the frames go, and from\n"
	"  --port N       UDP destination port (default 9000; tx: source port too)\n"
	"  --size N       tx: frame length, 60 to 1514 bytes without FCS (default 60)\n"
	"  --count N      tx: frames to send (default 1000, 0: no limit);\n"
	"                 rx: frames expected, stop when all came (default 0: none)\n"
	"  --rate N       tx: frames per second (default 0: full speed)\n"
	"  --seconds N    stop after N seconds (default: no limit)\n"
	"  --idle-ms N    rx: stop N ms after the last frame (default 2000)\n"
	"  --burst N      frames per bulk post or RX poll, 1 to 64 (default 32)\n"
	"  --irq          rx: sleep on MSI-X vector 0 while nothing arrives\n"
	"  --rx-desc N, --tx-desc N   ring sizes (multiples of 8, default 512)\n"
	"  -h, --help     print this text\n"
	"Exit status: 0 success (rx: nothing lost, duplicated or corrupt),\n"
	"1 failure, 2 usage.\n";

int main(int argc, char **argv)
{
	static struct ud_pa_source kpin;	/* outlives the memory */
	static const struct option lo[] = {
		{ "dst-mac", required_argument, NULL, 'm' }, { "dst-ip", required_argument, NULL, 'd' },
		{ "src-ip", required_argument, NULL, 's' }, { "port", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 'z' }, { "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' }, { "seconds", required_argument, NULL, 'S' },
		{ "idle-ms", required_argument, NULL, 'I' }, { "burst", required_argument, NULL, 'b' },
		{ "irq", no_argument, NULL, 'i' }, { "rx-desc", required_argument, NULL, 'R' },
		{ "tx-desc", required_argument, NULL, 'T' }, { 0 },
	};
	struct gen_opts o = { .size = 60, .idle_ms = 2000, .burst = 32 };
	unsigned long long port = 9000, size = 60, count = ~0ull, rate = 0, secs = 0, idle = 2000;
	unsigned long long burst = 32, rxd = 512, txd = 512;
	struct e1000e_config cfg;
	struct ud_mem *m = NULL;
	struct e1000e nic;
	char mac[NET_MAC_STRLEN], ip[NET_IP_STRLEN];
	int c, bad = 0, got = 0, tx, ret = 1;

	app_init("e1000e-gen");
	if (app_help_asked(argc, argv))
		return app_usage(usage, 1);
	if (argc < 2 || (strcmp(argv[1], "tx") && strcmp(argv[1], "rx")))
		return app_usage(usage, 0);
	tx = !strcmp(argv[1], "tx");
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'm': got |= 1; bad |= net_parse_mac(optarg, o.flow.dst_mac); break;
		case 'd': got |= 2; bad |= net_parse_ipv4(optarg, o.flow.dst_ip); break;
		case 's': got |= 4; bad |= net_parse_ipv4(optarg, o.flow.src_ip); break;
		case 'p': bad |= app_num("--port", optarg, 1, 65535, &port); break;
		case 'z': bad |= app_num("--size", optarg, 60, 1514, &size); break;
		case 'n': bad |= app_num("--count", optarg, 0, 1ull << 32, &count); break;
		case 'r': bad |= app_num("--rate", optarg, 0, 100000000, &rate); break;
		case 'S': bad |= app_num("--seconds", optarg, 1, 86400, &secs); break;
		case 'I': bad |= app_num("--idle-ms", optarg, 1, 3600000, &idle); break;
		case 'b': bad |= app_num("--burst", optarg, 1, E1000E_BURST, &burst); break;
		case 'i': o.irq = 1; break;
		case 'R': bad |= app_num("--rx-desc", optarg, 8, 4096, &rxd); break;
		case 'T': bad |= app_num("--tx-desc", optarg, 8, 4096, &txd); break;
		default: bad = 1;
		}
	}
	if (bad || optind != argc - 1 || (tx && got != 7) || (!tx && got))
		return app_usage(usage, 0);
	o.flow.sport = o.flow.dport = (uint16_t)port;
	o.size = (unsigned)size;
	o.count = count == ~0ull ? (tx ? 1000 : 0) : count;
	o.rate = rate;
	o.seconds = (unsigned)secs;
	o.idle_ms = (unsigned)idle;
	o.burst = (unsigned)burst;
	cfg = (struct e1000e_config){ (unsigned)rxd, (unsigned)txd, 0 };
	app_stop_on_signals();
	if (e1000e_open(&nic, argv[optind]) || !(m = app_dev_mem_open("e1000e-gen", nic.addr, &kpin)) ||
	    e1000e_start(&nic, m, &cfg) || (o.irq && e1000e_enable_rx_irq(&nic)))
		goto out;
	memcpy(o.flow.src_mac, nic.mac, 6);
	printf("e1000e-gen %s %s (%s): ", argv[1], nic.addr, net_mac_str(nic.mac, mac));
	if (tx)
		printf("sending %s%llu frames of %u bytes to %s %s port %u at %s\n",
		       o.count ? "" : "(until stopped) ", (unsigned long long)o.count, o.size, net_mac_str(o.flow.dst_mac, mac),
		       net_ip_str(o.flow.dst_ip, ip), o.flow.dport, rate ? "a paced rate" : "full speed");
	else
		printf("receiving on port %u, RX by %s\n", o.flow.dport,
		       o.irq ? "MSI-X interrupt" : "polling");
	ret = tx ? gen_tx(&nic, &o) : gen_rx(&nic, &o);
	if (app_stopping())
		printf("stopped by signal %d\n", app_stopping());
out:
	e1000e_close(&nic);		/* reset: no DMA into the memory freed next */
	ud_mem_close(m);
	return app_verdict(ret);
}
