/* SPDX-License-Identifier: MIT */
/*
 * Device pins (dma_pins.c): published PA-mode pages pinned through every
 * uio_dma device the process holds, so none goes back to the kernel while
 * a device can still DMA into it.  Private to libuiodma.  Thread-safe.
 */
#ifndef UIODMA_DMA_PINS_H
#define UIODMA_DMA_PINS_H

#include <stdint.h>

struct ud_mem;

/*
 * A page of @m at physical address @pa, mapped at @va (its place for
 * good), is about to be published: pin it through each device this
 * process holds (not those a forked child inherited; an unbound one is
 * skipped from then on: the module dropped its pins, and it cannot DMA).
 * Where @m's source gives physical addresses, the module's address must
 * be @pa (EIO otherwise: the page moved).  Nothing to do outside PA mode.
 * 0, or -1 with the error (nothing left pinned).
 */
int ud_dma_pins_page_add(const struct ud_mem *m, uint64_t pa, char *va);
/* The page at @pa was unpublished and is about to be given back while
 * this process lives (it let go of it: zone freed, region closed): unpin
 * it on each device this process holds. */
void ud_dma_pins_page_remove(const struct ud_mem *m, uint64_t pa);

/*
 * The process now holds the uio_dma device @addr, whose control file is
 * @ctl_fd (open until ud_dma_pins_dev_remove()): pin every published page
 * through it, and each later one.  0, or -1 with the error (none pinned).
 */
int ud_dma_pins_dev_add(int ctl_fd, const char *addr);
/* Before @ctl_fd is closed: forget its pins; the module drops them once
 * the device is quiet (at once if nobody holds it). */
void ud_dma_pins_dev_remove(int ctl_fd);

#endif /* UIODMA_DMA_PINS_H */
