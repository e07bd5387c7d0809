// SPDX-License-Identifier: MIT
/*
 * Sockets bound to a network interface.  TCP, UDP and raw IP sockets come
 * from the kernel's sock_diag over netlink (each reply carries the bound
 * interface, idiag_if); packet sockets from /proc/net/packet (Iface).
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_sockets.h"

int ud_diag_parse(const void *buf, size_t len, int ifindex, const char *kind,
		  ud_sock_fn fn, void *arg)
{
	const unsigned char *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		struct inet_diag_msg m;
		size_t step;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return -EPROTO;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr err;

			if (h.nlmsg_len < NLMSG_LENGTH(sizeof(err)))
				return -EPROTO;
			memcpy(&err, p + NLMSG_HDRLEN, sizeof(err));
			return err.error < 0 && err.error > -4096 ? err.error : -EPROTO;
		}
		if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
		    h.nlmsg_len >= NLMSG_LENGTH(sizeof(m))) {
			memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
			if ((int)m.id.idiag_if == ifindex && ifindex && m.idiag_inode)
				fn(kind, m.idiag_inode, arg);
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* One sock_diag dump of @family/@proto, on a netlink socket of its own (so
 * that nothing left of an earlier dump is read as this one's). */
static int diag_dump(int family, int proto, int ifindex, const char *kind,
		     ud_sock_fn fn, void *arg)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	long buf[8192];
	int r = 0, fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			       NETLINK_SOCK_DIAG);

	if (fd < 0)
		return -errno;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (uint8_t)family;
	req.r.sdiag_protocol = (uint8_t)proto;
	req.r.idiag_states = ~0u;
	if (proto == IPPROTO_RAW)
		req.r.pad = IPPROTO_RAW;	/* raw_diag: every raw protocol */
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		r = -errno;
	while (r == 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		r = n <= 0 ? -EPROTO :
		    ud_diag_parse(buf, (size_t)n, ifindex, kind, fn, arg);
	}
	close(fd);
	return r < 0 ? r : 0;
}

int ud_packet_line_parse(const char *line, int *ifindex, unsigned long *ino)
{
	/* sk RefCnt Type Proto Iface R Rmem User Inode */
	return sscanf(line, "%*s %*d %*d %*x %d %*d %*u %*u %lu", ifindex,
		      ino) == 2 ? 0 : -1;
}

static int packet_sockets(int ifindex, ud_sock_fn fn, void *arg)
{
	FILE *f = fopen("/proc/net/packet", "re");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long ino;
		int idx;

		if (ud_packet_line_parse(line, &idx, &ino) == 0 && idx == ifindex &&
		    ino) {
			fn("packet", ino, arg);
			n++;
		}
	}
	fclose(f);
	return n;
}

struct counted {
	ud_sock_fn fn;
	void *arg;
	int n;
};

static void count_one(const char *kind, unsigned long ino, void *arg)
{
	struct counted *c = arg;

	c->n++;
	c->fn(kind, ino, c->arg);
}

int ud_net_bound_sockets(int ifindex, ud_sock_fn fn, void *arg)
{
	static const struct { int proto; const char *kind; } protos[] = {
		{ IPPROTO_TCP, "TCP" }, { IPPROTO_UDP, "UDP" },
		{ IPPROTO_RAW, "raw IP" },
	};
	static const int families[] = { AF_INET, AF_INET6 };
	struct counted c = { fn, arg, 0 };

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		for (size_t j = 0; j < sizeof(protos) / sizeof(protos[0]); j++)
			/* a protocol without sock_diag is skipped */
			diag_dump(families[i], protos[j].proto, ifindex,
				  protos[j].kind, count_one, &c);
	return c.n + packet_sockets(ifindex, fn, arg);
}
