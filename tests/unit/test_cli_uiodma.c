// SPDX-License-Identifier: MIT
/*
 * The uiodma tool's argument parsing and output formatting: the tool's
 * sources but main.c are included, and its parser and printers are run on
 * fixed argument vectors and synthetic status data.  JSON output is
 * checked with the strict validator the guest tests use.
 */
#include <stdarg.h>
#include <sys/stat.h>

#include "../../tools/uiodma/cli.c"
#include "../../tools/uiodma/size.c"
#include "../../tools/uiodma/json.c"
#include "../../tools/uiodma/sysfs.c"
#include "../../tools/uiodma/status.c"
/* run() and the commands it calls. */
#include "../../tools/uiodma/dispatch.c"
#include "../../tools/uiodma/info.c"
#include "../../tools/uiodma/vfio_info.c"
#include "../../tools/uiodma/bind.c"
#include "../../tools/uiodma/hugepages.c"
#include "../../tools/uiodma/hp_limit.c"
#include "../guest/progs/json_valid.h"

#include "unit.h"

/* Parse a NULL-terminated list of arguments (after "uiodma"). */
static int parse(struct cli *c, char *err, ...)
{
	char *argv[32] = { "uiodma" };
	int argc = 1;
	va_list ap;
	char *a;

	va_start(ap, err);
	while ((a = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	free(c->addrs);
	return cli_parse(argc, argv, c, err, 256);
}

START_TEST(parse_commands)
{
	struct cli c = { 0 };
	char err[256];

	ck_assert_int_eq(parse(&c, err, "status", NULL), 0);
	ck_assert_int_eq(c.cmd, CMD_STATUS);
	ck_assert_int_eq(c.json, 0);
	ck_assert_int_eq(parse(&c, err, "status", "--json", NULL), 0);
	ck_assert_int_eq(c.json, 1);
	ck_assert_int_eq(parse(&c, err, "bind", "03:00.0", "0000:04:00.1", NULL), 0);
	ck_assert_int_eq(c.cmd, CMD_BIND);
	ck_assert_int_eq(c.naddrs, 2);
	ck_assert_str_eq(c.addrs[1], "0000:04:00.1");
	ck_assert_ptr_null(c.driver);
	ck_assert_int_eq(parse(&c, err, "bind", "--driver", "igb_uio", "--force", "03:00.0", NULL), 0);
	ck_assert_str_eq(c.driver, "igb_uio");
	ck_assert_int_eq(c.force, 1);
	ck_assert_int_eq(parse(&c, err, "bind", "03:00.0", "--driver=uio_pci_generic", NULL), 0);
	ck_assert_str_eq(c.driver, "uio_pci_generic");
	ck_assert_int_eq(parse(&c, err, "unbind", "--no-restore", "03:00.0", NULL), 0);
	ck_assert_int_eq(c.cmd, CMD_UNBIND);
	ck_assert_int_eq(c.no_restore, 1);
	ck_assert_int_eq(parse(&c, err, "info", "03:00.0", "--json", NULL), 0);
	ck_assert_int_eq(c.cmd, CMD_INFO);
	ck_assert_int_eq(parse(&c, err, "hugepages", "show", NULL), 0);
	ck_assert_int_eq(c.cmd, CMD_HP_SHOW);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "64", "--pagesize", "1G", "--node", "1", NULL), 0);
	ck_assert_int_eq(c.cmd, CMD_HP_RESERVE);
	ck_assert_uint_eq(c.count, 64);
	ck_assert_uint_eq(c.page_size, (size_t)1 << 30);
	ck_assert_int_eq(c.node, 1);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "--pagesize=2M", "8", NULL), 0);
	ck_assert_uint_eq(c.page_size, (size_t)2 << 20);
	ck_assert_int_eq(c.node, -1);
	ck_assert_int_eq(parse(&c, err, "hugepages", "clean", "--dir", "/dev/hugepages", NULL), 0);
	ck_assert_str_eq(c.dir, "/dev/hugepages");
	/* "--" ends the options. */
	ck_assert_int_eq(parse(&c, err, "unbind", "--", "03:00.0", NULL), 0);
	ck_assert_int_eq(c.naddrs, 1);
	free(c.addrs);
}
END_TEST

