// SPDX-License-Identifier: MIT
/*
 * 'uiodma bind' and 'uiodma unbind': hand devices to uio_dma (or another
 * driver) and back to their kernel driver, loading drivers with modprobe.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <uiodma.h>

#include "cli.h"
#include "commands.h"
#include "sysfs.h"

extern char **environ;

/* modprobe NAME quietly; 0 if it succeeded. */
static int modprobe(const char *name)
{
	char *argv[] = { "modprobe", "-q", (char *)name, NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int cmd_bind(const struct cli *c)
{
	const char *drv = c->driver ? c->driver : "uio_dma";
	unsigned int flags = c->force ? UD_BIND_FORCE : 0;
	int rc = 0;

	for (int k = 0; k < c->naddrs; k++) {
		char addr[UD_PCI_ADDR_STRLEN], prev[64];
		struct ud_dev_info info;
		int r;

		ud_pci_addr_normalize(c->addrs[k], addr);
		r = ud_dev_bind(addr, drv, flags, prev, sizeof(prev));
		if (r && errno == ENOENT && !modprobe(drv))
			r = ud_dev_bind(addr, drv, flags, prev, sizeof(prev));
		if (r) {
			fprintf(stderr, "uiodma bind: %s\n", ud_errmsg());
			rc = 1;
			continue;
		}
		if (!strcmp(prev, drv))
			printf("%s: already bound to %s\n", addr, drv);
		else if (ud_dev_info(addr, &info) == 0 && info.uio_minor >= 0)
			printf("%s: bound to %s (was %s), /dev/uio%d\n", addr, drv,
			       *prev ? prev : "unbound", info.uio_minor);
		else
			printf("%s: bound to %s (was %s)\n", addr, drv,
			       *prev ? prev : "unbound");
	}
	return rc;
}

/* Load the kernel module that matches @addr's modalias; 0 if it did. */
static int modprobe_alias(const char *addr)
{
	char path[PATH_MAX], alias[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/modalias", addr);
	if (read_line(path, alias, sizeof(alias)) || !*alias)
		return -1;
	return modprobe(alias);
}

int cmd_unbind(const struct cli *c)
{
	unsigned int flags = (c->force ? UD_BIND_FORCE : 0) |
			     (c->no_restore ? UD_UNBIND_NO_RESTORE : 0);
	int rc = 0;

	for (int k = 0; k < c->naddrs; k++) {
		char addr[UD_PCI_ADDR_STRLEN], was[64] = "", now[64];
		struct ud_dev_info info;

		ud_pci_addr_normalize(c->addrs[k], addr);
		if (ud_dev_info(addr, &info) == 0)
			snprintf(was, sizeof(was), "%s", info.driver);
		if (ud_dev_unbind(addr, flags, now, sizeof(now))) {
			fprintf(stderr, "uiodma unbind: %s\n", ud_errmsg());
			rc = 1;
			continue;
		}
		if (!c->no_restore && !*now && !modprobe_alias(addr) &&
		    ud_dev_info(addr, &info) == 0)
			snprintf(now, sizeof(now), "%s", info.driver);
		if (c->no_restore)
			printf("%s: unbound from %s, left without a driver\n", addr,
			       *was ? was : "no driver");
		else if (*now)
			printf("%s: unbound from %s, now %s\n", addr,
			       *was ? was : "no driver", now);
		else
			printf("%s: unbound from %s; no kernel driver claims it (load one with modprobe)\n",
			       addr, *was ? was : "no driver");
	}
	return rc;
}
