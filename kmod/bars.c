// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - expose a device's BARs as UIO maps and port regions.
 *
 * Every memory BAR becomes a UIO map and every I/O BAR a UIO port region,
 * in BAR order.  Each map and port region is named "BARn", so userspace
 * reads /sys/class/uio/uioX/maps/mapM/name to learn which BAR map M is.
 */
#include <linux/pci.h>
#include <linux/uio_driver.h>

#include "uio_dma.h"

static const char *const bar_names[PCI_STD_NUM_BARS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5",
};

void uio_dma_setup_bars(struct uio_dma_dev *ud)
{
	struct pci_dev *pdev = ud->pdev;
	unsigned int nmem = 0, nport = 0;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		resource_size_t start = pci_resource_start(pdev, bar);
		resource_size_t len = pci_resource_len(pdev, bar);
		unsigned long flags = pci_resource_flags(pdev, bar);

		if (!len)
			continue;

		if (flags & IORESOURCE_MEM) {
			struct uio_mem *mem;

			if (nmem == MAX_UIO_MAPS) {
				pci_info(pdev, "BAR%d not exposed: UIO allows %d maps; map it through sysfs resource%d\n",
					 bar, MAX_UIO_MAPS, bar);
				continue;
			}
			if (start & ~PAGE_MASK) {
				pci_info(pdev, "BAR%d not exposed: not page aligned; map it through sysfs resource%d\n",
					 bar, bar);
				continue;
			}
			mem = &ud->info.mem[nmem++];
			mem->name = bar_names[bar];
			mem->addr = start;
			mem->size = len;
			mem->memtype = UIO_MEM_PHYS;
		} else if (flags & IORESOURCE_IO) {
			struct uio_port *port;

			if (nport == MAX_UIO_PORT_REGIONS) {
				pci_info(pdev, "BAR%d not exposed: UIO allows %d port regions\n",
					 bar, MAX_UIO_PORT_REGIONS);
				continue;
			}
			port = &ud->info.port[nport++];
			port->name = bar_names[bar];
			port->start = start;
			port->size = len;
			port->porttype = UIO_PORT_X86;
		}
	}
}
