// SPDX-License-Identifier: MIT
/* The frames e1000e-loop sends and checks; see loop.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/app.h"
#include "common/net.h"
#include "drivers/e1000e.h"
#include "loop.h"

#define ETHERTYPE	0x88b5		/* IEEE local experimental */
#define MAGIC		0x55444c50u	/* "UDLP" */
#define HDR_LEN		24		/* Ethernet 14, magic 4, seq 4, len 2 */
#define STALL_MS	3000		/* no progress for this long: give up */
#define MAX_REPORTS	8

struct result {
	unsigned sent, wire, received, lost, dup, bad, reordered, stalls_irq;
	uint64_t bytes;
};

/* Frame @seq of @n: 60 bytes first, 1514 last, spread in between. */
static uint16_t frame_len(unsigned seq, unsigned n)
{
	if (seq == 0)
		return E1000E_MIN_FRAME;
	if (seq == n - 1)
		return E1000E_MAX_FRAME;
	return (uint16_t)(E1000E_MIN_FRAME +
			  (seq * 997u) % (E1000E_MAX_FRAME - E1000E_MIN_FRAME + 1));
}

static uint8_t pattern(unsigned seq, unsigned i)
{
	return (uint8_t)(seq * 31u + i * 7u + (i >> 8) + 1u);
}

static void build(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
		  unsigned seq, uint16_t len)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	net_put16(f + 12, ETHERTYPE);
	net_put32(f + 14, MAGIC);
	net_put32(f + 18, seq);
	net_put16(f + 22, len);
	for (unsigned i = HDR_LEN; i < len; i++)
		f[i] = pattern(seq, i);
}

/*
 * Check one received frame; NULL if it is frame *seq intact, else why not
 * (*seq is set when the sequence number could be read).
 */
static const char *verify(const struct e1000e_frame *fr, const uint8_t dst[6],
			  const uint8_t src[6], unsigned n, unsigned *seq)
{
	const uint8_t *f = ud_buf_data(fr->buf);
	static char why[128];

	*seq = UINT32_MAX;
	if (!(fr->status & E1000E_RXD_STAT_EOP))
		return "no EOP: frame spread over several buffers";
	if (fr->errors) {
		snprintf(why, sizeof(why), "RX errors 0x%02x", fr->errors);
		return why;
	}
	if (fr->len < HDR_LEN || net_get16(f + 12) != ETHERTYPE ||
	    net_get32(f + 14) != MAGIC)
		return "not one of ours (ethertype or magic)";
	*seq = net_get32(f + 18);
	if (*seq >= n)
		return "sequence number out of range";
	if (fr->len != frame_len(*seq, n) || net_get16(f + 22) != fr->len) {
		snprintf(why, sizeof(why), "length %u, header says %u, sent %u",
			 fr->len, net_get16(f + 22), frame_len(*seq, n));
		return why;
	}
	if (memcmp(f, dst, 6) || memcmp(f + 6, src, 6))
		return "wrong MAC addresses";
	for (unsigned i = HDR_LEN; i < fr->len; i++)
		if (f[i] != pattern(*seq, i)) {
			snprintf(why, sizeof(why), "payload byte %u is 0x%02x, want 0x%02x",
				 i, f[i], pattern(*seq, i));
			return why;
		}
	return NULL;
}

/* Take what the receiver has, check it, give the buffers back. */
static int receive(struct e1000e *rx, const uint8_t dst[6], const uint8_t src[6],
		   unsigned n, unsigned char *seen, unsigned *next, struct result *r,
		   unsigned *got)
{
	struct e1000e_frame fr[64];
	struct ud_buf *bufs[64];
	unsigned k = e1000e_rx_poll(rx, fr, 64);

	for (unsigned i = 0; i < k; i++) {
		unsigned seq;
		const char *why = verify(&fr[i], dst, src, n, &seq);

		bufs[i] = fr[i].buf;
		if (why) {
			if (r->bad++ < MAX_REPORTS)
				printf("  corrupted frame (%u bytes, seq %d): %s\n",
				       fr[i].len, seq == UINT32_MAX ? -1 : (int)seq, why);
			continue;
		}
		if (seen[seq]) {
			if (r->dup++ < MAX_REPORTS)
				printf("  frame %u received again\n", seq);
			continue;
		}
		seen[seq] = 1;
		if (seq != *next)
			r->reordered++;
		*next = seq + 1;
		r->received++;
		r->bytes += fr[i].len;
	}
	*got = k;
	return e1000e_rx_refill(rx, bufs, k);
}

