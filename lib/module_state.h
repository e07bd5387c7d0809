/* SPDX-License-Identifier: MIT */
/* Whether a kernel module is loaded or installed; private to libuiodma. */
#ifndef UIODMA_MODULE_STATE_H
#define UIODMA_MODULE_STATE_H

#include <stddef.h>

/*
 * Where ud_module_state() looks: the loaded modules' directory
 * (/sys/module), the installed modules' tree (/lib/modules) and the
 * running kernel's release (uname -r).  The unit tests point them at a
 * fake tree.
 */
struct ud_module_roots {
	const char *sys_module;
	const char *lib_modules;
	const char *release;
	const char *proc_modules;	/* NULL: not checked */
};

/* ud_module_state_in() - ud_module_state() over @r. */
int ud_module_state_in(const struct ud_module_roots *r, const char *name,
		       char *fix, size_t len);

#endif /* UIODMA_MODULE_STATE_H */
