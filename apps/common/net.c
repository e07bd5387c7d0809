// SPDX-License-Identifier: MIT
/* Ethernet, ARP, IPv4 and UDP helpers of the NIC applications; see net.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

uint16_t net_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t net_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void net_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void net_put32(uint8_t *p, uint32_t v)
{
	net_put16(p, (uint16_t)(v >> 16));
	net_put16(p + 2, (uint16_t)v);
}

uint32_t net_csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += net_get16(b + i);
	if (i < len)
		sum += (uint32_t)b[i] << 8;
	return sum;
}

uint16_t net_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t net_l4_sum(const uint8_t *ip, const uint8_t *l4, size_t len)
{
	uint32_t sum = net_csum_add(0, ip + NET_IP_SRC, 8);	/* src, dst */

	sum += ip[NET_IP_PROTO];
	sum += (uint32_t)len;
	return net_csum_add(sum, l4, len);
}

uint16_t net_l4_csum(const uint8_t *ip, const uint8_t *l4, size_t len)
{
	return net_csum_fold(net_l4_sum(ip, l4, len));
}

void net_ipv4_header(uint8_t *ip, const uint8_t src[4], const uint8_t dst[4],
		     uint8_t proto, uint16_t payload, uint16_t id)
{
	ip[0] = 0x45;				/* version 4, 5 words */
	ip[1] = 0;				/* TOS */
	net_put16(ip + NET_IP_TOTLEN, (uint16_t)(NET_IP_HLEN + payload));
	net_put16(ip + NET_IP_ID, id);
	net_put16(ip + NET_IP_FRAG, 0);
	ip[NET_IP_TTL] = 64;
	ip[NET_IP_PROTO] = proto;
	net_put16(ip + NET_IP_CSUM, 0);
	memcpy(ip + NET_IP_SRC, src, 4);
	memcpy(ip + NET_IP_DST, dst, 4);
	net_put16(ip + NET_IP_CSUM, net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
}

unsigned net_ipv4_check(const uint8_t *ip, size_t avail, unsigned *tot)
{
	unsigned hlen;

	if (avail < NET_IP_HLEN || ip[0] >> 4 != 4)
		return 0;
	hlen = (ip[0] & 0xfu) * 4u;
	*tot = net_get16(ip + NET_IP_TOTLEN);
	if (hlen < NET_IP_HLEN || *tot < hlen || *tot > avail ||
	    net_csum_fold(net_csum_add(0, ip, hlen)))
		return 0;
	return hlen;
}

unsigned net_udp_check(const uint8_t *ip, const uint8_t *udp, size_t avail)
{
	unsigned ulen;

	if (avail < NET_UDP_HLEN)
		return 0;
	ulen = net_get16(udp + NET_UDP_LEN);
	if (ulen < NET_UDP_HLEN || ulen > avail ||
	    (net_get16(udp + NET_UDP_CSUM) && net_l4_csum(ip, udp, ulen)))
		return 0;
	return ulen;
}

uint16_t net_pad(uint8_t *f, uint16_t len)
{
	if (len >= NET_ETH_ZLEN)
		return len;
	memset(f + len, 0, NET_ETH_ZLEN - len);
	return NET_ETH_ZLEN;
}

uint16_t net_udp_frame(uint8_t *f, const struct net_flow *fl, uint16_t payload,
		       uint16_t id)
{
	uint8_t *ip = f + NET_ETH_HLEN, *udp = ip + NET_IP_HLEN;
	uint16_t ulen = (uint16_t)(NET_UDP_HLEN + payload), csum;

	memcpy(f, fl->dst_mac, 6);
	memcpy(f + 6, fl->src_mac, 6);
	net_put16(f + 12, NET_ETHERTYPE_IPV4);
	net_ipv4_header(ip, fl->src_ip, fl->dst_ip, NET_IPPROTO_UDP, ulen, id);
	net_put16(udp + NET_UDP_SPORT, fl->sport);
	net_put16(udp + NET_UDP_DPORT, fl->dport);
	net_put16(udp + NET_UDP_LEN, ulen);
	net_put16(udp + NET_UDP_CSUM, 0);
	csum = net_l4_csum(ip, udp, ulen);
	net_put16(udp + NET_UDP_CSUM, csum ? csum : 0xffff);
	return net_pad(f, (uint16_t)(NET_UDP_PAYLOAD + payload));
}

int net_parse_ipv4(const char *s, uint8_t ip[4])
{
	return inet_pton(AF_INET, s, ip) == 1 ? 0 : -1;
}

int net_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned a[6];
	char end;

	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -1;
	if (s[17] || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &a[0], &a[1], &a[2], &a[3],
		   &a[4], &a[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)a[i];
	return 0;
}

char *net_mac_str(const uint8_t mac[6], char s[NET_MAC_STRLEN])
{
	snprintf(s, NET_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return s;
}

char *net_ip_str(const uint8_t ip[4], char s[NET_IP_STRLEN])
{
	snprintf(s, NET_IP_STRLEN, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	return s;
}
