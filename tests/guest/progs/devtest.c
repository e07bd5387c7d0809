// SPDX-License-Identifier: MIT
/*
 * devtest - the guest tests' probe of libuiodma's device API (uiodma/dev.h).
 *
 * Each subcommand checks one behaviour, prints what it saw and exits 0 only
 * if the behaviour holds:
 *
 *   devtest cfg BDF            config reads = sysfs vendor/device/class/revision;
 *                              ud_dev_info agrees; MSI/MSI-X caps found
 *   devtest bars BDF           every memory BAR maps by number with the
 *                              size of sysfs resource; I/O BARs are refused
 *   devtest rd32 BDF BAR OFF   print a register read through ud_dev_map_bar
 *   devtest wc-refused BDF BAR write-combining on a non-prefetchable BAR: EINVAL
 *   devtest caps BDF           print the capabilities and vector count
 *   devtest unsupported BDF    over igb_uio / uio_pci_generic: what the
 *                              driver lacks fails with EOPNOTSUPP naming the
 *                              driver and uio_dma; over uio_dma nothing does
 *   devtest inuse BDF          print ud_dev_in_use(); exit 0 if in use, 3 if not
 *   devtest reset BDF          reset through sysfs; exit 3 if not supported
 *   devtest mem-pins BDF       the library pins a process's memory through
 *                              its uio_dma device (lib/dma_pins.c): pages
 *                              published before and after ud_dev_open are
 *                              pinned, a page given back is unpinned, and
 *                              when the process is killed while a holder it
 *                              started keeps only /dev/uioN, its hugepages
 *                              (default source: pagemap, which pins
 *                              nothing) stay out of the pool until that
 *                              holder is gone
 */
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <uiodma.h>

#include "guest_util.h"

static struct ud_dev *open_dev(const char *bdf)
{
	struct ud_dev *d = ud_dev_open(bdf);

	if (!d)
		die("ud_dev_open %s: %s", bdf, ud_errmsg());
	return d;
}

static uint64_t sysfs_hex(const char *bdf, const char *file)
{
	return sysfs_u64("/sys/bus/pci/devices/%s/%s", bdf, file);
}

static int cmd_cfg(const char *bdf)
{
	struct ud_dev *d = open_dev(bdf);
	const struct ud_dev_info *i = ud_dev_get_info(d);
	uint16_t vendor, device;
	uint32_t classrev;
	int bad = 0;

	if (ud_dev_cfg_read16(d, 0x00, &vendor) || ud_dev_cfg_read16(d, 0x02, &device) ||
	    ud_dev_cfg_read32(d, 0x08, &classrev))
		die("config read: %s", ud_errmsg());
	printf("config: vendor %04x device %04x class %06x rev %02x\n", vendor,
	       device, classrev >> 8, classrev & 0xff);
	printf("sysfs:  vendor %04" PRIx64 " device %04" PRIx64 " class %06" PRIx64 " rev %02" PRIx64 "\n",
	       sysfs_hex(bdf, "vendor"), sysfs_hex(bdf, "device"),
	       sysfs_hex(bdf, "class"), sysfs_hex(bdf, "revision"));
	printf("info:   vendor %04x device %04x class %06x rev %02x numa %d iommu %d driver '%s' msi %d/%u msix %d/%u intx %d reset %d\n",
	       i->vendor, i->device, i->class_code, i->revision, i->numa_node,
	       i->iommu_group, i->driver, i->has_msi, i->msi_vectors,
	       i->has_msix, i->msix_vectors, i->has_intx, i->has_reset);
	bad |= vendor != sysfs_hex(bdf, "vendor") || device != sysfs_hex(bdf, "device");
	bad |= (classrev >> 8) != sysfs_hex(bdf, "class") ||
	       (classrev & 0xff) != sysfs_hex(bdf, "revision");
	bad |= i->vendor != vendor || i->device != device ||
	       i->class_code != classrev >> 8;
	/* The capability walk agrees with the info's MSI/MSI-X flags. */
	bad |= !!ud_dev_find_cap(d, UD_PCI_CAP_MSI) != !!i->has_msi;
	bad |= !!ud_dev_find_cap(d, UD_PCI_CAP_MSIX) != !!i->has_msix;
	printf("caps:   msi at 0x%x, msi-x at 0x%x, pcie at 0x%x\n",
	       ud_dev_find_cap(d, UD_PCI_CAP_MSI), ud_dev_find_cap(d, UD_PCI_CAP_MSIX),
	       ud_dev_find_cap(d, UD_PCI_CAP_EXP));
	ud_dev_close(d);
	return bad;
}

