/* SPDX-License-Identifier: MIT */
/*
 * A small userspace driver for the Intel 82574L (e1000e) as QEMU models it,
 * ixy-style: one RX and one TX queue of legacy 16-byte descriptors, packet
 * buffers from a libuiodma pool, polling or one MSI-X vector for RX.
 *
 * Device facts (82574 datasheet; QEMU hw/net/e1000e_core.c, e1000_regs.h):
 * the registers below are in BAR0; CTRL.RST clears itself and reloads the
 * MAC address into RAL0/RAH0, but QEMU 7.2 resets nothing else (RFCTL's
 * extended-descriptor bit left by Linux's driver survives it), so the
 * driver writes every register it depends on; a descriptor ring is a
 * multiple of 128 bytes at a 16-byte aligned address; the device owns the
 * RX descriptors from RDH up to RDT - 1 and the TX descriptors from TDH up
 * to TDT - 1, so RDT == RDH means "no buffers" and one slot stays empty;
 * it sets DD in a descriptor's status byte (byte 12, in both layouts) when
 * it has written the buffer back (TX: only for descriptors with RS).
 * RCTL.BSIZE 00 (without BSEX) means 2048-byte receive buffers, so a frame
 * of up to 1514 bytes (SECRC strips the CRC) lands in one buffer with EOP.
 * With MSI-X, IVAR routes the RXQ0 cause (ICR bit 20) to a vector.
 */
#ifndef E1000E_H
#define E1000E_H

#include <stddef.h>
#include <stdint.h>

#include <uiodma.h>

#define E1000E_VENDOR		0x8086
#define E1000E_DEVICE		0x10d3	/* 82574L */
#define E1000E_BUF_SIZE		2048u	/* RCTL.BSIZE 00 */
#define E1000E_MAX_FRAME	1514u	/* without CRC, no jumbo frames */
#define E1000E_MIN_FRAME	60u
#define E1000E_BURST		64u	/* most frames per poll or bulk post */

/* Legacy transmit descriptor. */
struct e1000e_tx_desc {
	uint64_t addr;		/* buffer IOVA */
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;		/* E1000E_TXD_CMD_* */
	uint8_t status;		/* E1000E_TXD_STAT_DD */
	uint8_t css;
	uint16_t special;
};

/* Legacy receive descriptor. */
struct e1000e_rx_desc {
	uint64_t addr;		/* buffer IOVA */
	uint16_t length;	/* written back: bytes received */
	uint16_t csum;
	uint8_t status;		/* E1000E_RXD_STAT_* */
	uint8_t errors;
	uint16_t special;
};

_Static_assert(sizeof(struct e1000e_tx_desc) == 16, "legacy TX descriptor is 16 bytes");
_Static_assert(sizeof(struct e1000e_rx_desc) == 16, "legacy RX descriptor is 16 bytes");

struct e1000e_config {
	unsigned rx_desc;	/* RX ring size: a multiple of 8, 8..4096 */
	unsigned tx_desc;	/* TX ring size: a multiple of 8, 8..4096 */
	int promisc;		/* accept every unicast and multicast frame */
};

struct e1000e {
	char addr[UD_PCI_ADDR_STRLEN];
	struct ud_dev *dev;		/* held: bus mastering on */
	volatile uint8_t *bar;		/* BAR0, 128 KiB of registers */
	uint8_t mac[6];			/* from RAL0/RAH0 after reset */
	struct ud_pool *pool;		/* RX and TX packet buffers */
	struct ud_desc_ring *rx, *tx;
	struct ud_irq *irq;		/* NULL: RX by polling */
	uint64_t irqs;			/* RX interrupts seen */
};

#define E1000E_RXD_STAT_EOP	0x02	/* e1000e_frame.status: end of packet */

/* A received frame: the buffer stays the caller's until e1000e_rx_refill(). */
struct e1000e_frame {
	struct ud_buf *buf;
	uint16_t len;
	uint8_t status;
	uint8_t errors;
};

