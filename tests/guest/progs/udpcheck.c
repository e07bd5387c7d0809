// SPDX-License-Identifier: MIT
/*
 * udpcheck - the kernel's side of the NIC apps' guest tests, through an
 * ordinary UDP socket.
 *
 *   udpcheck echo IP PORT SIZE...
 *   udpcheck sink PORT COUNT [IDLE_MS]
 *
 * echo sends one datagram of each SIZE (0 to 1472 bytes, a pattern derived
 * from the size and its position) to IP:PORT and waits up to 2 s for it
 * to come back, from there, with the same length and bytes (e1000e-echo).
 * One line per datagram.  Exit status: 0 every datagram came back intact.
 *
 * sink receives the datagrams e1000e-gen sends to PORT, checks each
 * payload (apps/e1000e-gen/stream.h) and counts them by sequence number
 * until COUNT distinct ones came or none for IDLE_MS (default 5000; the
 * first may take that long too).  It says "listening" when its socket is
 * bound, then prints what it counted.  Exit status: 0 when COUNT came,
 * none twice, every payload intact.
 *
 * Exit status 1 otherwise, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/app.h"
#include "common/net.h"
#include "e1000e-gen/stream.h"

static int usage(void)
{
	fprintf(stderr, "usage: udpcheck echo IP PORT SIZE...\n"
			"       udpcheck sink PORT COUNT [IDLE_MS]\n");
	return 2;
}

/* A UDP socket with a receive timeout of @ms, connected to @ip:@port
 * (@ip non-NULL) or bound to @port. */
static int udp_socket(const char *ip, unsigned port, unsigned ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	int fd, big = 8 << 20;

	if (ip && inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return app_err("%s: not an IPv4 address", ip);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	/* Room for a burst at full speed (root may exceed rmem_max). */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    (ip ? connect(fd, (struct sockaddr *)&sa, sizeof(sa))
		: bind(fd, (struct sockaddr *)&sa, sizeof(sa))))
		return app_err("socket %s %s:%u: %s", ip ? "to" : "on", ip ? ip : "*", port,
			       strerror(errno));
	return fd;
}

/* Count e1000e-gen's datagrams to @port; 0 when @count came intact. */
static int sink(unsigned port, uint64_t count, unsigned idle_ms)
{
	uint8_t in[NET_UDP_MAX_PAYLOAD + 1];
	struct stream_seqs s = { 0 };
	uint64_t corrupt = 0, foreign = 0, bytes = 0;
	int fd = udp_socket(NULL, port, idle_ms), ret;
	uint32_t seq;
	ssize_t n;

	if (fd < 0)
		return 1;
	printf("listening on port %u for %" PRIu64 " datagrams\n", port, count);
	while (s.unique < count && (n = recv(fd, in, sizeof(in), 0)) >= 0) {
		switch (stream_check(in, (unsigned)n, &seq)) {
		case STREAM_OURS:
			if (stream_seq(&s, seq))
				return app_err("sequence number %u: %s", seq, strerror(errno));
			bytes += (uint64_t)n;
			break;
		case STREAM_CORRUPT:
			if (corrupt++ < 8)
				printf("  datagram %u of %zd bytes: payload differs\n", seq, n);
			break;
		default:
			foreign++;
		}
	}
	close(fd);
	printf("received %" PRIu64 " datagrams (%" PRIu64 " bytes of payload): lost %" PRIu64
	       ", duplicated %" PRIu64 ", reordered %" PRIu64 ", corrupt %" PRIu64 ", foreign %"
	       PRIu64 "\n", s.unique, bytes, stream_lost(&s, count), s.dup, s.reordered,
	       corrupt, foreign);
	ret = s.unique != count || s.dup || corrupt;
	stream_seqs_free(&s);
	return ret;
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
	unsigned long long port, size, count, idle = 5000;
	int fd, bad = 0;

	app_init("udpcheck");
	if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "sink")) {
		if (app_num("PORT", argv[2], 1, 65535, &port) ||
		    app_num("COUNT", argv[3], 1, 1ull << 32, &count) ||
		    (argc == 5 && app_num("IDLE_MS", argv[4], 1, 3600000, &idle)))
			return usage();
		return sink((unsigned)port, count, (unsigned)idle);
	}
	if (argc < 5 || strcmp(argv[1], "echo") ||
	    app_num("PORT", argv[3], 1, 65535, &port))
		return usage();
	fd = udp_socket(argv[2], (unsigned)port, 2000);
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
