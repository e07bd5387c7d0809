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
 *
 * Exit status: 0 success, 1 failure, 2 usage error.  See doc/uiodma.1.
 *
 * The argument parsing (cli_parse) and output formatting (print_status_*,
 * json_str) are plain functions over plain data so the unit tests can
 * include this file with UIODMA_NO_MAIN defined and call them.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uiodma.h>

#define EXIT_USAGE 2

extern char **environ;

enum cli_cmd {
	CMD_NONE,
	CMD_STATUS,
	CMD_INFO,
	CMD_BIND,
	CMD_UNBIND,
	CMD_HP_SHOW,
	CMD_HP_RESERVE,
	CMD_HP_CLEAN,
};

struct cli {
	enum cli_cmd cmd;
	int help;		/* --help given: print the command's usage */
	int json;
	int force;
	int no_restore;
	const char *driver;
	const char *dir;
	char **addrs;		/* points into argv */
	int naddrs;
	unsigned long count;
	size_t page_size;	/* 0 = default */
	int node;		/* -1 = all */
};

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
	"describes a command.  Exit status: 0 success, 1 failure, 2 usage error.\n";

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
	"  --force         take the device even if the kernel is using it\n";

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
	"         hugepage size) to COUNT, on node N or spread over all nodes\n"
	"clean    remove hugetlbfs files left by processes that died (DIR: one\n"
	"         hugetlbfs directory; default every mount)\n";

static const char *usage_of(enum cli_cmd cmd)
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

/* The one-line pointer to the help printed after a usage error. */
static const char *hint_of(enum cli_cmd cmd)
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

/*
 * parse_size() - "2M", "1G", "2048k", "2MB", "1GiB" or plain bytes.
 * Returns 0, or -1 if @s is not a size.
 */
static int parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (shift && (!strcmp(end, "B") || !strcmp(end, "iB") || !strcmp(end, "b")))
		end += strlen(end);
	if (*end || v == 0 || v > (~0ULL >> shift))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

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

/*
 * cli_parse() - parse argv into @c.
 * Returns 0, or EXIT_USAGE with a message in @err.  Options may come
 * before or after the operands; "--" ends the options.
 */
static int cli_parse(int argc, char **argv, struct cli *c, char *err,
		     size_t errlen)
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
			USAGE_ERR("'%s' is not a PCI address: use 0000:03:00.0 or 03:00.0",
				  c->addrs[k]);
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at @s, 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	unsigned int cp;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * json_str() - write @s as a JSON string, quotes included.  Control
 * characters are escaped; invalid UTF-8 bytes become U+FFFD.  NULL is
 * written as null.
 */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		int n;

		switch (*p) {
		case '"': fputs("\\\"", f); p++; continue;
		case '\\': fputs("\\\\", f); p++; continue;
		case '\n': fputs("\\n", f); p++; continue;
		case '\r': fputs("\\r", f); p++; continue;
		case '\t': fputs("\\t", f); p++; continue;
		case '\b': fputs("\\b", f); p++; continue;
		case '\f': fputs("\\f", f); p++; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
			p++;
			continue;
		}
		n = utf8_len(p);
		if (!n) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)n, f);
		p += n;
	}
	fputc('"', f);
}

/* ---- status ----------------------------------------------------------- */

#define MAX_PARAMS 16

struct module_state {
	int loaded;
	char version[32];
	int nparams;
	struct {
		char name[64];
		char value[128];
	} params[MAX_PARAMS];
};

struct status {
	struct ud_dev_info *devs;
	char (*users)[256];
	size_t ndevs;
	struct module_state mod;
	int hp_ok;			/* hp is valid */
	struct ud_hp_info hp;
};

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(a, b);	/* name is the first member */
}

