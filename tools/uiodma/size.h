/* SPDX-License-Identifier: MIT */
/* Byte sizes as the uiodma tool reads and writes them: "2M", "1G". */
#ifndef UIODMA_SIZE_H
#define UIODMA_SIZE_H

#include <stddef.h>

/*
 * parse_size() - "2M", "1G", "2048k", "2MB", "1GiB" or plain bytes.
 * Returns 0, or -1 if @s is not a size.
 */
int parse_size(const char *s, size_t *out);

/* fmt_size() - @bytes as "1G", "2M" or "4k" (the largest exact unit). */
void fmt_size(char *buf, size_t len, size_t bytes) __attribute__((nonnull));

#endif
