// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - a device's BARs: UIO maps, port regions, and their mappings.
 *
 * Every memory BAR becomes a UIO map and every I/O BAR a UIO port region,
 * in BAR order.  Each map and port region is named "BARn", so userspace
 * reads /sys/class/uio/uioX/maps/mapM/name to learn which BAR map M is.
 *
 * Mappings, through /dev/uioN (UIO map M) or the control device (BAR by
 * number, uncached or write-combining), are filled in page by page at fault
 * time, as vfio-pci does, and only while the device is bound.  Unbind
 * zaps every such mapping (unmap_mapping_range on each inode they came
 * through), after which a fault gets SIGBUS.  Populating at mmap time
 * instead would race: a vma is linked into its file's mapping only after
 * ->mmap returns, so an unbind in between would miss it.  And no mapping
 * is tracked by x86 PAT per vma (remap_pfn_range's VM_PAT), whose untrack
 * at munmap warns once the pages were zapped.
 */
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uio_driver.h>

#include "uio_dma.h"

static const char *const bar_names[PCI_STD_NUM_BARS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5",
};

/*
 * A BAR smaller than a page can be mapped only as a whole page; that is
 * safe only if nothing else can be placed in the rest of the page, so
 * reserve it (as vfio-pci does).  Returns whether the BAR can be mapped.
 */
static bool uio_dma_pad_bar(struct uio_dma_dev *ud, int bar)
{
	struct resource *res = &ud->pdev->resource[bar];
	struct resource *pad;

	if (resource_size(res) >= PAGE_SIZE)
		return true;
	pad = kzalloc(sizeof(*pad), GFP_KERNEL);
	if (!pad)
		return false;
	pad->name = "uio_dma sub-page BAR padding";
	pad->start = res->end + 1;
	pad->end = res->start + PAGE_SIZE - 1;
	pad->flags = res->flags;
	if (!res->parent || request_resource(res->parent, pad)) {
		kfree(pad);
		pci_info(ud->pdev, "BAR%d is smaller than a page and the rest of its page is in use: it cannot be mapped\n",
			 bar);
		return false;
	}
	ud->bar_pad[bar] = pad;
	return true;
}

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
				pci_info(pdev, "BAR%d not a UIO map: UIO allows %d maps; map it through /dev/" UIO_DMA_NAME "/%s\n",
					 bar, MAX_UIO_MAPS, pci_name(pdev));
				continue;
			}
			if (start & ~PAGE_MASK) {
				pci_info(pdev, "BAR%d not exposed: not page aligned, so a mapping would reach whatever shares its page\n",
					 bar);
				continue;
			}
			uio_dma_pad_bar(ud, bar);
			ud->uio_map_bar[nmem] = bar;
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

/* The number of bytes of @bar a mapping may cover: 0 if none. */
static resource_size_t uio_dma_bar_map_len(struct uio_dma_dev *ud,
					   unsigned int bar)
{
	struct pci_dev *pdev = ud->pdev;
	resource_size_t len = pci_resource_len(pdev, bar);

	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) || !len ||
	    (pci_resource_start(pdev, bar) & ~PAGE_MASK))
		return 0;
	if (len < PAGE_SIZE)
		return ud->bar_pad[bar] ? PAGE_SIZE : 0;
	return len;
}

/* Remember @inode so that unbind can zap the mappings made through it. */
struct uio_dma_mapped_inode {
	struct list_head node;
	struct inode *inode;
};

static int uio_dma_track_inode(struct uio_dma_dev *ud, struct inode *inode)
{
	struct uio_dma_mapped_inode *mi;

	lockdep_assert_held(&ud->lock);
	list_for_each_entry(mi, &ud->mapped_inodes, node)
		if (mi->inode == inode)
			return 0;
	mi = kmalloc(sizeof(*mi), GFP_KERNEL);
	if (!mi)
		return -ENOMEM;
	ihold(inode);
	mi->inode = inode;
	list_add(&mi->node, &ud->mapped_inodes);
	return 0;
}

static void uio_dma_vma_open(struct vm_area_struct *vma)
{
	struct uio_dma_dev *ud = vma->vm_private_data;

	kref_get(&ud->ref);
}

static void uio_dma_vma_close(struct vm_area_struct *vma)
{
	uio_dma_put(vma->vm_private_data);
}

static vm_fault_t uio_dma_vma_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct uio_dma_dev *ud = vma->vm_private_data;
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) +
		  (vmf->address - vma->vm_start);
	unsigned int bar = off >> UIO_DMA_MMAP_BAR_SHIFT;
	u64 in_bar = off & (UIO_DMA_MMAP_WC - 1);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&ud->lock);
	if (!ud->removing && bar < PCI_STD_NUM_BARS &&
	    in_bar < uio_dma_bar_map_len(ud, bar))
		ret = vmf_insert_pfn_prot(vma, vmf->address,
					  (pci_resource_start(ud->pdev, bar) +
					   in_bar) >> PAGE_SHIFT,
					  vma->vm_page_prot);
	mutex_unlock(&ud->lock);
	return ret;
}

