// SPDX-License-Identifier: MIT
/*
 * udpcheck - the kernel's side of the NIC apps' guest tests, through an
 * ordinary UDP socket.
 *
 *   udpcheck echo IP PORT SIZE...
 *
 * Sends one datagram of each SIZE (0 to 1472 bytes, a pattern derived from
 * the size and its position) to IP:PORT and waits up to 2 s for it to come
 * back, from there, with the same length and bytes (e1000e-echo).  One
 * line per datagram.
 *
 * Exit status: 0 every datagram came back intact, 1 otherwise, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/app.h"
#include "common/net.h"

static int usage(void)
{
	fprintf(stderr, "usage: udpcheck echo IP PORT SIZE...\n");
	return 2;
}

/* A socket connected to @ip:@port, with a receive timeout of 2 s. */
static int udp_connect(const char *ip, unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 2 };
	int fd;

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return app_err("%s: not an IPv4 address", ip);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return app_err("socket to %s:%u: %s", ip, port, strerror(errno));
	return fd;
}

/* Send @size bytes, the @k-th datagram, and check what comes back. */
static int echo_one(int fd, unsigned size, unsigned k)
{
	uint8_t out[NET_UDP_MAX_PAYLOAD], in[NET_UDP_MAX_PAYLOAD + 1];
	ssize_t n;

	for (unsigned i = 0; i < size; i++)
		out[i] = (uint8_t)(i * 13u + size + k * 101u);
	if (send(fd, out, size, 0) != (ssize_t)size)
		return app_err("send %u bytes: %s", size, strerror(errno));
	n = recv(fd, in, sizeof(in), 0);
	if (n < 0)
		return app_err("%u bytes: nothing came back (%s)", size, strerror(errno));
	if ((size_t)n != size)
		return app_err("%u bytes: %zd came back", size, n);
	for (unsigned i = 0; i < size; i++)
		if (in[i] != out[i])
			return app_err("%u bytes: byte %u is 0x%02x, sent 0x%02x",
				       size, i, in[i], out[i]);
	printf("%u bytes: came back intact\n", size);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long port, size;
	int fd, bad = 0;

	app_init("udpcheck");
	if (argc < 5 || strcmp(argv[1], "echo") ||
	    app_num("PORT", argv[3], 1, 65535, &port))
		return usage();
	fd = udp_connect(argv[2], (unsigned)port);
	if (fd < 0)
		return 1;
	for (int i = 4; i < argc; i++) {
		if (app_num("SIZE", argv[i], 0, NET_UDP_MAX_PAYLOAD, &size))
			return usage();
		bad |= echo_one(fd, (unsigned)size, (unsigned)i) != 0;
	}
	close(fd);
	return bad;
}
