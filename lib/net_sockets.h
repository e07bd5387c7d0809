/* SPDX-License-Identifier: MIT */
/* Sockets bound to a network interface; private to libuiodma. */
#ifndef UIODMA_NET_SOCKETS_H
#define UIODMA_NET_SOCKETS_H

#include <stddef.h>

/* Called for each socket found: its kind ("TCP", "UDP", "raw IP",
 * "packet") and inode. */
typedef void (*ud_sock_fn)(const char *kind, unsigned long ino, void *arg);

/*
 * ud_net_bound_sockets() - every socket bound to the interface @ifindex:
 * TCP, UDP and raw IP sockets (IPv4 and IPv6) bound with SO_BINDTODEVICE
 * (or a link-local scope), as the kernel's sock_diag reports them
 * (idiag_if), and packet sockets bound to it (/proc/net/packet, Iface).
 * Sockets of a protocol whose sock_diag module the kernel cannot load are
 * not seen.  Sockets no process holds (time-wait) are not reported.
 * Return: the number of sockets found.
 */
int ud_net_bound_sockets(int ifindex, ud_sock_fn fn, void *arg);

/*
 * ud_diag_parse() - walk a buffer of sock_diag (inet_diag) replies and call
 * @fn(@kind, inode) for each socket bound to @ifindex with an inode.
 * Pure: any input is safe.
 * Return: 1 when the buffer ends the dump (NLMSG_DONE), 0 when more is to
 * come, or a negative errno from an NLMSG_ERROR reply (or -EPROTO for a
 * malformed buffer).
 */
int ud_diag_parse(const void *buf, size_t len, int ifindex, const char *kind,
		  ud_sock_fn fn, void *arg);

/*
 * ud_packet_line_parse() - one line of /proc/net/packet: the interface
 * index the socket is bound to (0: all) and its inode.  Pure.
 * Return: 0, or -1 for a line that is not a socket (the header).
 */
int ud_packet_line_parse(const char *line, int *ifindex, unsigned long *ino);

#endif /* UIODMA_NET_SOCKETS_H */
