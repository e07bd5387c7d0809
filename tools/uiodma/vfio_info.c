// SPDX-License-Identifier: MIT
/*
 * 'uiodma info' for a device on vfio-pci: its IOMMU group and who else is
 * in it (ud_dev_iommu_group()), the IOVA mode, and the reset vfio offers
 * (sysfs reset_method: the methods the kernel's reset, and so
 * VFIO_DEVICE_RESET, tries in order; linux/drivers/pci/pci.c).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <uiodma.h>

#include "json.h"
#include "sysfs.h"
#include "vfio_info.h"

void vfio_info_collect(const struct ud_dev_info *i, struct vfio_info *v)
{
	char path[PATH_MAX];

	memset(v, 0, sizeof(*v));
	v->group_ok = ud_dev_iommu_group(i->addr, &v->group) == 0;
	if (!v->group_ok)
		snprintf(v->why, sizeof(v->why), "%s", ud_errmsg());
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method",
		 i->addr);
	v->reset_known = read_line(path, v->reset_method,
				   sizeof(v->reset_method)) == 0;
	v->has_reset = i->has_reset;
}

/* The devices of the group but @addr, each "ADDR (DRIVER)", into @buf;
 * with @blocking, only those that keep the group from being viable (@addr
 * too, if it does). */
static void peers(const struct vfio_info *v, const char *addr, int blocking,
		  char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int k = 0; k < v->group.ndevs && k < UD_GROUP_MAX_DEVS; k++) {
		const struct ud_group_dev *m = &v->group.devs[k];
		int n;

		if ((!blocking && !strcmp(m->addr, addr)) ||
		    (blocking && !m->blocks) || used >= len)
			continue;
		n = snprintf(buf + used, len - used, "%s%s (%s%s%s)",
			     used ? ", " : "", m->addr, m->bridge ? "bridge, " : "",
			     *m->driver ? "" : "no driver", m->driver);
		used += n > 0 ? (size_t)n : 0;
	}
}

void vfio_info_text(FILE *f, const char *addr, const struct vfio_info *v)
{
	const struct ud_iommu_group *g = &v->group;
	char list[1024];

	if (!v->group_ok) {
		fprintf(f, "  vfio group   none: %s\n", v->why);
	} else {
		fprintf(f, "  vfio group   %d (/dev/vfio/%d), IOMMU domain %s\n",
			g->id, g->id, *g->type ? g->type : "unknown");
		peers(v, addr, 0, list, sizeof(list));
		fprintf(f, "  group peers  %s\n", *list ? list :
			"none: the device is alone in its group");
		peers(v, addr, 1, list, sizeof(list));
		if (g->viable)
			fprintf(f, "  group viable yes: its devices are bridges or "
				"have no driver, vfio-pci or pci-stub, so vfio "
				"gives it to userspace\n");
		else
			fprintf(f, "  group viable no: %s, still driven by the "
				"kernel, and vfio gives a group to userspace only "
				"as a whole: bind those to vfio-pci too, or unbind "
				"them\n", list);
	}
	fprintf(f, "  iova mode    VA: the library maps memory into the "
		"process's VFIO type1 container (/dev/vfio/vfio) at IOVAs it "
		"chooses\n");
	if (v->reset_known ? *v->reset_method != '\0' : v->has_reset)
		fprintf(f, "  vfio reset   VFIO_DEVICE_RESET (ud_dev_reset) by %s\n",
			v->reset_known ? v->reset_method :
			"a method the kernel does not name");
	else
		fprintf(f, "  vfio reset   none: the kernel has no reset for this "
			"function, so vfio offers no VFIO_DEVICE_RESET "
			"(ud_dev_reset fails with EOPNOTSUPP)\n");
}

void vfio_info_json(FILE *f, const struct vfio_info *v)
{
	const struct ud_iommu_group *g = &v->group;
	char methods[sizeof(v->reset_method)], *w, *save;
	int first = 1;
	unsigned int n = g->ndevs < UD_GROUP_MAX_DEVS ? g->ndevs : UD_GROUP_MAX_DEVS;

	fputs("{\"group\":", f);
	if (v->group_ok)
		fprintf(f, "%d", g->id);
	else
		fputs("null", f);
	fputs(",\"group_type\":", f);
	json_str(f, v->group_ok && *g->type ? g->type : NULL);
	fputs(",\"why_no_group\":", f);
	json_str(f, v->group_ok ? NULL : v->why);
	fputs(",\"devices\":[", f);
	for (unsigned int k = 0; v->group_ok && k < n; k++) {
		fputs(k ? ",{\"address\":" : "{\"address\":", f);
		json_str(f, g->devs[k].addr);
		fputs(",\"driver\":", f);
		json_str(f, *g->devs[k].driver ? g->devs[k].driver : NULL);
		fprintf(f, ",\"bridge\":%s,\"blocks\":%s}",
			g->devs[k].bridge ? "true" : "false",
			g->devs[k].blocks ? "true" : "false");
	}
	fprintf(f, "],\"viable\":%s,\"blocking\":[",
		v->group_ok && g->viable ? "true" : "false");
	for (unsigned int k = 0; v->group_ok && k < n; k++) {
		if (!g->devs[k].blocks)
			continue;
		fputs(first ? "" : ",", f);
		json_str(f, g->devs[k].addr);
		first = 0;
	}
	fputs("],\"iova_mode\":\"VA\",\"container\":\"type1\",\"reset_method\":", f);
	if (!v->reset_known) {
		fputs("null}", f);
		return;
	}
	fputc('[', f);
	first = 1;
	memcpy(methods, v->reset_method, sizeof(methods));
	for (w = strtok_r(methods, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		fputs(first ? "" : ",", f);
		json_str(f, w);
		first = 0;
	}
	fputs("]}", f);
}
