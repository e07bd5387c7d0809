// SPDX-License-Identifier: MIT
/*
 * Without CAP_SYS_ADMIN the kernel hides PFNs in /proc/self/pagemap (PFN 0)
 * or, for a process that changed uid, refuses to open it.  Either way the
 * pagemap source must fail with EPERM/EACCES and a message naming
 * CAP_SYS_ADMIN, and never hand out address 0.  Run in a child that drops
 * to uid/gid 65534 (nobody).
 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uiodma.h>

#include "unit.h"

#define PS UD_PGSZ_2M

struct result {
	int rc, err;
	uint64_t pa;
	int rc_src, err_src;
	uint64_t pa_src;
	int mem_null, mem_err;
	int set_rc, set_err;
	char msg[512], msg_src[512], msg_mem[512];
};

static void run_as_nobody(int dumpable, struct result *out)
{
	struct result *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st;

	ck_assert_ptr_ne(r, MAP_FAILED);
	memset(r, 0, sizeof(*r));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (page == MAP_FAILED)
			_exit(3);
		page[0] = 1; /* present */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(4);
		if (getuid() != 65534 || geteuid() != 65534)
			_exit(5);
		if (dumpable)
			prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		r->pa = 0x5a5a5a5a;
		r->rc = ud_pagemap_virt2phys(page, &r->pa);
		r->err = errno;
		snprintf(r->msg, sizeof(r->msg), "%s", ud_errmsg());

		const struct ud_pa_source *s = ud_pa_source_pagemap();
		r->pa_src = 0x5a5a5a5a;
		r->rc_src = s->resolve(s->ctx, page, 4096, 1, &r->pa_src);
		r->err_src = errno;
		snprintf(r->msg_src, sizeof(r->msg_src), "%s", ud_errmsg());

		/* a whole region: hugepages may be mappable, PAs are not */
		struct ud_mem_config cfg = UD_MEM_CFG_INIT;
		cfg.page_size = PS;
		cfg.prealloc = PS;
		cfg.va_size = (size_t)1 << 30;
		cfg.flags = UD_MEM_NO_MLOCK;
		struct ud_mem *m = ud_mem_open(&cfg);
		r->mem_null = m == NULL;
		r->mem_err = errno;
		snprintf(r->msg_mem, sizeof(r->msg_mem), "%s", ud_errmsg());
		ud_mem_close(m);

		r->set_rc = ud_hp_set_pages(PS, -1, 1, NULL);
		r->set_err = errno;
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child failed to drop privileges (status %#x)", st);
	*out = *r;
	munmap(r, sizeof(*r));
}

static void check(const struct result *r)
{
	ck_assert_int_eq(r->rc, -1);
	ck_assert_msg(r->err == EPERM || r->err == EACCES, "errno %d", r->err);
	ck_assert_msg(strstr(r->msg, "CAP_SYS_ADMIN"), "message: %s", r->msg);
	ck_assert_uint_eq(r->pa, 0x5a5a5a5a); /* never written, never 0 */

	ck_assert_int_eq(r->rc_src, -1);
	ck_assert_msg(r->err_src == EPERM || r->err_src == EACCES, "errno %d",
		      r->err_src);
	ck_assert_msg(strstr(r->msg_src, "CAP_SYS_ADMIN"), "message: %s",
		      r->msg_src);

	ck_assert_int_eq(r->mem_null, 1);
	ck_assert_msg(strstr(r->msg_mem, "CAP_SYS_ADMIN") ||
		      strstr(r->msg_mem, "hugepages"), "message: %s", r->msg_mem);

	ck_assert_int_eq(r->set_rc, -1);
	ck_assert_msg(r->set_err == EACCES || r->set_err == EPERM, "errno %d",
		      r->set_err);
}

START_TEST(nobody_nondumpable)
{
	struct result r;

	if (geteuid() != 0)
		UD_SKIP("needs root to switch to uid 65534");
	run_as_nobody(0, &r);
	printf("as nobody: %s\n", r.msg);
	check(&r);
}
END_TEST

/* Dumpable again: pagemap opens, but the kernel zeroes the PFN. */
START_TEST(nobody_pfn_hidden)
{
	struct result r;

	if (geteuid() != 0)
		UD_SKIP("needs root to switch to uid 65534");
	run_as_nobody(1, &r);
	printf("as nobody (dumpable): %s\n", r.msg);
	check(&r);
	ck_assert_int_eq(r.err, EPERM);
	ck_assert_ptr_nonnull(strstr(r.msg, "PFN 0"));
}
END_TEST

/* On this host no device is bound to uio_dma: a clear error, not a crash.
 * The pin source itself is proven in the guest (tests/guest/cases). */
START_TEST(kpin_without_device)
{
	struct ud_pa_source s;

	ck_assert_int_eq(ud_pa_source_kpin(&s, "/nonexistent/uio_dma/0000:00:00.0"), -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "uiodma bind"));
	if (access("/dev/uio_dma", F_OK) == 0)
		return;
	ck_assert_int_eq(ud_pa_source_kpin(&s, NULL), -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "/dev/uio_dma"));
}
END_TEST

static Suite *nonroot_suite(void)
{
	Suite *s = suite_create("mem_nonroot");
	TCase *tc = tcase_create("nonroot");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, nobody_nondumpable);
	tcase_add_test(tc, nobody_pfn_hidden);
	tcase_add_test(tc, kpin_without_device);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(nonroot_suite)
