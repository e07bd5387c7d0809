/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): each drives one
 * of the library's parsers with arbitrary bytes under ASan and UBSan, and
 * checks what the parser promises with FUZZ_REQUIRE (a broken promise
 * aborts, so libFuzzer reports it and saves the input).
 */
#ifndef UD_FUZZ_H
#define UD_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_REQUIRE(cond, ...)                                              \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__,   \
				#cond);                                      \
			fprintf(stderr, __VA_ARGS__);                        \
			fprintf(stderr, "\n");                               \
			abort();                                             \
		}                                                            \
	} while (0)

/* The input as a NUL-terminated string (cut at its first NUL); free() it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* UD_FUZZ_H */
