// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - refuse to bind where physical-address DMA would be wrong.
 *
 * A process that owns a uio_dma device programs it with physical addresses.
 * That is only correct when the device's DMA is not translated by an IOMMU,
 * and only acceptable when the kernel is not locked down: a device doing DMA
 * on behalf of userspace can overwrite any memory.
 */
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/security.h>

#include "uio_dma.h"

int uio_dma_check_dma_allowed(struct pci_dev *pdev)
{
	struct iommu_domain *domain;

	if (security_locked_down(LOCKDOWN_PCI_ACCESS)) {
		pci_err(pdev, "refusing to bind: the kernel is locked down (Secure Boot or lockdown=), which forbids userspace DMA to physical memory; use vfio-pci with an IOMMU\n");
		return -EPERM;
	}

	domain = iommu_get_domain_for_dev(&pdev->dev);
	if (domain && domain->type != IOMMU_DOMAIN_IDENTITY) {
		pci_err(pdev, "refusing to bind: an IOMMU translates this device's DMA, so physical addresses would fault; boot with iommu=pt (or intel_iommu=off), or use vfio-pci\n");
		return -EOPNOTSUPP;
	}
	return 0;
}
