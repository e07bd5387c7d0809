// SPDX-License-Identifier: MIT
/*
 * Argument parsing and usage texts of the uiodma tool.  cli_parse() is a
 * plain function over argv so the unit tests can run it on fixed argument
 * vectors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiodma.h>

#include "cli.h"
#include "size.h"

/* ---- usage ------------------------------------------------------------ */

static const char usage_main[] =
	"usage: uiodma COMMAND [OPTIONS]\n"
	"\n"
	"Bind PCI devices to uio_dma for userspace DMA and manage hugepages.\n"
	"\n"
	"commands:\n"
	"  status [--json]                 devices, drivers, interrupts, hugepages, module\n"
	"  info BDF [--json]               one device: IDs, capabilities, BARs\n"
	"  bind [--driver NAME] [--force] BDF...\n"
	"                                  hand devices to uio_dma (or NAME)\n"
	"  unbind [--force] [--no-restore] BDF...\n"
	"                                  give devices back to their kernel driver\n"
	"  hugepages show|reserve|clean    hugepage pools and stale files\n"
	"\n"
	"BDF is a PCI address: 0000:03:00.0 or 03:00.0.  'uiodma COMMAND --help'\n"
	"describes a command; 'uiodma --version' prints the versions.\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n";

static const char usage_status[] =
	"usage: uiodma status [--json]\n"
	"\n"
	"List every PCI device that can be bound (network, storage, others; not\n"
	"bridges) with its driver, UIO node, interrupt mode and vectors, NUMA\n"
	"node and kernel interfaces; the hugepage pools per size and node; and\n"
	"whether the uio_dma module is loaded, with its parameters.\n"
	"  --json   one JSON object instead of text\n";

static const char usage_info[] =
	"usage: uiodma info BDF [--json]\n"
	"\n"
	"Show one device: IDs, class, NUMA node, IOMMU group, driver, MSI/MSI-X,\n"
	"what its driver lets userspace do (capabilities) and its BARs.\n";

static const char usage_bind[] =
	"usage: uiodma bind [--driver NAME] [--force] BDF...\n"
	"\n"
	"Bind each device to uio_dma (or NAME: igb_uio, uio_pci_generic, ...)\n"
	"through driver_override, loading the driver with modprobe if needed, and\n"
	"wait for /dev/uioN.  A device the kernel is using (a network interface\n"
	"that is up or has addresses, a mounted or swap block device) is refused.\n"
	"  --driver NAME   target driver (default uio_dma)\n"
	"  --force         take the device even if the kernel or a process uses it\n";

static const char usage_unbind[] =
	"usage: uiodma unbind [--force] [--no-restore] BDF...\n"
	"\n"
	"Unbind each device, clear its driver_override and let the kernel's\n"
	"driver (e1000e, nvme, ...) take it back, loading it with modprobe if\n"
	"needed.\n"
	"  --no-restore    leave the device without a driver\n"
	"  --force         unbind even if the kernel is using the device\n";

static const char usage_hugepages[] =
	"usage: uiodma hugepages show\n"
	"       uiodma hugepages reserve COUNT [--pagesize 2M|1G] [--node N]\n"
	"       uiodma hugepages clean [--dir DIR]\n"
	"\n"
	"show     page sizes, pool sizes per NUMA node, hugetlbfs mounts\n"
	"reserve  set the kernel's pool of SIZE pages (default: the default\n"
	"         hugepage size) to COUNT, on node N or spread over all nodes;\n"
	"         refused before anything changes when COUNT pages exceed the\n"
	"         memory (MemTotal) or growing to it exceeds MemAvailable\n"
	"clean    remove hugetlbfs files left by processes that died (DIR: one\n"
	"         hugetlbfs directory; default every mount)\n";

const char *usage_of(enum cli_cmd cmd)
{
	switch (cmd) {
	case CMD_STATUS: return usage_status;
	case CMD_INFO: return usage_info;
	case CMD_BIND: return usage_bind;
	case CMD_UNBIND: return usage_unbind;
	case CMD_HP_SHOW:
	case CMD_HP_RESERVE:
	case CMD_HP_CLEAN: return usage_hugepages;
	default: return usage_main;
	}
}

const char *hint_of(enum cli_cmd cmd)
{
	switch (cmd) {
	case CMD_STATUS: return "see 'uiodma status --help'";
	case CMD_INFO: return "see 'uiodma info --help'";
	case CMD_BIND: return "see 'uiodma bind --help'";
	case CMD_UNBIND: return "see 'uiodma unbind --help'";
	case CMD_HP_SHOW:
	case CMD_HP_RESERVE:
	case CMD_HP_CLEAN: return "see 'uiodma hugepages --help'";
	default: return "see 'uiodma --help'";
	}
}

/* ---- parsing ---------------------------------------------------------- */

/* parse_ulong() - a decimal number; 0 or -1. */
static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

#define USAGE_ERR(...) \
	do { snprintf(err, errlen, __VA_ARGS__); return EXIT_USAGE; } while (0)

