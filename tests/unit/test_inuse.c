// SPDX-License-Identifier: MIT
/*
 * What 'uiodma bind' looks for beyond mounts: processes holding a device
 * node or a socket open (named by pid and command), sockets bound to an
 * interface (sock_diag for TCP/UDP, /proc/net/packet), and the parsers of
 * what the kernel answers.  Runs on the host with the loopback interface
 * and /dev/null; the PCI side is in the guest tests (case 105).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net_sockets.h"
#include "proc_fds.h"
#include "unit.h"

struct seen {
	int n;          /* holders reported */
	int pid;        /* the one looked for */
	char comm[64];  /* its command, if reported */
};

static void holder(int pid, const char *comm, void *arg)
{
	struct seen *s = arg;

	s->n++;
	if (pid == s->pid)
		snprintf(s->comm, sizeof(s->comm), "%s", comm);
}

static int set_name(void *comm)
{
	return prctl(PR_SET_NAME, comm);
}

/*
 * @fd (a device node or a socket of @type), held by a child named @comm
 * once this process closed it, is found with the child's pid and name,
 * and no longer once the child is gone.
 */
static void check_holder(int fd, mode_t type, const char *comm)
{
	struct ud_open_file f = { .type = type };
	struct seen s = { 0 };
	struct stat st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	f.rdev = st.st_rdev;
	f.ino = st.st_ino;
	s.pid = ut_fork_holder(set_name, (void *)comm);	/* inherits @fd */
	close(fd);
	ck_assert_int_ge(ud_proc_holders(&f, holder, &s), 1);
	ck_assert_str_eq(s.comm, comm);
	kill(s.pid, SIGKILL);
	waitpid(s.pid, NULL, 0);
	s.comm[0] = '\0';
	ud_proc_holders(&f, holder, &s);
	ck_assert_str_eq(s.comm, "");
}

/* Any path to the node counts: the child opened it as /dev/null. */
START_TEST(device_holder_named)
{
	struct ud_open_file none = { .type = S_IFBLK, .rdev = makedev(4095, 4095) };
	struct seen s = { 0 };

	check_holder(open("/dev/null", O_RDWR | O_CLOEXEC), S_IFCHR, "udholder");
	ck_assert_int_eq(ud_proc_holders(&none, holder, &s), 0);
}
END_TEST

/* A held socket is found by its inode. */
START_TEST(socket_holder_named)
{
	check_holder(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), S_IFSOCK,
		     "udsockholder");
}
END_TEST

static unsigned long ino_of(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return (unsigned long)st.st_ino;
}

struct want {
	unsigned long ino;
	char kind[16];
	int found;
};

static void sock_match(const char *kind, unsigned long ino, void *arg)
{
	struct want *w = arg;

	if (ino == w->ino) {
		w->found++;
		snprintf(w->kind, sizeof(w->kind), "%s", kind);
	}
}

/* Whether socket @fd is among those bound to @idx; its kind into @w. */
static int bound_has(int idx, int fd, struct want *w)
{
	memset(w, 0, sizeof(*w));
	w->ino = ino_of(fd);
	ud_net_bound_sockets(idx, sock_match, w);
	return w->found;
}

static int inet_bound(int type, const char *ifname)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int sk = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(sk, 0);
	if (ifname)
		ck_assert_int_eq(setsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, ifname,
					    (socklen_t)strlen(ifname) + 1), 0);
	ck_assert_int_eq(bind(sk, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		ck_assert_int_eq(listen(sk, 1), 0);
	return sk;
}

START_TEST(inet_sockets_bound)
{
	int lo = (int)if_nametoindex("lo");
	int udp = inet_bound(SOCK_DGRAM, "lo"), tcp = inet_bound(SOCK_STREAM, "lo");
	int free_udp = inet_bound(SOCK_DGRAM, NULL);
	struct want w;

	if (geteuid() != 0)
		UD_SKIP("SO_BINDTODEVICE needs root");
	ck_assert_int_gt(lo, 0);
	if (!bound_has(lo, udp, &w))
		UD_SKIP("no sock_diag for UDP in this kernel (udp_diag)");
	ck_assert_int_eq(w.found, 1);
	ck_assert_str_eq(w.kind, "UDP");
	ck_assert_int_eq(bound_has(lo, tcp, &w), 1);
	ck_assert_str_eq(w.kind, "TCP");
	/* a socket not bound to the interface is not reported */
	ck_assert_int_eq(bound_has(lo, free_udp, &w), 0);
	ck_assert_int_eq(bound_has(lo + 1000, udp, &w), 0);
	close(udp);
	close(tcp);
	close(free_udp);
}
END_TEST

START_TEST(packet_socket_bound)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5) };
	int sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x88b5));
	struct want w;

	if (sk < 0)
		UD_SKIP("no packet sockets: %s", strerror(errno));
	ll.sll_ifindex = (int)if_nametoindex("lo");
	ck_assert_int_eq(bind(sk, (struct sockaddr *)&ll, sizeof(ll)), 0);
	ck_assert_int_eq(bound_has(ll.sll_ifindex, sk, &w), 1);
	ck_assert_str_eq(w.kind, "packet");
	close(sk);
}
END_TEST

