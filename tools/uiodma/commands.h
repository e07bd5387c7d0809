/* SPDX-License-Identifier: MIT */
/*
 * The uiodma commands, one function each over the parsed command line;
 * each returns the exit status (0 success, 1 failure).
 */
#ifndef UIODMA_COMMANDS_H
#define UIODMA_COMMANDS_H

#include "cli.h"

int cmd_status(const struct cli *c);		/* status.c */
int cmd_info(const struct cli *c);		/* info.c */
int cmd_bind(const struct cli *c);		/* bind.c */
int cmd_unbind(const struct cli *c);		/* bind.c */
int cmd_hp_show(void);				/* hugepages.c */
int cmd_hp_reserve(const struct cli *c);	/* hugepages.c */
int cmd_hp_clean(const struct cli *c);		/* hugepages.c */

/* cmd_fail() - print a failed library call's message for command @cmd
 * ("bind", "hugepages reserve") with its errno's name, as
 * "uiodma CMD: MESSAGE [ENAME]" on stderr; errno as the call left it. */
void cmd_fail(const char *cmd);			/* dispatch.c */

/* run() - run the command @c names; EXIT_USAGE if it names none. */
int run(const struct cli *c);			/* dispatch.c */

#endif
