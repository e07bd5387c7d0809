/* SPDX-License-Identifier: MIT */
/*
 * Ethernet, ARP, IPv4 and UDP for the NIC applications (apps/e1000e-*) and
 * the guest programs that check their traffic: header offsets, big-endian
 * field access, the Internet checksum (RFC 1071) with the IPv4 pseudo
 * header of UDP and TCP (RFC 768), building an IPv4 header and a whole
 * UDP/IPv4 frame, and address parsing and printing.
 *
 * Frames are byte arrays, read and written field by field at the offsets
 * below: no packed structs, no alignment needed.  An IPv4 header here has
 * no options (20 bytes) unless said otherwise.
 *
 * Threads: everything here is pure or works on the caller's buffers.
 */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <stdint.h>

#define NET_ETH_HLEN		14	/* dst MAC, src MAC, EtherType */
#define NET_ETH_ZLEN		60	/* shortest frame, without the FCS */
#define NET_ETH_MAX		1514	/* longest frame (MTU 1500), without FCS */
#define NET_ETHERTYPE_IPV4	0x0800
#define NET_ETHERTYPE_ARP	0x0806
#define NET_IP_HLEN		20	/* IPv4 header without options */
#define NET_IPPROTO_ICMP	1
#define NET_IPPROTO_UDP		17
#define NET_UDP_HLEN		8
/* Where a UDP payload starts in a frame with an option-less IPv4 header. */
#define NET_UDP_PAYLOAD		(NET_ETH_HLEN + NET_IP_HLEN + NET_UDP_HLEN)
/* The largest UDP payload of one frame (1472). */
#define NET_UDP_MAX_PAYLOAD	(NET_ETH_MAX - NET_UDP_PAYLOAD)

/* IPv4 header fields (offsets from the header's start). */
#define NET_IP_TOTLEN		2
#define NET_IP_ID		4
#define NET_IP_FRAG		6	/* flags 15:13, fragment offset 12:0 */
#define NET_IP_TTL		8
#define NET_IP_PROTO		9
#define NET_IP_CSUM		10
#define NET_IP_SRC		12
#define NET_IP_DST		16

/* UDP header fields (offsets from the header's start). */
#define NET_UDP_SPORT		0
#define NET_UDP_DPORT		2
#define NET_UDP_LEN		4
#define NET_UDP_CSUM		6

/**
 * net_get16() / net_get32() - a big-endian (network order) field.
 * @p: its first byte.
 *
 * Return: the value.
 */
uint16_t net_get16(const uint8_t *p);
uint32_t net_get32(const uint8_t *p);

/**
 * net_put16() / net_put32() - store @v big-endian at @p.
 * @p: the field's first byte.
 * @v: the value.
 */
void net_put16(uint8_t *p, uint16_t v);
void net_put32(uint8_t *p, uint32_t v);

/**
 * net_csum_add() - add @len bytes to a running one's-complement sum.
 * @sum: the sum so far (0 to start).
 * @p: the bytes, taken as big-endian 16-bit words; an odd last byte is
 *	padded with a zero byte.
 * @len: how many.
 *
 * Return: the new, unfolded sum (@len up to 64 KiB cannot overflow it).
 */
uint32_t net_csum_add(uint32_t sum, const void *p, size_t len);

/**
 * net_csum_fold() - the Internet checksum of a sum: folded to 16 bits and
 * complemented.
 * @sum: from net_csum_add().
 *
 * Return: the checksum, in host order (store it with net_put16()).  Over
 * data that holds a correct checksum it is 0.
 */
uint16_t net_csum_fold(uint32_t sum);

/**
 * net_l4_csum() - the UDP (or TCP) checksum over the IPv4 pseudo header
 * and a segment.
 * @ip: the IPv4 header: its source, destination and protocol are used.
 * @l4: the UDP header and payload, its checksum field as it is.
 * @len: their length.
 *
 * Return: the checksum (0 when the segment's own checksum is correct).
 * A UDP sender stores 0xffff where this yields 0 (RFC 768).
 */
uint16_t net_l4_csum(const uint8_t *ip, const uint8_t *l4, size_t len);

