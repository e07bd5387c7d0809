/* SPDX-License-Identifier: MIT */
/*
 * The traffic of e1000e-loop: frames sent from one 82574L to another
 * through the driver in e1000e.c, and checked on arrival.
 *
 * Frame @seq of COUNT has a length from 60 (the first) to 1514 bytes (the
 * last), an experimental EtherType (0x88b5), a magic number, its sequence
 * number and length, and a payload pattern derived from them, so the
 * receiver can tell a lost, duplicated, corrupted or reordered frame.  TX
 * is paced so that no more frames are in flight than the receiver has
 * buffers.
 *
 * Threads: one run at a time per pair of NICs; nothing is shared.
 */
#ifndef LOOP_H
#define LOOP_H

/* What to run. */
struct loop_opts {
	const char *tx_addr, *rx_addr;	/* PCI addresses of two NICs */
	unsigned count;			/* frames to send, 1 to 1000000 */
	unsigned rx_desc, tx_desc;	/* ring sizes: multiples of 8, 8 to 4096 */
	int irq;			/* RX on MSI-X vector 0, not by polling */
	int broadcast;			/* to ff:ff:ff:ff:ff:ff, not the RX MAC */
	int promisc;			/* the receiver accepts every frame */
};

#define LOOP_OPTS_INIT { .count = 64, .rx_desc = 256, .tx_desc = 128 }

/* What becomes of a frame before it is sent (see loop_hook_fn). */
enum loop_fate {
	LOOP_SEND,		/* once, intact */
	LOOP_SKIP,		/* not at all */
	LOOP_SEND_TWICE,	/* two copies in a row */
	LOOP_FLIP_LAST,		/* once, its last byte inverted */
};

/*
 * A hook called once for each frame before it is sent, with its sequence
 * number and the hook's @arg: test programs inject faults with it to prove
 * that the checker catches them.
 */
typedef enum loop_fate (*loop_hook_fn)(unsigned seq, void *arg);

/*
 * loop_run() - open both NICs, reset and start them (the receiver first),
 * send @o->count frames and check what arrives.
 * @o: what to run; the addresses must name two different devices.
 * @hook: decides each frame's fate, or NULL to send every frame once.
 * @arg: passed to @hook.
 *
 * Prints a line naming both NICs and their MAC addresses before the first
 * frame ("TX ... -> RX ...", which tests/guest/progs/crashtest.c waits
 * for), at most 8 lines per kind of fault, and the totals ("sent N frames,
 * received N (B bytes), lost N, duplicated N, corrupted N, out of order
 * N") with the devices' own counters.  Resets both NICs before freeing the
 * memory they DMA into.
 *
 * Return: 0 when every frame arrived exactly once and intact (and, with
 * @o->irq, an RX interrupt was seen), 1 otherwise or on any error (with a
 * message on stderr).
 */
int loop_run(const struct loop_opts *o, loop_hook_fn hook, void *arg);

#endif /* LOOP_H */
