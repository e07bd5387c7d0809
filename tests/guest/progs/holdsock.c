// SPDX-License-Identifier: MIT
/*
 * holdsock - hold a socket bound to a network interface until killed, for
 * the guest tests of 'uiodma bind' refusing a NIC that sockets use.
 *
 *   holdsock udp IFNAME      UDP socket, SO_BINDTODEVICE, bound to a port
 *   holdsock tcp IFNAME      TCP socket, SO_BINDTODEVICE, listening
 *   holdsock packet IFNAME   AF_PACKET socket bound to the interface
 *
 * Prints "ready" once the socket is set up, then sleeps.  Exits 1 with a
 * message if the socket cannot be made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest_util.h"

static int inet_bound(int type, const char *ifname)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket: %s", strerror(errno));
	if (setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1))
		die("SO_BINDTODEVICE %s: %s", ifname, strerror(errno));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind: %s", strerror(errno));
	if (type == SOCK_STREAM && listen(s, 1))
		die("listen: %s", strerror(errno));
	return s;
}

static int packet_bound(const char *ifname)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5) };
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x88b5));

	if (s < 0)
		die("socket(AF_PACKET): %s", strerror(errno));
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!ll.sll_ifindex)
		die("no interface %s", ifname);
	if (bind(s, (struct sockaddr *)&ll, sizeof(ll)))
		die("bind to %s: %s", ifname, strerror(errno));
	return s;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: holdsock udp|tcp|packet IFNAME");
	if (!strcmp(argv[1], "udp"))
		inet_bound(SOCK_DGRAM, argv[2]);
	else if (!strcmp(argv[1], "tcp"))
		inet_bound(SOCK_STREAM, argv[2]);
	else if (!strcmp(argv[1], "packet"))
		packet_bound(argv[2]);
	else
		die("unknown socket kind '%s'", argv[1]);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
