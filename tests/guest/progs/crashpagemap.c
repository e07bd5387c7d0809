// SPDX-License-Identifier: MIT
/*
 * crashpagemap - a process whose DMA memory has the library's default
 * physical-address source (pagemap, which pins nothing) dies while a
 * process it forked still holds the NIC's /dev/uioN: the hugepages the
 * NIC's live RX ring and buffers are in must not go back to the kernel
 * until that holder is gone too.
 *
 *   crashpagemap NIC_BDF PEER_IFNAME ROUNDS
 *   crashpagemap --hold FD	(the holder; a victim execs it)
 *
 * NIC_BDF is an e1000e bound to uio_dma; PEER_IFNAME the other e1000e's
 * interface under the kernel's driver (same QEMU hub), up.  Each round:
 *
 *   victim	ud_mem_open() with UD_MEM_CFG_INIT or NULL (no pa_source:
 *		pagemap), the NIC opened (apps/drivers/e1000e.c: bus mastering
 *		on), memory first in even rounds and the NIC first in odd
 *		ones; RX started (64 descriptors, ring and buffers in that
 *		memory); it receives 4 frames from the peer (the path works),
 *		tells us the hugepages its RX ring and buffers are in, then
 *		forks a holder that closes every fd but /dev/uioN and execs
 *		this program with --hold (so it maps none of the memory and
 *		keeps no control fd), and is SIGKILLed (rounds 0, 1 mod 4) or
 *		_exits (2, 3 mod 4) with the NIC still receiving.
 *   checks	while the holder lives: it holds /dev/uioN and nothing else;
 *		HugePages_Free is down by at least the NIC's pages (they are
 *		still pinned); a fresh "taker" process maps every free
 *		hugepage (MAP_HUGETLB | MAP_POPULATE) and gets none of the
 *		NIC's pages; 8 frames sent to the NIC now are taken (RDH,
 *		read through the control device, moves by 8: it really DMAs
 *		while we look) and the taker's pattern stays intact.  Then
 *		the holder is killed: bus mastering off, HugePages_Free and
 *		the pin count back to their start.
 *
 * Safety of the failing case (pages given back while the NIC runs): the
 * NIC then reads its RX descriptors from a taker's page, so the taker's
 * pattern is itself a valid descriptor everywhere: in each 16-byte slot,
 * the buffer address is a 2 KiB block of the same hugepage, in its other
 * 1 MiB half (its physical address from /proc/self/pagemap, as root).  The
 * ring (1 KiB, 4 KiB aligned) never straddles the 1 MiB line, so frames
 * (60 bytes) land away from the ring, in the taker's own page, and the descriptors written back keep
 * that address: a stale descriptor read sends DMA nowhere but into the
 * taker.  Frames are sent only while the taker's pattern is complete,
 * unicast to the NIC (not promiscuous), and the peer has no address and no
 * IPv6, so nothing else arrives.
 *
 * Prints a line per round and "crashpm: NAME VALUE" totals; exit 0 when
 * every check held.
 */
#include <endian.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <uiodma.h>

#include "common/app.h"
#include "drivers/e1000e.h"
#include "guest_util.h"

#define HP		(2ul << 20)
#define RX_DESC		64u
#define TX_DESC		8u
#define PRE_FRAMES	4u	/* the victim receives these: the path works */
#define POST_FRAMES	8u	/* sent while only the holder is left */
#define MAX_NIC_PAGES	32u
#define MAX_TAKE	64
#define ETHERTYPE	0x88b5	/* IEEE local experimental */
#define RDH		0x02810
#define HOLDER_COMM	"pm-holder"

struct vmsg {
	char tag;	/* R ready, P frames received, H holder forked, F failed */
	int pid;
	unsigned val;
	uint8_t mac[6];
	unsigned npages;
	uint64_t pages[MAX_NIC_PAGES];	/* hugepages the NIC can reach */
	uint64_t ring_pa;
};

struct tmsg {
	char tag;	/* T took, K checked, F failed */
	long took;
	long nic_pages;	/* taken pages the NIC could reach */
	long changed;	/* pages whose pattern changed */
};

static const char *bdf;
static int tx_sock, tx_ifindex;
static char uio_path[64];

static struct {
	unsigned rounds, kills, exits, victim_failed, holder_bad;
	unsigned unpinned, taker_got_nic_page, nic_idle, canary_hit;
	unsigned busmaster_on, huge_leak, pin_leak, taker_failed;
} st;

