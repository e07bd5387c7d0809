/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uio_dma - internal definitions shared by the module's source files.
 */
#ifndef UIO_DMA_H
#define UIO_DMA_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/uio_driver.h>

#define UIO_DMA_NAME "uio_dma"

enum uio_dma_intr_mode {
	UIO_DMA_INTR_AUTO,	/* module parameter only: try MSI-X, MSI, INTx */
	UIO_DMA_INTR_MSIX,
	UIO_DMA_INTR_MSI,
	UIO_DMA_INTR_LEGACY,
	UIO_DMA_INTR_NONE,
};

struct uio_dma_dev;

/* One interrupt vector: the INTx line, or one MSI/MSI-X vector. */
struct uio_dma_vec {
	struct uio_dma_dev *ud;
	unsigned int index;		/* 0..nvec-1 */
	int irq;			/* Linux IRQ number */
	bool requested;			/* request_irq() succeeded */
	bool masked;			/* masked by the process (irqcontrol) */
	char name[32];
};

/* A PCI device bound to uio_dma. */
struct uio_dma_dev {
	struct pci_dev *pdev;
	struct uio_info info;

	/* Serialises open/release, masking and teardown. */
	struct mutex lock;
	unsigned int open_count;	/* open file handles on /dev/uioN */
	bool removing;

	enum uio_dma_intr_mode mode;	/* never AUTO once bound */
	unsigned int nvec;		/* 0 when interrupts are off */
	struct uio_dma_vec *vecs;
};

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
