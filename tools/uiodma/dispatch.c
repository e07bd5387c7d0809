// SPDX-License-Identifier: MIT
/* Run the command the parsed command line names; report a failed call. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <uiodma/error.h>

#include "cli.h"
#include "commands.h"

void cmd_fail(const char *cmd)
{
	const char *name = strerrorname_np(errno);

	fprintf(stderr, "uiodma %s: %s [%s]\n", cmd, ud_errmsg(),
		name ? name : "?");
}

int run(const struct cli *c)
{
	switch (c->cmd) {
	case CMD_STATUS: return cmd_status(c);
	case CMD_INFO: return cmd_info(c);
	case CMD_BIND: return cmd_bind(c);
	case CMD_UNBIND: return cmd_unbind(c);
	case CMD_HP_SHOW: return cmd_hp_show();
	case CMD_HP_RESERVE: return cmd_hp_reserve(c);
	case CMD_HP_CLEAN: return cmd_hp_clean(c);
	default: return EXIT_USAGE;
	}
}
