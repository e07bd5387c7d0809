// SPDX-License-Identifier: MIT
/*
 * The example applications' command lines: every app built next to this
 * test (BUILD/apps/NAME, a prerequisite of it in the Makefile) prints its
 * usage on stdout and exits 0 for --help and -h, before touching any
 * device; a usage error prints it on stderr and exits 2.  nvme-rw's usage
 * names its bench mode, which has a --help of its own.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"

extern char **environ;

static const char *const known[] = {
	"e1000e-echo", "e1000e-gen", "e1000e-loop", "edu-dma", "nvme-rw",
};

struct run {
	int status;		/* exit status, or -1 */
	char out[8192];
	char err[8192];
};

/* The directory the apps were built into: BUILD/apps. */
static void apps_dir(char *dir, size_t len)
{
	char self[PATH_MAX - 8];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	for (int up = 0; up < 3; up++)		/* BUILD/tests/unit/test_... */
		*strrchr(self, '/') = '\0';
	snprintf(dir, len, "%s/apps", self);
}

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* Run @prog with @args (NULL-terminated, after the name); no stdin. */
static void run(const char *dir, const char *prog, const char *const *args,
		struct run *r)
{
	char path[PATH_MAX + 64], out[] = "/tmp/ud-apphelp-XXXXXX",
	     err[] = "/tmp/ud-apphelp-XXXXXX";
	char *argv[8] = { (char *)prog };
	posix_spawn_file_actions_t fa;
	int fo = mkstemp(out), fe = mkstemp(err), st, k;
	pid_t pid;

	ck_assert(fo >= 0 && fe >= 0);
	unlink(out);
	unlink(err);
	for (k = 1; args[k - 1] && k < 7; k++)
		argv[k] = (char *)args[k - 1];
	argv[k] = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, prog);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fo, 1);
	posix_spawn_file_actions_adddup2(&fa, fe, 2);
	ck_assert_int_eq(posix_spawn(&pid, path, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp(fo, r->out, sizeof(r->out));
	slurp(fe, r->err, sizeof(r->err));
}

static void help_ok(const char *dir, const char *prog, const char *const *args,
		    const char *usage)
{
	struct run r;

	run(dir, prog, args, &r);
	ck_assert_msg(r.status == 0, "%s %s: exit %d, stderr: %s", prog, args[0],
		      r.status, r.err);
	ck_assert_msg(!strncmp(r.out, usage, strlen(usage)),
		      "%s %s: stdout does not start with '%s': %s", prog, args[0],
		      usage, r.out);
	ck_assert_msg(!*r.err, "%s %s: stderr: %s", prog, args[0], r.err);
}

START_TEST(every_app_has_help)
{
	char dir[PATH_MAX], usage[300];
	struct dirent *de;
	DIR *d;
	int seen = 0;

	apps_dir(dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char p[PATH_MAX + 64];

		snprintf(p, sizeof(p), "%s/%s", dir, known[i]);
		ck_assert_msg(!access(p, X_OK), "%s is not built (make apps)", p);
	}
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		static const char *const help[] = { "--help", NULL };
		static const char *const h[] = { "-h", NULL };
		static const char *const bad[] = { "--no-such-option", NULL };
		char p[PATH_MAX + 300];
		struct stat sb;
		struct run r;

		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(p, &sb) || !S_ISREG(sb.st_mode) ||
		    access(p, X_OK))
			continue;
		seen++;
		snprintf(usage, sizeof(usage), "usage: %s", de->d_name);
		help_ok(dir, de->d_name, help, usage);
		help_ok(dir, de->d_name, h, usage);
		/* a usage error: the usage on stderr, exit 2 */
		run(dir, de->d_name, bad, &r);
		ck_assert_msg(r.status == 2, "%s --no-such-option: exit %d", de->d_name, r.status);
		ck_assert_msg(strstr(r.err, usage), "%s: stderr: %s", de->d_name, r.err);
		ck_assert_msg(!*r.out, "%s: stdout: %s", de->d_name, r.out);
	}
	closedir(d);
	ck_assert_int_ge(seen, (int)(sizeof(known) / sizeof(known[0])));
}
END_TEST

/* nvme-rw's usage names bench; bench and e1000e-gen's modes have --help. */
START_TEST(modes_have_help)
{
	static const char *const help[] = { "--help", NULL };
	static const char *const bench[] = { "bench", "--help", NULL };
	static const char *const tx[] = { "tx", "--help", NULL };
	static const char *const rx[] = { "rx", "-h", NULL };
	char dir[PATH_MAX];
	struct run r;

	apps_dir(dir, sizeof(dir));
	run(dir, "nvme-rw", help, &r);
	ck_assert_msg(strstr(r.out, "nvme-rw bench "), "%s", r.out);
	help_ok(dir, "nvme-rw", bench, "usage: nvme-rw bench");
	help_ok(dir, "e1000e-gen", tx, "usage: e1000e-gen");
	help_ok(dir, "e1000e-gen", rx, "usage: e1000e-gen");
}
END_TEST

static Suite *apps_suite(void)
{
	Suite *s = suite_create("apps_help");
	TCase *tc = tcase_create("help");

	tcase_add_test(tc, every_app_has_help);
	tcase_add_test(tc, modes_have_help);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(apps_suite)