static void read_module(struct module_state *m, const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	memset(m, 0, sizeof(*m));
	if (access(dir, F_OK))
		return;
	m->loaded = 1;
	snprintf(path, sizeof(path), "%s/version", dir);
	read_line(path, m->version, sizeof(m->version));
	snprintf(path, sizeof(path), "%s/parameters", dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && m->nparams < MAX_PARAMS) {
		char p[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) >= sizeof(m->params[0].name) ||
		    strlen(path) + strlen(de->d_name) + 2 > sizeof(p))
			continue;
		memcpy(m->params[m->nparams].name, de->d_name,
		       strlen(de->d_name) + 1);
		memcpy(p, path, strlen(path));
		p[strlen(path)] = '/';
		memcpy(p + strlen(path) + 1, de->d_name, strlen(de->d_name) + 1);
		if (read_line(p, m->params[m->nparams].value,
			      sizeof(m->params[m->nparams].value)))
			continue;
		m->nparams++;
	}
	closedir(d);
	qsort(m->params, (size_t)m->nparams, sizeof(m->params[0]), cmp_param);
}

static int collect_status(struct status *st)
{
	memset(st, 0, sizeof(*st));
	if (ud_dev_list(&st->devs, &st->ndevs, 0))
		return -1;
	st->users = calloc(st->ndevs ? st->ndevs : 1, sizeof(*st->users));
	if (!st->users)
		return -1;
	for (size_t i = 0; i < st->ndevs; i++)
		ud_dev_users(st->devs[i].addr, st->users[i], sizeof(st->users[i]));
	read_module(&st->mod, "/sys/module/uio_dma");
	st->hp_ok = ud_hp_discover(&st->hp) == 0;
	return 0;
}

static void free_status(struct status *st)
{
	free(st->devs);
	free(st->users);
}

static void fmt_size(char *buf, size_t len, size_t bytes)
	__attribute__((nonnull));

static void fmt_size(char *buf, size_t len, size_t bytes)
{
	if (bytes >= (1UL << 30) && !(bytes & ((1UL << 30) - 1)))
		snprintf(buf, len, "%zuG", bytes >> 30);
	else if (bytes >= (1UL << 20) && !(bytes & ((1UL << 20) - 1)))
		snprintf(buf, len, "%zuM", bytes >> 20);
	else
		snprintf(buf, len, "%zuk", bytes >> 10);
}

/* One device line of the text status. */
static void print_dev_line(FILE *f, const struct ud_dev_info *d,
			   const char *users)
{
	char uio[16] = "-", intr[32] = "-";

	if (d->uio_minor >= 0)
		snprintf(uio, sizeof(uio), "uio%d", d->uio_minor);
	if (*d->intr_mode)
		snprintf(intr, sizeof(intr), "%s x%u", d->intr_mode, d->intr_vectors);
	fprintf(f, "  %-12s  %04x:%04x  %06x  %-16s %-6s %-12s %4d  %s\n",
		d->addr, d->vendor, d->device, d->class_code,
		*d->driver ? d->driver : "-", uio, intr, d->numa_node,
		users && *users ? users : "-");
}

