// SPDX-License-Identifier: MIT
/* The ARP, ICMP echo and UDP echo answers of e1000e-echo; see proto.h. */
#include <string.h>

#include "common/net.h"
#include "proto.h"

/* ARP for IPv4 over Ethernet (RFC 826): offsets after the Ethernet header. */
#define ARP_LEN		28
#define ARP_OP		6
#define ARP_SHA		8
#define ARP_SPA		14
#define ARP_THA		18
#define ARP_TPA		24
#define ARP_REQUEST	1
#define ARP_REPLY	2

#define ICMP_ECHO_REPLY		0
#define ICMP_ECHO_REQUEST	8
#define ICMP_HLEN		8

static uint16_t drop(struct proto *p, enum proto_drop why)
{
	p->drops[why]++;
	return 0;
}

const char *proto_drop_name(enum proto_drop d)
{
	static const char *const names[PROTO_NDROP] = {
		[PROTO_NOT_OURS] = "not ours",
		[PROTO_UNSUPPORTED] = "unsupported",
		[PROTO_MALFORMED] = "malformed",
		[PROTO_FRAGMENT] = "fragments",
		[PROTO_RX_ERROR] = "RX errors",
		[PROTO_TX_FULL] = "TX ring full",
	};

	return (unsigned)d < PROTO_NDROP ? names[d] : "?";
}

/* The Ethernet header of an answer: back to the sender, from us. */
static void eth_reply(const struct proto *p, uint8_t *f)
{
	memcpy(f, f + 6, 6);
	memcpy(f + 6, p->mac, 6);
}

static uint16_t arp(struct proto *p, uint8_t *f, uint16_t len)
{
	uint8_t *a = f + NET_ETH_HLEN;

	if (len < NET_ETH_HLEN + ARP_LEN || net_get16(a) != 1 ||
	    net_get16(a + 2) != NET_ETHERTYPE_IPV4 || a[4] != 6 || a[5] != 4)
		return drop(p, PROTO_MALFORMED);
	if (net_get16(a + ARP_OP) != ARP_REQUEST)
		return drop(p, PROTO_UNSUPPORTED);
	if (memcmp(a + ARP_TPA, p->ip, 4))
		return drop(p, PROTO_NOT_OURS);
	/* The asker becomes the target; we are the sender. */
	memcpy(a + ARP_THA, a + ARP_SHA, 10);		/* its MAC and IP */
	memcpy(a + ARP_SHA, p->mac, 6);
	memcpy(a + ARP_SPA, p->ip, 4);
	net_put16(a + ARP_OP, ARP_REPLY);
	memcpy(f, a + ARP_THA, 6);
	memcpy(f + 6, p->mac, 6);
	p->arp++;
	return net_pad(f, NET_ETH_HLEN + ARP_LEN);
}

/*
 * An IPv4 answer: its payload (@plen bytes at @l4) moves up behind a fresh
 * 20-byte header to the request's sender.  Returns the frame's length.
 */
static uint16_t ip_reply(struct proto *p, uint8_t *f, const uint8_t *l4,
			 uint16_t plen, uint8_t proto)
{
	uint8_t *ip = f + NET_ETH_HLEN, src[4];

	memcpy(src, ip + NET_IP_SRC, 4);
	memmove(ip + NET_IP_HLEN, l4, plen);
	net_ipv4_header(ip, p->ip, src, proto, plen, p->ip_id++);
	eth_reply(p, f);
	return net_pad(f, (uint16_t)(NET_ETH_HLEN + NET_IP_HLEN + plen));
}

static uint16_t icmp(struct proto *p, uint8_t *f, uint8_t *m, uint16_t mlen)
{
	if (mlen < ICMP_HLEN || net_csum_fold(net_csum_add(0, m, mlen)))
		return drop(p, PROTO_MALFORMED);
	if (m[0] != ICMP_ECHO_REQUEST || m[1] != 0)
		return drop(p, PROTO_UNSUPPORTED);
	/* Identifier, sequence number and data stay as they came. */
	m[0] = ICMP_ECHO_REPLY;
	net_put16(m + 2, 0);
	net_put16(m + 2, net_csum_fold(net_csum_add(0, m, mlen)));
	p->icmp++;
	return ip_reply(p, f, m, mlen, NET_IPPROTO_ICMP);
}

static uint16_t udp(struct proto *p, uint8_t *f, const uint8_t *ip, uint8_t *u,
		    uint16_t plen)
{
	uint16_t ulen = (uint16_t)net_udp_check(ip, u, plen), sport, csum, len;

	if (!ulen)
		return drop(p, PROTO_MALFORMED);
	if (net_get16(u + NET_UDP_DPORT) != p->udp_port)
		return drop(p, PROTO_UNSUPPORTED);
	sport = net_get16(u + NET_UDP_SPORT);
	net_put16(u + NET_UDP_SPORT, p->udp_port);
	net_put16(u + NET_UDP_DPORT, sport);
	p->udp++;
	len = ip_reply(p, f, u, ulen, NET_IPPROTO_UDP);
	/* The checksum covers the new pseudo header: compute it last. */
	u = f + NET_ETH_HLEN + NET_IP_HLEN;
	net_put16(u + NET_UDP_CSUM, 0);
	csum = net_l4_csum(f + NET_ETH_HLEN, u, ulen);
	net_put16(u + NET_UDP_CSUM, csum ? csum : 0xffff);
	return len;
}

static uint16_t ipv4(struct proto *p, uint8_t *f, uint16_t len)
{
	uint8_t *ip = f + NET_ETH_HLEN;
	unsigned tot, hlen = net_ipv4_check(ip, len - NET_ETH_HLEN, &tot);

	if (!hlen)
		return drop(p, PROTO_MALFORMED);
	if (memcmp(ip + NET_IP_DST, p->ip, 4))
		return drop(p, PROTO_NOT_OURS);
	if (net_get16(ip + NET_IP_FRAG) & 0x3fff)	/* MF or an offset */
		return drop(p, PROTO_FRAGMENT);
	switch (ip[NET_IP_PROTO]) {
	case NET_IPPROTO_ICMP:
		return icmp(p, f, ip + hlen, (uint16_t)(tot - hlen));
	case NET_IPPROTO_UDP:
		return udp(p, f, ip, ip + hlen, (uint16_t)(tot - hlen));
	}
	return drop(p, PROTO_UNSUPPORTED);
}

uint16_t proto_answer(struct proto *p, uint8_t *f, uint16_t len)
{
	if (len < NET_ETH_HLEN)
		return drop(p, PROTO_MALFORMED);
	switch (net_get16(f + 12)) {
	case NET_ETHERTYPE_ARP:
		return arp(p, f, len);
	case NET_ETHERTYPE_IPV4:
		return ipv4(p, f, len);
	}
	return drop(p, PROTO_UNSUPPORTED);
}
