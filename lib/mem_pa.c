// SPDX-License-Identifier: MIT
/*
 * Physical-address sources.  The library asks a source once per page, when
 * the page is mapped; lookups later never come here.
 *
 *   pagemap  /proc/self/pagemap, fully decoded (needs CAP_SYS_ADMIN)
 *   kpin     the uio_dma module pins pages and reports addresses
 *            (mem_pa_kpin.c)
 *   injected tests and special platforms pass their own struct ud_pa_source
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <uiodma/error.h>
#include "internal.h"
#include "mem_internal.h"

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)
/* No CPU addresses more physical memory than this (x86-64, arm64: 52). */
#define PM_PA_BITS 52
#define PM_PA_LIMIT (1ULL << PM_PA_BITS)

#define CAP_HINT "reading physical addresses from /proc/self/pagemap needs " \
	"CAP_SYS_ADMIN: run as root, grant the capability (setcap "          \
	"cap_sys_admin+ep <program>), or use the uio_dma pin source "        \
	"(ud_pa_source_kpin())"

UD_EXPORT int ud_mem_fail(int err, const char *fmt, ...)
{
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ud_fail(err, "%s", msg);
}

static int pagemap_open(void)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM)
			return ud_fail(e, "cannot open /proc/self/pagemap: %s; "
				       CAP_HINT, strerror(e));
		return ud_fail(e, "cannot open /proc/self/pagemap: %s (is /proc "
			       "mounted?); or use the uio_dma pin source "
			       "(ud_pa_source_kpin())", strerror(e));
	}
	return fd;
}

int ud_pagemap_decode(uint64_t e, uintptr_t va, size_t psz, uint64_t *pa)
{
	uint64_t pfn = e & PM_PFN_MASK;

	if (!(e & PM_PRESENT)) {
		if (e & PM_SWAPPED)
			return ud_fail(EFAULT, "page at %#" PRIxPTR " is swapped "
				       "out, it has no physical address; DMA "
				       "memory must be hugepages or mlock()ed",
				       va);
		return ud_fail(EFAULT, "page at %#" PRIxPTR " is not present "
			       "(not faulted in), it has no physical address "
			       "yet; touch or populate it first", va);
	}
	if (!pfn)
		return ud_fail(EPERM, "the kernel hid the physical address of "
			       "%#" PRIxPTR " (pagemap PFN 0): this process "
			       "lacks CAP_SYS_ADMIN; " CAP_HINT, va);
	if (!psz || (psz & (psz - 1)) || pfn >= PM_PA_LIMIT / psz)
		return ud_fail(EIO, "pagemap gave PFN %#" PRIx64 " for %#" PRIxPTR
			       ", beyond any physical address (%d bits); "
			       "refusing it: is /proc/self/pagemap what it "
			       "should be?", pfn, va, PM_PA_BITS);
	*pa = pfn * psz + (va & (psz - 1));
	return 0;
}

/* Decode the entry of the 4 KiB page holding va; pa gets the byte's PA. */
static int pagemap_entry(int fd, uintptr_t va, uint64_t *pa)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t e;
	ssize_t r;

	r = pread(fd, &e, sizeof(e), (off_t)(va / psz * sizeof(e)));
	if (r != sizeof(e)) {
		int err = r < 0 ? errno : EIO;

		return ud_fail(err, "reading /proc/self/pagemap for %#" PRIxPTR
			       " failed: %s", va, r < 0 ? strerror(err) :
			       "short read");
	}
	return ud_pagemap_decode(e, va, psz, pa);
}

static int pagemap_resolve(void *ctx, void *va, size_t page_size, size_t n,
			   uint64_t *pa)
{
	int fd;

	(void)ctx;
	/* opened per call: an fd inherited across fork() would read the
	 * parent's page tables */
	fd = pagemap_open();
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (pagemap_entry(fd, (uintptr_t)va + i * page_size, &pa[i])) {
			ud_close_keep_errno(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static const struct ud_pa_source pagemap_source = {
	.name = "pagemap",
	.resolve = pagemap_resolve,
};

UD_EXPORT const struct ud_pa_source *ud_pa_source_pagemap(void)
{
	return &pagemap_source;
}

UD_EXPORT int ud_pagemap_virt2phys(const void *va, uint64_t *pa)
{
	int fd, r;

	if (!pa)
		return ud_fail(EINVAL, "ud_pagemap_virt2phys: pa is NULL");
	fd = pagemap_open();
	if (fd < 0)
		return -1;
	r = pagemap_entry(fd, (uintptr_t)va, pa);
	if (r) {
		ud_close_keep_errno(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Call the source and refuse anything that cannot be a page's address. */
int ud_pa_check(const struct ud_pa_source *src, void *va, size_t page_size,
		size_t n, uint64_t *pa)
{
	const char *name = src->name ? src->name : "custom";

	ud_clear_error();
	errno = 0;
	if (src->resolve(src->ctx, va, page_size, n, pa)) {
		int e = errno ? errno : EIO;

		if (!ud_errmsg()[0])
			return ud_fail(e, "physical-address source '%s' failed: "
				       "%s", name, strerror(e));
		errno = e;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!pa[i] || pa[i] == UD_BAD_IOVA || (pa[i] & (page_size - 1)))
			return ud_fail(EIO, "physical-address source '%s' gave "
				       "%#" PRIx64 " for the %zu kB page at %p, "
				       "which is not a valid page address; "
				       "refusing to use it", name, pa[i],
				       page_size >> 10,
				       (void *)((char *)va + i * page_size));
	}
	return 0;
}
