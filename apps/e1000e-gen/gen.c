// SPDX-License-Identifier: MIT
/* e1000e-gen's sender and receiver; see gen.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/app.h"
#include "gen.h"
#include "stream.h"

#define FCS 4u			/* counted in bits per second */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "N frames (B bytes) in T s: P pps, M Mbit/s; CPU C ns per frame" */
static void rates(const char *verb, uint64_t frames, uint64_t bytes, uint64_t ns,
		  uint64_t cpu_ns)
{
	double s = ns ? ns / 1e9 : 1e-9;

	printf("%s %" PRIu64 " frames (%" PRIu64 " bytes) in %.3f s: %.0f pps, %.2f Mbit/s; "
	       "CPU %.0f ns per frame", verb, frames, bytes, ns / 1e9, frames / s,
	       (bytes + frames * FCS) * 8 / s / 1e6, frames ? (double)cpu_ns / frames : 0.0);
}

/* Give whatever arrived back to the RX ring: a sender does not listen. */
static int rx_discard(struct e1000e *nic, uint64_t *n)
{
	struct e1000e_frame fr[E1000E_BURST];
	struct ud_buf *b[E1000E_BURST];
	unsigned k = e1000e_rx_poll(nic, fr, E1000E_BURST);

	for (unsigned i = 0; i < k; i++)
		b[i] = fr[i].buf;
	*n += k;
	return e1000e_rx_refill(nic, b, k);
}

/* How many frames may go now at @rate, @sent gone since @t0; sleeps
 * while none is due yet. */
static uint64_t paced(uint64_t rate, uint64_t t0, uint64_t sent)
{
	uint64_t now = now_ns(), due = (uint64_t)((double)(now - t0) * rate / 1e9) + 1;

	if (due > sent)
		return due - sent;
	/* The next frame is due at t0 + sent / rate: sleep if that is far. */
	uint64_t at = t0 + (uint64_t)((double)sent * 1e9 / rate);

	if (at > now + 50000) {
		struct timespec ts = { 0, (long)(at - now - 20000) };

		nanosleep(&ts, NULL);
	}
	return 0;
}

/* The frame every TX buffer holds; per frame only the sequence number,
 * the IPv4 identification and the two checksums change. */
struct frame_tmpl {
	uint8_t f[NET_ETH_MAX];
	uint16_t len;
	uint32_t ip_sum, udp_sum;	/* unfolded, with those fields 0 */
};

static void tmpl_make(struct frame_tmpl *t, const struct gen_opts *o)
{
	uint16_t payload = (uint16_t)(o->size - NET_UDP_PAYLOAD);
	uint8_t *ip = t->f + NET_ETH_HLEN, *udp = ip + NET_IP_HLEN;

	stream_fill(t->f + NET_UDP_PAYLOAD, payload, 0);
	t->len = net_udp_frame(t->f, &o->flow, payload, 0);
	net_put16(ip + NET_IP_CSUM, 0);
	net_put16(udp + NET_UDP_CSUM, 0);
	t->ip_sum = net_csum_add(0, ip, NET_IP_HLEN);
	t->udp_sum = net_l4_sum(ip, udp, (size_t)NET_UDP_HLEN + payload);
}

/* Frame @seq in @f, which holds the template: incremental checksums
 * (RFC 1624) over the two fields that change. */
static void tmpl_stamp(const struct frame_tmpl *t, uint8_t *f, uint32_t seq)
{
	uint8_t *ip = f + NET_ETH_HLEN, *udp = ip + NET_IP_HLEN;
	uint16_t id = (uint16_t)seq, csum;

	stream_set_seq(f + NET_UDP_PAYLOAD, seq);
	net_put16(ip + NET_IP_ID, id);
	net_put16(ip + NET_IP_CSUM, net_csum_fold(t->ip_sum + id));
	csum = net_csum_fold(t->udp_sum + (seq >> 16) + (seq & 0xffff));
	net_put16(udp + NET_UDP_CSUM, csum ? csum : 0xffff);
}

/* Copy the template into every buffer TX will take (RX keeps its own). */
static int tmpl_load(struct e1000e *nic, const struct frame_tmpl *t)
{
	unsigned n = ud_pool_avail(nic->pool);
	struct ud_buf **all = calloc(n ? n : 1, sizeof(*all));
	int ret = -1;

	if (all && !ud_pool_get_bulk(nic->pool, all, n)) {
		for (unsigned i = 0; i < n; i++)
			memcpy(ud_buf_data(all[i]), t->f, t->len);
		ret = ud_pool_put_bulk(nic->pool, all, n);
	}
	if (ret)
		app_err("TX buffers: %s", all ? ud_errmsg() : "out of memory");
	free(all);
	return ret;
}