static const struct vm_operations_struct uio_dma_vm_ops = {
	.open = uio_dma_vma_open,
	.close = uio_dma_vma_close,
	.fault = uio_dma_vma_fault,
};

/*
 * Set up @vma to map [@in_bar, @in_bar + size) of memory BAR @bar.  Pages
 * come at fault time.  The vma's offset is rewritten to the control
 * device's encoding (UIO_DMA_MMAP_OFFSET), so that a split vma still knows
 * its place.
 */
int uio_dma_bar_mmap(struct uio_dma_dev *ud, struct vm_area_struct *vma,
		     unsigned int bar, u64 in_bar, bool wc)
{
	enum uio_dma_bar_memtype want = wc ? UIO_DMA_BAR_WC : UIO_DMA_BAR_UC;
	unsigned long size = vma->vm_end - vma->vm_start;
	resource_size_t len;
	int ret = -EINVAL;

	/* A private writable mapping would be copy-on-write of MMIO. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&ud->lock);
	if (ud->removing) {
		ret = -ENODEV;
		goto out;
	}
	if (bar >= PCI_STD_NUM_BARS)
		goto out;
	len = uio_dma_bar_map_len(ud, bar);
	if (!len || in_bar >= len || size > len - in_bar)
		goto out;
	if (wc && !(pci_resource_flags(ud->pdev, bar) & IORESOURCE_PREFETCH))
		goto out;
	if (ud->bar_memtype[bar] != UIO_DMA_BAR_UNMAPPED &&
	    ud->bar_memtype[bar] != want) {
		pci_info(ud->pdev, "BAR%u is already mapped %s: map it the same way (x86 PAT allows one memory type per range while bound)\n",
			 bar, ud->bar_memtype[bar] == UIO_DMA_BAR_WC ?
			 "write-combining" : "uncached");
		ret = -EBUSY;
		goto out;
	}
	ret = uio_dma_track_inode(ud, file_inode(vma->vm_file));
	if (ret)
		goto out;
	if (ud->bar_memtype[bar] == UIO_DMA_BAR_UNMAPPED && wc) {
		/* Faults take the type from PAT's records, not vm_page_prot. */
		ret = arch_io_reserve_memtype_wc(pci_resource_start(ud->pdev, bar),
						 len);
		if (ret)
			goto out;
	}
	ud->bar_memtype[bar] = want;

	vma->vm_pgoff = (UIO_DMA_MMAP_OFFSET(bar, wc) + in_bar) >> PAGE_SHIFT;
	vma->vm_page_prot = wc ? pgprot_writecombine(vma->vm_page_prot) :
				 pgprot_noncached(vma->vm_page_prot);
#ifdef UIO_DMA_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
#else
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
#endif
	vma->vm_private_data = ud;
	vma->vm_ops = &uio_dma_vm_ops;
	kref_get(&ud->ref);
out:
	mutex_unlock(&ud->lock);
	return ret;
}

/*
 * mmap of /dev/uioN: the UIO core checked the map index (the offset in
 * pages) and the size against the map; UIO maps are uncached.
 */
int uio_dma_uio_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	struct uio_dma_dev *ud = info->priv;

	if (vma->vm_pgoff >= MAX_UIO_MAPS || !info->mem[vma->vm_pgoff].size)
		return -EINVAL;
	return uio_dma_bar_mmap(ud, vma, ud->uio_map_bar[vma->vm_pgoff], 0,
				false);
}

/*
 * Unbind: zap every mapping made through any inode; a fault after this
 * sees ud->removing and gets SIGBUS.  Called with ud->lock held and
 * ud->removing set.
 */
void uio_dma_revoke_mappings(struct uio_dma_dev *ud)
{
	struct uio_dma_mapped_inode *mi;

	lockdep_assert_held(&ud->lock);
	list_for_each_entry(mi, &ud->mapped_inodes, node)
		unmap_mapping_range(mi->inode->i_mapping, 0, 0, 1);
}

/* Give back what setup and mappings reserved; after the last fault. */
void uio_dma_teardown_bars(struct uio_dma_dev *ud)
{
	struct uio_dma_mapped_inode *mi, *tmp;
	int bar;

	list_for_each_entry_safe(mi, tmp, &ud->mapped_inodes, node) {
		list_del(&mi->node);
		iput(mi->inode);
		kfree(mi);
	}
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (ud->bar_memtype[bar] == UIO_DMA_BAR_WC)
			arch_io_free_memtype_wc(pci_resource_start(ud->pdev, bar),
						uio_dma_bar_map_len(ud, bar));
		ud->bar_memtype[bar] = UIO_DMA_BAR_UNMAPPED;
		if (ud->bar_pad[bar]) {
			release_resource(ud->bar_pad[bar]);
			kfree(ud->bar_pad[bar]);
			ud->bar_pad[bar] = NULL;
		}
	}
}