START_TEST(parse_help)
{
	struct cli c = { 0 };
	char err[256];

	ck_assert_int_eq(parse(&c, err, "--help", NULL), 0);
	ck_assert_int_eq(c.help, 1);
	ck_assert_ptr_eq(usage_of(c.cmd), usage_main);
	ck_assert_int_eq(parse(&c, err, "bind", "--help", NULL), 0);
	ck_assert_int_eq(c.help, 1);
	ck_assert_ptr_eq(usage_of(c.cmd), usage_bind);
	/* --help wins over missing operands. */
	ck_assert_int_eq(parse(&c, err, "unbind", "-h", NULL), 0);
	ck_assert_ptr_eq(usage_of(c.cmd), usage_unbind);
	ck_assert_int_eq(parse(&c, err, "hugepages", "--help", NULL), 0);
	ck_assert_ptr_eq(usage_of(c.cmd), usage_hugepages);
	ck_assert_int_eq(parse(&c, err, "status", "--help", NULL), 0);
	ck_assert_ptr_eq(usage_of(c.cmd), usage_status);
	ck_assert_int_eq(parse(&c, err, "--version", NULL), 0);
	ck_assert_int_eq(c.version, 1);
	ck_assert_int_eq(c.help, 0);
	ck_assert_int_eq(parse(&c, err, "status", "--version", NULL), EXIT_USAGE);
	ck_assert_str_eq(hint_of(CMD_BIND), "see 'uiodma bind --help'");
	ck_assert_str_eq(hint_of(CMD_NONE), "see 'uiodma --help'");
	c.cmd = CMD_NONE;
	ck_assert_int_eq(run(&c), EXIT_USAGE);
	free(c.addrs);
}
END_TEST

START_TEST(parse_errors)
{
	struct cli c = { 0 };
	char err[256];

	ck_assert_int_eq(parse(&c, err, NULL), EXIT_USAGE);
	ck_assert_str_eq(err, "no command given");
	ck_assert_int_eq(parse(&c, err, "frob", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unknown command 'frob'"));
	ck_assert_int_eq(parse(&c, err, "bind", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "PCI address"));
	ck_assert_int_eq(parse(&c, err, "bind", "eth0", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "'eth0' is not a PCI address"));
	ck_assert_int_eq(parse(&c, err, "bind", "--driver", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "needs a value"));
	ck_assert_int_eq(parse(&c, err, "bind", "--driver=", "03:00.0", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "status", "--force", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "status", "extra", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "bind", "--no-restore", "03:00.0", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "unbind", "--driver", "x", "03:00.0", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "does not apply"));
	ck_assert_int_eq(parse(&c, err, "info", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "info", "03:00.0", "04:00.0", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "grow", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "-1", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "12x", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "1", "2", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "1", "--pagesize", "3X", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "2M or 1G"));
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "1", "--node", "x", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse(&c, err, "hugepages", "show", "--pagesize", "2M", NULL), EXIT_USAGE);
	free(c.addrs);
}
END_TEST

START_TEST(sizes)
{
	size_t v;

	ck_assert_int_eq(parse_size("2M", &v), 0);
	ck_assert_uint_eq(v, (size_t)2 << 20);
	ck_assert_int_eq(parse_size("1G", &v), 0);
	ck_assert_uint_eq(v, (size_t)1 << 30);
	ck_assert_int_eq(parse_size("2048k", &v), 0);
	ck_assert_uint_eq(v, (size_t)2 << 20);
	ck_assert_int_eq(parse_size("2MB", &v), 0);
	ck_assert_int_eq(parse_size("1GiB", &v), 0);
	ck_assert_uint_eq(v, (size_t)1 << 30);
	ck_assert_int_eq(parse_size("2097152", &v), 0);
	ck_assert_uint_eq(v, (size_t)2 << 20);
	ck_assert_int_eq(parse_size("", &v), -1);
	ck_assert_int_eq(parse_size("M", &v), -1);
	ck_assert_int_eq(parse_size("0", &v), -1);
	ck_assert_int_eq(parse_size("-2M", &v), -1);
	ck_assert_int_eq(parse_size("2T", &v), -1);
	ck_assert_int_eq(parse_size("2Mx", &v), -1);
	ck_assert_int_eq(parse_size("99999999999999999999G", &v), -1);
	ck_assert_int_eq(parse_size(NULL, &v), -1);
}
END_TEST

/* Run json_str() on @in and return the output (static buffer). */
static const char *esc(const char *in)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	json_str(f, in);
	fclose(f);
	return out;
}

