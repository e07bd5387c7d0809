/* SPDX-License-Identifier: MIT */
/*
 * Kernel modules: loaded, installed for the running kernel, or neither.
 *
 * ud_module_state() says which, and what the user does about it: the one
 * place that gives that advice.  libuiodma's own messages about a driver
 * that is not loaded (ud_dev_bind()) say what it says, and so does
 * 'uiodma status' for uio_dma.
 */
#ifndef UIODMA_MODULE_H
#define UIODMA_MODULE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Where a kernel module stands with the running kernel (ud_module_state()). */
enum ud_module_state {
	UD_MODULE_MISSING = 0,	/**< not installed for the running kernel */
	UD_MODULE_INSTALLED = 1,	/**< modules.dep lists it; not loaded */
	UD_MODULE_LOADED = 2,	/**< loaded, or built into the kernel */
};

/**
 * ud_module_state() - whether a kernel module is loaded, installed for the
 * running kernel, or neither, and what to do about it.
 * @name: the module's name, e.g. "uio_dma" or "vfio-pci" ('-' and '_'
 *	are alike, as for modprobe).
 * @fix: if not NULL, receives what to do when the module is not loaded
 *	(one sentence, naming the running kernel's release): "as root,
 *	modprobe NAME" for an installed one; for a missing uio_dma, how to
 *	install it with DKMS (make dkms-install in the source tree) or the
 *	uiodma-dkms package; "" for a loaded one.
 * @len: size of @fix.
 *
 * Reads /sys/module/NAME and /lib/modules/$(uname -r)/modules.dep and
 * modules.builtin, as modprobe would; loads and runs nothing, needs no
 * privileges.
 *
 * Return: the state (enum ud_module_state), or -1 with errno EINVAL (@name
 * is not a module name).
 */
int ud_module_state(const char *name, char *fix, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_MODULE_H */
