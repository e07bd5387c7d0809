/* SPDX-License-Identifier: MIT */
/*
 * Error reporting shared by every libuiodma call.
 *
 * A failing call returns -1 (or NULL, or a negative errno where its
 * documentation says so), sets errno, and records a message for the calling
 * thread that names the cause and, where there is one, the fix.
 */
#ifndef UIODMA_ERROR_H
#define UIODMA_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ud_errmsg() - the message of this thread's last libuiodma error.
 *
 * Return: a string owned by the library, valid until the next libuiodma call
 * in this thread; "" when no call has failed yet.  Never NULL.
 */
const char *ud_errmsg(void);

/**
 * ud_clear_error() - forget this thread's last error message.
 */
void ud_clear_error(void);

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_ERROR_H */
