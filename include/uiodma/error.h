/* SPDX-License-Identifier: MIT */
/*
 * Error reporting shared by every libuiodma call: the one convention.
 *
 * Failure.  A call that fails returns its error value and sets errno to a
 * positive errno value; its documentation names the values.  The error
 * value is fixed by the return type:
 *
 *   int, ssize_t, int64_t, long   -1
 *   a pointer                     NULL
 *   an IOVA (uint64_t)            UD_BAD_IOVA
 *   a size (size_t)               0 (ud_ring_memsize())
 *
 * No call returns a negative errno value.  Every call also records a
 * message for the calling thread (ud_errmsg()) that names the cause and,
 * where there is one, the fix; the inline fast paths below are the one
 * exception.  As with the C library, errno and the message mean
 * something only right after a call has failed.
 *
 * Fast paths.  The inline calls of uiodma/ring.h, uiodma/pool.h,
 * uiodma/desc.h and uiodma/mem.h keep cheap conventions, stated per
 * function:
 *  - bulk, burst, poll and reap calls return a count; 0 means nothing
 *    moved (a full or empty ring is no error) and errno is untouched;
 *  - single-object calls that can find a ring full or empty
 *    (ud_ring_enqueue(), ud_ring_dequeue(), ud_desc_post_copy(),
 *    ud_desc_next()) return -1 or NULL and set errno (ENOBUFS full,
 *    ENOENT empty) but record no message: it is a normal condition;
 *  - ud_virt2iova_inline() returns UD_BAD_IOVA without errno;
 *  - the pool cache calls (ud_pool_cache_get() ...) follow the full
 *    convention: an empty pool is ENOBUFS with a message.
 *
 * Accessors.  A call that returns a plain value (ud_zone_len(),
 * ud_irq_vectors(), ud_dev_caps() ...) cannot signal failure out of band:
 * given something that is not a live handle it returns the neutral value
 * its documentation names (0, "", NULL) and sets errno to EINVAL with a
 * message.  Callers that pass live handles need not check.
 *
 * Handles.  Every handle (struct ud_mem, ud_zone, ud_pool, ud_pool_cache,
 * ud_ring, ud_desc_ring, ud_dev, ud_irq) carries a magic number that the
 * calls taking it check first.  NULL, a handle of another kind and a
 * handle already freed or closed are refused with EINVAL and a message
 * naming the call, rather than crashing: a freed fixed-size handle stays
 * the library's memory, poisoned, until many more of its kind have been
 * freed, and rings and caches are looked up in a table of live ones before
 * they are freed.  What stays undefined: a pointer that points nowhere
 * readable, a handle freed so long ago that its memory now holds a new
 * handle of the same kind, a handle freed while another thread uses it,
 * and the inline fast paths, which check nothing.  Each header says which
 * of its calls check and what remains undefined.  Free and close calls
 * accept NULL and do nothing (return 0).
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
