// SPDX-License-Identifier: GPL-2.0
/*
 * uio_dma - interrupt vectors: mode selection, handlers, masking.
 *
 * A device gets one of four modes: MSI-X (every vector the table offers, up
 * to max_vectors), MSI (up to 32 vectors), legacy INTx (one vector, masked
 * with the PCI command register's Interrupt Disable bit) or none.
 *
 * Vector 0 (or the only vector) feeds the UIO event counter, so read(),
 * poll() and irqcontrol on /dev/uioN work as with any UIO driver.
 *
 * Locking: every function here except the handlers runs in process context
 * with ud->lock held.  The handlers take no locks of ours.
 */
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "uio_dma.h"

static const char *const mode_names[] = {
	[UIO_DMA_INTR_AUTO] = "auto",
	[UIO_DMA_INTR_MSIX] = "msix",
	[UIO_DMA_INTR_MSI] = "msi",
	[UIO_DMA_INTR_LEGACY] = "legacy",
	[UIO_DMA_INTR_NONE] = "none",
};

const char *uio_dma_intr_mode_name(enum uio_dma_intr_mode mode)
{
	return mode_names[mode];
}

int uio_dma_intr_mode_parse(const char *s, enum uio_dma_intr_mode *mode)
{
	int i = sysfs_match_string(mode_names, s);

	if (i < 0)
		return -EINVAL;
	*mode = i;
	return 0;
}

static void uio_dma_vec_notify(struct uio_dma_vec *vec)
{
	struct eventfd_ctx *trigger = READ_ONCE(vec->trigger);

	/* The UIO device may not exist yet while probe runs. */
	if (vec->index == 0 && smp_load_acquire(&vec->ud->uio_ready))
		uio_event_notify(&vec->ud->info);
	if (trigger)
		uio_dma_eventfd_signal(trigger);
}

static irqreturn_t uio_dma_intx_handler(int irq, void *arg)
{
	struct uio_dma_vec *vec = arg;

	/* Shared line: not ours unless our device asserts it. */
	if (!pci_check_and_mask_intx(vec->ud->pdev))
		return IRQ_NONE;
	uio_dma_vec_notify(vec);
	return IRQ_HANDLED;
}

static irqreturn_t uio_dma_msi_handler(int irq, void *arg)
{
	uio_dma_vec_notify(arg);
	return IRQ_HANDLED;
}

static int uio_dma_try_msix(struct uio_dma_dev *ud)
{
	int n = pci_msix_vec_count(ud->pdev);

	if (n <= 0)
		return -ENODEV;
	n = min_t(int, n, uio_dma_max_vectors);
	return pci_alloc_irq_vectors(ud->pdev, 1, n, PCI_IRQ_MSIX);
}

static int uio_dma_try_msi(struct uio_dma_dev *ud)
{
	int n = pci_msi_vec_count(ud->pdev);

	if (n <= 0)
		return -ENODEV;
	n = min_t(int, n, 32);
	return pci_alloc_irq_vectors(ud->pdev, 1, n, PCI_IRQ_MSI);
}

static int uio_dma_try_legacy(struct uio_dma_dev *ud)
{
	struct pci_dev *pdev = ud->pdev;

	if (!pdev->irq || !pdev->pin) {
		pci_info(pdev, "no INTx line assigned\n");
		return -ENODEV;
	}
	if (!pci_intx_mask_supported(pdev)) {
		pci_warn(pdev, "INTx masking does not work on this device; an INTx interrupt could not be masked until userspace handles it\n");
		return -ENODEV;
	}
	return 1;
}

static int uio_dma_try_mode(struct uio_dma_dev *ud, enum uio_dma_intr_mode mode)
{
	switch (mode) {
	case UIO_DMA_INTR_MSIX:
		return uio_dma_try_msix(ud);
	case UIO_DMA_INTR_MSI:
		return uio_dma_try_msi(ud);
	case UIO_DMA_INTR_LEGACY:
		return uio_dma_try_legacy(ud);
	default:
		return -EINVAL;
	}
}

/*
 * Choose the interrupt mode and allocate vectors; nothing is requested yet.
 * A device that cannot have the requested mode binds with interrupts off
 * and says why.
 */
