/* SPDX-License-Identifier: MIT */
/*
 * The uiodma command line: what argv asks for (struct cli), its usage texts
 * and the exit status of a usage error.
 */
#ifndef UIODMA_CLI_H
#define UIODMA_CLI_H

#include <stddef.h>

/* Exit status: 0 success, 1 failure, EXIT_USAGE usage error. */
#define EXIT_USAGE 2

enum cli_cmd {
	CMD_NONE,
	CMD_STATUS,
	CMD_INFO,
	CMD_BIND,
	CMD_UNBIND,
	CMD_HP_SHOW,
	CMD_HP_RESERVE,
	CMD_HP_CLEAN,
};

struct cli {
	enum cli_cmd cmd;
	int help;		/* --help given: print the command's usage */
	int version;		/* --version given: print the versions */
	int json;
	int force;
	int no_restore;
	const char *driver;
	const char *dir;
	char **addrs;		/* points into argv */
	int naddrs;
	unsigned long count;
	size_t page_size;	/* 0 = default */
	int node;		/* -1 = all */
};

/*
 * cli_parse() - parse argv into @c.
 * Returns 0, or EXIT_USAGE with a message in @err.  Options may come
 * before or after the operands; "--" ends the options.  The caller frees
 * @c->addrs, whatever the result.
 */
int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t errlen);

/* The usage text of @cmd (CMD_NONE: the tool's). */
const char *usage_of(enum cli_cmd cmd);

/* The one-line pointer to the help printed after a usage error. */
const char *hint_of(enum cli_cmd cmd);

#endif
