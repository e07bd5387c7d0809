// SPDX-License-Identifier: MIT
/*
 * Is anything using a PCI device?  Its network interfaces and block devices
 * (disks and partitions), found through libudev as children of the PCI
 * device; what uses each is in inuse_net.c and inuse_block.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "dev_internal.h"
#include "internal.h"
#include "inuse.h"
#include "proc_fds.h"
#include "dev_sysfs.h"

void ud_use_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (!len || used + 1 >= len)
		return;
	if (used) {
		snprintf(buf + used, len - used, "; ");
		used = strlen(buf);
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

struct holder_use {
	const char *what;
	char *buf;
	size_t len;
};

static void holder(int pid, const char *comm, void *arg)
{
	struct holder_use *h = arg;

	ud_use_add(h->buf, h->len, "pid %d (%s) %s (stop that process)", pid,
		   comm, h->what);
}

int ud_use_holders(const struct ud_open_file *f, const char *what, char *buf,
		   size_t len)
{
	struct holder_use h = { what, buf, len };

	return ud_proc_holders(f, holder, &h);
}

/*
 * Walk the net and block children of @addr.  @why gets the uses (if
 * @users is 0) or a short list of the interfaces (if @users is 1).
 * Returns the number of uses found, or -1.
 */
static int walk(const char *addr, char *out, size_t len, int users)
{
	static const char *const subsystems[] = { "net", "block" };
	char a[UD_PCI_ADDR_STRLEN];
	struct udev_device *pci;
	struct udev *udev;
	int uses = 0;

	if (out && len)
		out[0] = '\0';
	if (ud_pci_normalize(addr, a))
		return -1;
	udev = udev_new();
	if (!udev)
		return ud_fail(ENOMEM, "udev_new failed: out of memory");
	pci = udev_device_new_from_subsystem_sysname(udev, "pci", a);
	if (!pci) {
		udev_unref(udev);
		return ud_fail_no_device(a);
	}
	for (int s = 0; s < 2; s++) {
		struct udev_enumerate *en = udev_enumerate_new(udev);
		struct udev_list_entry *e;

		if (!en)
			continue;
		udev_enumerate_add_match_parent(en, pci);
		udev_enumerate_add_match_subsystem(en, subsystems[s]);
		udev_enumerate_scan_devices(en);
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
			struct udev_device *u = udev_device_new_from_syspath(
				udev, udev_list_entry_get_name(e));
			const char *name;

			if (!u)
				continue;
			name = udev_device_get_sysname(u);
			if (users) {
				if (s == 0)
					ud_use_add(out, len, "net:%s%s", name,
						   ud_net_is_up(u) ? "(up)" : "");
				else
					ud_use_add(out, len, "block:%s", name);
			} else if (s == 0) {
				uses += ud_inuse_net(u, name, out, len);
			} else {
				uses += ud_inuse_block(u, name, out, len);
			}
			udev_device_unref(u);
		}
		udev_enumerate_unref(en);
	}
	udev_device_unref(pci);
	udev_unref(udev);
	return uses;
}

UD_EXPORT int ud_dev_in_use(const char *addr, char *why, size_t len)
{
	char tmp[2];
	int n = walk(addr, why ? why : tmp, why ? len : sizeof(tmp), 0);

	if (n < 0)
		return -1;
	return n > 0;
}

UD_EXPORT int ud_dev_users(const char *addr, char *buf, size_t len)
{
	return walk(addr, buf, len, 1) < 0 ? -1 : 0;
}
