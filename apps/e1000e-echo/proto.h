/* SPDX-License-Identifier: MIT */
/*
 * What e1000e-echo answers: ARP requests for its IPv4 address (RFC 826),
 * ICMP echo requests to it (RFC 792), and UDP datagrams to its echo port
 * (RFC 862, sent back to their source address and port).  Everything else
 * is dropped and counted by reason.
 *
 * A request is checked before it is answered: lengths against the frame,
 * the IPv4 header checksum, the ICMP checksum, the UDP checksum (when the
 * sender set one); IPv4 fragments are not reassembled but dropped.  The
 * answer is built in the request's own buffer (the frame goes back out of
 * the buffer it came in), with a fresh option-less IPv4 header and every
 * checksum computed anew.
 *
 * Threads: a struct proto is used by one thread at a time.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stdint.h>

/* Why a frame was dropped. */
enum proto_drop {
	PROTO_NOT_OURS,		/* ARP or IPv4 for another address */
	PROTO_UNSUPPORTED,	/* another EtherType, IP protocol, ICMP type,
				 * UDP port, an ARP reply */
	PROTO_MALFORMED,	/* too short, a bad header or checksum */
	PROTO_FRAGMENT,		/* an IPv4 fragment */
	PROTO_RX_ERROR,		/* the NIC flagged it (CRC, length, ...) */
	PROTO_TX_FULL,		/* an answer found the TX ring full */
	PROTO_NDROP
};

/* The responder: its addresses and what it has done. */
struct proto {
	uint8_t mac[6];
	uint8_t ip[4];
	uint16_t udp_port;
	uint16_t ip_id;			/* of the next IPv4 header sent */
	uint64_t arp, icmp, udp;	/* answers built */
	uint64_t drops[PROTO_NDROP];
};

/**
 * proto_answer() - answer one received frame in place.
 * @p: the responder.
 * @f: the frame, in a buffer of at least 60 bytes and at least @len.
 * @len: its length (without the FCS).
 *
 * Return: the length of the answer now in @f (at least 60: short frames
 * are zero-padded), or 0 when the frame is not answered; then it was
 * counted in @p->drops.
 */
uint16_t proto_answer(struct proto *p, uint8_t *f, uint16_t len);

/**
 * proto_drop_name() - what a drop reason is called in the statistics.
 * @d: the reason.
 *
 * Return: e.g. "not ours".
 */
const char *proto_drop_name(enum proto_drop d);

#endif /* PROTO_H */
