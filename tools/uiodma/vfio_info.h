/* SPDX-License-Identifier: MIT */
/*
 * What 'uiodma info' adds for a device on vfio-pci: its IOMMU group, the
 * group's other devices and their drivers, whether vfio can give the group
 * to userspace (viable), the IOVA mode and container the device runs in,
 * and the reset vfio offers.  Collected into plain data (struct
 * vfio_info), printed by pure functions the unit tests run on synthetic
 * data.
 */
#ifndef UIODMA_VFIO_INFO_H
#define UIODMA_VFIO_INFO_H

#include <stdio.h>

#include <uiodma.h>

/*
 * struct vfio_info - @group: ud_dev_iommu_group() (valid when @group_ok,
 * else @why says why not); @reset_method: sysfs reset_method, the methods
 * VFIO_DEVICE_RESET tries in order ("flr pm", "" for none), valid when
 * @reset_known (Linux 5.15 and later); @has_reset: sysfs "reset" exists
 * (for older kernels: vfio-pci offers VFIO_DEVICE_RESET when the kernel
 * can reset the function).
 */
struct vfio_info {
	int group_ok;
	char why[256];
	struct ud_iommu_group group;
	int reset_known;
	char reset_method[64];
	int has_reset;
};

/* vfio_info_collect() - fill @v for the device @i (on vfio-pci). */
void vfio_info_collect(const struct ud_dev_info *i, struct vfio_info *v);

/*
 * vfio_info_text() - the lines 'uiodma info' prints for device @addr:
 * vfio group, group peers, group viable, iova mode, vfio reset.
 */
void vfio_info_text(FILE *f, const char *addr, const struct vfio_info *v);

/*
 * vfio_info_json() - the same as one JSON object: group, group_type,
 * devices (address, driver, bridge, blocks; the device's own included), viable,
 * blocking (the addresses of the devices that keep it from being viable),
 * iova_mode,
 * container, reset_method (an array, null when the kernel does not say).
 */
void vfio_info_json(FILE *f, const struct vfio_info *v);

#endif
