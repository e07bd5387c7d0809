// SPDX-License-Identifier: MIT
/*
 * e1000e-echo - answer ARP, ping and UDP echo from userspace on an e1000e
 * (82574L) bound to uio_dma, driven by apps/drivers/e1000e.c; what it
 * answers and how is proto.c's, the loop that moves the frames serve.c's.
 *
 *   e1000e-echo --ip A.B.C.D [OPTIONS] PCI_ADDR
 *
 *   --ip A.B.C.D   the IPv4 address to answer for
 *   --udp-port N   echo UDP datagrams sent to this port (default 7)
 *   --irq          sleep on MSI-X vector 0 while nothing arrives, instead
 *                  of polling the RX ring
 *   --seconds N    stop after N seconds (default: run until SIGINT/SIGTERM)
 *   --rx-desc N    RX ring size (multiple of 8, default 256)
 *   --tx-desc N    TX ring size (multiple of 8, default 256)
 *
 * Prints one line when it answers, and its statistics when it stops: on
 * SIGINT or SIGTERM, or after --seconds.  It resets the NIC before its
 * memory goes, and releases it (uio_dma turns bus mastering off).
 *
 * Exit status: 0 stopped as asked, 1 error, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "common/net.h"
#include "common/usage.h"
#include "serve.h"

static const char usage[] =
	"usage: e1000e-echo --ip A.B.C.D [OPTIONS] PCI_ADDR\n"
	"\n"
	"Answer ARP, ping and UDP echo from userspace on an e1000e (82574L)\n"
	"bound to uio_dma; print the statistics when stopped.\n"
	"  --ip A.B.C.D   the IPv4 address to answer for\n"
	"  --udp-port N   echo UDP datagrams sent to this port (default 7)\n"
	"  --irq          sleep on MSI-X vector 0 while nothing arrives\n"
	"  --seconds N    stop after N seconds (default: at SIGINT/SIGTERM)\n"
	"  --rx-desc N    RX ring size (multiple of 8, default 256)\n"
	"  --tx-desc N    TX ring size (multiple of 8, default 256)\n"
	"  -h, --help     print this text\n"
	"Exit status: 0 stopped as asked, 1 error, 2 usage.\n";

int main(int argc, char **argv)
{
	static struct ud_pa_source kpin;	/* outlives the memory */
	static const struct option lo[] = {
		{ "ip", required_argument, NULL, 'a' },
		{ "udp-port", required_argument, NULL, 'u' },
		{ "irq", no_argument, NULL, 'i' },
		{ "seconds", required_argument, NULL, 's' },
		{ "rx-desc", required_argument, NULL, 'r' },
		{ "tx-desc", required_argument, NULL, 't' },
		{ 0 },
	};
	struct e1000e_config cfg = { .rx_desc = 256, .tx_desc = 256 };
	unsigned long long port = 7, secs = 0, rxd = 256, txd = 256;
	struct proto p = { 0 };
	struct e1000e nic;
	struct ud_mem *m = NULL;
	char mac[NET_MAC_STRLEN], ip[NET_IP_STRLEN];
	int c, irq = 0, bad = 0, have_ip = 0, ret = 1;

	app_init("e1000e-echo");
	if (app_help_asked(argc, argv))
		return app_usage(usage, 1);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			have_ip = !net_parse_ipv4(optarg, p.ip);
			bad |= !have_ip && app_err("--ip %s: not an IPv4 address", optarg);
			break;
		case 'u': bad |= app_num("--udp-port", optarg, 1, 65535, &port); break;
		case 'i': irq = 1; break;
		case 's': bad |= app_num("--seconds", optarg, 1, 86400, &secs); break;
		case 'r': bad |= app_num("--rx-desc", optarg, 8, 4096, &rxd); break;
		case 't': bad |= app_num("--tx-desc", optarg, 8, 4096, &txd); break;
		default: bad = 1;
		}
	}
	if (bad || !have_ip || optind != argc - 1)
		return app_usage(usage, 0);
	cfg.rx_desc = (unsigned)rxd;
	cfg.tx_desc = (unsigned)txd;
	p.udp_port = (uint16_t)port;
	app_stop_on_signals();
	if (e1000e_open(&nic, argv[optind]) || !(m = app_dev_mem_open("e1000e-echo", nic.addr, &kpin)) ||
	    e1000e_start(&nic, m, &cfg) || (irq && e1000e_enable_rx_irq(&nic)))
		goto out;
	memcpy(p.mac, nic.mac, 6);
	printf("e1000e-echo %s (%s): answering ARP and ICMP echo for %s, UDP echo on port %u; RX by %s\n",
	       nic.addr, net_mac_str(nic.mac, mac), net_ip_str(p.ip, ip), p.udp_port, irq ? "MSI-X interrupt" : "polling");
	ret = serve(&nic, &p, irq, secs ? app_now_ms() + secs * 1000 : 0) ? 1 : 0;
	if (app_stopping())
		printf("stopped by signal %d\n", app_stopping());
	serve_report(&nic, &p, app_cpu_ns());
out:
	e1000e_close(&nic);		/* reset: no DMA into the memory freed next */
	ud_mem_close(m);
	return app_verdict(ret);
}
