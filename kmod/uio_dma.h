/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uio_dma - internal definitions shared by the module's source files.
 */
#ifndef UIO_DMA_H
#define UIO_DMA_H

#include <linux/eventfd.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/uio_driver.h>
#include <linux/wait.h>

#include <uiodma/uio_dma_ioctl.h>

#include "compat_probe.h"

#define UIO_DMA_NAME "uio_dma"

enum uio_dma_intr_mode {
	UIO_DMA_INTR_AUTO,	/* module parameter only: try MSI-X, MSI, INTx */
	UIO_DMA_INTR_MSIX,
	UIO_DMA_INTR_MSI,
	UIO_DMA_INTR_LEGACY,
	UIO_DMA_INTR_NONE,
};

struct uio_dma_dev;
struct uio_dma_ctl_file;

/* One interrupt vector: the INTx line, or one MSI/MSI-X vector. */
struct uio_dma_vec {
	struct uio_dma_dev *ud;
	unsigned int index;		/* 0..nvec-1 */
	int irq;			/* Linux IRQ number */
	bool requested;			/* request_irq() succeeded */
	bool masked;			/* masked by the process (irqcontrol) */
	char name[32];
	/* eventfd signalled on each interrupt; read locklessly by the handler */
	struct eventfd_ctx *trigger;
	struct uio_dma_ctl_file *trigger_owner;
};

/* A PCI device bound to uio_dma. */
struct uio_dma_dev {
	struct pci_dev *pdev;
	struct uio_info info;
	struct kref ref;		/* the binding + each open control file */

	/* Serialises open/release, masking and teardown. */
	struct mutex lock;
	unsigned int open_count;	/* open file handles on /dev/uioN */
	bool removing;

	enum uio_dma_intr_mode mode;	/* never AUTO once bound */
	unsigned int nvec;		/* 0 when interrupts are off */
	struct uio_dma_vec *vecs;

	/* control device, /dev/uio_dma/<PCI address> (ctl.c) */
	struct miscdevice misc;
	char misc_name[48];
	char misc_node[48];
	wait_queue_head_t ctl_wait;	/* woken on unbind */
	struct list_head ctl_files;	/* open control files, under lock */
};

/* An open control device file. */
struct uio_dma_ctl_file {
	struct uio_dma_dev *ud;
	struct file *file;
	struct list_head node;		/* in ud->ctl_files */
	struct mutex pin_lock;		/* protects pins, next_handle */
	struct list_head pins;
	u64 next_handle;
};

static inline void uio_dma_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef UIO_DMA_HAVE_EVENTFD_SIGNAL_1ARG
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* main.c */
void uio_dma_put(struct uio_dma_dev *ud);

/* ctl.c */
int uio_dma_ctl_register(struct uio_dma_dev *ud);
void uio_dma_ctl_detach(struct uio_dma_dev *ud);
void uio_dma_ctl_unregister(struct uio_dma_dev *ud);

/* pin.c */
long uio_dma_pin(struct uio_dma_ctl_file *cf, void __user *argp);
long uio_dma_unpin(struct uio_dma_ctl_file *cf, void __user *argp);
void uio_dma_unpin_all(struct uio_dma_ctl_file *cf);

/* safety.c */
int uio_dma_check_dma_allowed(struct pci_dev *pdev);

/* bars.c */
void uio_dma_setup_bars(struct uio_dma_dev *ud);

/* irq.c */
extern enum uio_dma_intr_mode uio_dma_intr_mode_param;
extern unsigned int uio_dma_max_vectors;
const char *uio_dma_intr_mode_name(enum uio_dma_intr_mode mode);
int uio_dma_intr_mode_parse(const char *s, enum uio_dma_intr_mode *mode);
int uio_dma_irq_alloc(struct uio_dma_dev *ud);
int uio_dma_irq_request(struct uio_dma_dev *ud);
void uio_dma_irq_free(struct uio_dma_dev *ud);
int uio_dma_irq_set_masked(struct uio_dma_dev *ud, unsigned int index,
			   bool masked);
void uio_dma_irq_start(struct uio_dma_dev *ud);
void uio_dma_irq_stop(struct uio_dma_dev *ud);

#endif /* UIO_DMA_H */