/* Size and flags of BAR @bar from sysfs "resource", read independently. */
static uint64_t res_size(const char *bdf, int bar, uint64_t *flags)
{
	char path[256];
	unsigned long long start = 0, end = 0, fl = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		die("cannot open %s", path);
	for (int i = 0; i <= bar; i++)
		if (fscanf(f, "%llx %llx %llx", &start, &end, &fl) != 3)
			die("short %s", path);
	fclose(f);
	*flags = fl;
	return end ? end - start + 1 : 0;
}

static int cmd_bars(const char *bdf)
{
	struct ud_dev *d = open_dev(bdf);
	int bad = 0, mapped = 0;

	for (unsigned int b = 0; b < 6; b++) {
		uint64_t flags, want = res_size(bdf, (int)b, &flags);
		struct ud_bar_info bi;
		size_t len = 0;
		void *p;

		if (ud_dev_bar_info(d, b, &bi))
			die("bar info: %s", ud_errmsg());
		if (bi.len != want) {
			printf("BAR%u: library says size 0x%" PRIx64 ", sysfs 0x%" PRIx64 "\n",
			       b, bi.len, want);
			bad = 1;
		}
		if (!want)
			continue;
		p = ud_dev_map_bar(d, b, 0, &len);
		if (flags & 0x200) {	/* IORESOURCE_MEM */
			if (!p) {
				printf("BAR%u: map failed: %s\n", b, ud_errmsg());
				bad = 1;
				continue;
			}
			printf("BAR%u: mem size 0x%zx (sysfs 0x%" PRIx64 "), first word 0x%08x\n",
			       b, len, want, ud_reg_read32(p, 0));
			bad |= len != want;
			/* Mapping again returns the same mapping. */
			bad |= ud_dev_map_bar(d, b, 0, NULL) != p;
			mapped++;
		} else {
			printf("BAR%u: io size 0x%" PRIx64 ": %s\n", b, want,
			       p ? "mapped?!" : ud_errmsg());
			bad |= p != NULL || errno != EINVAL;
		}
	}
	if (ud_dev_map_bar(d, 6, 0, NULL) || errno != EINVAL) {
		printf("BAR6 not refused with EINVAL\n");
		bad = 1;
	}
	ud_dev_close(d);
	return bad || !mapped;
}

static int cmd_rd32(const char *bdf, unsigned int bar, unsigned int off)
{
	struct ud_dev *d = open_dev(bdf);
	size_t len;
	void *p = ud_dev_map_bar(d, bar, 0, &len);

	if (!p)
		die("map BAR%u: %s", bar, ud_errmsg());
	if (off + 4 > len)
		die("offset 0x%x beyond BAR%u (0x%zx)", off, bar, len);
	printf("0x%08x\n", ud_reg_read32(p, off));
	ud_dev_close(d);
	return 0;
}

static int cmd_wc_refused(const char *bdf, unsigned int bar)
{
	struct ud_dev *d = open_dev(bdf);
	void *p = ud_dev_map_bar(d, bar, UD_MAP_WC, NULL);
	int e = errno;

	printf("%s\n", p ? "mapped WC" : ud_errmsg());
	ud_dev_close(d);
	return !(p == NULL && e == EINVAL && strstr(ud_errmsg(), "prefetchable"));
}

static int cmd_caps(const char *bdf)
{
	struct ud_dev *d = open_dev(bdf);
	unsigned int nvec, caps = ud_dev_caps(d, &nvec);
	char buf[256];

	printf("%s vectors=%u\n", ud_dev_caps_format(caps, buf, sizeof(buf)), nvec);
	ud_dev_close(d);
	return 0;
}

