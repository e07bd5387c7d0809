// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - pin user memory for DMA and report its bus addresses.
 *
 * Pages are pinned with FOLL_LONGTERM, so the kernel moves them out of
 * movable zones first and never migrates or compacts them while pinned:
 * the address handed to the device stays right.  Pins belong to the
 * control file and are dropped on UIO_DMA_IOC_UNPIN or when it closes.
 *
 * Without an IOMMU the bus address is the physical address, converted with
 * phys_to_dma() for platforms whose DMA view is offset or encrypted.
 */
#include <linux/dma-direct.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "uio_dma.h"

/* Longest range one pin may cover: bounds the page array kvmalloc(). */
#define UIO_DMA_PIN_MAX_BYTES	(64ULL << 30)

struct uio_dma_pinned {
	struct list_head node;
	u64 handle;
	unsigned long npages;		/* base pages */
	struct page **pages;
};

static void uio_dma_pinned_free(struct uio_dma_pinned *p)
{
	unpin_user_pages(p->pages, p->npages);
	kvfree(p->pages);
	kfree(p);
}

static int uio_dma_pin_pages(struct uio_dma_pinned *p, unsigned long start)
{
	unsigned long done = 0;

	while (done < p->npages) {
		int n = pin_user_pages_fast(start + (done << PAGE_SHIFT),
					    min_t(unsigned long, p->npages - done, INT_MAX),
					    FOLL_WRITE | FOLL_LONGTERM,
					    p->pages + done);
		if (n <= 0) {
			unpin_user_pages(p->pages, done);
			return n ? n : -EFAULT;
		}
		done += n;
	}
	return 0;
}

/*
 * Write one bus address per @page_size chunk, checking that each chunk
 * really is physically contiguous (it is, when backed by hugepages of that
 * size).
 */
static int uio_dma_pin_report(struct uio_dma_dev *ud, struct uio_dma_pinned *p,
			      u64 page_size, u64 __user *out)
{
	unsigned long per = page_size >> PAGE_SHIFT, i, j;

	for (i = 0; i < p->npages; i += per) {
		unsigned long pfn = page_to_pfn(p->pages[i]);
		u64 bus;

		for (j = 1; j < per; j++)
			if (page_to_pfn(p->pages[i + j]) != pfn + j)
				return -EINVAL;
		bus = phys_to_dma(&ud->pdev->dev, PFN_PHYS(pfn));
		if (put_user(bus, out + i / per))
			return -EFAULT;
	}
	return 0;
}

long uio_dma_pin(struct uio_dma_ctl_file *cf, void __user *argp)
{
	struct uio_dma_pin req;
	struct uio_dma_pinned *p;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.page_size < PAGE_SIZE || !is_power_of_2(req.page_size) ||
	    !req.len || req.len > UIO_DMA_PIN_MAX_BYTES ||
	    (req.vaddr | req.len) & (req.page_size - 1) ||
	    req.vaddr + req.len < req.vaddr)
		return -EINVAL;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->npages = req.len >> PAGE_SHIFT;
	p->pages = kvmalloc_array(p->npages, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages) {
		kfree(p);
		return -ENOMEM;
	}
	ret = uio_dma_pin_pages(p, req.vaddr);
	if (ret) {
		kvfree(p->pages);
		kfree(p);
		return ret;
	}
	ret = uio_dma_pin_report(cf->ud, p, req.page_size,
				 u64_to_user_ptr(req.pa_array));
	if (ret)
		goto err;

	mutex_lock(&cf->pin_lock);
	p->handle = ++cf->next_handle;
	list_add(&p->node, &cf->pins);
	mutex_unlock(&cf->pin_lock);

	req.handle = p->handle;
	if (copy_to_user(argp, &req, sizeof(req))) {
		mutex_lock(&cf->pin_lock);
		list_del(&p->node);
		mutex_unlock(&cf->pin_lock);
		ret = -EFAULT;
		goto err;
	}
	return 0;
err:
	uio_dma_pinned_free(p);
	return ret;
}

long uio_dma_unpin(struct uio_dma_ctl_file *cf, void __user *argp)
{
	struct uio_dma_pinned *p, *found = NULL;
	u64 handle;

	if (get_user(handle, (u64 __user *)argp))
		return -EFAULT;
	mutex_lock(&cf->pin_lock);
	list_for_each_entry(p, &cf->pins, node) {
		if (p->handle == handle) {
			list_del(&p->node);
			found = p;
			break;
		}
	}
	mutex_unlock(&cf->pin_lock);
	if (!found)
		return -ENOENT;
	uio_dma_pinned_free(found);
	return 0;
}

void uio_dma_unpin_all(struct uio_dma_ctl_file *cf)
{
	struct uio_dma_pinned *p, *tmp;

	list_for_each_entry_safe(p, tmp, &cf->pins, node) {
		list_del(&p->node);
		uio_dma_pinned_free(p);
	}
}
