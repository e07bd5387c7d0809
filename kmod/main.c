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

static int uio_dma_open(struct uio_info *info, struct inode *inode)
{
	struct uio_dma_dev *ud = info->priv;

	/* A device that DMAs to physical addresses can write any memory. */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;

	mutex_lock(&ud->lock);
	if (ud->open_count++ == 0) {
		pci_set_master(ud->pdev);
		uio_dma_irq_start(ud);
	}
	mutex_unlock(&ud->lock);
	return 0;
}

/* Stop the device: no interrupts, no DMA.  Called with ud->lock held. */
static void uio_dma_quiesce(struct uio_dma_dev *ud)
{
	uio_dma_irq_stop(ud);
	pci_clear_master(ud->pdev);
}

static int uio_dma_release(struct uio_info *info, struct inode *inode)
{
	struct uio_dma_dev *ud = info->priv;

	mutex_lock(&ud->lock);
	if (--ud->open_count == 0)
		uio_dma_quiesce(ud);
	mutex_unlock(&ud->lock);
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

static struct attribute *uio_dma_attrs[] = {
	&dev_attr_intr_mode.attr,
	&dev_attr_intr_vectors.attr,
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
	ud->pdev = pdev;
	kref_init(&ud->ref);
	mutex_init(&ud->lock);
	init_waitqueue_head(&ud->ctl_wait);
	INIT_LIST_HEAD(&ud->ctl_files);

	ret = pci_enable_device(pdev);
	if (ret) {
		pci_err(pdev, "cannot enable device (%d)\n", ret);
		goto err_free;
	}
	/* A previous driver may have left bus mastering on. */
	pci_clear_master(pdev);

	ret = pci_request_regions(pdev, UIO_DMA_NAME);
	if (ret) {
		pci_err(pdev, "cannot claim BARs: another driver holds them (%d)\n",
			ret);
		goto err_disable;
	}

	uio_dma_setup_bars(ud);
	ret = uio_dma_irq_alloc(ud);
	if (ret)
		goto err_regions;

	ud->info.name = UIO_DMA_NAME;
	ud->info.version = UIO_DMA_VERSION;
	ud->info.priv = ud;
	ud->info.irq = ud->nvec ? UIO_IRQ_CUSTOM : UIO_IRQ_NONE;
	ud->info.open = uio_dma_open;
	ud->info.release = uio_dma_release;
	ud->info.irqcontrol = uio_dma_irqcontrol;
	pci_set_drvdata(pdev, ud);

	ret = uio_register_device(&pdev->dev, &ud->info);
	if (ret) {
		pci_err(pdev, "cannot register UIO device (%d)\n", ret);
		goto err_irq;
	}

	/* Handlers go in once the UIO device they notify exists. */
	mutex_lock(&ud->lock);
	ret = uio_dma_irq_request(ud);
	mutex_unlock(&ud->lock);
	if (ret) {
		pci_err(pdev, "cannot request interrupts (%d)\n", ret);
		goto err_unregister;
	}
	ret = uio_dma_ctl_register(ud);
	if (ret) {
		pci_err(pdev, "cannot create control device /dev/%s (%d)\n",
			ud->misc_node, ret);
		goto err_unregister;
	}

	pci_info(pdev, "bound: interrupts %s, %u vector(s); the process holding this device can DMA to any physical memory\n",
		 uio_dma_intr_mode_name(ud->mode), ud->nvec);
	return 0;

err_unregister:
	mutex_lock(&ud->lock);
	uio_dma_irq_free(ud);
	mutex_unlock(&ud->lock);
	uio_unregister_device(&ud->info);
	goto err_regions;
err_irq:
	uio_dma_irq_free(ud);
err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_free:
	pci_set_drvdata(pdev, NULL);
	kfree(ud);
	return ret;
}

static void uio_dma_free(struct kref *ref)
{
	kfree(container_of(ref, struct uio_dma_dev, ref));
}

void uio_dma_put(struct uio_dma_dev *ud)
{
	kref_put(&ud->ref, uio_dma_free);
}

static void uio_dma_remove(struct pci_dev *pdev)
{
	struct uio_dma_dev *ud = pci_get_drvdata(pdev);

	/*
	 * Handlers go first: they notify the UIO device, which may be freed
	 * once unregistered.  After uio_unregister_device() the UIO core
	 * makes read/poll/write fail and calls none of our callbacks, so a
	 * process still holding the device is stopped here.  Waiters on
	 * eventfds and control fds are woken; open control files keep @ud
	 * alive but every ioctl now fails with ENODEV.
	 */
	mutex_lock(&ud->lock);
	WRITE_ONCE(ud->removing, true);
	if (ud->open_count)
		uio_dma_quiesce(ud);
	uio_dma_ctl_detach(ud);
	uio_dma_irq_free(ud);
	mutex_unlock(&ud->lock);

	uio_dma_ctl_unregister(ud);
	uio_unregister_device(&ud->info);
	pci_clear_master(pdev);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
	uio_dma_put(ud);
}

static struct pci_driver uio_dma_driver = {
	.name = UIO_DMA_NAME,
	.id_table = NULL,
	.probe = uio_dma_probe,
	.remove = uio_dma_remove,
	.dev_groups = uio_dma_groups,
};
module_pci_driver(uio_dma_driver);

MODULE_VERSION(UIO_DMA_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("UIO PCI driver for userspace DMA without an IOMMU");
MODULE_SOFTDEP("pre: uio");
