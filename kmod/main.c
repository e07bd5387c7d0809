// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - a PCI driver on the UIO core for userspace DMA without an IOMMU.
 *
 * A device is bound with driver_override + bind (or new_id); there is no ID
 * table.  Its BARs become UIO maps, its interrupts reach the process through
 * /dev/uioN.  Bus mastering is on only while a process holds /dev/uioN open:
 * the last close, including the one the kernel does for a crashed process,
 * masks the interrupts and turns bus mastering off so the device stops DMA.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uio_driver.h>

#include "uio_dma.h"

#define UIO_DMA_VERSION "0.1"

enum uio_dma_intr_mode uio_dma_intr_mode_param = UIO_DMA_INTR_AUTO;
unsigned int uio_dma_max_vectors = 64;

static int intr_mode_set(const char *val, const struct kernel_param *kp)
{
	enum uio_dma_intr_mode mode;

	if (uio_dma_intr_mode_parse(val, &mode)) {
		pr_err(UIO_DMA_NAME ": invalid intr_mode '%s': use auto, msix, msi, legacy or none\n",
		       val);
		return -EINVAL;
	}
	uio_dma_intr_mode_param = mode;
	return 0;
}

static int intr_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  uio_dma_intr_mode_name(uio_dma_intr_mode_param));
}

static const struct kernel_param_ops intr_mode_ops = {
	.set = intr_mode_set,
	.get = intr_mode_get,
};
module_param_cb(intr_mode, &intr_mode_ops, NULL, 0644);
MODULE_PARM_DESC(intr_mode,
		 "Interrupt mode for newly bound devices: auto (MSI-X, then MSI, then INTx), msix, msi, legacy or none");

static int max_vectors_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n < 1 || n > 2048) {
		pr_err(UIO_DMA_NAME ": invalid max_vectors '%s': use 1..2048\n",
		       val);
		return -EINVAL;
	}
	uio_dma_max_vectors = n;
	return 0;
}

static const struct kernel_param_ops max_vectors_ops = {
	.set = max_vectors_set,
	.get = param_get_uint,
};
module_param_cb(max_vectors, &max_vectors_ops, &uio_dma_max_vectors, 0644);
MODULE_PARM_DESC(max_vectors, "Most MSI-X vectors per device (default 64)");

/*
 * Bus mastering lets the device DMA.  Called with ud->lock held; on only
 * while the device is held.
 */
int uio_dma_set_bus_master(struct uio_dma_dev *ud, bool on)
{
	lockdep_assert_held(&ud->lock);
	if (ud->removing)
		return -ENODEV;
	if (on && !ud->held)
		return -EPERM;
	WRITE_ONCE(ud->bm_wanted, on);
	if (on) {
		pci_set_master(ud->pdev);
		ud->not_reset = false;
	} else {
		pci_clear_master(ud->pdev);
	}
	return 0;
}

/*
 * Reset the function if the kernel can and nothing has reset it since it
 * last ran for anyone: since its last holder, or since probe (a previous
 * driver, or our own unbind while it was held, may have left it running).
 * Called with ud->lock held.  Only tried: pci_try_reset_function() takes
 * the device lock with a trylock, so an unbind in progress (which holds it)
 * makes the reset fail with EAGAIN, not wait; the device then stays
 * NOT_RESET, which is safe (bus mastering stays off).  Not covered, as in
 * vfio-pci's release and the kernel's own sysfs "reset": a slot reset
 * waits for pciehp's reset_lock with the device lock held; pciehp's IRQ
 * thread, removing the slot's device, holds reset_lock and waits for
 * pci_rescan_remove_lock, which a concurrent sysfs "remove" holds while it
 * waits for the device lock (reproduced in the guests on both kernels,
 * with and without uio_dma).
 */