static int recv_within(int fd, void *m, size_t len, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1 && read(fd, m, len) == (ssize_t)len ? 0 : -1;
}

static void send_all(int fd, const void *m, size_t len)
{
	if (write(fd, m, len) != (ssize_t)len)
		_exit(3);
}

/* ---- the victim ---------------------------------------------------- */

static void __attribute__((noreturn)) vfail(int wfd, const char *what)
{
	struct vmsg m = { .tag = 'F', .pid = getpid() };

	fprintf(stderr, "victim: %s\n", what);
	send_all(wfd, &m, sizeof(m));
	_exit(1);
}

static void add_page(struct vmsg *m, uint64_t pa)
{
	pa &= ~(uint64_t)(HP - 1);
	for (unsigned i = 0; i < m->npages; i++)
		if (m->pages[i] == pa)
			return;
	if (m->npages < MAX_NIC_PAGES)
		m->pages[m->npages++] = pa;
}

/*
 * In the forked child: close every fd but /dev/uioN and exec the holder,
 * which then has /dev/uioN and nothing else (no mapping, no control fd).
 */
static void __attribute__((noreturn)) become_holder(void)
{
	int fds[256], n = 0, ufd = -1;
	struct dirent *de;
	char arg[16];
	DIR *d = opendir("/proc/self/fd");

	while (d && (de = readdir(d))) {
		char p[64], l[256];
		ssize_t k;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		k = readlink(p, l, sizeof(l) - 1);
		if (k > 0) {
			l[k] = '\0';
			if (!strcmp(l, uio_path))
				ufd = fd;
		}
		if (n < 256)
			fds[n++] = fd;
	}
	if (d)
		closedir(d);
	if (ufd < 0)
		_exit(120);
	for (int i = 0; i < n; i++)
		if (fds[i] != ufd)
			close(fds[i]);
	if (fcntl(ufd, F_SETFD, 0))
		_exit(121);
	snprintf(arg, sizeof(arg), "%d", ufd);
	execl("/proc/self/exe", "crashpagemap", "--hold", arg, (char *)NULL);
	_exit(122);
}

static void __attribute__((noreturn)) victim(int round, int wfd)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;	/* pa_source NULL: pagemap */
	struct e1000e_config ec = { .rx_desc = RX_DESC, .tx_desc = TX_DESC };
	static struct e1000e nic;
	struct ud_mem *m = NULL;
	struct vmsg msg = { .tag = 'R' };
	uint64_t pa, t_end;
	unsigned got = 0;
	pid_t h;

	if (round & 1) {
		if (e1000e_open(&nic, bdf))
			vfail(wfd, "e1000e_open failed");
		m = ud_mem_open(NULL);		/* the same: UD_MEM_CFG_INIT */
	} else {
		m = ud_mem_open(&cfg);
		if (m && e1000e_open(&nic, bdf))
			vfail(wfd, "e1000e_open failed");
	}
	if (!m) {
		fprintf(stderr, "victim: ud_mem_open: %s\n", ud_errmsg());
		vfail(wfd, "no memory");
	}
	if (ud_mem_iova_mode(m) != UD_IOVA_MODE_PA)
		vfail(wfd, "the memory is not in PA mode");
	if (e1000e_start(&nic, m, &ec))
		vfail(wfd, "e1000e_start failed");
	/* IOVA is the physical address, as the pagemap source read it. */
	if (ud_pagemap_virt2phys(ud_desc_slot(nic.rx, 0), &pa) ||
	    pa != ud_desc_ring_iova(nic.rx))
		vfail(wfd, "the RX ring's IOVA is not its physical address");

	msg.pid = getpid();
	memcpy(msg.mac, nic.mac, 6);
	msg.ring_pa = ud_desc_ring_iova(nic.rx);
	add_page(&msg, ud_desc_ring_iova(nic.rx));
	add_page(&msg, ud_desc_ring_iova(nic.tx));
	for (unsigned i = 0; i < RX_DESC; i++) {
		const struct e1000e_rx_desc *dsc = ud_desc_slot(nic.rx, i);

		if (dsc->addr)
			add_page(&msg, le64toh(dsc->addr));
	}
	send_all(wfd, &msg, sizeof(msg));

	/* The controller sends PRE_FRAMES frames now. */
	t_end = app_now_ms() + 5000;
	while (got < PRE_FRAMES && app_now_ms() < t_end) {
		struct e1000e_frame fr[E1000E_BURST];
		struct ud_buf *bufs[E1000E_BURST];
		unsigned n = e1000e_rx_poll(&nic, fr, E1000E_BURST);

		for (unsigned i = 0; i < n; i++) {
			const uint8_t *f = ud_buf_data(fr[i].buf);

			if (fr[i].len >= 14 && f[12] == ETHERTYPE >> 8 &&
			    f[13] == (ETHERTYPE & 0xff))
				got++;
			bufs[i] = fr[i].buf;
		}
		if (n && e1000e_rx_refill(&nic, bufs, n))
			vfail(wfd, "RX refill failed");
		if (!n)
			app_sleep_ms(1);
	}
	msg.tag = 'P';
	msg.val = got;
	send_all(wfd, &msg, sizeof(msg));

	/* The NIC keeps receiving: RCTL.EN, 63 buffers posted, bus
	 * mastering on.  A holder keeps /dev/uioN, we die. */
	h = fork();
	if (h < 0)
		vfail(wfd, "fork failed");
	if (h == 0)
		become_holder();
	msg.tag = 'H';
	msg.pid = h;
	send_all(wfd, &msg, sizeof(msg));
	if ((round / 2) & 1)
		_exit(0);
	for (;;)
		pause();
}

