/* SPDX-License-Identifier: MIT */
/*
 * One IOVA mode per process (lib/mem_iova_mode.c); private.  A held device
 * (@addr; @mo: VA for vfio-pci, PA for uio_dma, igb_uio, uio_pci_generic)
 * or a memory region (@mo, chosen because @why) is counted while it lives;
 * holding one of a mode while the other mode's devices or regions live
 * fails (EINVAL) with a message naming them and the fix.  Thread-safe.
 */
#ifndef UIODMA_IOVA_MODE_H
#define UIODMA_IOVA_MODE_H

#include <uiodma/mem.h>

int ud_iova_dev_hold(const char *addr, enum ud_iova_mode mo);
void ud_iova_dev_release(const char *addr, enum ud_iova_mode mo);
int ud_iova_mem_hold(enum ud_iova_mode mo, const char *why);
void ud_iova_mem_release(enum ud_iova_mode mo);

#endif /* UIODMA_IOVA_MODE_H */