START_TEST(json_escaping)
{
	ck_assert_str_eq(esc("plain"), "\"plain\"");
	ck_assert_str_eq(esc(""), "\"\"");
	ck_assert_str_eq(esc(NULL), "null");
	ck_assert_str_eq(esc("a\"b\\c"), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(esc("t\tn\nr\rb\bf\f"), "\"t\\tn\\nr\\rb\\bf\\f\"");
	ck_assert_str_eq(esc("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	ck_assert_str_eq(esc("/dev/uio_dma/0000:03:00.0"), "\"/dev/uio_dma/0000:03:00.0\"");
	/* Valid UTF-8 passes; invalid bytes become U+FFFD. */
	ck_assert_str_eq(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			 "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	ck_assert_str_eq(esc("a\xffz"), "\"a\\ufffdz\"");
	ck_assert_str_eq(esc("\xc0\xaf"), "\"\\ufffd\\ufffd\"");	/* overlong */
	ck_assert_str_eq(esc("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	ck_assert_str_eq(esc("\xe2\x82"), "\"\\ufffd\\ufffd\"");	/* truncated */
	/* Every byte value gives valid JSON. */
	for (int c = 1; c < 256; c++) {
		char in[4] = { 'x', (char)c, 'y', 0 };
		const char *o = esc(in);

		ck_assert_msg(json_valid(o, strlen(o), NULL, NULL), "byte 0x%02x", c);
	}
}
END_TEST

START_TEST(json_validator)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-1.5e+3", "\"\\u00e9\"", "null", " true ",
		"{\"a\":[1,{\"b\":null}],\"c\":\"d\"}",
	};
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "1.", "\"\x01\"",
		"\"\\x\"", "tru", "{} {}", "'a'", "\"\xff\"", "[1 2]", "-",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(json_valid(good[i], strlen(good[i]), NULL, NULL), "%s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!json_valid(bad[i], strlen(bad[i]), NULL, NULL), "%s", bad[i]);
}
END_TEST

static void fake_status(struct status *st)
{
	static struct ud_dev_info devs[3];
	static char users[3][256];
	static char in_use[3][768];
	static char modes[3][1024];

	memset(st, 0, sizeof(*st));
	memset(devs, 0, sizeof(devs));
	snprintf(devs[0].addr, sizeof(devs[0].addr), "0000:00:02.0");
	devs[0].vendor = 0x8086;
	devs[0].device = 0x10d3;
	devs[0].class_code = 0x020000;
	snprintf(devs[0].driver, sizeof(devs[0].driver), "uio_dma");
	snprintf(devs[0].intr_mode, sizeof(devs[0].intr_mode), "msix");
	devs[0].intr_vectors = 5;
	devs[0].uio_minor = 0;
	devs[0].numa_node = 0;
	devs[0].iommu_group = -1;
	devs[0].has_msix = 1;
	devs[0].msix_vectors = 5;
	snprintf(devs[1].addr, sizeof(devs[1].addr), "0000:00:05.0");
	devs[1].vendor = 0x1b36;
	devs[1].device = 0x0010;
	devs[1].class_code = 0x010802;
	snprintf(devs[1].driver, sizeof(devs[1].driver), "nvme");
	devs[1].uio_minor = -1;
	devs[1].numa_node = -1;
	devs[1].iommu_group = 7;
	snprintf(users[1], sizeof(users[1]), "block:nvme0n1");
	snprintf(devs[2].addr, sizeof(devs[2].addr), "0000:00:03.0");
	devs[2].vendor = 0x1234;
	devs[2].device = 0x11e8;
	devs[2].class_code = 0x00ff00;
	/* A hostile driver name must still give valid JSON. */
	snprintf(devs[2].driver, sizeof(devs[2].driver), "we\"ird\\\n\x01");
	devs[2].uio_minor = -1;
	devs[2].numa_node = -1;
	devs[2].iommu_group = -1;
	st->devs = devs;
	st->users = users;
	st->in_use = in_use;
	st->modes = modes;
	st->ndevs = 3;
	st->iommu.translating = 12;
	iova_mode_text(&devs[0], "", NULL, modes[0], sizeof(modes[0]));
	iova_mode_text(&devs[1], "DMA-FQ", "", modes[1], sizeof(modes[1]));
	/* the host uses it: no bind command offered */
	snprintf(in_use[2], sizeof(in_use[2]), "network interface eth9 is up");
	iova_mode_text(&devs[2], "", in_use[2], modes[2], sizeof(modes[2]));
	st->mod.loaded = 1;
	snprintf(st->mod.version, sizeof(st->mod.version), "0.1");
	st->mod.nparams = 2;
	snprintf(st->mod.params[0].name, 64, "intr_mode");
	snprintf(st->mod.params[0].value, 128, "auto");
	snprintf(st->mod.params[1].name, 64, "max_vectors");
	snprintf(st->mod.params[1].value, 128, "64");
	st->hp_ok = 1;
	st->hp.n_sizes = 2;
	st->hp.sizes[0].page_size = (size_t)2 << 20;
	st->hp.sizes[0].is_default = 1;
	st->hp.sizes[0].nr = 4;
	st->hp.sizes[0].free = 3;
	st->hp.sizes[0].n_nodes = 1;
	st->hp.sizes[0].nodes[0].nr = 4;
	st->hp.sizes[0].nodes[0].free = 3;
	st->hp.sizes[1].page_size = (size_t)1 << 30;
	st->hp.n_mounts = 1;
	snprintf(st->hp.mounts[0].path, UD_HP_PATH_MAX, "/dev/hugepages");
	st->hp.mounts[0].page_size = (size_t)2 << 20;
}

static char *render(int json, const struct status *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(json ? print_status_json(f, st) : print_status_text(f, st), 0);
	fclose(f);
	return buf;
}

START_TEST(status_json)
{
	struct status st;
	const char *err = NULL;
	size_t at = 0;
	char *out;

	fake_status(&st);
	out = render(1, &st);
	ck_assert_msg(json_valid(out, strlen(out), &err, &at), "%s at %zu: %s", err, at, out);
	ck_assert_ptr_nonnull(strstr(out, "{\"address\":\"0000:00:02.0\",\"vendor\":\"8086\",\"device\":\"10d3\",\"class\":\"020000\",\"category\":\"network\",\"driver\":\"uio_dma\""));
	ck_assert_ptr_nonnull(strstr(out, "\"uio\":\"uio0\",\"intr_mode\":\"msix\",\"intr_vectors\":5"));
	ck_assert_ptr_nonnull(strstr(out, "\"iommu_group\":7"));
	ck_assert_ptr_nonnull(strstr(out, "\"kernel_use\":\"block:nvme0n1\""));
	ck_assert_ptr_nonnull(strstr(out, "\"driver\":\"we\\\"ird\\\\\\n\\u0001\""));
	ck_assert_ptr_nonnull(strstr(out, "\"module\":{\"name\":\"uio_dma\",\"loaded\":true,\"installed\":true,\"fix\":null,\"version\":\"0.1\",\"parameters\":{\"intr_mode\":\"auto\",\"max_vectors\":\"64\"}}"));
	ck_assert_ptr_nonnull(strstr(out, "{\"page_size\":2097152,\"default\":true,\"total\":4,\"free\":3"));
	ck_assert_ptr_nonnull(strstr(out, "\"mounts\":[{\"path\":\"/dev/hugepages\",\"page_size\":2097152}]"));
	ck_assert_ptr_nonnull(strstr(out, "\"iommu\":{\"translating_groups\":12,\"identity_groups\":0,\"default_iova_mode\":\"VA\",\"iova_modes\":{\"0000:00:02.0\":\"PA (uio_dma)\",\"0000:00:05.0\":\"VA with uiodma bind --driver vfio-pci 0000:00:05.0 (PA needs iommu=pt)\""));
	/* a device the host uses: why, and no bind command for it */
	ck_assert_ptr_nonnull(strstr(out, "\"kernel_use\":\"\",\"in_use_by_host\":\"network interface eth9 is up\"}"));
	ck_assert_ptr_nonnull(strstr(out, "\"in_use_by_host\":null}"));
	ck_assert_ptr_nonnull(strstr(out, "\"0000:00:03.0\":\"in use by the host (network interface eth9 is up)"));
	ck_assert_ptr_null(strstr(out, "bind 0000:00:03.0"));
	free(out);

	/* Nothing at all: still valid. */
	memset(&st, 0, sizeof(st));
	out = render(1, &st);
	ck_assert(json_valid(out, strlen(out), NULL, NULL));
	ck_assert_ptr_nonnull(strstr(out, "\"loaded\":false,\"installed\":false,\"fix\":null,\"version\":null"));
	free(out);
}
END_TEST

/* What each driver and IOMMU group gives, and the bind that changes it. */
START_TEST(status_iova_modes)
{
	struct ud_dev_info d = { .addr = "0000:03:00.0" };
	struct iommu_state s = { 0 };
	char buf[192];

	snprintf(d.driver, sizeof(d.driver), "vfio-pci");
	iova_mode_text(&d, "DMA", NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "VA (vfio-pci)");
	snprintf(d.driver, sizeof(d.driver), "igb_uio");
	iova_mode_text(&d, "identity", NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PA (igb_uio)");
	snprintf(d.driver, sizeof(d.driver), "e1000e");
	iova_mode_text(&d, "identity", "", buf, sizeof(buf));
	ck_assert_str_eq(buf, "PA with uiodma bind 0000:03:00.0, or VA with "
			 "uiodma bind --driver vfio-pci 0000:03:00.0");
	iova_mode_text(&d, "", NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PA with uiodma bind 0000:03:00.0 (no IOMMU group: "
			 "vfio-pci needs an IOMMU)");
	ck_assert_str_eq(iommu_default_mode(&s), "PA");
	s.translating = 3;
	ck_assert_str_eq(iommu_default_mode(&s), "VA");
	s.identity = 1;
	ck_assert_str_eq(iommu_default_mode(&s), "PA");
}
END_TEST

START_TEST(status_text)
{
	struct status st;
	char *out, *net, *sto, *oth;

	fake_status(&st);
	out = render(0, &st);
	net = strstr(out, "Network devices");
	sto = strstr(out, "Storage devices");
	oth = strstr(out, "Other devices");
	ck_assert(net && sto && oth && net < sto && sto < oth);
	ck_assert_ptr_nonnull(strstr(net, "0000:00:02.0  8086:10d3  020000  uio_dma          uio0   msix x5"));
	ck_assert(strstr(out, "0000:00:02.0") < sto);
	ck_assert(strstr(out, "0000:00:05.0") > sto && strstr(out, "0000:00:05.0") < oth);
	ck_assert_ptr_nonnull(strstr(sto, "block:nvme0n1"));
	ck_assert_ptr_nonnull(strstr(out, "uio_dma module: loaded (version 0.1)\n  intr_mode=auto\n  max_vectors=64\n"));
	ck_assert_ptr_nonnull(strstr(out, "2M   (default)  total 4  free 3"));
	ck_assert_ptr_nonnull(strstr(out, "mount /dev/hugepages (2M)"));
	ck_assert_ptr_nonnull(strstr(out, "IOMMU: translates DMA by default (12 groups of type DMA or DMA-FQ): memory runs in VA mode"));
	ck_assert_ptr_nonnull(strstr(out, "  0000:00:05.0  VA with uiodma bind --driver vfio-pci 0000:00:05.0 (PA needs iommu=pt)\n"));
	ck_assert_ptr_nonnull(strstr(out, "  0000:00:03.0  in use by the host (network interface eth9 is up): "));
	ck_assert_ptr_null(strstr(out, "bind 0000:00:03.0"));
	free(out);
	memset(&st, 0, sizeof(st));
	out = render(0, &st);
	ck_assert_ptr_nonnull(strstr(out, "Network devices\n  (none)"));
	ck_assert_ptr_nonnull(strstr(out, "uio_dma module: not loaded\n"));
	free(out);
	snprintf(st.mod.fix, sizeof(st.mod.fix), "as root, modprobe uio_dma");
	out = render(0, &st);
	ck_assert_ptr_nonnull(strstr(out, "uio_dma module: not loaded (as root, modprobe uio_dma)\n"));
	free(out);
}
END_TEST

/*
 * This host's own devices: one the host uses (an interface with an
 * address, a mounted disk) is shown as in use, with why, and no bind
 * command is offered for it (uiodma bind would refuse it).
 */
START_TEST(status_host_in_use)
{
	struct status st;
	char *txt, *js;
	int seen = 0;

	ck_assert_int_eq(collect_status(&st), 0);
	txt = render(0, &st);
	js = render(1, &st);
	ck_assert(json_valid(js, strlen(js), NULL, NULL));
	for (size_t i = 0; i < st.ndevs; i++) {
		const char *a = st.devs[i].addr;
		char why[768], bind[64], line[96];

		if (ud_dev_in_use(a, why, sizeof(why)) <= 0)
			continue;
		seen++;
		snprintf(bind, sizeof(bind), "bind %s", a);
		snprintf(line, sizeof(line), "  %s  in use by the host (", a);
		ck_assert_msg(!strstr(txt, bind), "%s is in use (%s) but status offers '%s':\n%s",
			      a, why, bind, txt);
		ck_assert_msg(!strstr(js, bind), "%s: %s", a, js);
		ck_assert_msg(strstr(txt, line), "no '%s' in\n%s", line, txt);
		snprintf(line, sizeof(line), "\"address\":\"%s\"", a);
		ck_assert_ptr_nonnull(strstr(js, line));
		ck_assert_ptr_nonnull(strstr(strstr(js, line), "\"in_use_by_host\":\""));
	}
	free(txt);
	free(js);
	free_status(&st);
	if (!seen)
		UD_SKIP("no PCI device of this host is in use");
}
END_TEST

/*
 * The module line on this host: modprobe only when the running kernel has
 * uio_dma installed; otherwise how to install it (DKMS or the package).
 */
START_TEST(status_host_module)
{
	struct status st;
	char *txt;
	int installed = !system("grep -qs '/uio_dma\\.ko' /lib/modules/$(uname -r)/modules.dep");

	if (!access("/sys/module/uio_dma", F_OK))
		UD_SKIP("uio_dma is loaded on this host");
	ck_assert_int_eq(collect_status(&st), 0);
	txt = render(0, &st);
	if (access("/proc/modules", F_OK)) {	/* a kernel without modules */
		ck_assert_msg(strstr(txt, "cannot load modules"), "%s", txt);
		ck_assert_msg(!strstr(txt, "dkms"), "%s", txt);
	} else if (installed) {
		ck_assert_msg(strstr(txt, "modprobe uio_dma"), "%s", txt);
	} else {
		ck_assert_msg(!strstr(txt, "(modprobe uio_dma)"), "%s", txt);
		ck_assert_msg(strstr(txt, "uio_dma is not installed for the running kernel"), "%s", txt);
		ck_assert_msg(strstr(txt, "make dkms-install"), "%s", txt);
		ck_assert_msg(strstr(txt, "uiodma-dkms_"), "%s", txt);
	}
	free(txt);
	free_status(&st);
}
END_TEST

START_TEST(module_params)
{
	char dir[] = "/tmp/ud-cli-mod-XXXXXX";
	char path[256];
	struct module_state m;
	FILE *f;

	read_module(&m, "/nonexistent/module/x");
	ck_assert_int_eq(m.loaded, 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/parameters", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/parameters/zeta", dir);
	f = fopen(path, "w");
	fputs("2\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/parameters/alpha", dir);
	f = fopen(path, "w");
	fputs("msix\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/version", dir);
	f = fopen(path, "w");
	fputs("0.1\n", f);
	fclose(f);
	read_module(&m, dir);
	ck_assert_int_eq(m.loaded, 1);
	ck_assert_str_eq(m.version, "0.1");
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[0].name, "alpha");
	ck_assert_str_eq(m.params[0].value, "msix");
	ck_assert_str_eq(m.params[1].name, "zeta");
	ck_assert_str_eq(m.params[1].value, "2");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* 'uiodma hugepages clean --dir' on an ordinary directory: refused, the
 * user's files stay (issue 9, item 8). */
START_TEST(clean_ordinary_dir)
{
	char dir[] = "/var/tmp/ud-cli-clean-XXXXXX";
	char path[256];
	struct cli c = { 0 };
	char err[256];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/uiodma_notes.txt", dir);
	f = fopen(path, "w");
	fputs("notes\n", f);
	fclose(f);
	ck_assert_int_eq(parse(&c, err, "hugepages", "clean", "--dir", dir, NULL), 0);
	ck_assert_int_eq(cmd_hp_clean(&c), 1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_eq(access(path, F_OK), 0);
	free(c.addrs);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* 'uiodma bind' says what interrupts the device got, and why none. */
START_TEST(bind_irq_text)
{
	struct ud_dev_info info = { .addr = "0000:00:05.0" };
	char t[256];

	snprintf(info.intr_mode, sizeof(info.intr_mode), "msix");
	info.intr_vectors = 5;
	irq_text(&info, "auto", t, sizeof(t));
	ck_assert_str_eq(t, "msix, 5 vectors");
	snprintf(info.intr_mode, sizeof(info.intr_mode), "none");
	info.intr_vectors = 0;
	irq_text(&info, "auto", t, sizeof(t));	/* QEMU's pci-testdev */
	ck_assert_ptr_nonnull(strstr(t, "no INTx pin and no MSI or MSI-X"));
	ck_assert_ptr_nonnull(strstr(t, "poll it"));
	irq_text(&info, "none", t, sizeof(t));
	ck_assert_ptr_nonnull(strstr(t, "intr_mode is none"));
	info.has_intx = 1;
	irq_text(&info, "auto", t, sizeof(t));
	ck_assert_ptr_nonnull(strstr(t, "could not enable INTx"));
}
END_TEST

/* hugepages reserve: the bound, on fixed numbers (a 24 GiB machine). */
START_TEST(hp_reserve_bound)
{
	struct hp_mem m = { 24ull << 20, 20ull << 20 };	/* kB */
	size_t mb2 = (size_t)2 << 20, gb1 = (size_t)1 << 30;
	char msg[512];

	ck_assert_int_eq(hp_check_count(99999999, mb2, 0, &m, msg, sizeof(msg)), EINVAL);
	ck_assert_msg(strstr(msg, "can never hold more than 12288 such pages"), "%s", msg);
	ck_assert_msg(strstr(msg, "ask for 10240 or fewer"), "%s", msg);
	ck_assert_msg(strstr(msg, "MemTotal 24576 MiB"), "%s", msg);
	ck_assert_int_eq(hp_check_count(12289, mb2, 0, &m, msg, sizeof(msg)), EINVAL);
	ck_assert_int_eq(hp_check_count(11000, mb2, 0, &m, msg, sizeof(msg)), ENOMEM);
	ck_assert_msg(strstr(msg, "only 20480 MiB is available (MemAvailable), so 10240 pages is the most now"), "%s", msg);
	ck_assert_msg(strstr(msg, "hugepagesz=2M hugepages=11000"), "%s", msg);
	ck_assert_int_eq(hp_check_count(10240, mb2, 0, &m, msg, sizeof(msg)), 0);
	/* pages already in the pool are not counted again */
	ck_assert_int_eq(hp_check_count(10256, mb2, 16, &m, msg, sizeof(msg)), 0);
	ck_assert_int_eq(hp_check_count(10257, mb2, 16, &m, msg, sizeof(msg)), ENOMEM);
	ck_assert_msg(strstr(msg, "from 16 to 10257 pages"), "%s", msg);
	/* shrinking is always fine */
	ck_assert_int_eq(hp_check_count(0, mb2, 100000, &m, msg, sizeof(msg)), 0);
	ck_assert_int_eq(hp_check_count(25, gb1, 0, &m, msg, sizeof(msg)), EINVAL);
	ck_assert_msg(strstr(msg, "never hold more than 24 such pages"), "%s", msg);
	ck_assert_msg(strstr(msg, "ask for 20 or fewer"), "%s", msg);
}
END_TEST

/* hp_meminfo() on a file holding @text: @rc, and the values it read. */
static void meminfo_reads(const char *text, int rc, unsigned long long total,
			  unsigned long long avail)
{
	char path[] = "/tmp/ud-meminfo-XXXXXX";
	struct hp_mem m = { 0, 0 };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	errno = 0;
	ck_assert_int_eq(hp_meminfo(path, &m), rc);
	if (rc)
		ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(m.total_kb, total);
	ck_assert_uint_eq(m.avail_kb, avail);
	unlink(path);
}

START_TEST(hp_meminfo_files)
{
	meminfo_reads("MemTotal:       24683656 kB\nMemFree:  100 kB\n"
		      "MemAvailable:   21929820 kB\n", 0, 24683656, 21929820);
	/* a node's: no MemAvailable, MemFree stands in */
	meminfo_reads("Node 1 MemTotal:       20932384 kB\n"
		      "Node 1 MemFree:         8597536 kB\n", 0, 20932384, 8597536);
	meminfo_reads("nothing\n", -1, 0, 0);
}
END_TEST

/*
 * 'uiodma hugepages reserve' with a count no machine has: refused with
 * EINVAL before sysfs is touched (the pool stays as it was).
 */
START_TEST(hp_reserve_refused)
{
	struct ud_hp_info hp;
	const struct ud_hp_size_info *z;
	unsigned long before, after;
	struct cli c = { 0 };
	char err[256];

	if (ud_hp_discover(&hp) || !(z = ud_hp_find_size(&hp, 0)))
		UD_SKIP("no hugepages on this host");
	ck_assert_int_eq(ud_hp_get_pages(0, -1, &before), 0);
	ck_assert_int_eq(parse(&c, err, "hugepages", "reserve", "4611686018427387903", NULL), 0);
	errno = 0;
	ck_assert_int_eq(cmd_hp_reserve(&c), 1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ud_hp_get_pages(0, -1, &after), 0);
	ck_assert_uint_eq(after, before);
	free(c.addrs);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("uiodma");

	tcase_add_test(tc, parse_commands);
	tcase_add_test(tc, parse_help);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, json_escaping);
	tcase_add_test(tc, json_validator);
	tcase_add_test(tc, status_json);
	tcase_add_test(tc, status_text);
	tcase_add_test(tc, status_iova_modes);
	tcase_add_test(tc, status_host_in_use);
	tcase_add_test(tc, status_host_module);
	tcase_add_test(tc, module_params);
	tcase_add_test(tc, clean_ordinary_dir);
	tcase_add_test(tc, bind_irq_text);
	tcase_add_test(tc, hp_reserve_bound);
	tcase_add_test(tc, hp_meminfo_files);
	tcase_add_test(tc, hp_reserve_refused);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(cli_suite)
