// SPDX-License-Identifier: MIT
/* The payload of e1000e-gen's datagrams and the receivers' count; see stream.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "stream.h"

static uint8_t pattern(unsigned i)
{
	return (uint8_t)(i * 13u + (i >> 8) + 1u);
}

void stream_fill(uint8_t *p, unsigned len, uint32_t seq)
{
	net_put32(p, STREAM_MAGIC);
	stream_set_seq(p, seq);
	for (unsigned i = STREAM_HLEN; i < len; i++)
		p[i] = pattern(i);
}

void stream_set_seq(uint8_t *p, uint32_t seq)
{
	net_put32(p + 4, seq);
}

enum stream_kind stream_check(const uint8_t *p, unsigned len, uint32_t *seq)
{
	if (len < STREAM_HLEN)
		return STREAM_FOREIGN;
	*seq = net_get32(p + 4);
	if (net_get32(p) == STREAM_PKTGEN)
		return STREAM_FROM_PKTGEN;
	if (net_get32(p) != STREAM_MAGIC)
		return STREAM_FOREIGN;
	for (unsigned i = STREAM_HLEN; i < len; i++)
		if (p[i] != pattern(i))
			return STREAM_CORRUPT;
	return STREAM_OURS;
}

int stream_seq(struct stream_seqs *s, uint32_t seq)
{
	size_t byte = seq / 8;

	if (byte >= s->bytes) {
		size_t n = s->bytes ? s->bytes : 4096;
		uint8_t *b;

		while (n <= byte)
			n *= 2;
		b = realloc(s->seen, n);
		if (!b) {
			errno = ENOMEM;
			return -1;
		}
		memset(b + s->bytes, 0, n - s->bytes);
		s->seen = b;
		s->bytes = n;
	}
	if (s->seen[byte] & (1u << (seq % 8))) {
		s->dup++;
		return 0;
	}
	s->seen[byte] |= (uint8_t)(1u << (seq % 8));
	if (s->unique && seq < s->last)
		s->reordered++;
	if (!s->unique || seq < s->min)
		s->min = seq;
	if (!s->unique || seq > s->max)
		s->max = seq;
	s->last = seq;
	s->unique++;
	return 0;
}

uint64_t stream_lost(const struct stream_seqs *s, uint64_t expected)
{
	if (!expected)
		expected = s->unique ? (uint64_t)s->max - s->min + 1 : 0;
	return expected > s->unique ? expected - s->unique : 0;
}

void stream_seqs_free(struct stream_seqs *s)
{
	free(s->seen);
	memset(s, 0, sizeof(*s));
}
