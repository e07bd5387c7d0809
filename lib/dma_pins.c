// SPDX-License-Identifier: MIT
/*
 * Device pins: memory the process's devices on uio_dma can be given stays
 * pinned through each of those devices, whatever source gave its physical
 * addresses.
 *
 * Why.  The default source (pagemap) pins nothing.  When a process dies
 * the kernel unmaps its memory first (exit_mm) and closes its files after
 * (exit_files, in fd order), so the memfd's last reference, and with it
 * the hugepages, can go back to the kernel's pool before /dev/uioN's close
 * turns bus mastering off; and a holder the process forked keeps
 * /dev/uioN open, the device running, for as long as it lives.  uio_dma
 * keeps a pin made through a device's control file until no process can
 * make that device DMA any more (include/uiodma/uio_dma_ioctl.h).  So
 * every published page of every PA-mode region is pinned through every
 * uio_dma device the process holds: at ud_dev_open() the pages published
 * so far, later each page as it is published.  A page is unpinned when the
 * library gives it back (the process is alive: it let go of that memory);
 * a closed device's pins are left to the module, which drops them once
 * that device is quiet.
 *
 * Cost: one UIO_DMA_IOC_PIN per page and device, each charged to
 * RLIMIT_MEMLOCK, at the slow moments (opening a device, mapping a page).
 *
 * Lock order: a region's lock, then P.lock; nothing is taken under P.lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <uiodma/dev.h>

#include "dev_ctl.h"
#include "dma_pins.h"
#include "internal.h"
#include "mem_internal.h"
#include "pa_table.h"

struct pin_dev {
	int ctl_fd;			/* the device's control file (not ours) */
	int owner;			/* pid that opened it: a forked child
					 * shares the file, not the pins */
	bool gone;			/* unbound: no pins, none needed */
	char addr[UD_PCI_ADDR_STRLEN];
	struct ud_pa_table pins;	/* page address -> pin handle */
	struct pin_dev *next;
};

static struct {
	pthread_mutex_t lock;
	/* published PA-mode pages: address -> virtual address | log2(size)
	 * | PAGE_PA_REAL (pages are at least 2 MiB aligned, so the low bits
	 * are free) */
	struct ud_pa_table pages;
	struct pin_dev *devs;
} P = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define PAGE_SHIFT_MASK 63ull
#define PAGE_PA_REAL    64ull	/* the region's source gives physical
				 * addresses: the module's must agree */

/* Pins of @d are this process's to make and drop (not a forked child's). */
static bool mine(const struct pin_dev *d)
{
	return d->owner == (int)getpid() && !d->gone;
}

static int pin(struct pin_dev *d, uint64_t pa, uint64_t va, size_t size,
	       bool pa_real)
{
	uint64_t got = 0, h;

	if (ud_ctl_pin(d->ctl_fd, d->addr, va, size, &got, &h))
		return -1;
	if (pa_real && got != pa) {
		ud_ctl_unpin(d->ctl_fd, h);
		return ud_fail(EIO, "%s: the page at %#" PRIx64 " is at "
			       "physical address %#" PRIx64 " now, but it was "
			       "at %#" PRIx64 " when the library mapped it and "
			       "handed that address out: the kernel moved it "
			       "(compaction or memory offlining: a page is "
			       "pinned only while a uio_dma device is held); "
			       "open the device before the memory, or give the "
			       "region the uio_dma pin source "
			       "(ud_pa_source_kpin()), whose pages never move",
			       d->addr, va, got, pa);
	}
	if (ud_pa_table_put(&d->pins, pa, h)) {
		ud_ctl_unpin(d->ctl_fd, h);
		return -1;
	}
	return 0;
}

static void unpin(struct pin_dev *d, uint64_t pa)
{
	uint64_t h;

	if (ud_pa_table_take(&d->pins, pa, &h))
		ud_ctl_unpin(d->ctl_fd, h);
}

int ud_dma_pins_page_add(const struct ud_mem *m, uint64_t pa, char *va)
{
	struct pin_dev *d;
	int rc = -1;

	if (m->iova_mode != UD_IOVA_MODE_PA)
		return 0;
	pthread_mutex_lock(&P.lock);
	for (d = P.devs; d; d = d->next) {
		if (!mine(d))
			continue;
		if (pin(d, pa, (uintptr_t)va, m->pgsz, m->pa_real) == 0)
			continue;
		if (errno != ENODEV)
			break;
		d->gone = true;	/* unbound: the module dropped its pins */
	}
	if (!d && ud_pa_table_put(&P.pages, pa, (uintptr_t)va | m->pgshift |
				  (m->pa_real ? PAGE_PA_REAL : 0)) == 0)
		rc = 0;
	if (rc)		/* undo on the devices before the one that failed */
		for (struct pin_dev *u = P.devs; u != d; u = u->next)
			if (mine(u))
				unpin(u, pa);
	pthread_mutex_unlock(&P.lock);
	return rc;
}

void ud_dma_pins_page_remove(const struct ud_mem *m, uint64_t pa)
{
	uint64_t v;

	if (m->iova_mode != UD_IOVA_MODE_PA)
		return;
	pthread_mutex_lock(&P.lock);
	if (ud_pa_table_take(&P.pages, pa, &v))
		for (struct pin_dev *d = P.devs; d; d = d->next)
			if (mine(d))
				unpin(d, pa);
	pthread_mutex_unlock(&P.lock);
}

int ud_dma_pins_dev_add(int ctl_fd, const char *addr)
{
	struct pin_dev *d = calloc(1, sizeof(*d));
	size_t i;

	if (!d)
		return ud_fail(ENOMEM, "out of memory");
	d->ctl_fd = ctl_fd;
	d->owner = (int)getpid();
	snprintf(d->addr, sizeof(d->addr), "%s", addr);
	pthread_mutex_lock(&P.lock);
	for (i = 0; i < P.pages.cap; i++) {
		uint64_t v = P.pages.val[i];

		if (ud_pa_table_live(&P.pages, i) &&
		    pin(d, P.pages.pa[i], v & ~(PAGE_SHIFT_MASK | PAGE_PA_REAL),
			(size_t)1 << (v & PAGE_SHIFT_MASK), v & PAGE_PA_REAL))
			break;
	}
	if (i < P.pages.cap) {
		/* the device is not used yet: its pins can go at once */
		for (size_t j = 0; j < d->pins.cap; j++)
			if (ud_pa_table_live(&d->pins, j))
				ud_ctl_unpin(ctl_fd, d->pins.val[j]);
		pthread_mutex_unlock(&P.lock);
		ud_pa_table_free(&d->pins);
		free(d);
		return -1;
	}
	d->next = P.devs;
	P.devs = d;
	pthread_mutex_unlock(&P.lock);
	return 0;
}

void ud_dma_pins_dev_remove(int ctl_fd)
{
	struct pin_dev **pp, *d = NULL;

	pthread_mutex_lock(&P.lock);
	for (pp = &P.devs; *pp; pp = &(*pp)->next)
		if ((*pp)->ctl_fd == ctl_fd) {
			d = *pp;
			*pp = d->next;
			break;
		}
	pthread_mutex_unlock(&P.lock);
	if (d) {
		ud_pa_table_free(&d->pins);
		free(d);
	}
}
