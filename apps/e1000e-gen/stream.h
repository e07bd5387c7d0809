/* SPDX-License-Identifier: MIT */
/*
 * The UDP stream of e1000e-gen, as both ends see it: what goes into each
 * datagram's payload, and how a receiver (e1000e-gen rx, or the kernel's
 * side of the guest tests, tests/guest/progs/udpcheck.c) counts what came.
 *
 * Payload: a magic number, the sequence number (both big-endian), then a
 * pattern derived from each byte's offset (with no period shorter than
 * 64 KiB), so a datagram that is truncated, shifted or corrupted fails the
 * check.  Only the sequence number changes from one datagram to the next:
 * a sender writes the rest of a buffer once and then just the number
 * (stream_set_seq()), as fast generators do.  The shortest frame (60 bytes) carries 18 bytes of payload.  The
 * kernel's pktgen puts its own magic number and a sequence number in the
 * same place (struct pktgen_hdr: magic, seq_num, time); its datagrams are
 * counted by sequence number, their payload is not checked.
 *
 * Counting: each sequence number is remembered once (a bitmap), so a
 * receiver tells lost, duplicated and reordered datagrams apart.
 *
 * Threads: a struct stream_seqs is one receiver's, used by one thread.
 */
#ifndef STREAM_H
#define STREAM_H

#include <stddef.h>
#include <stdint.h>

#define STREAM_MAGIC	0x5544474eu	/* "UDGN" */
#define STREAM_PKTGEN	0xbe9be955u	/* PKTGEN_MAGIC, net/core/pktgen.c */
#define STREAM_HLEN	8		/* magic, sequence number */

/* What a payload is. */
enum stream_kind {
	STREAM_OURS,		/* e1000e-gen's, intact */
	STREAM_FROM_PKTGEN,	/* the kernel's pktgen's */
	STREAM_FOREIGN,		/* neither: someone else's traffic */
	STREAM_CORRUPT,		/* ours, but a byte differs */
};

/**
 * stream_fill() - write the payload of datagram @seq.
 * @p: the payload.
 * @len: its length, at least STREAM_HLEN.
 * @seq: the sequence number.
 */
void stream_fill(uint8_t *p, unsigned len, uint32_t seq);

/**
 * stream_set_seq() - change the sequence number of a filled payload.
 * @p: the payload, filled by stream_fill().
 * @seq: the new number.
 */
void stream_set_seq(uint8_t *p, uint32_t seq);

/**
 * stream_check() - what a received payload is.
 * @p: the payload.
 * @len: its length.
 * @seq: receives the sequence number (of ours and pktgen's).
 *
 * Return: the kind; STREAM_CORRUPT when the magic number is ours and a
 * byte of the pattern is not.
 */
enum stream_kind stream_check(const uint8_t *p, unsigned len, uint32_t *seq);

/* A receiver's count of sequence numbers; zero-initialise. */
struct stream_seqs {
	uint8_t *seen;			/* bitmap by sequence number */
	size_t bytes;			/* its size */
	uint64_t unique, dup, reordered;
	uint32_t min, max, last;	/* of the unique ones; last received */
};

/**
 * stream_seq() - count sequence number @seq.
 * @s: the receiver's count.
 * @seq: the sequence number received.
 *
 * A number seen before is a duplicate; one below the last one received a
 * reordering.
 *
 * Return: 0, or -1 (errno ENOMEM) when the bitmap cannot grow to @seq.
 */
int stream_seq(struct stream_seqs *s, uint32_t seq);

/**
 * stream_lost() - datagrams that did not come.
 * @s: the count.
 * @expected: how many were sent, or 0 when unknown: then every number
 *	from the smallest to the largest received was expected.
 *
 * Return: the number lost.
 */
uint64_t stream_lost(const struct stream_seqs *s, uint64_t expected);

/**
 * stream_seqs_free() - free the bitmap; @s may be counted again from zero.
 * @s: the count.
 */
void stream_seqs_free(struct stream_seqs *s);

#endif /* STREAM_H */
