/* SPDX-License-Identifier: MIT */
/*
 * The two directions of e1000e-gen on a started NIC (drivers/e1000e.c):
 *
 * gen_tx() sends UDP/IPv4 frames of one size to one MAC and IPv4 address,
 * their payloads numbered and patterned (stream.h), in bursts: a bulk get
 * from the buffer pool, one bulk post to the TX ring, one doorbell; at full
 * speed, or paced to a rate (sleeping while the next frame is not yet due).
 * Every TX buffer is given the whole frame once, at the start; per frame
 * only the sequence number, the IPv4 identification and the two checksums
 * (updated incrementally) are written.
 * Frames that arrive meanwhile are taken off the RX ring and given back.
 *
 * gen_rx() takes bursts off the RX ring and counts the UDP datagrams to one
 * port: ours (payload checked) and the kernel's pktgen's, by sequence
 * number: lost, duplicated, reordered, corrupt (a bad IPv4 or UDP checksum,
 * a NIC error, a payload byte); other frames are counted apart.  Polling,
 * or sleeping on MSI-X vector 0 while the ring is empty.
 *
 * Both print one line of results: frames, packets and bits per second
 * (frames with their 4-byte FCS), and the process's CPU time per frame.
 * Both stop on SIGINT/SIGTERM (app_stopping()).
 *
 * Threads: one run per NIC at a time.
 */
#ifndef GEN_H
#define GEN_H

#include <stdint.h>

#include "common/net.h"
#include "drivers/e1000e.h"

struct gen_opts {
	struct net_flow flow;	/* tx: addresses and ports; rx: flow.dport */
	unsigned size;		/* tx: frame length, 60 to 1514 (no FCS) */
	uint64_t count;		/* tx: frames to send; rx: frames expected
				 * (stop when all came); 0: no limit */
	uint64_t rate;		/* tx: frames per second; 0: full speed */
	unsigned seconds;	/* stop after; 0: no limit */
	unsigned idle_ms;	/* rx: stop this long after the last frame */
	unsigned burst;		/* frames per bulk post or poll, 1 to 64 */
	int irq;		/* rx: sleep on MSI-X while nothing arrives */
};

/**
 * gen_tx() - send frames as @o says.
 * @nic: a started NIC.
 * @o: the options.
 *
 * Return: 0 when every frame asked for was sent (or a signal or
 * @o->seconds ended the run), 1 on an error (with a message).
 */
int gen_tx(struct e1000e *nic, const struct gen_opts *o);

/**
 * gen_rx() - receive and count frames as @o says.
 * @nic: a started NIC, with e1000e_enable_rx_irq() for @o->irq.
 * @o: the options.
 *
 * Return: 0 when nothing was lost (of @o->count, when given), duplicated
 * or corrupt; 1 otherwise or on an error.
 */
int gen_rx(struct e1000e *nic, const struct gen_opts *o);

#endif /* GEN_H */
