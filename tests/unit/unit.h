/* SPDX-License-Identifier: MIT */
/*
 * Shared scaffolding for the Check unit tests.
 *
 * Each tests/unit/test_*.c is one program.  It defines its suites and ends
 * with UD_TEST_MAIN(suite_fn, ...).  A test that cannot run on this machine
 * (no hugepages, not root) calls UD_SKIP("why"): it prints a SKIP line that
 * tests/run-unit.sh counts as skipped, never as passed, and returns.
 */
#ifndef UD_UNIT_H
#define UD_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Report the current test as skipped and leave it. */
#define UD_SKIP(...)                                                     \
	do {                                                             \
		printf("SKIP %s: ", tcase_name());                       \
		printf(__VA_ARGS__);                                     \
		printf("\n");                                            \
		fflush(stdout);                                          \
		return;                                                  \
	} while (0)

/* Run every suite returned by the given constructors; exit non-zero on failure. */
#define UD_TEST_MAIN(...)                                                \
	int main(void)                                                   \
	{                                                                \
		Suite *(*fns[])(void) = { __VA_ARGS__ };                 \
		SRunner *sr = NULL;                                      \
		for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) { \
			if (!sr)                                         \
				sr = srunner_create(fns[i]());           \
			else                                             \
				srunner_add_suite(sr, fns[i]());         \
		}                                                        \
		srunner_run_all(sr, CK_NORMAL);                          \
		int failed = srunner_ntests_failed(sr);                  \
		srunner_free(sr);                                        \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;             \
	}

#endif /* UD_UNIT_H */