static int run(struct e1000e *a, struct e1000e *b, const struct loop_opts *o,
	       loop_hook_fn hook, void *arg, struct result *r)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const uint8_t *dst = o->broadcast ? bcast : b->mac;
	unsigned rx_cap = o->rx_desc - 1, frames_in = 0, on_wire = 0, next = 0;
	unsigned got;
	int again = 0;		/* the second copy of a LOOP_SEND_TWICE frame */
	unsigned char *seen = calloc(o->count, 1);
	uint64_t last = app_now_ms();
	int err = 0;

	if (!seen)
		return app_err("out of memory for %u frames", o->count);
	memset(r, 0, sizeof(*r));
	while (r->sent < o->count || frames_in < on_wire ||
	       e1000e_tx_pending(a)) {
		unsigned posted = 0;

		e1000e_tx_reap(a);
		/* Never more in flight than the receiver has buffers for. */
		while (r->sent < o->count && e1000e_tx_free_slots(a) &&
		       on_wire - frames_in < rx_cap) {
			uint16_t len = frame_len(r->sent, o->count);
			enum loop_fate fate = again || !hook ? LOOP_SEND
					      : hook(r->sent, arg);
			struct ud_buf *tb;

			if (fate == LOOP_SKIP) {
				r->sent++;
				continue;
			}
			tb = e1000e_tx_alloc(a);
			if (!tb) {
				err = -1;
				goto out;
			}
			build(ud_buf_data(tb), dst, a->mac, r->sent, len);
			if (fate == LOOP_FLIP_LAST)
				((uint8_t *)ud_buf_data(tb))[len - 1] ^= 0xff;
			if (e1000e_tx_post(a, tb, len)) {
				ud_pool_put(tb);
				break;
			}
			on_wire++;
			posted++;
			again = fate == LOOP_SEND_TWICE;
			if (again)
				continue;	/* the same seq once more */
			r->sent++;
		}
		if (posted)
			e1000e_tx_flush(a);

		if (b->irq && frames_in < on_wire) {
			int w = e1000e_rx_wait(b, 1000);

			if (w < 0) {
				err = -1;
				goto out;
			}
			if (w == 0)
				r->stalls_irq++;	/* judged below */
		}
		if (receive(b, dst, a->mac, o->count, seen, &next, r, &got)) {
			err = -1;
			goto out;
		}
		if (got && b->irq && r->stalls_irq) {
			err = app_err("%s received frames but raised no interrupt for 1 s",
				      b->addr);
			goto out;
		}
		frames_in += got;
		if (got || posted)
			last = app_now_ms();
		else if (app_now_ms() - last > STALL_MS) {
			printf("  no progress for %d ms: %u sent, %u received, %u TX descriptors not completed (TDH/TDT stuck?)\n",
			       STALL_MS, on_wire, frames_in, e1000e_tx_pending(a));
			break;
		}
	}
	app_sleep_ms(50);	/* anything arriving late is a duplicate or worse */
	if (receive(b, dst, a->mac, o->count, seen, &next, r, &got))
		err = -1;
	for (unsigned s = 0; s < o->count; s++)
		if (!seen[s] && r->lost++ < MAX_REPORTS)
			printf("  frame %u (%u bytes) lost\n", s, frame_len(s, o->count));
out:
	r->wire = on_wire;
	free(seen);
	return err;
}

int loop_run(const struct loop_opts *o, loop_hook_fn hook, void *arg)
{
	struct e1000e_config cfg = { o->rx_desc, o->tx_desc, o->promisc };
	struct e1000e a, b;
	char ma[NET_MAC_STRLEN], mb[NET_MAC_STRLEN];
	struct ud_mem *m = NULL;
	struct ud_pa_source kpin;	/* outlives the memory (closed below) */
	struct result r = { 0 };
	int ret = 1;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (e1000e_open(&a, o->tx_addr) || e1000e_open(&b, o->rx_addr))
		goto out;
	net_mac_str(a.mac, ma);
	net_mac_str(b.mac, mb);
	/* Pinned through the receiver, the NIC that writes into it. */
	m = app_dev_mem_open("e1000e-loop", b.addr, &kpin);
	/* The receiver first, so that it is ready before anything is sent. */
	if (!m || e1000e_start(&b, m, &cfg) || e1000e_start(&a, m, &cfg) ||
	    (o->irq && e1000e_enable_rx_irq(&b)))
		goto out;
	printf("TX %s (%s) -> RX %s (%s): %u frames to %s, RX by %s, rings RX %u TX %u\n",
	       a.addr, ma, b.addr, mb, o->count,
	       o->broadcast ? "broadcast" : "the receiver's MAC",
	       o->irq ? "MSI-X interrupt" : "polling", o->rx_desc, o->tx_desc);
	if (run(&a, &b, o, hook, arg, &r))
		goto out;
	printf("sent %u frames, received %u (%" PRIu64 " bytes), lost %u, duplicated %u, corrupted %u, out of order %u\n",
	       r.wire, r.received, r.bytes, r.lost, r.dup, r.bad, r.reordered);
	printf("device counters: TX GPTC %u, RX GPRC %u", e1000e_stat(&a, E1000E_GPTC),
	       e1000e_stat(&b, E1000E_GPRC));
	if (o->irq)
		printf("; RX interrupts %" PRIu64, b.irqs);
	printf("\n");
	ret = r.sent != o->count || r.received != o->count || r.lost || r.dup ||
	      r.bad || (o->irq && !b.irqs);
	if (o->irq && !b.irqs)
		printf("  no RX interrupt arrived\n");
out:
	e1000e_close(&a);		/* resets: no DMA into freed memory */
	e1000e_close(&b);
	ud_mem_close(m);
	return ret;
}