static int print_status_text(FILE *f, const struct status *st)
{
	static const enum ud_dev_category order[] = {
		UD_CAT_NETWORK, UD_CAT_STORAGE, UD_CAT_OTHER,
	};
	static const char *const titles[] = {
		"Network devices", "Storage devices", "Other devices",
	};

	for (int k = 0; k < 3; k++) {
		int any = 0;

		fprintf(f, "%s\n", titles[k]);
		for (size_t i = 0; i < st->ndevs; i++) {
			if (ud_dev_category(st->devs[i].class_code) != order[k])
				continue;
			if (!any)
				fprintf(f, "  %-12s  %-9s  %-6s  %-16s %-6s %-12s %4s  %s\n",
					"ADDRESS", "ID", "CLASS", "DRIVER", "UIO",
					"INTERRUPTS", "NUMA", "KERNEL USE");
			any = 1;
			print_dev_line(f, &st->devs[i], st->users ? st->users[i] : NULL);
		}
		if (!any)
			fprintf(f, "  (none)\n");
		fprintf(f, "\n");
	}
	fprintf(f, "uio_dma module: ");
	if (!st->mod.loaded) {
		fprintf(f, "not loaded (modprobe uio_dma)\n");
	} else {
		fprintf(f, "loaded%s%s%s\n", *st->mod.version ? " (version " : "",
			st->mod.version, *st->mod.version ? ")" : "");
		for (int i = 0; i < st->mod.nparams; i++)
			fprintf(f, "  %s=%s\n", st->mod.params[i].name,
				st->mod.params[i].value);
	}
	fprintf(f, "\n");
	if (!st->hp_ok) {
		fprintf(f, "Hugepages: none (the kernel has no hugetlb support)\n");
	} else {
		fprintf(f, "Hugepages\n");
		for (int s = 0; s < st->hp.n_sizes; s++) {
			const struct ud_hp_size_info *z = &st->hp.sizes[s];
			char sz[24];

			fmt_size(sz, sizeof(sz), z->page_size);
			fprintf(f, "  %-4s%s  total %lu  free %lu  reserved %lu  surplus %lu\n",
				sz, z->is_default ? " (default)" : "", z->nr, z->free,
				z->resv, z->surplus);
			for (int n = 0; n < z->n_nodes; n++)
				fprintf(f, "        node %d: total %lu  free %lu\n",
					z->nodes[n].node, z->nodes[n].nr, z->nodes[n].free);
		}
		for (int m = 0; m < st->hp.n_mounts; m++) {
			char sz[24];

			fmt_size(sz, sizeof(sz), st->hp.mounts[m].page_size);
			fprintf(f, "  mount %s (%s)\n", st->hp.mounts[m].path, sz);
		}
		if (!st->hp.n_mounts)
			fprintf(f, "  no hugetlbfs mount (mount -t hugetlbfs none /dev/hugepages)\n");
	}
	return ferror(f) ? -1 : 0;
}

static void json_dev(FILE *f, const struct ud_dev_info *d, const char *users)
{
	char hex[16];

	fputs("{\"address\":", f);
	json_str(f, d->addr);
	fprintf(f, ",\"vendor\":\"%04x\",\"device\":\"%04x\",\"class\":\"%06x\",\"category\":",
		d->vendor, d->device, d->class_code);
	json_str(f, ud_dev_category_name(ud_dev_category(d->class_code)));
	fputs(",\"driver\":", f);
	json_str(f, *d->driver ? d->driver : NULL);
	fputs(",\"driver_override\":", f);
	json_str(f, *d->driver_override ? d->driver_override : NULL);
	fprintf(f, ",\"numa_node\":%d,\"iommu_group\":", d->numa_node);
	if (d->iommu_group >= 0)
		fprintf(f, "%d", d->iommu_group);
	else
		fputs("null", f);
	fputs(",\"uio\":", f);
	if (d->uio_minor >= 0) {
		snprintf(hex, sizeof(hex), "uio%d", d->uio_minor);
		json_str(f, hex);
	} else {
		fputs("null", f);
	}
	fputs(",\"intr_mode\":", f);
	json_str(f, *d->intr_mode ? d->intr_mode : NULL);
	fputs(",\"intr_vectors\":", f);
	if (*d->intr_mode)
		fprintf(f, "%u", d->intr_vectors);
	else
		fputs("null", f);
	fprintf(f, ",\"msi\":%s,\"msi_vectors\":%u,\"msix\":%s,\"msix_vectors\":%u,\"reset\":%s,\"kernel_use\":",
		d->has_msi ? "true" : "false", d->msi_vectors,
		d->has_msix ? "true" : "false", d->msix_vectors,
		d->has_reset ? "true" : "false");
	json_str(f, users ? users : "");
	fputc('}', f);
}

