/* SPDX-License-Identifier: MIT */
/*
 * What 'uiodma status' shows: the bindable PCI devices, the uio_dma module
 * and the hugepage pools, collected into plain data (struct status) and
 * printed as text or JSON.
 */
#ifndef UIODMA_STATUS_H
#define UIODMA_STATUS_H

#include <stddef.h>
#include <stdio.h>

#include <uiodma.h>

#define MAX_PARAMS 16

struct module_state {
	int loaded;
	int installed;		/* loaded, or modules.dep lists it */
	char fix[512];		/* not loaded: ud_module_state()'s advice */
	char version[32];
	int nparams;
	struct {
		char name[64];
		char value[128];
	} params[MAX_PARAMS];
};

/* The IOMMU groups' default domains (/sys/kernel/iommu_groups/N/type). */
struct iommu_state {
	int translating;	/* DMA, DMA-FQ */
	int identity;		/* identity: iommu=pt */
};

struct status {
	struct ud_dev_info *devs;
	char (*users)[256];
	char (*in_use)[768];		/* per device: ud_dev_in_use()'s why */
	char (*modes)[1024];		/* per device: iova_mode_text() */
	size_t ndevs;
	struct iommu_state iommu;
	struct module_state mod;
	int hp_ok;			/* hp is valid */
	struct ud_hp_info hp;
};

/*
 * read_module() - the state of the module whose sysfs directory is @dir
 * (/sys/module/NAME): loaded or not, version, parameters sorted by name.
 */
void read_module(struct module_state *m, const char *dir);

/*
 * iova_mode_text() - the IOVA mode device @d runs in with libuiodma, or
 * what binding gives it which mode, into @buf: "VA (vfio-pci)", "PA
 * (uio_dma)", or for a device on no UIO driver nor vfio-pci the bind
 * commands that work with its IOMMU group's type @group_type ("" without
 * a group: PA only; "identity": both; "DMA"/"DMA-FQ": VA only, PA needs
 * iommu=pt).  A device the host uses (@in_use: ud_dev_in_use()'s why, ""
 * or NULL if none) gets "in use by the host (why)" instead of a bind
 * command, which uiodma bind would refuse.  Pure.
 */
void iova_mode_text(const struct ud_dev_info *d, const char *group_type,
		    const char *in_use, char *buf, size_t len);
/* The mode memory gets by default with no device (as libuiodma chooses). */
const char *iommu_default_mode(const struct iommu_state *s);

/* collect_status() - fill @st; 0, or -1 (free_status() it either way). */
int collect_status(struct status *st);
void free_status(struct status *st);

/* Print @st as text or as one JSON object; 0, or -1 on a write error. */
int print_status_text(FILE *f, const struct status *st);
int print_status_json(FILE *f, const struct status *st);

/*
 * json_dev() - one device as a JSON object; @users: its kernel interfaces;
 * @in_use: how the host uses it (ud_dev_in_use()'s why; "" or NULL: not).
 */
void json_dev(FILE *f, const struct ud_dev_info *d, const char *users,
	      const char *in_use);

#endif