/* @what must fail with EOPNOTSUPP and a message naming @drv and uio_dma. */
static int expect_unsupported(const char *what, int r, const char *drv)
{
	int e = errno;
	int ok = r < 0 && e == EOPNOTSUPP && strstr(ud_errmsg(), drv) &&
		 strstr(ud_errmsg(), "uio_dma");

	printf("%-22s %s: %s\n", what, ok ? "refused" : "NOT REFUSED AS EXPECTED",
	       r < 0 ? ud_errmsg() : "succeeded");
	return !ok;
}

static int cmd_unsupported(const char *bdf)
{
	struct ud_dev *d = open_dev(bdf);
	const char *drv = ud_dev_get_info(d)->driver;
	unsigned int nvec, caps = ud_dev_caps(d, &nvec);
	struct ud_irq *irq;
	int bad = 0;

	if (!strcmp(drv, "uio_dma")) {
		/* Everything but reset (device-dependent) is there. */
		bad |= (caps | UD_CAP_RESET) != UD_CAP_ALL;
		bad |= ud_dev_require(d, UD_CAP_ALL & ~UD_CAP_RESET) != 0;
		printf("uio_dma offers everything: %s\n", bad ? "no" : "yes");
		ud_dev_close(d);
		return bad;
	}
	bad |= expect_unsupported("two vectors", ud_dev_require_vectors(d, 2), drv);
	bad |= expect_unsupported("dma-pin", ud_dev_require(d, UD_CAP_DMA_PIN), drv);
	bad |= expect_unsupported("unbind-notify",
				  ud_dev_require(d, UD_CAP_UNBIND_NOTIFY), drv);
	bad |= expect_unsupported("busmaster-guard",
				  ud_dev_require(d, UD_CAP_BUSMASTER_GUARD), drv);
	if (!strcmp(drv, "uio_pci_generic")) {
		bad |= expect_unsupported("irq-mask (caps)",
					  ud_dev_require(d, UD_CAP_IRQ_MASK), drv);
		irq = ud_irq_open(bdf);
		if (!irq) {
			printf("ud_irq_open: %s\n", ud_errmsg());
			bad = 1;
		} else {
			bad |= expect_unsupported("ud_irq_mask", ud_irq_mask(irq, 0), drv);
			ud_irq_close(irq);
		}
	} else {
		/* igb_uio can mask its one vector. */
		bad |= ud_dev_require(d, UD_CAP_IRQ_MASK) != 0;
	}
	/* What these drivers can do is allowed. */
	if (ud_dev_require(d, UD_CAP_BAR_MAP | UD_CAP_CONFIG)) {
		printf("bar-map|config refused: %s\n", ud_errmsg());
		bad = 1;
	}
	if (nvec > 1) {
		printf("%s reports %u vectors\n", drv, nvec);
		bad = 1;
	}
	ud_dev_close(d);
	return bad;
}

static int cmd_inuse(const char *bdf)
{
	char why[512];
	int r = ud_dev_in_use(bdf, why, sizeof(why));

	if (r < 0)
		die("ud_dev_in_use: %s", ud_errmsg());
	printf("%s\n", r ? why : "not in use");
	return r ? 0 : 3;
}

static int cmd_reset(const char *bdf)
{
	struct ud_dev *d = open_dev(bdf);
	int r;

	if (!(ud_dev_caps(d, NULL) & UD_CAP_RESET)) {
		r = ud_dev_reset(d);
		printf("no reset: %s\n", ud_errmsg());
		ud_dev_close(d);
		return r == -1 && errno == EOPNOTSUPP ? 3 : 1;
	}
	r = ud_dev_reset(d);
	printf("reset: %s\n", r ? ud_errmsg() : "done");
	ud_dev_close(d);
	return r ? 1 : 0;
}

struct victim_report {
	int holder;			/* pid of the holder it started */
	long pins_open, pins_dev, pins_grown, pins_shrunk;
};

/* The victim: memory with the defaults, the device, a page more and one
 * less; starts the holder, reports, and is killed. */
