// SPDX-License-Identifier: MIT
/* e1000e-echo's loop: frames in, answers out; see serve.h. */
#include <inttypes.h>
#include <stdio.h>

#include "common/app.h"
#include "serve.h"

static uint64_t rx_frames, tx_frames;

int serve(struct e1000e *nic, struct proto *p, int irq, uint64_t end_ms)
{
	struct e1000e_frame fr[E1000E_BURST];
	struct ud_buf *refill[E1000E_BURST], *out[E1000E_BURST];
	uint16_t lens[E1000E_BURST];

	while (!app_stopping() && (!end_ms || app_now_ms() < end_ms)) {
		unsigned n = e1000e_rx_poll(nic, fr, E1000E_BURST), nr = 0, no = 0, sent;

		e1000e_tx_reap(nic);
		if (!n) {
			if (irq && e1000e_rx_wait(nic, 100) < 0)
				return -1;
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			uint16_t len = 0;

			if (fr[i].errors || !(fr[i].status & E1000E_RXD_STAT_EOP))
				p->drops[PROTO_RX_ERROR]++;
			else
				len = proto_answer(p, ud_buf_data(fr[i].buf), fr[i].len);
			if (len) {
				out[no] = fr[i].buf;
				lens[no++] = len;
			} else {
				refill[nr++] = fr[i].buf;
			}
		}
		/* Answers leave in the buffers they came in; fresh ones take
		 * their places in the RX ring. */
		sent = e1000e_tx_post_bulk(nic, out, lens, no);
		e1000e_tx_flush(nic);
		p->drops[PROTO_TX_FULL] += no - sent;
		for (unsigned i = sent; i < no; i++)
			refill[nr++] = out[i];
		if (sent && ud_pool_get_bulk(nic->pool, refill + nr, sent))
			return app_err("RX refill: %s", ud_errmsg());
		rx_frames += n;
		tx_frames += sent;
		if (e1000e_rx_refill(nic, refill, nr + sent))
			return -1;
	}
	return 0;
}

void serve_report(struct e1000e *nic, const struct proto *p, uint64_t cpu_ns)
{
	uint64_t dropped = 0;

	for (int d = 0; d < PROTO_NDROP; d++)
		dropped += p->drops[d];
	printf("frames: received %" PRIu64 ", sent %" PRIu64 " (ARP replies %" PRIu64
	       ", ICMP echo replies %" PRIu64 ", UDP echoes %" PRIu64 "), dropped %" PRIu64,
	       rx_frames, tx_frames, p->arp, p->icmp, p->udp, dropped);
	for (int d = 0; d < PROTO_NDROP; d++)
		printf("%s%s %" PRIu64, d ? ", " : " (", proto_drop_name(d), p->drops[d]);
	printf(")\ndevice counters: RX GPRC %u, TX GPTC %u; RX interrupts %" PRIu64
	       "; CPU time %.1f ms, %.1f us per frame received\n",
	       e1000e_stat(nic, E1000E_GPRC), e1000e_stat(nic, E1000E_GPTC), nic->irqs,
	       cpu_ns / 1e6, rx_frames ? cpu_ns / 1e3 / (double)rx_frames : 0.0);
}
