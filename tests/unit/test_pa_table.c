// SPDX-License-Identifier: MIT
/*
 * The physical-address table (lib/pa_table.c) behind the kpin source's pin
 * handles and the device pins: every entry put is found and taken once;
 * absent addresses are not; entries survive rebuilds; and a table that sees
 * many puts and takes with few live entries stays small (it once grew by
 * doubling at every fill, tombstones counted, without end).
 */
#include "pa_table.h"
#include "unit.h"

#define PG(i) (((uint64_t)(i) + 1) << 21)	/* 2 MiB pages, never 0 */

START_TEST(put_take_all)
{
	struct ud_pa_table t = { 0 };
	uint64_t v;

	for (unsigned i = 0; i < 5000; i++)
		REQ_EQ(ud_pa_table_put(&t, PG(i), i * 7), 0);
	ck_assert(!ud_pa_table_take(&t, PG(5000), &v));
	for (unsigned i = 0; i < 5000; i += 2) {
		REQ(ud_pa_table_take(&t, PG(i), &v));
		REQ_EQ(v, i * 7);
	}
	for (unsigned i = 0; i < 5000; i++) {
		bool there = ud_pa_table_take(&t, PG(i), &v);

		REQ_EQ(there, i % 2);
		if (there)
			REQ_EQ(v, i * 7);
	}
	for (size_t i = 0; i < t.cap; i++)
		REQ(!ud_pa_table_live(&t, i));
	ud_pa_table_free(&t);
	ck_assert_ptr_null(t.pa);
}
END_TEST

START_TEST(churn_stays_small)
{
	struct ud_pa_table t = { 0 };
	uint64_t v;

	for (unsigned i = 0; i < 200000; i++) {
		REQ_EQ(ud_pa_table_put(&t, PG(i), i), 0);
		if (i >= 8) {	/* 8 live entries at most */
			REQ(ud_pa_table_take(&t, PG(i - 8), &v));
			REQ_EQ(v, i - 8);
		}
	}
	ck_assert_uint_le(t.cap, 128);
	for (unsigned i = 200000 - 8; i < 200000; i++)
		REQ(ud_pa_table_take(&t, PG(i), &v));
	ud_pa_table_free(&t);
}
END_TEST

static Suite *pa_table_suite(void)
{
	Suite *s = suite_create("pa_table");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, put_take_all);
	tcase_add_test(tc, churn_stays_small);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(pa_table_suite)