/**
 * net_l4_sum() - net_l4_csum() before folding: the one's-complement sum,
 * to which a sender adds the fields it changes per datagram (RFC 1624).
 * @ip: the IPv4 header.
 * @l4: the UDP header and payload.
 * @len: their length.
 *
 * Return: the unfolded sum; net_csum_fold() makes it the checksum.
 */
uint32_t net_l4_sum(const uint8_t *ip, const uint8_t *l4, size_t len);

/**
 * net_ipv4_header() - write a 20-byte IPv4 header with its checksum.
 * @ip: where the header goes.
 * @src: source address.
 * @dst: destination address.
 * @proto: NET_IPPROTO_*.
 * @payload: bytes after the header.
 * @id: the identification field.
 *
 * TTL 64, no fragmentation flags, no options, TOS 0.
 */
void net_ipv4_header(uint8_t *ip, const uint8_t src[4], const uint8_t dst[4],
		     uint8_t proto, uint16_t payload, uint16_t id);

/**
 * net_ipv4_check() - validate an IPv4 header: version 4, a header of 20
 * to 60 bytes, a total length from the header's to @avail, the header
 * checksum.
 * @ip: the header.
 * @avail: bytes from @ip to the end of the frame.
 * @tot: receives the total length (header and payload).
 *
 * Return: the header's length in bytes, or 0 when it is malformed.
 */
unsigned net_ipv4_check(const uint8_t *ip, size_t avail, unsigned *tot);

/**
 * net_udp_check() - validate a UDP header: a length from 8 bytes to
 * @avail, the checksum when the sender set one (not 0).
 * @ip: the IPv4 header before it (for the pseudo header).
 * @udp: the UDP header.
 * @avail: bytes of IPv4 payload from @udp.
 *
 * Return: the UDP length (header and payload), or 0 when malformed.
 */
unsigned net_udp_check(const uint8_t *ip, const uint8_t *udp, size_t avail);

/* The addresses and ports of a UDP/IPv4 frame. */
struct net_flow {
	uint8_t src_mac[6], dst_mac[6];
	uint8_t src_ip[4], dst_ip[4];
	uint16_t sport, dport;
};

/**
 * net_udp_frame() - complete a UDP/IPv4 frame around its payload.
 * @f: the frame; the payload is already at f + NET_UDP_PAYLOAD.
 * @fl: addresses and ports.
 * @payload: the payload's length, at most NET_UDP_MAX_PAYLOAD.
 * @id: the IPv4 identification field.
 *
 * Writes the Ethernet, IPv4 and UDP headers with both checksums, and
 * zeroes the padding of a frame shorter than NET_ETH_ZLEN.
 *
 * Return: the frame's length on the wire (without the FCS): at least
 * NET_ETH_ZLEN.
 */
uint16_t net_udp_frame(uint8_t *f, const struct net_flow *fl, uint16_t payload,
		       uint16_t id);

/**
 * net_pad() - zero a frame of @len bytes up to the shortest frame.
 * @f: the frame, room for NET_ETH_ZLEN bytes.
 * @len: its length.
 *
 * Return: its padded length, max(@len, NET_ETH_ZLEN).
 */
uint16_t net_pad(uint8_t *f, uint16_t len);

/**
 * net_parse_ipv4() - parse a dotted-quad IPv4 address.
 * @s: e.g. "10.0.0.2".
 * @ip: receives the address in network order.
 *
 * Return: 0, or -1 if @s is not one.
 */
int net_parse_ipv4(const char *s, uint8_t ip[4]);

/**
 * net_parse_mac() - parse a MAC address "aa:bb:cc:dd:ee:ff".
 * @s: the text.
 * @mac: receives the address.
 *
 * Return: 0, or -1 if @s is not one.
 */
int net_parse_mac(const char *s, uint8_t mac[6]);

#define NET_MAC_STRLEN	18
#define NET_IP_STRLEN	16

/**
 * net_mac_str() - "aa:bb:cc:dd:ee:ff".
 * @mac: the address.
 * @s: receives the text.
 *
 * Return: @s.
 */
char *net_mac_str(const uint8_t mac[6], char s[NET_MAC_STRLEN]);

/**
 * net_ip_str() - "10.0.0.2".
 * @ip: the address, network order.
 * @s: receives the text.
 *
 * Return: @s.
 */
char *net_ip_str(const uint8_t ip[4], char s[NET_IP_STRLEN]);

#endif /* NET_H */
