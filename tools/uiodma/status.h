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
	char (*modes)[192];		/* per device: iova_mode_text() */
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
 * iommu=pt).  Pure.
 */
void iova_mode_text(const struct ud_dev_info *d, const char *group_type,
		    char *buf, size_t len);
/* The mode memory gets by default with no device (as libuiodma chooses). */
const char *iommu_default_mode(const struct iommu_state *s);

/* collect_status() - fill @st; 0, or -1 (free_status() it either way). */
int collect_status(struct status *st);
void free_status(struct status *st);

/* Print @st as text or as one JSON object; 0, or -1 on a write error. */
int print_status_text(FILE *f, const struct status *st);
int print_status_json(FILE *f, const struct status *st);

/* json_dev() - one device as a JSON object; @users: its kernel use. */
void json_dev(FILE *f, const struct ud_dev_info *d, const char *users);

#endif
