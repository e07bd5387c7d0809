// SPDX-License-Identifier: MIT
/*
 * Does an IOMMU translate DMA?  Then physical addresses, which is what the
 * UIO drivers (uio_dma, igb_uio, uio_pci_generic) and the pagemap source
 * give a device, fault (DMAR faults) and the data never arrives: refuse
 * with the advice uio_dma gives in the kernel.  Read from sysfs: a
 * device's iommu_group/type ("DMA", "DMA-FQ": translated; "identity":
 * passthrough; no group: no IOMMU), or for memory with no device, the type
 * of every IOMMU group.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev_internal.h"
#include "internal.h"
#include "iommu.h"

#define ADVICE "boot with iommu=pt (or intel_iommu=off), or use vfio-pci"

/* Whether a domain type lets physical addresses through unchanged. */
static int passes_pa(const char *type)
{
	return !strcmp(type, "identity");
}

/* Whether a domain type is the kernel translating DMA for a driver. */
static int translates(const char *type)
{
	return !strcmp(type, "DMA") || !strcmp(type, "DMA-FQ");
}

int ud_iommu_check_dev_at(const char *sysfs, const char *addr)
{
	char path[PATH_MAX], type[64];

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", sysfs,
		 addr);
	if (access(path, F_OK))
		return 0;	/* no IOMMU in front of the device */
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group/type",
		 sysfs, addr);
	if (ud_sysfs_read(path, type, sizeof(type))) {
		int e = errno;

		return ud_fail(EOPNOTSUPP, "refusing physical-address DMA for "
			       "%s: it is in an IOMMU group, but %s cannot be "
			       "read (%s), so its DMA may be translated and "
			       "physical addresses would fault; " ADVICE,
			       addr, path, strerror(e));
	}
	if (passes_pa(type))
		return 0;
	return ud_fail(EOPNOTSUPP, "refusing physical-address DMA for %s: an "
		       "IOMMU %s this device's DMA (%s is \"%s\"), so physical "
		       "addresses would fault; " ADVICE, addr,
		       translates(type) ? "translates" : "controls", path, type);
}

int ud_iommu_groups_at(const char *sysfs, int *translating, int *passing)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], type[64];
	struct dirent *de;
	DIR *d;

	*translating = *passing = 0;
	snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups", sysfs);
	d = opendir(dir);
	if (!d)
		return 0;	/* no IOMMU */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/type", dir, de->d_name);
		if (ud_sysfs_read(path, type, sizeof(type)))
			continue;
		*translating += translates(type);
		*passing += passes_pa(type);
	}
	closedir(d);
	return 0;
}

int ud_iommu_check_machine_at(const char *sysfs)
{
	char dir[PATH_MAX];
	int translating, passing;

	snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups", sysfs);
	ud_iommu_groups_at(sysfs, &translating, &passing);
	if (!translating || passing)
		return 0;
	return ud_fail(EOPNOTSUPP, "refusing physical-address DMA memory: the "
		       "IOMMU translates DMA by default (%d IOMMU groups under "
		       "%s have type DMA or DMA-FQ, none identity), so a device "
		       "given physical addresses would fault; " ADVICE,
		       translating, dir);
}

int ud_iommu_check_dev(const char *addr)
{
	return ud_iommu_check_dev_at("/sys", addr);
}

int ud_iommu_check_machine(void)
{
	return ud_iommu_check_machine_at("/sys");
}
