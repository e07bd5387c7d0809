/* SPDX-License-Identifier: MIT */
/* What uses a PCI device's network interfaces and disks; private. */
#ifndef UIODMA_INUSE_H
#define UIODMA_INUSE_H

#include <stddef.h>

struct udev_device;
struct ud_open_file;

/* Append a use to the "; "-separated list in @buf (truncated to @len). */
void ud_use_add(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * ud_use_holders() - add "pid N (comm) @what (stop that process)" for each
 * process holding @f open.  Return: the number of such processes.
 */
int ud_use_holders(const struct ud_open_file *f, const char *what, char *buf,
		   size_t len);

/* ud_net_is_up() - whether network interface @u is up (IFF_UP). */
int ud_net_is_up(struct udev_device *u);

/*
 * ud_inuse_net() - the uses of network interface @u (named @name): up,
 * addresses, routes, a bridge or bond it is a port of, sockets bound to it
 * (with the processes holding them).  Each is added to @buf with its fix.
 * Return: the number of uses.
 */
int ud_inuse_net(struct udev_device *u, const char *name, char *buf,
		 size_t len);

/*
 * ud_inuse_block() - the uses of block device @u (a disk or a partition,
 * named @name): mounted, swap, held by device mapper or md, open in a
 * process.  Each is added to @buf with its fix.
 * Return: the number of uses.
 */
int ud_inuse_block(struct udev_device *u, const char *name, char *buf,
		   size_t len);

#endif /* UIODMA_INUSE_H */