/* ---- the taker ----------------------------------------------------- */

/* What the taker writes at offset @o (a multiple of 8) of its hugepage at
 * @pa: a legacy RX descriptor per 16 bytes whose buffer is a 2 KiB block
 * of the same page, in its other 1 MiB half; then a per-offset tag. */
static uint64_t pattern(uint64_t pa, size_t o)
{
	if (o % 16 == 0)
		return pa + ((o ^ (HP / 2)) & ~(size_t)2047);
	return (pa + o) ^ 0xa5c3e1f00f1e3c5aull;
}

static void __attribute__((noreturn)) taker(int rfd, int wfd,
					    const struct vmsg *v)
{
	static uint64_t *pages[MAX_TAKE];
	static uint64_t pas[MAX_TAKE];
	struct tmsg t = { .tag = 'T' };
	char c;

	for (; t.took < MAX_TAKE; t.took++) {
		uint64_t *p = mmap(NULL, HP, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
				   MAP_POPULATE, -1, 0);

		if (p == MAP_FAILED)
			break;
		if (ud_pagemap_virt2phys(p, &pas[t.took]) ||
		    pas[t.took] % HP) {
			fprintf(stderr, "taker: no physical address: %s\n",
				ud_errmsg());
			t.tag = 'F';
			send_all(wfd, &t, sizeof(t));
			_exit(1);
		}
		for (size_t o = 0; o < HP; o += 8)
			p[o / 8] = pattern(pas[t.took], o);
		pages[t.took] = p;
	}
	for (long i = 0; i < t.took; i++)
		for (unsigned k = 0; k < v->npages; k++)
			if (pas[i] == v->pages[k]) {
				printf("    taker: got hugepage %#" PRIx64 ", which the NIC's live %s\n",
				       pas[i], pas[i] == (v->ring_pa & ~(HP - 1)) ?
				       "RX ring is in" : "RX buffers are in");
				t.nic_pages++;
			}
	send_all(wfd, &t, sizeof(t));
	if (read(rfd, &c, 1) != 1)
		_exit(2);
	t.tag = 'K';
	for (long i = 0; i < t.took; i++) {
		uint64_t ring = v->ring_pa - pas[i];	/* offset, if in this page */
		size_t first = HP, frame = HP;
		unsigned descs = 0, blocks = 0;

		for (size_t b = 0; b < HP; b += 2048) {
			unsigned in_block = 0;

			for (size_t o = b; o < b + 2048; o += 8) {
				if (pages[i][o / 8] == pattern(pas[i], o))
					continue;
				if (first == HP)
					first = o;
				if (o >= ring && o < ring + RX_DESC * 16) {
					if (o % 16 == 8)	/* length, status */
						descs++;
				} else {
					in_block++;
				}
			}
			if (in_block) {
				blocks++;
				if (frame == HP)
					frame = b;
			}
		}
		if (first == HP)
			continue;
		t.changed++;
		printf("    taker: hugepage %#" PRIx64 " changed, first at +%#zx (%#" PRIx64 ", want %#" PRIx64 "): %u RX descriptors of the dead process's ring written back by the NIC, frames in %u block(s) of 2 KiB",
		       pas[i], first, pages[i][first / 8], pattern(pas[i], first),
		       descs, blocks);
		if (frame != HP) {
			const uint8_t *f = (const uint8_t *)pages[i] + frame;
			char txt[24];

			/* A frame of ours: EtherType, then our text. */
			snprintf(txt, sizeof(txt), "%.20s", (const char *)f + 14);
			for (char *q = txt; *q; q++)
				if (*q < ' ' || *q > '~')
					*q = '.';
			printf(", the first at +%#zx: EtherType %02x%02x, \"%s\"",
			       frame, f[12], f[13], txt);
		}
		printf("\n");
	}
	send_all(wfd, &t, sizeof(t));
	if (read(rfd, &c, 1) != 1)
		_exit(2);
	_exit(0);
}

