// SPDX-License-Identifier: MIT
/* Per-thread error messages behind ud_errmsg(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <uiodma/error.h>
#include "internal.h"

static _Thread_local char ud_msg[UD_ERRMSG_MAX];

static void ud_vrecord(int err, const char *fmt, va_list ap)
{
	vsnprintf(ud_msg, sizeof(ud_msg), fmt, ap);
	errno = err;
}

int ud_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ud_vrecord(err, fmt, ap);
	va_end(ap);
	return -1;
}

void *ud_fail_null(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ud_vrecord(err, fmt, ap);
	va_end(ap);
	return NULL;
}

int ud_fail_wrap(int err, const char *fmt, ...)
{
	char pre[256];
	size_t n, len = strlen(ud_msg);
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	n = w < 0 ? 0 : (size_t)w < sizeof(pre) ? (size_t)w : sizeof(pre) - 1;
	if (n + len >= sizeof(ud_msg))
		len = sizeof(ud_msg) - 1 - n;
	memmove(ud_msg + n, ud_msg, len);
	memcpy(ud_msg, pre, n);
	ud_msg[n + len] = '\0';
	errno = err;
	return -1;
}

UD_EXPORT const char *ud_errmsg(void)
{
	return ud_msg;
}

UD_EXPORT void ud_clear_error(void)
{
	ud_msg[0] = '\0';
}