static void uio_dma_try_reset(struct uio_dma_dev *ud, const char *when)
{
	struct pci_dev *pdev = ud->pdev;
	int ret;

	lockdep_assert_held(&ud->lock);
	/* A device already gone (surprise removal) has nothing to reset. */
	if (!ud->resettable || !ud->not_reset || pci_channel_offline(pdev))
		return;
	/* Saves config space, resets, restores it (bus mastering stays off). */
	ret = pci_try_reset_function(pdev);
	if (ret)
		dev_warn_ratelimited(&pdev->dev, "reset %s failed (%d): its next holder must stop it before turning bus mastering on\n",
				     when, ret);
	ud->not_reset = ret != 0;
}

/*
 * One holder at a time, as with a VFIO device: whoever has /dev/uioN open
 * owns the device's DMA.  A second open would share bus mastering with a
 * process that does not know about it, so it fails; the holder may still
 * pass its fd on.
 *
 * Bus mastering stays off at open, as after a VFIO device's reset: the new
 * holder turns it on (UIO_DMA_IOC_BUS_MASTER) once it has set the device
 * up.  Turning it on here would let whatever the device still had queued
 * (a dead holder's RX ring, a reset the kernel reported done but the
 * device ignored) DMA before the holder could stop it.
 */
static int uio_dma_open(struct uio_info *info, struct inode *inode)
{
	struct uio_dma_dev *ud = info->priv;
	int ret = 0;

	/* A device that DMAs to physical addresses can write any memory. */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;

	mutex_lock(&ud->lock);
	if (ud->removing) {
		ret = -ENODEV;
	} else if (ud->held) {
		ret = -EBUSY;
	} else {
		ud->held = true;
		ud->hold_gen++;
		uio_dma_try_reset(ud, "before its first holder");
		/*
		 * Off, whatever a config restore brought back: a sysfs reset
		 * that raced the last close saved the command register with
		 * bus mastering on.
		 */
		pci_clear_master(ud->pdev);
		uio_dma_irq_start(ud);
	}
	mutex_unlock(&ud->lock);
	return ret;
}

/*
 * No interrupts, no DMA, nobody holding: what the last close and unbind
 * both do first.  Called with ud->lock held.
 */
static void uio_dma_stop(struct uio_dma_dev *ud)
{
	lockdep_assert_held(&ud->lock);
	uio_dma_irq_stop(ud);
	WRITE_ONCE(ud->bm_wanted, false);
	pci_clear_master(ud->pdev);
	ud->held = false;
}

/*
 * Stop the device at its last close: no interrupts, no DMA, and (where the
 * kernel can) a function reset so that nothing the last holder started
 * survives into the next one.  Called with ud->lock held.
 */
static void uio_dma_quiesce(struct uio_dma_dev *ud)
{
	lockdep_assert_held(&ud->lock);
	uio_dma_stop(ud);
	ud->hold_gen++;
	ud->not_reset = true;
	uio_dma_try_reset(ud, "after release");
}

static int uio_dma_release(struct uio_info *info, struct inode *inode)
{
	struct uio_dma_dev *ud = info->priv;
	LIST_HEAD(unpin);

	mutex_lock(&ud->lock);
	if (ud->held && !ud->removing) {
		uio_dma_quiesce(ud);
		/* Nothing can DMA now: pins whose file is gone may go. */
		uio_dma_pins_take(ud, &unpin, false);
	}
	mutex_unlock(&ud->lock);
	uio_dma_pins_free(&unpin);
	return 0;
}

static int uio_dma_irqcontrol(struct uio_info *info, s32 on)
{
	struct uio_dma_dev *ud = info->priv;
	int ret;

	mutex_lock(&ud->lock);
	ret = uio_dma_irq_set_masked(ud, 0, !on);
	mutex_unlock(&ud->lock);
	return ret;
}

static ssize_t intr_mode_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct uio_dma_dev *ud = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", uio_dma_intr_mode_name(ud->mode));
}
static DEVICE_ATTR_RO(intr_mode);

static ssize_t intr_vectors_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct uio_dma_dev *ud = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", ud->nvec);
}
static DEVICE_ATTR_RO(intr_vectors);