/* ---- the controller ------------------------------------------------ */

/* RDH of the NIC, read through its control device (which does not make
 * us its holder), or -1. */
static long nic_rdh(void)
{
	int c = open_rw("/dev/uio_dma/%s", bdf);
	volatile uint32_t *r = mmap(NULL, 0x4000, PROT_READ, MAP_SHARED, c,
				    (off_t)UIO_DMA_MMAP_OFFSET(0, 0));
	long v = -1;

	if (r != MAP_FAILED) {
		v = rd32(r, RDH);
		munmap((void *)r, 0x4000);
	}
	close(c);
	return v;
}

static unsigned send_frames(const uint8_t *dst, unsigned n, int round)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET, .sll_ifindex = tx_ifindex,
		.sll_halen = 6,
	};
	unsigned sent = 0;

	memcpy(ll.sll_addr, dst, 6);
	for (unsigned i = 0; i < n; i++) {
		uint8_t f[60] = { 0 };

		memcpy(f, dst, 6);
		memcpy(f + 6, "\x02\x00\x00\x16\x50\x01", 6);
		f[12] = ETHERTYPE >> 8;
		f[13] = ETHERTYPE & 0xff;
		snprintf((char *)f + 14, sizeof(f) - 14, "crashpagemap r%d f%u",
			 round, i);
		if (sendto(tx_sock, f, sizeof(f), 0, (struct sockaddr *)&ll,
			   sizeof(ll)) == (ssize_t)sizeof(f))
			sent++;
		else
			printf("    sendto: %s\n", strerror(errno));
	}
	return sent;
}

/* The holder exec'd and holds /dev/uioN and nothing else. */
static int holder_only_uio(pid_t h, char *why, size_t len)
{
	char path[64], buf[256], line[512], links[512] = "";
	int nfd = 0, uio_fds = 0, bad_maps = 0, execd = 0;
	struct dirent *de;
	DIR *d;
	FILE *f;

	for (int i = 0; i < 300 && !execd; i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)h);
		fd = open(path, O_RDONLY);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			execd = !strcmp(buf, HOLDER_COMM "\n");
		}
		if (!execd)
			msleep(10);
	}
	if (!execd) {
		snprintf(why, len, "not running as " HOLDER_COMM " 3 s after the fork");
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)h);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char p[sizeof(path) + sizeof(de->d_name) + 2];
		ssize_t k;

		if (de->d_name[0] == '.')
			continue;
		nfd++;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		k = readlink(p, buf, sizeof(buf) - 1);
		if (k > 0) {
			buf[k] = '\0';
			uio_fds += !strcmp(buf, uio_path);
			if (strlen(links) + (size_t)k + 2 <= sizeof(links)) {
				strcat(links, " ");
				strcat(links, buf);
			}
		}
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)h);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "memfd:") || strstr(line, "/dev/uio") ||
		    strstr(line, "huge"))
			bad_maps++;
	if (f)
		fclose(f);
	if (nfd != 1 || uio_fds != 1 || bad_maps) {
		snprintf(why, len, "%d fds (%d of them %s):%s; %d mappings of DMA memory or the device",
			 nfd, uio_fds, uio_path, links, bad_maps);
		return -1;
	}
	return 0;
}

static void kill_wait(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Wait up to 5 s for @pid to exit by itself; then kill it. */
static void wait_exit(pid_t pid)
{
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		msleep(10);
	}
	kill_wait(pid);
}

#define NOTE(...) snprintf(note + strlen(note), sizeof(note) - strlen(note), __VA_ARGS__)

