/* SPDX-License-Identifier: MIT */
/*
 * libuiodma - drive a PCI device with DMA from userspace (uio_dma or vfio-pci).
 *
 * This is the one header an application includes.  Each area of the API
 * lives in its own header under uiodma/, all included from here:
 *
 *   uiodma/version.h UIODMA_VERSION_MAJOR/MINOR/PATCH, ud_version()
 *   uiodma/error.h  errors: every call sets errno and a message naming the
 *                   cause and the fix (ud_errmsg())
 *   uiodma/barrier.h memory and MMIO barriers, register accessors
 *   uiodma/mem.h    hugepage memory in IOVA-as-PA mode, zones
 *   uiodma/ring.h   lock-free rings of pointers
 *   uiodma/pool.h   DMA buffer pools
 *   uiodma/desc.h   device descriptor rings and barriers
 *   uiodma/dev.h    PCI device open/bind, BARs, config space
 *   uiodma/irq.h    interrupts, one pollable fd per vector
 *   uiodma/module.h kernel modules: loaded, installed or neither, and
 *                   what to do (ud_module_state())
 *   uiodma/uio_dma_ioctl.h  the kernel module's ABI (included by the
 *                   library's sources; drivers need not)
 *
 * A missing header is an install error, not a smaller API: each is
 * included unconditionally.  Link with -luiodma, or take the flags from
 * pkg-config: pkg-config --cflags --libs uiodma (--static for libuiodma.a).
 * The headers compile as C11 (strict or GNU) and as C++17.
 */
#ifndef UIODMA_H
#define UIODMA_H

#include <uiodma/version.h>
#include <uiodma/error.h>
#include <uiodma/barrier.h>
#include <uiodma/mem.h>
#include <uiodma/ring.h>
#include <uiodma/pool.h>
#include <uiodma/desc.h>
#include <uiodma/dev.h>
#include <uiodma/irq.h>
#include <uiodma/module.h>

#endif /* UIODMA_H */
