// SPDX-License-Identifier: MIT
/*
 * What uses a network interface: it is up, has addresses or routes, is a
 * port of a bridge or bond, or has sockets bound to it (naming the
 * processes that hold them).
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libudev.h>

#include "inuse.h"
#include "net_sockets.h"
#include "parse.h"
#include "proc_fds.h"

int ud_net_is_up(struct udev_device *u)
{
	const char *f = udev_device_get_sysattr_value(u, "flags");
	unsigned long flags;

	return f && ud_parse_ulong(f, 0, &flags) == 0 && (flags & IFF_UP);
}

static int net_addresses(const char *ifname, char *buf, size_t len)
{
	struct ifaddrs *ifa, *p;
	int n = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (p = ifa; p; p = p->ifa_next) {
		char a[INET6_ADDRSTRLEN];
		const void *src;

		if (!p->ifa_addr || strcmp(p->ifa_name, ifname))
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			src = &((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr;
		else if (p->ifa_addr->sa_family == AF_INET6)
			src = &((struct sockaddr_in6 *)(void *)p->ifa_addr)->sin6_addr;
		else
			continue;
		if (!inet_ntop(p->ifa_addr->sa_family, src, a, sizeof(a)))
			continue;
		ud_use_add(buf, len, "%s has address %s", ifname, a);
		n++;
	}
	freeifaddrs(ifa);
	return n;
}

/* Routes through @ifname in /proc/net/route and /proc/net/ipv6_route. */
static int net_routes(const char *ifname)
{
	char line[512], name[IFNAMSIZ + 1];
	int n = 0;
	FILE *f;

	f = fopen("/proc/net/route", "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%16s", name) == 1 && !strcmp(name, ifname))
				n++;
		fclose(f);
	}
	f = fopen("/proc/net/ipv6_route", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *last = strrchr(line, ' ');

			if (!last)
				continue;
			last[strcspn(last, "\n")] = '\0';
			if (!strcmp(last + 1, ifname))
				n++;
		}
		fclose(f);
	}
	return n;
}

/* A bridge or bond @name is a port of (sysfs "master"). */
static int net_master(struct udev_device *u, const char *name, char *buf,
		      size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *master, *kind = "master device";
	ssize_t n;

	snprintf(path, sizeof(path), "%s/master", udev_device_get_syspath(u));
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	master = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	snprintf(path, sizeof(path), "/sys/class/net/%.64s/bridge", master);
	if (access(path, F_OK) == 0)
		kind = "bridge";
	snprintf(path, sizeof(path), "/sys/class/net/%.64s/bonding", master);
	if (access(path, F_OK) == 0)
		kind = "bond";
	ud_use_add(buf, len, "%s is a port of %s %s (take it out: ip link set "
		   "%s nomaster)", name, kind, master, name);
	return 1;
}

struct sock_use {
	const char *ifname;
	char *buf;
	size_t len;
};

static void bound_socket(const char *kind, unsigned long ino, void *arg)
{
	struct sock_use *s = arg;
	struct ud_open_file f = { .type = S_IFSOCK, .ino = (ino_t)ino };
	char what[96];

	snprintf(what, sizeof(what), "has a %s socket bound to %s", kind,
		 s->ifname);
	if (!ud_use_holders(&f, what, s->buf, s->len))
		ud_use_add(s->buf, s->len, "a %s socket (inode %lu) is bound "
			   "to %s", kind, ino, s->ifname);
}

int ud_inuse_net(struct udev_device *u, const char *name, char *buf,
		 size_t len)
{
	struct sock_use s = { .ifname = name, .buf = buf, .len = len };
	int uses = 0, idx = (int)if_nametoindex(name);

	if (ud_net_is_up(u)) {
		ud_use_add(buf, len, "network interface %s is up", name);
		uses++;
	}
	uses += net_addresses(name, buf, len);
	if (net_routes(name)) {
		ud_use_add(buf, len, "%s has routes", name);
		uses++;
	}
	uses += net_master(u, name, buf, len);
	if (idx > 0)
		uses += ud_net_bound_sockets(idx, bound_socket, &s);
	return uses;
}