int uio_dma_irq_alloc(struct uio_dma_dev *ud)
{
	static const enum uio_dma_intr_mode auto_order[] = {
		UIO_DMA_INTR_MSIX, UIO_DMA_INTR_MSI, UIO_DMA_INTR_LEGACY,
	};
	enum uio_dma_intr_mode want = uio_dma_intr_mode_param;
	unsigned int i;
	int n = -ENODEV;

	ud->mode = UIO_DMA_INTR_NONE;
	ud->nvec = 0;
	if (want == UIO_DMA_INTR_NONE)
		return 0;

	if (want == UIO_DMA_INTR_AUTO) {
		for (i = 0; i < ARRAY_SIZE(auto_order) && n <= 0; i++) {
			want = auto_order[i];
			n = uio_dma_try_mode(ud, want);
		}
	} else {
		n = uio_dma_try_mode(ud, want);
	}
	if (n <= 0) {
		pci_warn(ud->pdev, "interrupts off: intr_mode=%s is not available on this device (%d)\n",
			 uio_dma_intr_mode_name(uio_dma_intr_mode_param), n);
		return 0;
	}

	ud->vecs = kcalloc(n, sizeof(*ud->vecs), GFP_KERNEL);
	if (!ud->vecs) {
		if (want != UIO_DMA_INTR_LEGACY)
			pci_free_irq_vectors(ud->pdev);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct uio_dma_vec *vec = &ud->vecs[i];

		vec->ud = ud;
		vec->index = i;
		vec->irq = want == UIO_DMA_INTR_LEGACY ? ud->pdev->irq :
			   pci_irq_vector(ud->pdev, i);
		snprintf(vec->name, sizeof(vec->name), "uio_dma[%s]:%u",
			 pci_name(ud->pdev), i);
	}
	ud->mode = want;
	ud->nvec = n;
	return 0;
}

/*
 * Install the handlers.  INTx starts masked (Interrupt Disable set) and MSI
 * cannot fire while bus mastering is off, so nothing is delivered before the
 * first open.
 */
int uio_dma_irq_request(struct uio_dma_dev *ud)
{
	unsigned int i;
	int ret;

	if (ud->mode == UIO_DMA_INTR_LEGACY) {
		pci_intx(ud->pdev, 0);
		ud->vecs[0].masked = true;
		ret = request_irq(ud->vecs[0].irq, uio_dma_intx_handler,
				  IRQF_SHARED, ud->vecs[0].name, &ud->vecs[0]);
		if (ret)
			return ret;
		ud->vecs[0].requested = true;
		return 0;
	}

	for (i = 0; i < ud->nvec; i++) {
		struct uio_dma_vec *vec = &ud->vecs[i];

		ret = request_irq(vec->irq, uio_dma_msi_handler, 0, vec->name,
				  vec);
		if (ret)
			return ret;
		vec->requested = true;
	}
	return 0;
}

/* Free handlers and vectors; safe on a partly set up device. */
void uio_dma_irq_free(struct uio_dma_dev *ud)
{
	unsigned int i;

	if (ud->mode == UIO_DMA_INTR_LEGACY)
		pci_intx(ud->pdev, 0);
	for (i = 0; i < ud->nvec; i++) {
		struct uio_dma_vec *vec = &ud->vecs[i];

		if (!vec->requested)
			continue;
		if (ud->mode != UIO_DMA_INTR_LEGACY && vec->masked)
			enable_irq(vec->irq);	/* balance disable_irq() */
		free_irq(vec->irq, vec);
		vec->requested = false;
	}
	if (ud->mode == UIO_DMA_INTR_MSI || ud->mode == UIO_DMA_INTR_MSIX)
		pci_free_irq_vectors(ud->pdev);
	kfree(ud->vecs);
	ud->vecs = NULL;
	ud->nvec = 0;
	ud->mode = UIO_DMA_INTR_NONE;
}

/*
 * Mask or unmask one vector for the process.  Unmasking INTx while the
 * device still asserts it leaves it masked and counts a new event, so an
 * interrupt that arrived while masked is never lost.
 */
int uio_dma_irq_set_masked(struct uio_dma_dev *ud, unsigned int index,
			   bool masked)
{
	struct uio_dma_vec *vec;

	lockdep_assert_held(&ud->lock);
	if (index >= ud->nvec)
		return -EINVAL;
	vec = &ud->vecs[index];
	if (!vec->requested)
		return -EIO;

	if (ud->mode == UIO_DMA_INTR_LEGACY) {
		if (masked)
			pci_intx(ud->pdev, 0);
		else if (!pci_check_and_unmask_intx(ud->pdev))
			uio_dma_vec_notify(vec);
		vec->masked = masked;
		return 0;
	}

	if (masked && !vec->masked)
		disable_irq(vec->irq);
	else if (!masked && vec->masked)
		enable_irq(vec->irq);
	vec->masked = masked;
	return 0;
}

/* First open: every vector starts unmasked. */
void uio_dma_irq_start(struct uio_dma_dev *ud)
{
	unsigned int i;

	for (i = 0; i < ud->nvec; i++)
		uio_dma_irq_set_masked(ud, i, false);
}

/* Last close: mask every vector so nothing fires for a process that left. */
void uio_dma_irq_stop(struct uio_dma_dev *ud)
{
	unsigned int i;

	for (i = 0; i < ud->nvec; i++)
		uio_dma_irq_set_masked(ud, i, true);
}
