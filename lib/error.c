// SPDX-License-Identifier: MIT
/* Per-thread error messages behind ud_errmsg(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <uiodma/error.h>
#include "internal.h"

static _Thread_local char ud_msg[1024];

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

UD_EXPORT const char *ud_errmsg(void)
{
	return ud_msg;
}

UD_EXPORT void ud_clear_error(void)
{
	ud_msg[0] = '\0';
}
