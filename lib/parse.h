/* SPDX-License-Identifier: MIT */
/*
 * Strict parsers of the numbers the kernel writes in sysfs and procfs;
 * private to libuiodma.  Pure (no system call, no error message), so the
 * fuzz tests (tests/fuzz/) can drive them with any input.
 */
#ifndef UIODMA_PARSE_H
#define UIODMA_PARSE_H

#include <stddef.h>

/*
 * ud_parse_ulong() - one unsigned number, as a sysfs attribute holds it:
 * digits in @base (10 or 16; 0: "0x" means 16, else 10), then optional
 * trailing whitespace (the newline), nothing else.  No sign, no leading
 * space, no overflow.
 * Return: 0 with *@v set, or -1 (*@v untouched).
 */
int ud_parse_ulong(const char *s, int base, unsigned long *v);

/*
 * ud_parse_size() - a size such as hugetlbfs's pagesize= option writes it:
 * decimal digits and an optional K, M or G (either case), then nothing.
 * Return: the size in bytes, or 0 for anything else (or an overflow).
 */
size_t ud_parse_size(const char *s);

#endif /* UIODMA_PARSE_H */