START_TEST(packet_lines)
{
	int idx = -1;
	unsigned long ino = 0;

	ck_assert_int_eq(ud_packet_line_parse("sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n", &idx, &ino), -1);
	ck_assert_int_eq(ud_packet_line_parse("0000000000000000 3      3    88b5   2     1 0      0      41235 \n", &idx, &ino), 0);
	ck_assert_int_eq(idx, 2);
	ck_assert_uint_eq(ino, 41235);
	ck_assert_int_eq(ud_packet_line_parse("", &idx, &ino), -1);
	ck_assert_int_eq(ud_packet_line_parse("ffff 3 3 zz 2 1 0 0 7", &idx, &ino), -1);
}
END_TEST

/* Netlink replies built by hand: one message per socket, then DONE. */
static size_t put_msg(unsigned char *buf, uint16_t type, const void *body,
		      size_t blen)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)NLMSG_LENGTH(blen),
			      .nlmsg_type = type };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, body, blen);
	return NLMSG_ALIGN(h.nlmsg_len);
}

START_TEST(diag_replies)
{
	unsigned char buf[1024];
	struct inet_diag_msg m = { 0 };
	struct nlmsgerr e = { .error = -ENOENT };
	struct want w = { .ino = 77 };
	size_t n = 0;

	m.id.idiag_if = 3;
	m.idiag_inode = 77;
	n += put_msg(buf + n, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	m.id.idiag_if = 4;	/* another interface */
	m.idiag_inode = 78;
	n += put_msg(buf + n, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	m.id.idiag_if = 3;	/* time-wait: no inode */
	m.idiag_inode = 0;
	n += put_msg(buf + n, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	ck_assert_int_eq(ud_diag_parse(buf, n, 3, "TCP", sock_match, &w), 0);
	ck_assert_int_eq(w.found, 1);
	ck_assert_str_eq(w.kind, "TCP");
	n += put_msg(buf + n, NLMSG_DONE, &e, sizeof(int));
	ck_assert_int_eq(ud_diag_parse(buf, n, 3, "TCP", sock_match, &w), 1);
	ck_assert_int_eq(w.found, 2);
	/* an error reply: its errno */
	n = put_msg(buf, NLMSG_ERROR, &e, sizeof(e));
	ck_assert_int_eq(ud_diag_parse(buf, n, 3, "TCP", sock_match, &w), -ENOENT);
	/* malformed: a length past the buffer, or shorter than a header */
	n = put_msg(buf, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	ck_assert_int_eq(ud_diag_parse(buf, n - 8, 3, "TCP", sock_match, &w), -EPROTO);
	((struct nlmsghdr *)(void *)buf)->nlmsg_len = 4;
	ck_assert_int_eq(ud_diag_parse(buf, n, 3, "TCP", sock_match, &w), -EPROTO);
	/* a short message of the right type is skipped, not read past */
	n = put_msg(buf, SOCK_DIAG_BY_FAMILY, &m, 8);
	ck_assert_int_eq(ud_diag_parse(buf, n, 3, "TCP", sock_match, &w), 0);
	ck_assert_int_eq(w.found, 2);
}
END_TEST

static Suite *inuse_suite(void)
{
	Suite *s = suite_create("inuse");
	TCase *tc = tcase_create("holders");

	tcase_add_test(tc, device_holder_named);
	tcase_add_test(tc, socket_holder_named);
	tcase_add_test(tc, inet_sockets_bound);
	tcase_add_test(tc, packet_socket_bound);
	tcase_add_test(tc, packet_lines);
	tcase_add_test(tc, diag_replies);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(inuse_suite)
