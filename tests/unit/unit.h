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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Report the current test as skipped and leave it. */
#define UD_SKIP(...)                                                     \
	do {                                                             \
		printf("SKIP %s: ", tcase_name());                       \
		printf(__VA_ARGS__);                                     \
		printf("\n");                                            \
		fflush(stdout);                                          \
		return;                                                  \
	} while (0)

/* Cheap checks for hot loops: Check's ck_assert_* write to a pipe on every
 * success, which would dominate the run time. */
#define REQ_EQ(a, b)                                                          \
	do {                                                                  \
		unsigned long long a_ = (unsigned long long)(a);              \
		unsigned long long b_ = (unsigned long long)(b);              \
		if (a_ != b_)                                                 \
			ck_abort_msg("%s:%d: %s == %llu, %s == %llu",         \
				     __FILE__, __LINE__, #a, a_, #b, b_);     \
	} while (0)
#define REQ(x)                                                                \
	do {                                                                  \
		if (!(x))                                                     \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #x);    \
	} while (0)

/* CLOCK_MONOTONIC in nanoseconds, for tests that run for a fixed time. */
static inline uint64_t ut_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Fork a child that runs @setup(@arg), then sleeps until killed (the test
 * kills it).  Returns the child's pid once @setup has returned; the test
 * fails if it returned non-zero.
 */
static inline pid_t ut_fork_holder(int (*setup)(void *arg), void *arg)
{
	int p[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		c = setup(arg) ? 'n' : 'y';
		if (write(p[1], &c, 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	ck_assert_msg(c == 'y', "the child's setup failed");
	return pid;
}

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