static ssize_t reset_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct uio_dma_dev *ud = dev_get_drvdata(dev);

	if (ud->resettable)
		return sysfs_emit(buf, "yes\n");
	return sysfs_emit(buf, "no: the holder turns bus mastering on (UIO_DMA_IOC_BUS_MASTER) once it has stopped the device\n");
}
static DEVICE_ATTR_RO(reset);

static struct attribute *uio_dma_attrs[] = {
	&dev_attr_intr_mode.attr,
	&dev_attr_intr_vectors.attr,
	&dev_attr_reset.attr,
	NULL,
};

static const struct attribute_group uio_dma_group = {
	.name = UIO_DMA_NAME,
	.attrs = uio_dma_attrs,
};

static const struct attribute_group *uio_dma_groups[] = {
	&uio_dma_group,
	NULL,
};

static void uio_dma_remove_binding(struct uio_dma_dev *ud);

static int uio_dma_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct uio_dma_dev *ud;
	int ret;

	if (pci_is_bridge(pdev)) {
		pci_warn(pdev, "refusing to bind a bridge\n");
		return -ENODEV;
	}
	ret = uio_dma_check_dma_allowed(pdev);
	if (ret)
		return ret;

	ud = kzalloc(sizeof(*ud), GFP_KERNEL);
	if (!ud)
		return -ENOMEM;
	ud->pdev = pci_dev_get(pdev);
	kref_init(&ud->ref);
	mutex_init(&ud->lock);
	init_waitqueue_head(&ud->ctl_wait);
	INIT_LIST_HEAD(&ud->ctl_files);
	INIT_LIST_HEAD(&ud->pins);
	INIT_LIST_HEAD(&ud->mapped_inodes);

	ret = pci_enable_device(pdev);
	if (ret) {
		pci_err(pdev, "cannot enable device (%d)\n", ret);
		goto err_free;
	}
	/* A previous driver may have left bus mastering on. */
	pci_clear_master(pdev);
	/* pci_reset_supported() is private to drivers/pci. */
	ud->resettable = pdev->reset_methods[0] != 0;
	/* Unknown state: reset (if it can be) at its first open. */
	ud->not_reset = true;
	if (!ud->resettable)
		pci_info(pdev, "cannot be reset (no FLR, PM or bus reset): each holder stops it before turning bus mastering on\n");

	ret = pci_request_regions(pdev, UIO_DMA_NAME);
	if (ret) {
		pci_err(pdev, "cannot claim BARs: another driver holds them (%d)\n",
			ret);
		goto err_disable;
	}

	uio_dma_setup_bars(ud);
	ret = uio_dma_irq_alloc(ud);
	if (ret)
		goto err_bars;

	ud->info.name = UIO_DMA_NAME;
	ud->info.version = UIO_DMA_VERSION;
	ud->info.priv = ud;
	ud->info.irq = ud->nvec ? UIO_IRQ_CUSTOM : UIO_IRQ_NONE;
	ud->info.open = uio_dma_open;
	ud->info.release = uio_dma_release;
	ud->info.irqcontrol = uio_dma_irqcontrol;
	ud->info.mmap = uio_dma_uio_mmap;
	pci_set_drvdata(pdev, ud);

	/*
	 * Handlers go in before /dev/uioN appears, so its first opener finds
	 * every vector; until the UIO device exists they notify only eventfds
	 * (none can fire anyway: INTx is disabled, MSI needs bus mastering).
	 */
	mutex_lock(&ud->lock);
	ret = uio_dma_irq_request(ud);
	mutex_unlock(&ud->lock);
	if (ret) {
		pci_err(pdev, "cannot request interrupts (%d)\n", ret);
		goto err_irq;
	}
	ret = uio_register_device(&pdev->dev, &ud->info);
	if (ret) {
		pci_err(pdev, "cannot register UIO device (%d)\n", ret);
		goto err_irq;
	}
	smp_store_release(&ud->uio_ready, true);
	ret = uio_dma_ctl_register(ud);
	if (ret) {
		pci_err(pdev, "cannot create control device /dev/%s (%d)\n",
			ud->misc_node, ret);
		goto err_unregister;
	}

	pci_info(pdev, "bound: interrupts %s, %u vector(s), %s; the process holding this device can DMA to any physical memory\n",
		 uio_dma_intr_mode_name(ud->mode), ud->nvec,
		 ud->resettable ? "reset at each release" : "cannot be reset");
	return 0;

