// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - the per-device control device, /dev/uio_dma/<PCI address>.
 *
 * UIO has no ioctl, so each bound device gets a misc device beside
 * /dev/uioN.  Through it a process binds an eventfd to every interrupt
 * vector (VFIO-style), masks and unmasks vectors, turns bus mastering on
 * and off, maps BARs (bars.c) and pins memory for DMA (pin.c).  A vector's
 * eventfd belongs to the control file that set it, and is dropped when that
 * file is closed; pins may outlive their file (pin.c).
 *
 * Lifetime: an open control file holds a reference on the uio_dma_dev, so
 * the structure outlives an unbind; after unbind every ioctl fails with
 * ENODEV and poll() reports POLLHUP, and every eventfd was signalled once so
 * that a process waiting on one wakes up and finds out.
 */
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "uio_dma.h"

static const u32 abi_modes[] = {
	[UIO_DMA_INTR_AUTO] = UIO_DMA_MODE_NONE,
	[UIO_DMA_INTR_MSIX] = UIO_DMA_MODE_MSIX,
	[UIO_DMA_INTR_MSI] = UIO_DMA_MODE_MSI,
	[UIO_DMA_INTR_LEGACY] = UIO_DMA_MODE_LEGACY,
	[UIO_DMA_INTR_NONE] = UIO_DMA_MODE_NONE,
};

/* Replace a vector's eventfd; the old one is released once no handler uses it. */
static void uio_dma_set_trigger(struct uio_dma_vec *vec,
				struct eventfd_ctx *ctx,
				struct uio_dma_ctl_file *owner)
{
	struct eventfd_ctx *old = vec->trigger;

	lockdep_assert_held(&vec->ud->lock);
	WRITE_ONCE(vec->trigger, ctx);
	vec->trigger_owner = ctx ? owner : NULL;
	if (old) {
		if (vec->requested)
			synchronize_irq(vec->irq);
		eventfd_ctx_put(old);
	}
}

static int uio_dma_ctl_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct uio_dma_dev *ud = container_of(misc, struct uio_dma_dev, misc);
	struct uio_dma_ctl_file *cf;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	cf->ud = ud;
	/* misc_open() holds misc_mtx: remove cannot have freed @ud yet. */
	kref_get(&ud->ref);
	mutex_lock(&ud->lock);
	cf->hold_gen = ud->hold_gen;
	list_add(&cf->node, &ud->ctl_files);
	mutex_unlock(&ud->lock);
	file->private_data = cf;
	return 0;
}

static int uio_dma_ctl_release(struct inode *inode, struct file *file)
{
	struct uio_dma_ctl_file *cf = file->private_data;
	struct uio_dma_dev *ud = cf->ud;
	unsigned int i;

	mutex_lock(&ud->lock);
	list_del(&cf->node);
	for (i = 0; i < ud->nvec; i++)
		if (ud->vecs[i].trigger_owner == cf)
			uio_dma_set_trigger(&ud->vecs[i], NULL, NULL);
	mutex_unlock(&ud->lock);

	uio_dma_pins_file_closed(cf);
	kfree(cf);
	uio_dma_put(ud);
	return 0;
}

static __poll_t uio_dma_ctl_poll(struct file *file, poll_table *wait)
{
	struct uio_dma_ctl_file *cf = file->private_data;

	poll_wait(file, &cf->ud->ctl_wait, wait);
	return READ_ONCE(cf->ud->removing) ? EPOLLHUP | EPOLLERR : 0;
}

/*
 * A control file opened during the current hold, or while the device was
 * idle just before it (libuiodma opens it before /dev/uioN), acts for the
 * holder: it may turn bus mastering on and unmask.  One a previous holder
 * kept (a leftover child, a passed fd) may not, or it could let the device
 * DMA under a new holder that has not set it up.
 */