static void round_(int r, long f0, long pins0)
{
	int vp[2], to[2], from[2];
	struct vmsg v = { 0 }, m = { 0 };
	struct tmsg t = { 0 };
	char note[1024] = "", why[256];
	pid_t vpid, h = 0, tk = 0;
	long free_now, free_held = -1, pins, rdh0 = -1;
	unsigned delivered = 0;
	int kill_it = !((r / 2) & 1);

	st.rounds++;
	if (pipe(vp))
		die("pipe: %s", strerror(errno));
	vpid = fork();
	if (vpid < 0)
		die("fork: %s", strerror(errno));
	if (vpid == 0) {
		close(vp[0]);
		close(tx_sock);
		victim(r, vp[1]);
	}
	close(vp[1]);
	if (recv_within(vp[0], &v, sizeof(v), 20000) || v.tag != 'R') {
		st.victim_failed++;
		NOTE(" VICTIM-NOT-READY");
		goto out;
	}
	send_frames(v.mac, PRE_FRAMES, r);
	if (recv_within(vp[0], &m, sizeof(m), 10000) || m.tag != 'P' ||
	    m.val != PRE_FRAMES) {
		st.victim_failed++;
		NOTE(" VICTIM-RECEIVED(%u of %u)", m.tag == 'P' ? m.val : 0,
		     PRE_FRAMES);
		goto out;
	}
	if (recv_within(vp[0], &m, sizeof(m), 10000) || m.tag != 'H') {
		st.victim_failed++;
		NOTE(" NO-HOLDER");
		goto out;
	}
	h = m.pid;
	if (kill_it) {
		kill_wait(vpid);
		st.kills++;
	} else {
		wait_exit(vpid);
		st.exits++;
	}
	vpid = 0;

	/* The victim is gone; its forked holder keeps /dev/uioN, and the
	 * NIC, bus mastering on, still owns 63 RX descriptors. */
	if (holder_only_uio(h, why, sizeof(why))) {
		st.holder_bad++;
		NOTE(" HOLDER(%s)", why);
	}
	free_held = meminfo("HugePages_Free");
	if (f0 - free_held < (long)v.npages) {
		st.unpinned++;
		NOTE(" FREED-WHILE-HELD(HugePages_Free %ld of %ld at start: %ld kept, the NIC reaches %u)",
		     free_held, f0, f0 - free_held, v.npages);
	}

	if (pipe(to) || pipe(from))
		die("pipe: %s", strerror(errno));
	tk = fork();
	if (tk < 0)
		die("fork: %s", strerror(errno));
	if (tk == 0) {
		close(to[1]);
		close(from[0]);
		close(vp[0]);
		close(tx_sock);
		taker(to[0], from[1], &v);
	}
	close(to[0]);
	close(from[1]);
	if (recv_within(from[0], &t, sizeof(t), 20000) || t.tag != 'T') {
		st.taker_failed++;
		NOTE(" TAKER-FAILED");
		goto out_taker;
	}
	if (t.nic_pages) {
		st.taker_got_nic_page++;
		NOTE(" TAKER-GOT-NIC-PAGES(%ld of %ld taken)", t.nic_pages, t.took);
	}

	/* Frames while only the holder is left: the NIC must take them
	 * (it DMAs now), and into memory nobody else has. */
	rdh0 = nic_rdh();
	send_frames(v.mac, POST_FRAMES, r);
	for (int i = 0; i < 200; i++) {
		long rdh = nic_rdh();

		delivered = rdh0 < 0 || rdh < 0 ? 0 :
			    (unsigned)((rdh - rdh0 + RX_DESC) % RX_DESC);
		if (delivered >= POST_FRAMES)
			break;
		msleep(10);
	}
	if (delivered < POST_FRAMES) {
		st.nic_idle++;
		NOTE(" NIC-TOOK(%u of %u frames, RDH %ld)", delivered,
		     POST_FRAMES, rdh0);
	}
	if (write(to[1], "C", 1) != 1 ||
	    recv_within(from[0], &t, sizeof(t), 20000) || t.tag != 'K') {
		st.taker_failed++;
		NOTE(" TAKER-FAILED");
		goto out_taker;
	}
	if (t.changed) {
		st.canary_hit++;
		NOTE(" CANARY-HIT(%ld of %ld taken hugepages changed)",
		     t.changed, t.took);
	}
out_taker:
	/* The holder goes first: the NIC stops before the taker's pages
	 * (the dead process's, if they were given back) are free again. */
	kill_wait(h);
	h = 0;
	if (pci_command(bdf) & 4) {
		st.busmaster_on++;
		NOTE(" BUS-MASTER-ON");
	}
	if (write(to[1], "X", 1) != 1) { /* the taker is gone anyway */ }
	close(to[1]);
	close(from[0]);
	waitpid(tk, NULL, 0);
out:
	if (vpid)
		kill_wait(vpid);
	if (h)
		kill_wait(h);
	close(vp[0]);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	await_returned(pins0, f0, 3000, &pins, &free_now);
	if (free_now != f0) {
		st.huge_leak++;
		NOTE(" HUGEPAGES(free %ld, want %ld)", free_now, f0);
	}
	if (pins != pins0) {
		st.pin_leak++;
		NOTE(" PINS(%ld, want %ld)", pins, pins0);
	}
	printf("round %d: %s first, victim %s, NIC pages %u (ring %#" PRIx64 "), HugePages_Free %ld while held, taker took %ld, NIC took %u frames while held%s\n",
	       r, r & 1 ? "NIC" : "memory", kill_it ? "SIGKILLed" : "_exited",
	       v.npages, v.ring_pa, free_held, t.took, delivered,
	       note[0] ? note : ": ok");
}

