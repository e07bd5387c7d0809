// SPDX-License-Identifier: MIT
/*
 * The uio_dma pin source: physical addresses from the kernel module.
 *
 * Each hugepage is pinned through UIO_DMA_IOC_PIN on a uio_dma control
 * device: pin_user_pages(FOLL_LONGTERM) keeps it from migrating for as long
 * as it is pinned, and the module reports its bus address, so the process
 * needs no CAP_SYS_ADMIN and the address cannot go stale.  Pages are pinned
 * one by one so each can be given back alone; the pin handles are kept in
 * a small open-addressing table keyed by physical address.  Closing the
 * control fd (or the process dying) gives every pin back, once the device
 * can no longer DMA into it (uio_dma keeps it until the device's holder
 * lets go).  Pins count against RLIMIT_MEMLOCK.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uiodma/mem.h>
#include <uiodma/module.h>
#include "dev_ctl.h"
#include "internal.h"
#include "mem_internal.h"
#include "pa_table.h"

struct kpin {
	int fd;
	pthread_mutex_t lock;
	struct ud_pa_table pins;	/* page address -> pin handle */
};

static int kpin_resolve(void *ctx, void *va, size_t page_size, size_t n,
			uint64_t *pa)
{
	struct kpin *k = ctx;
	size_t i;

	pthread_mutex_lock(&k->lock);
	for (i = 0; i < n; i++) {
		uint64_t h;

		if (ud_ctl_pin(k->fd, "uio_dma pin source",
			       (uintptr_t)va + i * page_size, page_size, &pa[i], &h))
			break;
		if (ud_pa_table_put(&k->pins, pa[i], h)) {
			ud_ctl_unpin(k->fd, h);
			break;
		}
	}
	if (i < n) {
		/* Give back what this call pinned. */
		while (i--) {
			uint64_t h;

			if (ud_pa_table_take(&k->pins, pa[i], &h))
				ud_ctl_unpin(k->fd, h);
		}
		pthread_mutex_unlock(&k->lock);
		return -1;
	}
	pthread_mutex_unlock(&k->lock);
	return 0;
}

static void kpin_release(void *ctx, void *va, uint64_t pa, size_t page_size)
{
	struct kpin *k = ctx;
	uint64_t h;

	(void)va;
	(void)page_size;
	pthread_mutex_lock(&k->lock);
	if (ud_pa_table_take(&k->pins, pa, &h))
		ud_ctl_unpin(k->fd, h);
	pthread_mutex_unlock(&k->lock);
}

static void kpin_close(void *ctx)
{
	struct kpin *k = ctx;

	close(k->fd);		/* the module drops every remaining pin */
	pthread_mutex_destroy(&k->lock);
	ud_pa_table_free(&k->pins);
	free(k);
}

/* The first control device under /dev/uio_dma, for a NULL path. */
static int first_ctl(char *path, size_t len)
{
	char fix[768];
	struct dirent *de;
	DIR *d = opendir("/dev/uio_dma");

	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, len, "/dev/uio_dma/%s", de->d_name);
			closedir(d);
			return 0;
		}
		closedir(d);
	}
	if (ud_module_state("uio_dma", fix, sizeof(fix)) == UD_MODULE_LOADED)
		return ud_fail(ENODEV, "no uio_dma control device in /dev/uio_dma: bind a device to uio_dma (uiodma bind BDF; uiodma status lists the devices)");
	return ud_fail(ENODEV, "no uio_dma control device in /dev/uio_dma: %s; then bind a device to it (uiodma bind BDF)",
		       fix);
}

bool ud_pa_source_is_kpin(const struct ud_pa_source *s)
{
	return s->resolve == kpin_resolve;
}

UD_EXPORT int ud_pa_source_kpin(struct ud_pa_source *out, const char *ctl_path)
{
	struct kpin *k;
	char path[300];
	int fd;

	if (!ctl_path) {
		if (first_ctl(path, sizeof(path)))
			return -1;
		ctl_path = path;
	}
	fd = ud_ctl_open_path(ctl_path);
	if (fd < 0)
		return -1;
	k = calloc(1, sizeof(*k));
	if (!k) {
		close(fd);
		return ud_fail(ENOMEM, "out of memory");
	}
	k->fd = fd;
	pthread_mutex_init(&k->lock, NULL);
	*out = (struct ud_pa_source){
		.name = "uio_dma pin",
		.resolve = kpin_resolve,
		.release = kpin_release,
		.close = kpin_close,
		.ctx = k,
	};
	return 0;
}
