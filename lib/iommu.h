/* SPDX-License-Identifier: MIT */
/* Refusing physical-address DMA behind a translating IOMMU; private. */
#ifndef UIODMA_IOMMU_H
#define UIODMA_IOMMU_H

/*
 * ud_iommu_check_dev() - may the PCI device @addr ("0000:03:00.0") be given
 * physical addresses?  Yes when it has no IOMMU group or its group's domain
 * is "identity" (iommu=pt).
 * Return: 0, or -1 with EOPNOTSUPP and a message naming the sysfs file,
 * its value and the fix (iommu=pt, intel_iommu=off, or vfio-pci).
 */
int ud_iommu_check_dev(const char *addr);

/*
 * ud_iommu_check_machine() - may physical addresses be handed to devices
 * at all?  No when the IOMMU translates by default: IOMMU groups with type
 * DMA or DMA-FQ and none with identity.  For memory that has no device.
 * Return: 0, or -1 with EOPNOTSUPP and a message as above.
 */
int ud_iommu_check_machine(void);

/*
 * ud_iommu_groups_at() - count the IOMMU groups under @sysfs ("/sys")
 * whose default domain translates (DMA, DMA-FQ) and passes physical
 * addresses through (identity).  Both 0 without an IOMMU.  Return: 0.
 */
int ud_iommu_groups_at(const char *sysfs, int *translating, int *passing);

/* The same, reading sysfs under @sysfs instead of /sys (for tests). */
int ud_iommu_check_dev_at(const char *sysfs, const char *addr);
int ud_iommu_check_machine_at(const char *sysfs);

#endif /* UIODMA_IOMMU_H */