static void victim(const char *bdf, int wfd)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct victim_report r = { 0 };
	struct ud_mem *m;
	struct ud_dev *d;
	struct ud_zone *b;

	cfg.iova_mode = UD_IOVA_MODE_PA;
	m = ud_mem_open(&cfg);
	if (!m || !ud_zone_reserve(m, "a", 2ul << 20, NULL))
		die("victim: memory: %s", ud_errmsg());
	r.pins_open = pins_held();
	d = open_dev(bdf);
	r.pins_dev = pins_held();
	b = ud_zone_reserve(m, "b", 2ul << 20, NULL);
	if (!b)
		die("victim: zone b: %s", ud_errmsg());
	r.pins_grown = pins_held();
	if (ud_zone_free(b))
		die("victim: zone b free: %s", ud_errmsg());
	r.pins_shrunk = pins_held();
	r.holder = fork();
	if (r.holder == 0)
		hold_only_uio(NULL);
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		die("victim: report");
	(void)d;
	raise(SIGKILL);
}

static int cmd_mem_pins(const char *bdf)
{
	long pins0 = pins_held(), free0 = meminfo("HugePages_Free"), pins, fr;
	struct victim_report r;
	int p[2], st, bad = 0;
	pid_t v;

	if (free0 < 3 || pipe(p))
		die("mem-pins: needs 3 free hugepages (has %ld)", free0);
	v = fork();
	if (v == 0) {
		close(p[0]);
		victim(bdf, p[1]);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		die("mem-pins: the victim did not report");
	waitpid(v, &st, 0);
	printf("pins: start %ld, memory open %ld, device open %ld, page more %ld, "
	       "page less %ld\n", pins0, r.pins_open, r.pins_dev, r.pins_grown,
	       r.pins_shrunk);
	long per_page = r.pins_dev - r.pins_open;

	if (r.pins_open != pins0 || per_page <= 0) {
		printf("FAIL: ud_dev_open pinned nothing of the memory opened before\n");
		bad++;
	}
	if (r.pins_grown - r.pins_dev != per_page) {
		printf("FAIL: a page published after ud_dev_open was not pinned once (%ld, not %ld)\n",
		       r.pins_grown - r.pins_dev, per_page);
		bad++;
	}
	if (r.pins_shrunk != r.pins_dev) {
		printf("FAIL: the page given back was not unpinned\n");
		bad++;
	}
	msleep(300);
	pins = pins_held();
	fr = meminfo("HugePages_Free");
	printf("victim killed, holder %d alive: pins %ld, HugePages_Free %ld (start %ld)\n",
	       r.holder, pins, fr, free0);
	if (fr != free0 - 1 || pins != pins0 + per_page) {
		printf("FAIL: the killed process's hugepage went back while its device is still held\n");
		bad++;
	}
	kill(r.holder, SIGKILL);
	waitpid(r.holder, &st, 0);
	if (await_returned(pins0, free0, 3000, &pins, &fr)) {
		printf("FAIL: after the holder: pins %ld (start %ld), HugePages_Free %ld (start %ld)\n",
		       pins, pins0, fr, free0);
		bad++;
	}
	printf("%s\n", bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: devtest cfg|bars|rd32|wc-refused|caps|unsupported|inuse|reset|mem-pins BDF ...");
	if (!strcmp(argv[1], "cfg"))
		return cmd_cfg(argv[2]);
	if (!strcmp(argv[1], "bars"))
		return cmd_bars(argv[2]);
	if (!strcmp(argv[1], "rd32") && argc == 5)
		return cmd_rd32(argv[2], (unsigned int)strtoul(argv[3], NULL, 0),
				(unsigned int)strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "wc-refused") && argc == 4)
		return cmd_wc_refused(argv[2], (unsigned int)strtoul(argv[3], NULL, 0));
	if (!strcmp(argv[1], "caps"))
		return cmd_caps(argv[2]);
	if (!strcmp(argv[1], "unsupported"))
		return cmd_unsupported(argv[2]);
	if (!strcmp(argv[1], "inuse"))
		return cmd_inuse(argv[2]);
	if (!strcmp(argv[1], "reset"))
		return cmd_reset(argv[2]);
	if (!strcmp(argv[1], "mem-pins"))
		return cmd_mem_pins(argv[2]);
	die("unknown subcommand '%s'", argv[1]);
}