static int print_status_json(FILE *f, const struct status *st)
{
	fputs("{\"devices\":[", f);
	for (size_t i = 0; i < st->ndevs; i++) {
		if (i)
			fputc(',', f);
		json_dev(f, &st->devs[i], st->users ? st->users[i] : NULL);
	}
	fprintf(f, "],\"module\":{\"name\":\"uio_dma\",\"loaded\":%s,\"version\":",
		st->mod.loaded ? "true" : "false");
	json_str(f, st->mod.loaded && *st->mod.version ? st->mod.version : NULL);
	fputs(",\"parameters\":{", f);
	for (int i = 0; i < st->mod.nparams; i++) {
		if (i)
			fputc(',', f);
		json_str(f, st->mod.params[i].name);
		fputc(':', f);
		json_str(f, st->mod.params[i].value);
	}
	fputs("}},\"hugepages\":{\"sizes\":[", f);
	for (int s = 0; st->hp_ok && s < st->hp.n_sizes; s++) {
		const struct ud_hp_size_info *z = &st->hp.sizes[s];

		if (s)
			fputc(',', f);
		fprintf(f, "{\"page_size\":%zu,\"default\":%s,\"total\":%lu,\"free\":%lu,\"reserved\":%lu,\"surplus\":%lu,\"nodes\":[",
			z->page_size, z->is_default ? "true" : "false", z->nr,
			z->free, z->resv, z->surplus);
		for (int n = 0; n < z->n_nodes; n++)
			fprintf(f, "%s{\"node\":%d,\"total\":%lu,\"free\":%lu}",
				n ? "," : "", z->nodes[n].node, z->nodes[n].nr,
				z->nodes[n].free);
		fputs("]}", f);
	}
	fputs("],\"mounts\":[", f);
	for (int m = 0; st->hp_ok && m < st->hp.n_mounts; m++) {
		fprintf(f, "%s{\"path\":", m ? "," : "");
		json_str(f, st->hp.mounts[m].path);
		fprintf(f, ",\"page_size\":%zu}", st->hp.mounts[m].page_size);
	}
	fputs("]}}\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- commands --------------------------------------------------------- */

static int cmd_status(const struct cli *c)
{
	struct status st;
	int r;

	if (collect_status(&st)) {
		fprintf(stderr, "uiodma status: %s\n", ud_errmsg());
		free_status(&st);
		return 1;
	}
	r = c->json ? print_status_json(stdout, &st) : print_status_text(stdout, &st);
	free_status(&st);
	return r ? 1 : 0;
}

static void print_bars(FILE *f, struct ud_dev *d, int json)
{
	int first = 1;

	for (unsigned int b = 0; b < 6; b++) {
		struct ud_bar_info bi;

		if (ud_dev_bar_info(d, b, &bi) || !bi.len)
			continue;
		if (json)
			fprintf(f, "%s{\"bar\":%u,\"start\":%llu,\"size\":%llu,\"type\":\"%s\",\"prefetchable\":%s,\"64bit\":%s}",
				first ? "" : ",", b, (unsigned long long)bi.start,
				(unsigned long long)bi.len,
				bi.flags & UD_BAR_MEM ? "mem" : "io",
				bi.flags & UD_BAR_PREFETCH ? "true" : "false",
				bi.flags & UD_BAR_64 ? "true" : "false");
		else
			fprintf(f, "  BAR%u  %s  0x%llx  size 0x%llx%s%s\n", b,
				bi.flags & UD_BAR_MEM ? "mem" : "io ",
				(unsigned long long)bi.start,
				(unsigned long long)bi.len,
				bi.flags & UD_BAR_PREFETCH ? "  prefetchable" : "",
				bi.flags & UD_BAR_64 ? "  64-bit" : "");
		first = 0;
	}
}

static int cmd_info(const struct cli *c)
{
	struct ud_dev *d = ud_dev_open(c->addrs[0]);
	const struct ud_dev_info *i;
	char caps[256], users[256] = "";
	unsigned int nvec, cf;

	if (!d) {
		fprintf(stderr, "uiodma info: %s\n", ud_errmsg());
		return 1;
	}
	i = ud_dev_get_info(d);
	cf = ud_dev_caps(d, &nvec);
	ud_dev_caps_format(cf, caps, sizeof(caps));
	ud_dev_users(i->addr, users, sizeof(users));
	if (c->json) {
		fputs("{\"device\":", stdout);
		json_dev(stdout, i, users);
		fputs(",\"capabilities\":", stdout);
		json_str(stdout, caps);
		fprintf(stdout, ",\"vectors\":%u,\"bars\":[", nvec);
		print_bars(stdout, d, 1);
		fputs("]}\n", stdout);
	} else {
		printf("%s  %04x:%04x (subsystem %04x:%04x) class %06x rev %02x\n",
		       i->addr, i->vendor, i->device, i->subsys_vendor,
		       i->subsys_device, i->class_code, i->revision);
		printf("  category     %s\n", ud_dev_category_name(ud_dev_category(i->class_code)));
		printf("  driver       %s\n", *i->driver ? i->driver : "(none)");
		if (i->uio_minor >= 0)
			printf("  uio          /dev/uio%d\n", i->uio_minor);
		if (*i->intr_mode)
			printf("  interrupts   %s, %u vector(s)\n", i->intr_mode, i->intr_vectors);
		printf("  numa node    %d\n", i->numa_node);
		if (i->iommu_group >= 0)
			printf("  iommu group  %d\n", i->iommu_group);
		else
			printf("  iommu group  none\n");
		printf("  intx         %s\n", i->has_intx ? "yes" : "no");
		if (i->has_msi)
			printf("  msi          %u vector(s)\n", i->msi_vectors);
		if (i->has_msix)
			printf("  msi-x        %u vector(s)\n", i->msix_vectors);
		printf("  reset        %s\n", i->has_reset ? "yes" : "no");
		printf("  kernel use   %s\n", *users ? users : "-");
		printf("  capabilities %s (%u interrupt vector(s) for userspace)\n",
		       caps, nvec);
		print_bars(stdout, d, 0);
	}
	ud_dev_close(d);
	return 0;
}

/* modprobe NAME quietly; 0 if it succeeded. */
static int modprobe(const char *name)
{
	char *argv[] = { "modprobe", "-q", (char *)name, NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int cmd_bind(const struct cli *c)
{
	const char *drv = c->driver ? c->driver : "uio_dma";
	unsigned int flags = c->force ? UD_BIND_FORCE : 0;
	int rc = 0;

	for (int k = 0; k < c->naddrs; k++) {
		char addr[UD_PCI_ADDR_STRLEN], prev[64];
		struct ud_dev_info info;
		int r;

		ud_pci_addr_normalize(c->addrs[k], addr);
		r = ud_dev_bind(addr, drv, flags, prev, sizeof(prev));
		if (r && errno == ENOENT && !modprobe(drv))
			r = ud_dev_bind(addr, drv, flags, prev, sizeof(prev));
		if (r) {
			fprintf(stderr, "uiodma bind: %s\n", ud_errmsg());
			rc = 1;
			continue;
		}
		if (!strcmp(prev, drv))
			printf("%s: already bound to %s\n", addr, drv);
		else if (ud_dev_info(addr, &info) == 0 && info.uio_minor >= 0)
			printf("%s: bound to %s (was %s), /dev/uio%d\n", addr, drv,
			       *prev ? prev : "unbound", info.uio_minor);
		else
			printf("%s: bound to %s (was %s)\n", addr, drv,
			       *prev ? prev : "unbound");
	}
	return rc;
}

/* Load the kernel module that matches @addr's modalias; 0 if it did. */
static int modprobe_alias(const char *addr)
{
	char path[PATH_MAX], alias[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/modalias", addr);
	if (read_line(path, alias, sizeof(alias)) || !*alias)
		return -1;
	return modprobe(alias);
}

static int cmd_unbind(const struct cli *c)
{
	unsigned int flags = (c->force ? UD_BIND_FORCE : 0) |
			     (c->no_restore ? UD_UNBIND_NO_RESTORE : 0);
	int rc = 0;

	for (int k = 0; k < c->naddrs; k++) {
		char addr[UD_PCI_ADDR_STRLEN], was[64] = "", now[64];
		struct ud_dev_info info;

		ud_pci_addr_normalize(c->addrs[k], addr);
		if (ud_dev_info(addr, &info) == 0)
			snprintf(was, sizeof(was), "%s", info.driver);
		if (ud_dev_unbind(addr, flags, now, sizeof(now))) {
			fprintf(stderr, "uiodma unbind: %s\n", ud_errmsg());
			rc = 1;
			continue;
		}
		if (!c->no_restore && !*now && !modprobe_alias(addr) &&
		    ud_dev_info(addr, &info) == 0)
			snprintf(now, sizeof(now), "%s", info.driver);
		if (c->no_restore)
			printf("%s: unbound from %s, left without a driver\n", addr,
			       *was ? was : "no driver");
		else if (*now)
			printf("%s: unbound from %s, now %s\n", addr,
			       *was ? was : "no driver", now);
		else
			printf("%s: unbound from %s; no kernel driver claims it (load one with modprobe)\n",
			       addr, *was ? was : "no driver");
	}
	return rc;
}

static int cmd_hp_show(void)
{
	struct ud_hp_info hp;

	if (ud_hp_discover(&hp) || ud_hp_print(stdout, &hp)) {
		fprintf(stderr, "uiodma hugepages show: %s\n", ud_errmsg());
		return 1;
	}
	return 0;
}

static int cmd_hp_reserve(const struct cli *c)
{
	unsigned long granted = 0;
	char sz[24];

	if (ud_hp_set_pages(c->page_size, c->node, c->count, &granted)) {
		fprintf(stderr, "uiodma hugepages reserve: %s\n", ud_errmsg());
		return 1;
	}
	if (c->page_size)
		fmt_size(sz, sizeof(sz), c->page_size);
	else
		snprintf(sz, sizeof(sz), "default-size");
	if (granted < c->count) {
		char where[32] = "";

		if (c->node >= 0)
			snprintf(where, sizeof(where), " on node %d", c->node);
		fprintf(stderr,
			"uiodma hugepages reserve: the kernel gave %lu of %lu %s pages%s: memory is too fragmented or too small; free memory, or reserve them at boot (hugepages=%lu on the kernel command line)\n",
			granted, c->count, sz, where, c->count);
		return 1;
	}
	if (c->node >= 0)
		printf("%lu %s pages reserved on node %d\n", granted, sz, c->node);
	else
		printf("%lu %s pages reserved\n", granted, sz);
	return 0;
}

static int cmd_hp_clean(const struct cli *c)
{
	struct ud_clean_stats st;
	long n = ud_hp_clean_stale(c->dir, NULL, &st, stdout);

	if (n < 0) {
		fprintf(stderr, "uiodma hugepages clean: %s\n", ud_errmsg());
		return 1;
	}
	printf("%lu stale file(s) removed (%llu bytes freed), %lu in use kept\n",
	       st.files_removed, (unsigned long long)st.bytes_freed,
	       st.files_in_use);
	return 0;
}

static int run(const struct cli *c)
{
	switch (c->cmd) {
	case CMD_STATUS: return cmd_status(c);
	case CMD_INFO: return cmd_info(c);
	case CMD_BIND: return cmd_bind(c);
	case CMD_UNBIND: return cmd_unbind(c);
	case CMD_HP_SHOW: return cmd_hp_show();
	case CMD_HP_RESERVE: return cmd_hp_reserve(c);
	case CMD_HP_CLEAN: return cmd_hp_clean(c);
	default: return EXIT_USAGE;
	}
}

#ifndef UIODMA_NO_MAIN
int main(int argc, char **argv)
{
	struct cli c;
	char err[256];
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
	r = run(&c);
	free(c.addrs);
	return r;
}
#endif
