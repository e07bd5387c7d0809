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

/*
 * What interrupts uio_dma gave a device it just bound, for the bind line:
 * "msix, 5 vectors", or "none" and why.  @param: the module's intr_mode
 * parameter ("" if unknown).
 */
static void irq_text(const struct ud_dev_info *info, const char *param,
		     char *buf, size_t len)
{
	if (strcmp(info->intr_mode, "none")) {
		snprintf(buf, len, "%s, %u vector%s", info->intr_mode,
			 info->intr_vectors, info->intr_vectors == 1 ? "" : "s");
		return;
	}
	if (!strcmp(param, "none"))
		snprintf(buf, len, "none (uio_dma's intr_mode is none: echo auto "
			 "> /sys/module/uio_dma/parameters/intr_mode and bind "
			 "again for interrupts)");
	else if (!info->has_intx && !info->has_msi && !info->has_msix)
		snprintf(buf, len, "none: the device has no INTx pin and no MSI "
			 "or MSI-X capability; poll it");
	else
		snprintf(buf, len, "none: uio_dma (intr_mode %s) could not enable "
			 "%s%s%s; dmesg says why", *param ? param : "auto",
			 info->has_msix ? "MSI-X " : "", info->has_msi ? "MSI " : "",
			 info->has_intx ? "INTx" : "");
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
		/* its IOMMU backend is a softdep that busybox modprobe skips */
		if (!r && !strcmp(drv, "vfio-pci"))
			modprobe("vfio_iommu_type1");
		if (r) {
			cmd_fail("bind");
			rc = 1;
			continue;
		}
		if (!strcmp(prev, drv))
			printf("%s: already bound to %s", addr, drv);
		else
			printf("%s: bound to %s (was %s)", addr, drv,
			       *prev ? prev : "unbound");
		if (ud_dev_info(addr, &info) == 0) {
			char param[16] = "", irq[256];

			if (info.uio_minor >= 0)
				printf(", /dev/uio%d", info.uio_minor);
			if (*info.intr_mode) {	/* uio_dma says */
				read_line("/sys/module/uio_dma/parameters/"
					  "intr_mode", param, sizeof(param));
				irq_text(&info, param, irq, sizeof(irq));
				printf("; interrupts: %s", irq);
			}
		}
		putchar('\n');
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
			cmd_fail("unbind");
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
			printf("%s: unbound from %s; no kernel driver claims it (modprobe found none for its modalias), so it stays without one\n",
			       addr, *was ? was : "no driver");
	}
	return rc;
}