err_unregister:
	uio_dma_remove_binding(ud);
	uio_unregister_device(&ud->info);
	goto err_bars;
err_irq:
	mutex_lock(&ud->lock);
	uio_dma_irq_free(ud);
	mutex_unlock(&ud->lock);
err_bars:
	uio_dma_teardown_bars(ud);
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_free:
	pci_set_drvdata(pdev, NULL);
	uio_dma_put(ud);
	return ret;
}

static void uio_dma_free(struct kref *ref)
{
	struct uio_dma_dev *ud = container_of(ref, struct uio_dma_dev, ref);

	pci_dev_put(ud->pdev);
	kfree(ud);
}

void uio_dma_put(struct uio_dma_dev *ud)
{
	kref_put(&ud->ref, uio_dma_free);
}

/*
 * Cut every path from userspace to the device, in this order: mappings
 * (an access now gets SIGBUS), DMA and interrupts (masked, bus mastering
 * off; no reset, see below), eventfds (signalled once so waiters wake),
 * vectors; then the pins, which nothing can DMA into any more.  Open
 * control files keep @ud alive, but every ioctl now fails with ENODEV.
 * Called with the device lock held (probe's error path or remove).
 */
static void uio_dma_remove_binding(struct uio_dma_dev *ud)
{
	LIST_HEAD(unpin);

	mutex_lock(&ud->lock);
	ud->removing = true;
	uio_dma_revoke_mappings(ud);
	/*
	 * Stop, but do not reset: a slot reset from inside a hot-unplug
	 * (pciehp holds its reset_lock while it removes the device) would
	 * deadlock, and the device is leaving us anyway.
	 */
	uio_dma_stop(ud);
	uio_dma_ctl_detach(ud);
	uio_dma_irq_free(ud);
	uio_dma_pins_take(ud, &unpin, true);
	mutex_unlock(&ud->lock);
	uio_dma_pins_free(&unpin);
}

static void uio_dma_remove(struct pci_dev *pdev)
{
	struct uio_dma_dev *ud = pci_get_drvdata(pdev);

	/*
	 * After uio_unregister_device() the UIO core makes read/poll/write
	 * fail and calls none of our callbacks; the handlers are gone by then.
	 */
	uio_dma_remove_binding(ud);
	uio_dma_ctl_unregister(ud);
	uio_unregister_device(&ud->info);
	uio_dma_teardown_bars(ud);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
	uio_dma_put(ud);
}

/*
 * Any function reset (ours, a sysfs "reset", AER recovery) restores the
 * command register saved before it: one that raced a last close would
 * turn bus mastering back on with nobody holding the device.  Called with
 * the device lock held, and from our own reset under ud->lock, so it takes
 * no lock of ours.
 */
static void uio_dma_reset_done(struct pci_dev *pdev)
{
	struct uio_dma_dev *ud = pci_get_drvdata(pdev);

	if (ud && !READ_ONCE(ud->bm_wanted))
		pci_clear_master(pdev);
}

static const struct pci_error_handlers uio_dma_err_handlers = {
	.reset_done = uio_dma_reset_done,
};

static struct pci_driver uio_dma_driver = {
	.name = UIO_DMA_NAME,
	.id_table = NULL,
	.probe = uio_dma_probe,
	.remove = uio_dma_remove,
	.dev_groups = uio_dma_groups,
	.err_handler = &uio_dma_err_handlers,
};
module_pci_driver(uio_dma_driver);

MODULE_VERSION(UIO_DMA_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("UIO PCI driver for userspace DMA without an IOMMU");
MODULE_SOFTDEP("pre: uio");