int main(int argc, char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	int rounds;
	long f0, pins0;

	if (argc == 3 && !strcmp(argv[1], "--hold")) {
		/* The holder: /dev/uioN as fd argv[2], nothing else.  Its
		 * name says it is past the dynamic loader (which opens the
		 * shared libraries for a moment). */
		if (fcntl(atoi(argv[2]), F_GETFD) < 0)
			return 2;
		prctl(PR_SET_NAME, HOLDER_COMM);
		for (;;)
			pause();
	}
	app_init("crashpagemap");
	if (argc != 4)
		die("usage: crashpagemap NIC_BDF PEER_IFNAME ROUNDS");
	bdf = argv[1];
	rounds = atoi(argv[3]);
	uio = uio_of_pci(bdf);
	snprintf(uio_path, sizeof(uio_path), "/dev/%s", uio);
	signal(SIGPIPE, SIG_IGN);
	/* Holders whose victim died come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	tx_ifindex = (int)if_nametoindex(argv[2]);
	if (!tx_ifindex)
		die("no interface %s", argv[2]);
	tx_sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (tx_sock < 0)
		die("socket(AF_PACKET): %s", strerror(errno));
	ll.sll_ifindex = tx_ifindex;
	if (bind(tx_sock, (struct sockaddr *)&ll, sizeof(ll)))
		die("bind to %s: %s", argv[2], strerror(errno));

	f0 = meminfo("HugePages_Free");
	pins0 = pins_held();
	printf("crashpagemap %s (%s), frames from %s: %d rounds, %ld free hugepages, %ld pins at start\n",
	       bdf, uio, argv[2], rounds, f0, pins0);
	if (f0 < 4)
		die("need at least 4 free hugepages");
	for (int r = 0; r < rounds; r++)
		round_(r, f0, pins0);

	printf("crashpm: rounds %u\n", st.rounds);
	printf("crashpm: kills %u\n", st.kills);
	printf("crashpm: exits %u\n", st.exits);
	printf("crashpm: victim_failed %u\n", st.victim_failed);
	printf("crashpm: holder_bad %u\n", st.holder_bad);
	printf("crashpm: freed_while_held %u\n", st.unpinned);
	printf("crashpm: taker_got_nic_page %u\n", st.taker_got_nic_page);
	printf("crashpm: nic_idle %u\n", st.nic_idle);
	printf("crashpm: canary_hit %u\n", st.canary_hit);
	printf("crashpm: busmaster_on %u\n", st.busmaster_on);
	printf("crashpm: hugepage_leak %u\n", st.huge_leak);
	printf("crashpm: pin_leak %u\n", st.pin_leak);
	printf("crashpm: taker_failed %u\n", st.taker_failed);
	return st.victim_failed || st.holder_bad || st.unpinned ||
	       st.taker_got_nic_page || st.nic_idle || st.canary_hit ||
	       st.busmaster_on || st.huge_leak || st.pin_leak ||
	       st.taker_failed || st.rounds != (unsigned)rounds;
}