/*
 * e1000e_open() - take an 82574L bound to uio_dma: map BAR0, reset the
 * MAC, mask every interrupt, force the link up and read the MAC address.
 * Returns 0, or -1 with a message on stderr naming the cause.
 */
int e1000e_open(struct e1000e *nic, const char *pci_addr);

/*
 * e1000e_start() - make the buffer pool and the rings in @m, fill the RX
 * ring, enable the receiver, then the transmitter.  Returns 0 or -1.
 */
int e1000e_start(struct e1000e *nic, struct ud_mem *m,
		 const struct e1000e_config *cfg);

/*
 * e1000e_enable_rx_irq() - deliver the RXQ0 cause on MSI-X vector 0.
 * Returns 0 or -1 (e.g. the device is not in MSI-X mode).
 */
int e1000e_enable_rx_irq(struct e1000e *nic);

/*
 * e1000e_rx_wait() - wait up to @timeout_ms for an RX interrupt.
 * Returns how many fired (> 0), 0 on timeout or when a signal arrived,
 * -1 on error.
 */
int e1000e_rx_wait(struct e1000e *nic, int timeout_ms);

/* e1000e_tx_alloc() - a free TX buffer, or NULL with a message. */
struct ud_buf *e1000e_tx_alloc(struct e1000e *nic);

/*
 * e1000e_tx_post() - queue @len bytes of @b for sending; the device sees
 * them at the next e1000e_tx_flush().  Returns 0, or -1 when the TX ring
 * is full (the caller still owns @b).
 */
int e1000e_tx_post(struct e1000e *nic, struct ud_buf *b, uint16_t len);

/*
 * e1000e_tx_post_bulk() - queue frames: bufs[i] with lens[i] bytes, in
 * one copy into the TX ring (ud_desc_post_bulk()); the device sees them at
 * the next e1000e_tx_flush().  Returns how many were queued: the first
 * min(@n, E1000E_BURST, free slots); the caller still owns the rest.
 */
unsigned e1000e_tx_post_bulk(struct e1000e *nic, struct ud_buf *const *bufs,
			     const uint16_t *lens, unsigned n);

/* e1000e_tx_flush() - ring the TX doorbell (TDT). */
void e1000e_tx_flush(struct e1000e *nic);

/* e1000e_tx_free_slots() - descriptors that can be posted now. */
unsigned e1000e_tx_free_slots(const struct e1000e *nic);

/*
 * e1000e_tx_reap() - give the buffers of sent frames back to the pool.
 * Returns how many frames were completed.
 */
unsigned e1000e_tx_reap(struct e1000e *nic);

/* e1000e_tx_pending() - frames posted and not yet completed. */
unsigned e1000e_tx_pending(const struct e1000e *nic);

/*
 * e1000e_rx_poll() - take up to @max (at most E1000E_BURST) received
 * frames off the RX ring.  Returns how many were stored in @out.
 */
unsigned e1000e_rx_poll(struct e1000e *nic, struct e1000e_frame *out,
			unsigned max);

/*
 * e1000e_rx_refill() - give @n buffers back to the RX ring and ring the
 * RX doorbell (RDT).  Returns 0, or -1 if the ring had no room (a bug).
 */
int e1000e_rx_refill(struct e1000e *nic, struct ud_buf *const *bufs,
		     unsigned n);

/* e1000e_stat() - read (and clear) a statistics register, e.g. GPRC. */
uint32_t e1000e_stat(struct e1000e *nic, uint32_t reg);
#define E1000E_GPRC	0x04074	/* good packets received */
#define E1000E_GPTC	0x04080	/* good packets transmitted */

/*
 * e1000e_close() - stop and reset the device, free rings and buffers,
 * release it (bus mastering off).  Safe on a partly opened @nic.
 */
void e1000e_close(struct e1000e *nic);

#endif /* E1000E_H */
