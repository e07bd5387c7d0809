/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uio_dma - internal definitions shared by the module's source files.
 *
 * Files: main.c (binding, the holder, quiescing), irq.c (vectors), ctl.c
 * (control device and its ioctls), pin.c (pinned memory), bars.c (BAR maps
 * and their revocation), safety.c (refusals).  Module parameters are in
 * main.c.
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

/* UIO_DMA_HAVE_* come from the API probes in Kbuild. */

#define UIO_DMA_NAME "uio_dma"

enum uio_dma_intr_mode {
	UIO_DMA_INTR_AUTO,	/* module parameter only: try MSI-X, MSI, INTx */
	UIO_DMA_INTR_MSIX,
	UIO_DMA_INTR_MSI,
	UIO_DMA_INTR_LEGACY,
	UIO_DMA_INTR_NONE,
};

/*
 * Lock order, outermost first.  No lock of ours is held across a copy to or
 * from user memory, nor while pinning pages (which takes mmap_lock).
 *
 *   device_lock(&pdev->dev)	driver core: probe, remove
 *   mmap_lock			mmap() and page faults of BAR mappings
 *   uio core's info_lock	held by the UIO core around open, release,
 *				mmap and irqcontrol callbacks
 *   ud->lock			everything in struct uio_dma_dev below it
 *
 * So a fault handler may take ud->lock, and code under ud->lock must never
 * take mmap_lock (no copy_{to,from}_user, get_user, pin_user_pages) nor
 * call into the UIO core.  Pins are charged with an atomic counter
 * (mm->pinned_vm), never under mmap_lock.
 */

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

/* How a memory BAR is mapped while bound (x86 PAT: one type per range). */
enum uio_dma_bar_memtype {
	UIO_DMA_BAR_UNMAPPED,
	UIO_DMA_BAR_UC,
	UIO_DMA_BAR_WC,		/* arch_io_reserve_memtype_wc() held */
};

/* A PCI device bound to uio_dma. */
struct uio_dma_dev {
	struct pci_dev *pdev;		/* referenced until the last put */
	struct uio_info info;
	/* the binding, each open control file and each BAR mapping */
	struct kref ref;

	struct mutex lock;
	bool held;			/* /dev/uioN is open (one holder) */
	bool removing;			/* unbound: nothing may reach the device */
	bool uio_ready;			/* handlers may notify the UIO core */
	bool resettable;		/* pci_reset_supported() at probe */
	bool not_reset;			/* may run a previous holder's work */
	bool bm_wanted;			/* the holder turned bus mastering on */
	/*
	 * Bumped at each open (odd: held) and last close (even) of
	 * /dev/uioN: tells a control file of the current holder from one a
	 * previous holder kept.
	 */
	u64 hold_gen;

	enum uio_dma_intr_mode mode;	/* never AUTO once bound */
	unsigned int nvec;		/* 0 when interrupts are off */
	struct uio_dma_vec *vecs;

	/* BAR mappings (bars.c) */
	u8 uio_map_bar[MAX_UIO_MAPS];	/* UIO map index -> BAR number */
	enum uio_dma_bar_memtype bar_memtype[PCI_STD_NUM_BARS];
	struct resource *bar_pad[PCI_STD_NUM_BARS];	/* rest of a sub-page BAR's page */
	struct list_head mapped_inodes;	/* inodes whose mappings reach our BARs */

	/* pinned memory (pin.c): outlives its control file while DMA is possible */
	struct list_head pins;
	u64 next_handle;

	/* control device, /dev/uio_dma/<PCI address> (ctl.c) */
	struct miscdevice misc;
	char misc_name[48];
	char misc_node[48];
	wait_queue_head_t ctl_wait;	/* woken on unbind */
	struct list_head ctl_files;	/* open control files */
};

/* An open control device file. */
struct uio_dma_ctl_file {
	struct uio_dma_dev *ud;
	struct list_head node;		/* in ud->ctl_files */
	u64 hold_gen;			/* ud->hold_gen when opened */
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
int uio_dma_set_bus_master(struct uio_dma_dev *ud, bool on);

/* ctl.c */
int uio_dma_ctl_register(struct uio_dma_dev *ud);
void uio_dma_ctl_detach(struct uio_dma_dev *ud);
void uio_dma_ctl_unregister(struct uio_dma_dev *ud);

/* pin.c */
long uio_dma_pin(struct uio_dma_ctl_file *cf, void __user *argp);
long uio_dma_unpin(struct uio_dma_ctl_file *cf, void __user *argp);
void uio_dma_pins_file_closed(struct uio_dma_ctl_file *cf);
void uio_dma_pins_take(struct uio_dma_dev *ud, struct list_head *out,
		       bool all);
void uio_dma_pins_free(struct list_head *list);

/* safety.c */
int uio_dma_check_dma_allowed(struct pci_dev *pdev);

/* bars.c */
void uio_dma_setup_bars(struct uio_dma_dev *ud);
int uio_dma_bar_mmap(struct uio_dma_dev *ud, struct vm_area_struct *vma,
		     unsigned int bar, u64 in_bar, bool wc);
int uio_dma_uio_mmap(struct uio_info *info, struct vm_area_struct *vma);
void uio_dma_revoke_mappings(struct uio_dma_dev *ud);
void uio_dma_teardown_bars(struct uio_dma_dev *ud);

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
