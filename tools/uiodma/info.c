// SPDX-License-Identifier: MIT
/* 'uiodma info BDF': one device's IDs, capabilities and BARs. */
#include <stdio.h>
#include <string.h>

#include <uiodma.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "status.h"
#include "vfio_info.h"

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

/*
 * Whether the kernel can reset the function, and what that means under
 * uio_dma (which resets at each release, or else leaves bus mastering to
 * the next holder: sysfs uio_dma/reset says which).
 */
static const char *reset_text(const struct ud_dev_info *i)
{
	if (!strcmp(i->driver, "uio_dma"))
		return i->has_reset ? "yes: uio_dma resets it at each release; each holder turns bus mastering on (ud_dev_bus_master) once it has set it up" :
		       "no: uio_dma cannot quiesce it between holders, so each holder stops it before turning bus mastering on (ud_dev_bus_master)";
	return i->has_reset ? "yes" : "no";
}

int cmd_info(const struct cli *c)
{
	/* Look without holding: a running driver is not disturbed. */
	struct ud_dev *d = ud_dev_inspect(c->addrs[0]);
	const struct ud_dev_info *i;
	char caps[256], users[256] = "", in_use[768] = "";
	unsigned int nvec, cf;
	struct vfio_info v;
	int vfio;

	if (!d) {
		cmd_fail("info");
		return 1;
	}
	i = ud_dev_get_info(d);
	cf = ud_dev_caps(d, &nvec);
	ud_dev_caps_format(cf, caps, sizeof(caps));
	ud_dev_users(i->addr, users, sizeof(users));
	if (ud_dev_in_use(i->addr, in_use, sizeof(in_use)) <= 0)
		in_use[0] = '\0';
	vfio = !strcmp(i->driver, "vfio-pci");
	if (vfio)
		vfio_info_collect(i, &v);
	if (c->json) {
		fputs("{\"device\":", stdout);
		json_dev(stdout, i, users, in_use);
		fputs(",\"capabilities\":", stdout);
		json_str(stdout, caps);
		fprintf(stdout, ",\"vectors\":%u,\"resettable\":%s,\"bars\":[",
			nvec, i->has_reset ? "true" : "false");
		print_bars(stdout, d, 1);
		fputs("],\"vfio\":", stdout);
		if (vfio)
			vfio_info_json(stdout, &v);
		else
			fputs("null", stdout);
		fputs("}\n", stdout);
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
		printf("  reset        %s\n", reset_text(i));
		if (vfio)
			vfio_info_text(stdout, i->addr, &v);
		printf("  kernel use   %s\n", *users ? users : "-");
		if (*in_use)
			printf("  in use by the host (%s): uiodma bind refuses it\n",
			       in_use);
		printf("  capabilities %s (%u interrupt vector(s) for userspace)\n",
		       caps, nvec);
		print_bars(stdout, d, 0);
	}
	ud_dev_close(d);
	return 0;
}
