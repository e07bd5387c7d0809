/* SPDX-License-Identifier: MIT */
/* Helpers private to libuiodma; never installed. */
#ifndef UIODMA_INTERNAL_H
#define UIODMA_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#define UD_EXPORT __attribute__((visibility("default")))

/*
 * ud_fail() - record an error for ud_errmsg() and set errno to @err.
 * Always returns -1 so a caller can write "return ud_fail(EINVAL, ...)".
 */
int ud_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Room for one message of ud_errmsg(). */
#define UD_ERRMSG_MAX 2048

/*
 * ud_fail_wrap() - put a prefix (printf @fmt) before this thread's current
 * message, set errno to @err; returns -1.  For adding the caller's context
 * to the error of a call it made: "zone 'rx': " + what went wrong.
 */
int ud_fail_wrap(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ud_fail_null() - as ud_fail(), returning NULL. */
void *ud_fail_null(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct ud_zone;

/*
 * ud_zone_set_owner() - mark @z as held by a pool or descriptor ring
 * (@what, e.g. "pool"; @name: the owner's, kept, not copied): then
 * ud_zone_free() refuses it and ud_mem_close() refuses the region (EBUSY)
 * until the owner lets go with ud_zone_release().  In mem_zone.c.
 */
void ud_zone_set_owner(struct ud_zone *z, const char *what, const char *name);
/* ud_zone_release() - free a zone held by its owner; as ud_zone_free(). */
int ud_zone_release(struct ud_zone *z);

/* ud_close_keep_errno() - close @fd on an error path without losing errno. */
static inline void ud_close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

#endif /* UIODMA_INTERNAL_H */
