/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the host benchmarks: the clock, medians, interleaved A/B
 * rounds, the BENCH line, and (from tests/unit/hugepages.h) growing the
 * hugepage pool and putting it back.
 *
 * Header-only (static inline): each benchmark is its own program.  Every
 * result is one line on stdout,
 *
 *   BENCH <name> ours=<v><unit> <baseline>=<v><unit> ratio=<r>
 *
 * or "BENCH-SKIP <name> <why>" when there is nothing to compare with.
 */
#ifndef UD_BENCH_UTIL_H
#define UD_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tests/unit/hugepages.h"

/* CLOCK_MONOTONIC in nanoseconds. */
static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of @n values; @v is left as it is (rounds stay paired). */
static inline double median(const double *v, int n)
{
	double *c = malloc((size_t)n * sizeof(*c));
	double m;

	if (!c) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	memcpy(c, v, (size_t)n * sizeof(*c));
	qsort(c, (size_t)n, sizeof(*c), bench_cmp_d);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

/* One result: "BENCH <name> ours=<v><unit> <bname>=<v><unit> ratio=<r>". */
static inline void report(const char *name, double ours, const char *bname,
			  double base, const char *unit, double ratio)
{
	printf("BENCH %s ours=%.2f%s %s=%.2f%s ratio=%.3f\n", name, ours, unit,
	       bname, base, unit, ratio);
	fflush(stdout);
}

/* No result for @name, and why. */
static inline void report_skip(const char *name, const char *why)
{
	printf("BENCH-SKIP %s %s\n", name, why);
	fflush(stdout);
}

/* The BENCH line of rounds: the medians of ours, of the baseline and of
 * the pairwise ratios. */
static inline void report_rounds(const char *name, const double *o,
				 const char *bname, const double *b,
				 const char *unit, const double *r, int rounds)
{
	report(name, median(o, rounds), bname, median(b, rounds), unit,
	       median(r, rounds));
}

#define BENCH_MAX_ROUNDS 21

/*
 * Ours against a baseline, in ns per operation: without @base, a
 * BENCH-SKIP line saying @skip_why.  Else one call of each with @iters / 10
 * to warm up, then @rounds interleaved rounds (ours, baseline, ours, ...),
 * each call returning its time per operation, and the BENCH line
 * (report_rounds(), baseline named @bname).  A call returning a negative
 * time had no measurement to give: then nothing is printed and -1 returned.
 */
static inline int bench_ab(const char *name, int rounds, long iters,
			   double (*ours)(void *, long), void *oarg,
			   const char *bname, double (*base)(void *, long),
			   void *barg, const char *skip_why)
{
	double o[BENCH_MAX_ROUNDS], b[BENCH_MAX_ROUNDS], r[BENCH_MAX_ROUNDS];

	if (rounds > BENCH_MAX_ROUNDS) {
		fprintf(stderr, "bench: %d rounds, at most %d\n", rounds,
			BENCH_MAX_ROUNDS);
		exit(1);
	}
	if (!base) {
		report_skip(name, skip_why);
		return 0;
	}
	ours(oarg, iters / 10);
	base(barg, iters / 10);
	for (int i = 0; i < rounds; i++) {
		o[i] = ours(oarg, iters);
		b[i] = base(barg, iters);
		if (o[i] < 0 || b[i] < 0)
			return -1;
		r[i] = o[i] / b[i];
	}
	report_rounds(name, o, bname, b, "ns", r, rounds);
	return 0;
}

#endif /* UD_BENCH_UTIL_H */
