// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - pin user memory for DMA and report its bus addresses.
 *
 * Pages are pinned with FOLL_LONGTERM, so the kernel moves them out of
 * movable zones first and never migrates or compacts them while pinned:
 * the address handed to the device stays right.
 *
 * A pin belongs to the device, not only to the control file that made it:
 * memory handed to a device stays pinned for as long as the device can
 * reach it.  UIO_DMA_IOC_UNPIN from the owning file drops it (the process
 * says the device no longer uses it).  When the owning file is closed the
 * pin is orphaned, and dropped once no process can make the device DMA:
 * at once if /dev/uioN is not held, else at its last close (after bus
 * mastering is off and the function reset), or at unbind.
 *
 * A pin is listed, and so can be unpinned, only once it is fully set up and
 * its handle has reached the caller: nothing can free it under a running
 * PIN.  Pinned pages are charged to the pinning process's RLIMIT_MEMLOCK
 * through mm->pinned_vm (as RDMA does; VFIO type1 charges locked_vm under
 * mmap_lock, which would invert our lock order), CAP_IPC_LOCK exempt.
 *
 * Without an IOMMU the bus address is the physical address, converted with
 * phys_to_dma() for platforms whose DMA view is offset or encrypted.
 */
#include <linux/capability.h>
#include <linux/dma-direct.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "uio_dma.h"

/* Longest range one pin may cover: bounds the page array kvmalloc(). */
#define UIO_DMA_PIN_MAX_BYTES	(64ULL << 30)

struct uio_dma_pinned {
	struct list_head node;		/* in ud->pins, under ud->lock */
	u64 handle;
	struct uio_dma_ctl_file *owner;	/* NULL once its file is closed */
	struct mm_struct *mm;		/* charged: mm->pinned_vm */
	unsigned long npages;		/* base pages */
	unsigned long npinned;
	struct page **pages;
};

static int uio_dma_charge(struct uio_dma_pinned *p)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 now = atomic64_add_return(p->npages, &current->mm->pinned_vm);

	if ((u64)now > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(p->npages, &current->mm->pinned_vm);
		pr_info_ratelimited(UIO_DMA_NAME ": pin of %lu KiB by %s[%d] refused: over RLIMIT_MEMLOCK (%lu KiB); raise it (ulimit -l) or grant CAP_IPC_LOCK\n",
				    p->npages << (PAGE_SHIFT - 10), current->comm,
				    task_pid_nr(current), limit << (PAGE_SHIFT - 10));
		return -ENOMEM;
	}
	mmgrab(current->mm);
	p->mm = current->mm;
	return 0;
}

static void uio_dma_pinned_free(struct uio_dma_pinned *p)
{
	if (p->npinned)
		unpin_user_pages(p->pages, p->npinned);
	if (p->mm) {
		atomic64_sub(p->npages, &p->mm->pinned_vm);
		mmdrop(p->mm);
	}
	kvfree(p->pages);
	kfree(p);
}

static int uio_dma_pin_pages(struct uio_dma_pinned *p, unsigned long start)
{
	while (p->npinned < p->npages) {
		int n = pin_user_pages_fast(start + (p->npinned << PAGE_SHIFT),
					    min_t(unsigned long,
						  p->npages - p->npinned, INT_MAX),
					    FOLL_WRITE | FOLL_LONGTERM,
					    p->pages + p->npinned);
		if (n <= 0)
			return n ? n : -EFAULT;
		p->npinned += n;
	}
	return 0;
}

/*
 * Write one bus address per @page_size chunk, checking that each chunk
 * really is physically contiguous (it is, when backed by hugepages of that
 * size).  No lock is held: put_user() may fault.
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
	struct uio_dma_dev *ud = cf->ud;
	struct uio_dma_pin req;
	struct uio_dma_pinned *p;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (READ_ONCE(ud->removing))
		return -ENODEV;
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
	ret = p->pages ? uio_dma_charge(p) : -ENOMEM;
	if (!ret)
		ret = uio_dma_pin_pages(p, req.vaddr);
	if (!ret)
		ret = uio_dma_pin_report(ud, p, req.page_size,
					 u64_to_user_ptr(req.pa_array));
	if (ret)
		goto err;

	/* Handles are never reused; this one is nobody's until listed. */
	mutex_lock(&ud->lock);
	p->handle = ++ud->next_handle;
	mutex_unlock(&ud->lock);
	req.handle = p->handle;
	if (copy_to_user(argp, &req, sizeof(req))) {
		ret = -EFAULT;
		goto err;
	}

	mutex_lock(&ud->lock);
	if (ud->removing) {
		/* Unbind already dropped every pin; this one must go too. */
		mutex_unlock(&ud->lock);
		ret = -ENODEV;
		goto err;
	}
	p->owner = cf;
	list_add(&p->node, &ud->pins);
	mutex_unlock(&ud->lock);
	return 0;
err:
	uio_dma_pinned_free(p);
	return ret;
}

long uio_dma_unpin(struct uio_dma_ctl_file *cf, void __user *argp)
{
	struct uio_dma_dev *ud = cf->ud;
	struct uio_dma_pinned *p, *found = NULL;
	u64 handle;

	if (get_user(handle, (u64 __user *)argp))
		return -EFAULT;
	mutex_lock(&ud->lock);
	list_for_each_entry(p, &ud->pins, node) {
		if (p->handle == handle && p->owner == cf) {
			list_del(&p->node);
			found = p;
			break;
		}
	}
	mutex_unlock(&ud->lock);
	if (!found)
		return READ_ONCE(ud->removing) ? -ENODEV : -ENOENT;
	uio_dma_pinned_free(found);
	return 0;
}

/*
 * @cf is being closed: its pins go now if the device cannot DMA (not
 * held), else they wait for the holder's last close.
 */
void uio_dma_pins_file_closed(struct uio_dma_ctl_file *cf)
{
	struct uio_dma_dev *ud = cf->ud;
	struct uio_dma_pinned *p, *tmp;
	LIST_HEAD(unpin);

	mutex_lock(&ud->lock);
	list_for_each_entry_safe(p, tmp, &ud->pins, node) {
		if (p->owner != cf)
			continue;
		p->owner = NULL;
		if (!ud->held)
			list_move(&p->node, &unpin);
	}
	mutex_unlock(&ud->lock);
	uio_dma_pins_free(&unpin);
}

/*
 * Move to @out the pins that may go now that the device is quiet: the
 * orphaned ones, or @all (unbind).  Called with ud->lock held; free them
 * with uio_dma_pins_free() after dropping it.
 */
void uio_dma_pins_take(struct uio_dma_dev *ud, struct list_head *out,
		       bool all)
{
	struct uio_dma_pinned *p, *tmp;

	lockdep_assert_held(&ud->lock);
	list_for_each_entry_safe(p, tmp, &ud->pins, node)
		if (all || !p->owner)
			list_move(&p->node, out);
}

void uio_dma_pins_free(struct list_head *list)
{
	struct uio_dma_pinned *p, *tmp;

	list_for_each_entry_safe(p, tmp, list, node) {
		list_del(&p->node);
		uio_dma_pinned_free(p);
	}
}