int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t errlen)
{
	int i = 1, opts_done = 0, nops = 0;
	char *ops[2] = { NULL, NULL };

	memset(c, 0, sizeof(*c));
	c->node = -1;
	err[0] = '\0';
	c->addrs = calloc((size_t)argc + 1, sizeof(char *));
	if (!c->addrs)
		USAGE_ERR("out of memory");
	if (argc < 2)
		USAGE_ERR("no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		c->help = 1;
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		c->version = 1;
		return 0;
	}
	if (!strcmp(argv[1], "status"))
		c->cmd = CMD_STATUS;
	else if (!strcmp(argv[1], "info"))
		c->cmd = CMD_INFO;
	else if (!strcmp(argv[1], "bind"))
		c->cmd = CMD_BIND;
	else if (!strcmp(argv[1], "unbind"))
		c->cmd = CMD_UNBIND;
	else if (!strcmp(argv[1], "hugepages") || !strcmp(argv[1], "hp")) {
		i = 2;
		if (argc < 3)
			USAGE_ERR("hugepages: say show, reserve or clean");
		if (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
			c->cmd = CMD_HP_SHOW;
			c->help = 1;
			return 0;
		}
		if (!strcmp(argv[2], "show"))
			c->cmd = CMD_HP_SHOW;
		else if (!strcmp(argv[2], "reserve"))
			c->cmd = CMD_HP_RESERVE;
		else if (!strcmp(argv[2], "clean"))
			c->cmd = CMD_HP_CLEAN;
		else
			USAGE_ERR("hugepages: unknown subcommand '%s' (show, reserve, clean)",
				  argv[2]);
	} else
		USAGE_ERR("unknown command '%s'", argv[1]);

	for (i++; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (opts_done || a[0] != '-' || !a[1]) {
			if (c->cmd == CMD_BIND || c->cmd == CMD_UNBIND ||
			    c->cmd == CMD_INFO)
				c->addrs[c->naddrs++] = argv[i];
			else if (nops < 2)
				ops[nops++] = argv[i];
			else
				USAGE_ERR("unexpected argument '%s'", a);
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			c->help = 1;
			return 0;
		}
		/* Options that take a value: --opt VAL or --opt=VAL. */
		if (!strncmp(a, "--driver", 8) || !strncmp(a, "--pagesize", 10) ||
		    !strncmp(a, "--node", 6) || !strncmp(a, "--dir", 5)) {
			const char *eq = strchr(a, '=');
			size_t n = eq ? (size_t)(eq - a) : strlen(a);

			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				USAGE_ERR("%s needs a value", a);
			if (n == 8 && !strncmp(a, "--driver", n) &&
			    (c->cmd == CMD_BIND)) {
				if (!*val)
					USAGE_ERR("--driver needs a driver name");
				c->driver = val;
			} else if (n == 10 && !strncmp(a, "--pagesize", n) &&
				   c->cmd == CMD_HP_RESERVE) {
				if (parse_size(val, &c->page_size))
					USAGE_ERR("--pagesize '%s': use 2M or 1G", val);
			} else if (n == 6 && !strncmp(a, "--node", n) &&
				   c->cmd == CMD_HP_RESERVE) {
				unsigned long node;

				if (parse_ulong(val, 4095, &node))
					USAGE_ERR("--node '%s': use a NUMA node number", val);
				c->node = (int)node;
			} else if (n == 5 && !strncmp(a, "--dir", n) &&
				   c->cmd == CMD_HP_CLEAN) {
				c->dir = val;
			} else {
				USAGE_ERR("option '%.*s' does not apply here", (int)n, a);
			}
			continue;
		}
		if (!strcmp(a, "--json") && (c->cmd == CMD_STATUS || c->cmd == CMD_INFO))
			c->json = 1;
		else if (!strcmp(a, "--force") &&
			 (c->cmd == CMD_BIND || c->cmd == CMD_UNBIND))
			c->force = 1;
		else if (!strcmp(a, "--no-restore") && c->cmd == CMD_UNBIND)
			c->no_restore = 1;
		else
			USAGE_ERR("unknown option '%s'", a);
	}

	switch (c->cmd) {
	case CMD_BIND:
	case CMD_UNBIND:
		if (!c->naddrs)
			USAGE_ERR("%s: give at least one PCI address",
				  c->cmd == CMD_BIND ? "bind" : "unbind");
		break;
	case CMD_INFO:
		if (c->naddrs != 1)
			USAGE_ERR("info: give exactly one PCI address");
		break;
	case CMD_HP_RESERVE:
		if (nops != 1)
			USAGE_ERR("hugepages reserve: give the number of pages");
		if (parse_ulong(ops[0], ~0UL >> 1, &c->count))
			USAGE_ERR("hugepages reserve: '%s' is not a page count", ops[0]);
		break;
	default:
		if (nops)
			USAGE_ERR("unexpected argument '%s'", ops[0]);
	}
	for (int k = 0; k < c->naddrs; k++) {
		char full[UD_PCI_ADDR_STRLEN];

		if (ud_pci_addr_normalize(c->addrs[k], full))
			USAGE_ERR("%s", ud_errmsg());
	}
	return 0;
}