static bool uio_dma_ctl_of_holder(struct uio_dma_ctl_file *cf)
{
	struct uio_dma_dev *ud = cf->ud;

	lockdep_assert_held(&ud->lock);
	return ud->held && cf->hold_gen + 1 >= ud->hold_gen;
}

/* Another control file's eventfd is not ours to replace or mask. */
static bool uio_dma_vec_foreign(struct uio_dma_vec *vec,
				struct uio_dma_ctl_file *cf)
{
	return vec->trigger_owner && vec->trigger_owner != cf;
}

/* The command register, not pdev->is_busmaster: userspace may write it. */
static bool uio_dma_bus_master_on(struct uio_dma_dev *ud)
{
	u16 cmd = 0;

	pci_read_config_word(ud->pdev, PCI_COMMAND, &cmd);
	return cmd & PCI_COMMAND_MASTER;
}

static void uio_dma_fill_info(struct uio_dma_dev *ud,
			      struct uio_dma_dev_info *info)
{
	lockdep_assert_held(&ud->lock);
	memset(info, 0, sizeof(*info));
	info->abi_version = UIO_DMA_ABI_VERSION;
	info->intr_mode = abi_modes[ud->mode];
	info->num_vectors = ud->nvec;
	info->uio_minor = ud->info.uio_dev->minor;
	if (ud->resettable)
		info->flags |= UIO_DMA_INFO_RESETTABLE;
	if (ud->held)
		info->flags |= UIO_DMA_INFO_HELD;
	if (uio_dma_bus_master_on(ud))
		info->flags |= UIO_DMA_INFO_BUS_MASTER;
	if (ud->not_reset)
		info->flags |= UIO_DMA_INFO_NOT_RESET;
}

/*
 * The ioctls that act on the device under ud->lock.  User memory is read
 * before the lock is taken and written after it is dropped.
 */
static long uio_dma_ctl_dev_ioctl(struct uio_dma_ctl_file *cf,
				  unsigned int cmd, void __user *argp)
{
	struct uio_dma_dev *ud = cf->ud;
	struct uio_dma_irq_eventfd efd;
	struct uio_dma_irq_mask mask;
	struct uio_dma_dev_info info;
	struct eventfd_ctx *ctx = NULL;
	u32 on = 0;
	long ret = 0;

	switch (cmd) {
	case UIO_DMA_IOC_SET_EVENTFD:
		if (copy_from_user(&efd, argp, sizeof(efd)))
			return -EFAULT;
		if (efd.fd >= 0) {
			ctx = eventfd_ctx_fdget(efd.fd);
			if (IS_ERR(ctx))
				return PTR_ERR(ctx);
		}
		break;
	case UIO_DMA_IOC_MASK:
		if (copy_from_user(&mask, argp, sizeof(mask)))
			return -EFAULT;
		break;
	case UIO_DMA_IOC_BUS_MASTER:
		if (get_user(on, (u32 __user *)argp))
			return -EFAULT;
		if (on > 1)
			return -EINVAL;
		break;
	}

	mutex_lock(&ud->lock);
	if (ud->removing) {
		ret = -ENODEV;
		goto out;
	}
	switch (cmd) {
	case UIO_DMA_IOC_INFO:
		uio_dma_fill_info(ud, &info);
		break;
	case UIO_DMA_IOC_SET_EVENTFD:
		if (efd.vector >= ud->nvec) {
			ret = -EINVAL;
			break;
		}
		if (uio_dma_vec_foreign(&ud->vecs[efd.vector], cf)) {
			ret = -EBUSY;
			break;
		}
		uio_dma_set_trigger(&ud->vecs[efd.vector], ctx, cf);
		ctx = NULL;
		break;
	case UIO_DMA_IOC_MASK:
		if (mask.vector < ud->nvec &&
		    uio_dma_vec_foreign(&ud->vecs[mask.vector], cf))
			ret = -EBUSY;
		else if (!mask.masked && !uio_dma_ctl_of_holder(cf))
			ret = -EPERM;	/* not the holder's, or released */
		else
			ret = uio_dma_irq_set_masked(ud, mask.vector,
						     !!mask.masked);
		break;
	case UIO_DMA_IOC_BUS_MASTER:
		if (on && !uio_dma_ctl_of_holder(cf))
			ret = -EPERM;
		else
			ret = uio_dma_set_bus_master(ud, on);
		break;
	}
out:
	mutex_unlock(&ud->lock);
	if (ctx)
		eventfd_ctx_put(ctx);
	if (!ret && cmd == UIO_DMA_IOC_INFO &&
	    copy_to_user(argp, &info, sizeof(info)))
		ret = -EFAULT;
	return ret;
}

