/* SPDX-License-Identifier: MIT */
/* Reading one-line sysfs attributes for the uiodma tool. */
#ifndef UIODMA_SYSFS_H
#define UIODMA_SYSFS_H

#include <stddef.h>

/*
 * read_line() - the first line of the file at @path, without its newline,
 * into @buf (empty if the file is empty).  Returns 0, or -1 if the file
 * cannot be opened.
 */
int read_line(const char *path, char *buf, size_t len);

#endif