int gen_tx(struct e1000e *nic, const struct gen_opts *o)
{
	struct ud_buf *b[E1000E_BURST];
	uint16_t lens[E1000E_BURST];
	uint64_t sent = 0, bytes = 0, other = 0, t0, c0;
	uint64_t end;
	struct frame_tmpl t;

	tmpl_make(&t, o);
	if (tmpl_load(nic, &t))
		return 1;
	for (unsigned i = 0; i < E1000E_BURST; i++)
		lens[i] = t.len;
	t0 = now_ns();
	c0 = app_cpu_ns();
	end = o->seconds ? t0 + o->seconds * 1000000000ull : 0;

	while (!app_stopping() && (!o->count || sent < o->count) && (!end || now_ns() < end)) {
		uint64_t n;

		e1000e_tx_reap(nic);
		if (rx_discard(nic, &other))
			return 1;
		n = e1000e_tx_free_slots(nic);
		n = n < o->burst ? n : o->burst;
		if (o->count && n > o->count - sent)
			n = o->count - sent;
		if (o->rate && n) {
			uint64_t due = paced(o->rate, t0, sent);

			n = n < due ? n : due;
		}
		if (!n)
			continue;
		if (ud_pool_get_bulk(nic->pool, b, (unsigned)n)) {
			app_err("TX buffers: %s", ud_errmsg());
			return 1;
		}
		for (unsigned i = 0; i < n; i++)
			tmpl_stamp(&t, ud_buf_data(b[i]), (uint32_t)(sent + i));
		bytes += n * t.len;
		e1000e_tx_post_bulk(nic, b, lens, (unsigned)n);	/* n <= free slots */
		e1000e_tx_flush(nic);
		sent += n;
	}
	/* The last frames are sent when the device has written them back. */
	for (uint64_t until = now_ns() + 2000000000ull;
	     e1000e_tx_pending(nic) && now_ns() < until;)
		e1000e_tx_reap(nic);
	rates("sent", sent, bytes, now_ns() - t0, app_cpu_ns() - c0);
	printf("; %u still in the TX ring; device GPTC %u; %" PRIu64 " frames received meanwhile\n",
	       e1000e_tx_pending(nic), e1000e_stat(nic, E1000E_GPTC), other);
	return e1000e_tx_pending(nic) || (o->count && sent < o->count && !app_stopping() &&
					  !o->seconds);
}

/* What the receiver counted. */
struct rx_count {
	struct stream_seqs seqs;
	uint64_t frames, bytes, ours, pktgen, corrupt, other;
	uint64_t t_first, t_last, cpu_first, cpu_last;
};

/* Count one frame. */
static void count(struct rx_count *c, const struct e1000e_frame *fr, uint16_t port)
{
	const uint8_t *f = ud_buf_data(fr->buf), *ip = f + NET_ETH_HLEN, *udp;
	unsigned tot, hlen, ulen;
	uint32_t seq;

	if (fr->errors || !(fr->status & E1000E_RXD_STAT_EOP)) {
		c->corrupt++;
		return;
	}
	if (fr->len < NET_ETH_HLEN || net_get16(f + 12) != NET_ETHERTYPE_IPV4 ||
	    fr->len < NET_ETH_HLEN + NET_IP_HLEN || ip[NET_IP_PROTO] != NET_IPPROTO_UDP) {
		c->other++;
		return;
	}
	hlen = net_ipv4_check(ip, fr->len - NET_ETH_HLEN, &tot);
	udp = ip + hlen;
	if (!hlen || tot < hlen + NET_UDP_HLEN) {
		c->corrupt++;
		return;
	}
	if (net_get16(udp + NET_UDP_DPORT) != port) {
		c->other++;
		return;
	}
	ulen = net_udp_check(ip, udp, tot - hlen);
	switch (ulen ? stream_check(udp + NET_UDP_HLEN, ulen - NET_UDP_HLEN, &seq)
		     : STREAM_CORRUPT) {
	case STREAM_OURS: c->ours++; break;
	case STREAM_FROM_PKTGEN: c->pktgen++; break;
	case STREAM_FOREIGN: c->other++; return;
	case STREAM_CORRUPT: c->corrupt++; return;
	}
	if (stream_seq(&c->seqs, seq))
		c->corrupt++;		/* a sequence number beyond memory */
	c->bytes += fr->len;
}

int gen_rx(struct e1000e *nic, const struct gen_opts *o)
{
	struct e1000e_frame fr[E1000E_BURST];
	struct ud_buf *b[E1000E_BURST];
	struct rx_count c = { 0 };
	uint64_t t0 = now_ns(), lost;
	uint64_t end = o->seconds ? t0 + o->seconds * 1000000000ull : 0;
	int ret;

	while (!app_stopping() && (!o->count || c.seqs.unique < o->count)) {
		unsigned k = e1000e_rx_poll(nic, fr, o->burst);
		uint64_t now;

		if (!k) {
			now = now_ns();
			if ((end && now > end) ||
			    (c.frames && now - c.t_last > o->idle_ms * 1000000ull))
				break;
			if (o->irq && e1000e_rx_wait(nic, 100) < 0)
				return 1;
			continue;
		}
		now = now_ns();
		if (!c.frames) {
			c.t_first = now;
			c.cpu_first = app_cpu_ns();
		}
		for (unsigned i = 0; i < k; i++) {
			count(&c, &fr[i], o->flow.dport);
			b[i] = fr[i].buf;
		}
		c.frames += k;
		c.t_last = now;
		c.cpu_last = app_cpu_ns();
		if (e1000e_rx_refill(nic, b, k))
			return 1;
	}
	lost = stream_lost(&c.seqs, o->count);
	rates("received", c.seqs.unique, c.bytes, c.t_last - c.t_first,
	      c.cpu_last - c.cpu_first);
	printf("\n  of them ours %" PRIu64 ", pktgen's %" PRIu64 "; lost %" PRIu64
	       ", duplicated %" PRIu64 ", reordered %" PRIu64 ", corrupt %" PRIu64
	       ", other frames %" PRIu64 "; device GPRC %u, RX interrupts %" PRIu64 "\n",
	       c.ours, c.pktgen, lost, c.seqs.dup, c.seqs.reordered, c.corrupt, c.other,
	       e1000e_stat(nic, E1000E_GPRC), nic->irqs);
	ret = lost || c.seqs.dup || c.corrupt;
	stream_seqs_free(&c.seqs);
	return ret;
}