static long uio_dma_ctl_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct uio_dma_ctl_file *cf = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case UIO_DMA_IOC_VERSION:
		return put_user((u32)UIO_DMA_ABI_VERSION, (u32 __user *)argp);
	case UIO_DMA_IOC_INFO:
	case UIO_DMA_IOC_SET_EVENTFD:
	case UIO_DMA_IOC_MASK:
	case UIO_DMA_IOC_BUS_MASTER:
		return uio_dma_ctl_dev_ioctl(cf, cmd, argp);
	case UIO_DMA_IOC_PIN:
		return uio_dma_pin(cf, argp);
	case UIO_DMA_IOC_UNPIN:
		return uio_dma_unpin(cf, argp);
	default:
		return -ENOTTY;
	}
}

/*
 * Map a memory BAR by number, uncached or write-combining (prefetchable
 * BARs only); see UIO_DMA_MMAP_OFFSET.  UIO's own maps stop at five and are
 * always uncached.
 */
static int uio_dma_ctl_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct uio_dma_ctl_file *cf = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	return uio_dma_bar_mmap(cf->ud, vma, off >> UIO_DMA_MMAP_BAR_SHIFT,
				off & (UIO_DMA_MMAP_WC - 1),
				off & UIO_DMA_MMAP_WC);
}

static const struct file_operations uio_dma_ctl_fops = {
	.owner = THIS_MODULE,
	.open = uio_dma_ctl_open,
	.release = uio_dma_ctl_release,
	.poll = uio_dma_ctl_poll,
	.unlocked_ioctl = uio_dma_ctl_ioctl,
	.mmap = uio_dma_ctl_mmap,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int uio_dma_ctl_register(struct uio_dma_dev *ud)
{
	snprintf(ud->misc_name, sizeof(ud->misc_name), UIO_DMA_NAME "-%s",
		 pci_name(ud->pdev));
	snprintf(ud->misc_node, sizeof(ud->misc_node), UIO_DMA_NAME "/%s",
		 pci_name(ud->pdev));
	ud->misc.minor = MISC_DYNAMIC_MINOR;
	ud->misc.name = ud->misc_name;
	ud->misc.nodename = ud->misc_node;
	ud->misc.fops = &uio_dma_ctl_fops;
	ud->misc.mode = 0600;
	ud->misc.parent = &ud->pdev->dev;
	return misc_register(&ud->misc);
}

/*
 * Unbind: wake every waiter (each eventfd is signalled once, then dropped;
 * control fds report POLLHUP).  Called with ud->lock held and ud->removing
 * set, before the vectors are freed.
 */
void uio_dma_ctl_detach(struct uio_dma_dev *ud)
{
	unsigned int i;

	lockdep_assert_held(&ud->lock);
	for (i = 0; i < ud->nvec; i++) {
		struct eventfd_ctx *ctx = ud->vecs[i].trigger;

		if (ctx)
			uio_dma_eventfd_signal(ctx);
		uio_dma_set_trigger(&ud->vecs[i], NULL, NULL);
	}
	wake_up_interruptible_all(&ud->ctl_wait);
}

void uio_dma_ctl_unregister(struct uio_dma_dev *ud)
{
	misc_deregister(&ud->misc);
}
