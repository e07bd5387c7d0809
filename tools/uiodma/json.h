/* SPDX-License-Identifier: MIT */
/* JSON output of the uiodma tool: strings, escaped. */
#ifndef UIODMA_JSON_H
#define UIODMA_JSON_H

#include <stdio.h>

/*
 * json_str() - write @s as a JSON string, quotes included.  Control
 * characters are escaped; invalid UTF-8 bytes become U+FFFD.  NULL is
 * written as null.
 */
void json_str(FILE *f, const char *s);

#endif
