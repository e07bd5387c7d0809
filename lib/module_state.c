// SPDX-License-Identifier: MIT
/*
 * Is a kernel module loaded, installed for the running kernel, or neither,
 * and what does the user do about it: the one place that gives that advice
 * (modprobe for an installed module, DKMS or the package for a missing
 * uio_dma).  Reads /sys/module and /lib/modules/RELEASE/modules.dep and
 * modules.builtin, as modprobe would, without running anything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <uiodma/module.h>

#include "internal.h"
#include "module_state.h"

#define NAME_MAX_LEN 64

/* @in with '-' as '_' (the kernel treats them alike) into @out; 0 or -1. */
static int canonical(const char *in, size_t n, char out[NAME_MAX_LEN])
{
	if (!n || n >= NAME_MAX_LEN)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return -1;
		out[i] = c == '-' ? '_' : c;
	}
	out[n] = '\0';
	return 0;
}

/*
 * Whether a line of modules.dep or modules.builtin ("kernel/drivers/
 * vfio/pci/vfio-pci.ko.xz: deps...") is module @want (canonical).
 */
static int line_is(const char *line, const char *want)
{
	size_t n = strcspn(line, ":\n");
	const char *base = line, *ko;
	char got[NAME_MAX_LEN];

	for (const char *p = line; p < line + n; p++)
		if (*p == '/')
			base = p + 1;
	ko = strstr(base, ".ko");
	if (!ko || ko > line + n)
		return 0;
	return !canonical(base, (size_t)(ko - base), got) && !strcmp(got, want);
}

/* Whether file @dir/@file lists module @want. */
static int listed(const char *dir, const char *file, const char *want)
{
	char path[512], line[1024];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = line_is(line, want);
	fclose(f);
	return found;
}

static void missing_fix(const char *name, const char *canon, const char *dir,
			const char *release, char *fix, size_t len)
{
	if (!strcmp(canon, "uio_dma"))
		snprintf(fix, len, "uio_dma is not installed for the running "
			 "kernel %s (%s/modules.dep does not list it): as root, "
			 "apt-get install dkms linux-headers-%s, then install it "
			 "with DKMS, either in the uiodma source tree (make "
			 "dkms-install KERNEL=%s, which runs dkms install with "
			 "its dkms.conf) or from the package (dpkg -i "
			 "uiodma-dkms_*.deb, built by make deb); then modprobe "
			 "uio_dma", release, dir, release, release);
	else
		snprintf(fix, len, "the running kernel %s has no module %s "
			 "(%s/modules.dep and modules.builtin do not list it): "
			 "install the package that builds it for kernel %s, "
			 "then modprobe %s", release, name, dir, release, name);
}

int ud_module_state_in(const struct ud_module_roots *r, const char *name,
		       char *fix, size_t len)
{
	char canon[NAME_MAX_LEN], path[512], dir[512], tmp[1];

	if (!fix || !len) {
		fix = tmp;
		len = sizeof(tmp);
	}
	fix[0] = '\0';
	if (!name || canonical(name, strlen(name), canon))
		return ud_fail(EINVAL, "'%s' is not a kernel module name: "
			       "letters, digits, '_' and '-' only",
			       name ? name : "(null)");
	snprintf(path, sizeof(path), "%s/%s", r->sys_module, canon);
	snprintf(dir, sizeof(dir), "%s/%s", r->lib_modules, r->release);
	if (!access(path, F_OK) || listed(dir, "modules.builtin", canon))
		return UD_MODULE_LOADED;
	if (r->proc_modules && access(r->proc_modules, F_OK)) {
		snprintf(fix, len, "the running kernel %s cannot load modules "
			 "(no %s: built without CONFIG_MODULES, or booted with "
			 "nomodule), so %s cannot be loaded here; boot a kernel "
			 "with module support (Debian's linux-image packages "
			 "have it)", r->release, r->proc_modules, name);
		return UD_MODULE_MISSING;
	}
	if (listed(dir, "modules.dep", canon)) {
		snprintf(fix, len, "%s is installed for the running kernel %s "
			 "but not loaded: as root, modprobe %s", name,
			 r->release, name);
		return UD_MODULE_INSTALLED;
	}
	missing_fix(name, canon, dir, r->release, fix, len);
	return UD_MODULE_MISSING;
}

UD_EXPORT int ud_module_state(const char *name, char *fix, size_t len)
{
	struct utsname u;
	struct ud_module_roots r = { "/sys/module", "/lib/modules", u.release,
				     "/proc/modules" };

	if (uname(&u))
		return ud_fail(errno, "uname failed: %s", strerror(errno));
	return ud_module_state_in(&r, name, fix, len);
}
