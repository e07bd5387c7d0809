// SPDX-License-Identifier: MIT
/* Userspace driver for QEMU's e1000e (82574L); see e1000e.h. */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "e1000e.h"

/* Registers (BAR0 offsets). */
#define CTRL		0x00000
#define STATUS		0x00008
#define CTRL_EXT	0x00018
#define ICR		0x000C0
#define ITR		0x000C4
#define IAM		0x000E0
#define IMS		0x000D0
#define IMC		0x000D8
#define EIAC		0x000DC
#define IVAR		0x000E4
#define RCTL		0x00100
#define TCTL		0x00400
#define RDBAL		0x02800
#define RDBAH		0x02804
#define RDLEN		0x02808
#define RDH		0x02810
#define RDT		0x02818
#define RDTR		0x02820
#define RADV		0x0282C
#define TDBAL		0x03800
#define TDBAH		0x03804
#define TDLEN		0x03808
#define TDH		0x03810
#define TDT		0x03818
#define TIDV		0x03820
#define TADV		0x0382C
#define RXCSUM		0x05000
#define RFCTL		0x05008
#define MRQC		0x05818
#define RAL0		0x05400
#define RAH0		0x05404

#define CTRL_SLU	(1u << 6)	/* set link up */
#define CTRL_RST	(1u << 26)	/* MAC reset, self-clearing */
#define CTRL_VME	(1u << 30)	/* VLAN tag stripping */
#define STATUS_LU	(1u << 1)	/* link up */
#define CTRL_EXT_IAME	(1u << 27)	/* ICR auto-mask/clear on MSI-X */
#define RCTL_EN		(1u << 1)
#define RCTL_UPE	(1u << 3)	/* unicast promiscuous */
#define RCTL_MPE	(1u << 4)	/* multicast promiscuous */
#define RCTL_BAM	(1u << 15)	/* accept broadcast */
#define RCTL_SECRC	(1u << 26)	/* strip the CRC */
#define TCTL_EN		(1u << 1)
#define TCTL_PSP	(1u << 3)	/* pad short packets */
#define TCTL_CT		(0x0fu << 4)	/* collision threshold (datasheet value) */
#define TCTL_COLD	(0x3fu << 12)	/* collision distance, full duplex */
#define RAH_AV		(1u << 31)	/* address valid */
#define ICR_RXQ0	(1u << 20)	/* MSI-X: RX queue 0 written back */
#define IVAR_VALID	0x8u

#define TXD_CMD_EOP	0x01
#define TXD_CMD_IFCS	0x02
#define TXD_CMD_RS	0x08
#define TXD_STAT_DD	0x01
#define RXD_STAT_DD	0x01

static int fail(struct e1000e *nic, const char *what, const char *why)
{
	fprintf(stderr, "e1000e %s: %s: %s\n", nic->addr, what, why);
	return -1;
}

/*
 * Reset the MAC and wait (up to 1 s) for CTRL.RST to clear.  QEMU 7.2's
 * e1000e only reloads the MAC address on CTRL.RST and keeps every other
 * register, e.g. RFCTL.EXSTEN set by Linux's e1000e (extended RX
 * descriptors: DD moves to byte 8) or MRQC (RSS to queue 1): so write
 * every register this driver depends on, as the datasheet's reset would.
 */
static int reset(struct e1000e *nic)
{
	static const uint32_t zero[] = { RCTL, TCTL, RFCTL, MRQC, RXCSUM, IVAR,
					 EIAC, IAM, ITR, RDTR, RADV, TIDV, TADV };

	ud_reg_write32(nic->bar, IMC, ~0u);
	ud_reg_write32(nic->bar, RCTL, 0);
	ud_reg_write32(nic->bar, TCTL, 0);
	ud_reg_write32(nic->bar, CTRL, ud_reg_read32(nic->bar, CTRL) | CTRL_RST);
	if (app_wait_reg32(nic->bar, CTRL, CTRL_RST, 0, 0, 1000, NULL))
		return fail(nic, "reset", "CTRL.RST still set after 1 s");
	if (ud_reg_read32(nic->bar, RFCTL))
		printf("e1000e %s: RFCTL 0x%08x survived CTRL.RST; clearing it\n",
		       nic->addr, ud_reg_read32(nic->bar, RFCTL));
	for (size_t k = 0; k < sizeof(zero) / sizeof(zero[0]); k++)
		ud_reg_write32(nic->bar, zero[k], 0);
	ud_reg_write32(nic->bar, CTRL, ud_reg_read32(nic->bar, CTRL) & ~CTRL_VME);
	ud_reg_write32(nic->bar, CTRL_EXT, ud_reg_read32(nic->bar, CTRL_EXT) & ~CTRL_EXT_IAME);
	ud_reg_write32(nic->bar, IMC, ~0u);
	(void)ud_reg_read32(nic->bar, ICR);		/* clear pending causes */
	return 0;
}

int e1000e_open(struct e1000e *nic, const char *pci_addr)
{
	const struct ud_dev_info *info;
	uint32_t ral, rah;
	char who[32];
	size_t len;

	memset(nic, 0, sizeof(*nic));
	snprintf(nic->addr, sizeof(nic->addr), "%s", pci_addr);
	snprintf(who, sizeof(who), "e1000e %s", pci_addr);
	nic->dev = app_dev_open(who, pci_addr, &nic->bar, &len);
	if (!nic->dev)
		return -1;
	info = ud_dev_get_info(nic->dev);
	if (info->vendor != E1000E_VENDOR || info->device != E1000E_DEVICE) {
		fprintf(stderr, "e1000e %s: is %04x:%04x, not an 82574L (%04x:%04x)\n",
			nic->addr, info->vendor, info->device, E1000E_VENDOR,
			E1000E_DEVICE);
		errno = ENODEV;
		return -1;
	}
	snprintf(nic->addr, sizeof(nic->addr), "%s", info->addr);
	if (len < RAH0 + 4)
		return fail(nic, "BAR0", "smaller than the 82574's register file");
	/* The kernel resets the NIC between holders; this driver resets it
	 * too (it may not have), then lets it DMA. */
	if (reset(nic))
		return -1;
	if (ud_dev_bus_master(nic->dev, 1))
		return fail(nic, "bus mastering", ud_errmsg());

	/* Link: force it up and wait for STATUS.LU (QEMU: at once). */
	ud_reg_write32(nic->bar, CTRL, ud_reg_read32(nic->bar, CTRL) | CTRL_SLU);
	if (app_wait_reg32(nic->bar, STATUS, STATUS_LU, STATUS_LU, 0, 2000, NULL))
		return fail(nic, "link", "STATUS.LU not set 2 s after CTRL.SLU (is the netdev down?)");

	/* The reset loaded the MAC address (from the EEPROM) into RAL0/RAH0. */
	ral = ud_reg_read32(nic->bar, RAL0);
	rah = ud_reg_read32(nic->bar, RAH0);
	if (!(rah & RAH_AV))
		return fail(nic, "MAC address", "RAH0.AV is clear after reset");
	for (int i = 0; i < 4; i++)
		nic->mac[i] = (uint8_t)(ral >> (8 * i));
	nic->mac[4] = (uint8_t)rah;
	nic->mac[5] = (uint8_t)(rah >> 8);
	return 0;
}

static struct ud_desc_ring *ring(struct e1000e *nic, struct ud_mem *m,
				 const char *name, unsigned count,
				 uint32_t doorbell, uint32_t dd)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	char zname[UD_DESC_NAME_LEN];
	struct ud_desc_ring *r;

	/* Zone names are unique per region: two NICs share one. */
	snprintf(zname, sizeof(zname), "%s-%s", name, nic->addr + 5);
	p.name = zname;
	p.count = count;
	p.desc_size = 16;
	p.align = 4096;				/* device needs 16 (128 is nicer) */
	p.doorbell = (volatile uint32_t *)(nic->bar + doorbell);
	p.done_off = 12;			/* status byte, both layouts */
	p.done_mask = dd;			/* bit 0 of the LE word */
	r = ud_desc_ring_create(m, &p);
	if (!r)
		fail(nic, name, ud_errmsg());
	return r;
}

static int post_rx(struct e1000e *nic, struct ud_buf *b)
{
	struct e1000e_rx_desc d = { .addr = htole64(ud_buf_data_iova(b)) };

	return ud_desc_post_copy(nic->rx, &d, b);
}

int e1000e_start(struct e1000e *nic, struct ud_mem *m,
		 const struct e1000e_config *cfg)
{
	struct ud_pool_params pp = UD_POOL_PARAMS_INIT;
	char pname[UD_POOL_NAME_LEN];
	uint64_t iova;
	uint32_t rctl;

	if (cfg->rx_desc < 8 || cfg->rx_desc > 4096 || cfg->rx_desc % 8 ||
	    cfg->tx_desc < 8 || cfg->tx_desc > 4096 || cfg->tx_desc % 8)
		return fail(nic, "start", "ring sizes must be multiples of 8 (128 bytes) from 8 to 4096");

	/* Every RX slot but one holds a buffer; every TX slot may. */
	snprintf(pname, sizeof(pname), "pkt-%s", nic->addr + 5);
	pp.name = pname;
	pp.n = cfg->rx_desc - 1 + cfg->tx_desc;
	pp.data_room = E1000E_BUF_SIZE;
	pp.align = 128;
	pp.flags = UD_POOL_DEBUG;
	nic->pool = ud_pool_create(m, &pp);
	if (!nic->pool)
		return fail(nic, "buffer pool", ud_errmsg());
	nic->rx = ring(nic, m, "rx", cfg->rx_desc, RDT, RXD_STAT_DD);
	nic->tx = ring(nic, m, "tx", cfg->tx_desc, TDT, TXD_STAT_DD);
	if (!nic->rx || !nic->tx)
		return -1;

	/* Receive first, so that nothing sent is missed. */
	iova = ud_desc_ring_iova(nic->rx);
	ud_reg_write32(nic->bar, RDBAL, (uint32_t)iova);
	ud_reg_write32(nic->bar, RDBAH, (uint32_t)(iova >> 32));
	ud_reg_write32(nic->bar, RDLEN, (uint32_t)ud_desc_ring_bytes(nic->rx));
	ud_reg_write32(nic->bar, RDH, 0);
	ud_reg_write32(nic->bar, RDT, 0);
	while (ud_desc_free_count(nic->rx)) {
		struct ud_buf *b = ud_pool_get(nic->pool);

		if (!b)
			return fail(nic, "RX buffers", ud_errmsg());
		post_rx(nic, b);
	}
	rctl = RCTL_EN | RCTL_BAM | RCTL_SECRC;	/* BSIZE 00: 2048 bytes */
	if (cfg->promisc)
		rctl |= RCTL_UPE | RCTL_MPE;
	ud_reg_write32(nic->bar, RCTL, rctl);
	ud_desc_doorbell(nic->rx);		/* RDT: buffers are the device's */

	iova = ud_desc_ring_iova(nic->tx);
	ud_reg_write32(nic->bar, TDBAL, (uint32_t)iova);
	ud_reg_write32(nic->bar, TDBAH, (uint32_t)(iova >> 32));
	ud_reg_write32(nic->bar, TDLEN, (uint32_t)ud_desc_ring_bytes(nic->tx));
	ud_reg_write32(nic->bar, TDH, 0);
	ud_reg_write32(nic->bar, TDT, 0);
	ud_reg_write32(nic->bar, TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	return 0;
}

int e1000e_enable_rx_irq(struct e1000e *nic)
{
	nic->irq = ud_irq_open_dev(nic->dev);
	if (!nic->irq)
		return fail(nic, "interrupts", ud_errmsg());
	if (ud_irq_mode(nic->irq) != UD_IRQ_MSIX) {
		fprintf(stderr, "e1000e %s: interrupts: uio_dma gave the device %s, this driver routes RX by MSI-X IVAR (load uio_dma with intr_mode=auto or msix)\n",
			nic->addr, ud_irq_mode_name(ud_irq_mode(nic->irq)));
		errno = EOPNOTSUPP;
		return -1;
	}
	if (ud_irq_enable(nic->irq, 0))
		return fail(nic, "interrupts", ud_errmsg());
	/* RXQ0 -> vector 0; its ICR bit clears itself when the vector fires. */
	ud_reg_write32(nic->bar, IVAR, IVAR_VALID | 0);
	ud_reg_write32(nic->bar, EIAC, ICR_RXQ0);
	ud_reg_write32(nic->bar, CTRL_EXT, ud_reg_read32(nic->bar, CTRL_EXT) | CTRL_EXT_IAME);
	ud_irq_ack(nic->irq, 0);
	ud_reg_write32(nic->bar, IMS, ICR_RXQ0);
	return 0;
}

int e1000e_rx_wait(struct e1000e *nic, int timeout_ms)
{
	int64_t n = ud_irq_wait(nic->irq, 0, timeout_ms);

	if (n < 0 && errno == EINTR)
		return 0;		/* a signal: the caller looks why */
	if (n < 0)
		return fail(nic, "RX interrupt", ud_errmsg());
	nic->irqs += (uint64_t)n;
	return n > 0;
}

struct ud_buf *e1000e_tx_alloc(struct e1000e *nic)
{
	struct ud_buf *b = ud_pool_get(nic->pool);

	if (!b)
		fail(nic, "TX buffer", ud_errmsg());
	return b;
}

int e1000e_tx_post(struct e1000e *nic, struct ud_buf *b, uint16_t len)
{
	return e1000e_tx_post_bulk(nic, &b, &len, 1) ? 0 : -1;
}

unsigned e1000e_tx_post_bulk(struct e1000e *nic, struct ud_buf *const *bufs,
			     const uint16_t *lens, unsigned n)
{
	struct e1000e_tx_desc d[E1000E_BURST];

	if (n > E1000E_BURST)
		n = E1000E_BURST;
	if (n > ud_desc_free_count(nic->tx))
		n = ud_desc_free_count(nic->tx);
	for (unsigned i = 0; i < n; i++)
		d[i] = (struct e1000e_tx_desc){
			.addr = htole64(ud_buf_data_iova(bufs[i])),
			.length = htole16(lens[i]),
			.cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS,
		};
	return ud_desc_post_bulk(nic->tx, d, (void *const *)bufs, n);
}

void e1000e_tx_flush(struct e1000e *nic)
{
	ud_desc_doorbell(nic->tx);
}

unsigned e1000e_tx_free_slots(const struct e1000e *nic)
{
	return ud_desc_free_count(nic->tx);
}

unsigned e1000e_tx_pending(const struct e1000e *nic)
{
	return ud_desc_in_flight(nic->tx);
}

unsigned e1000e_tx_reap(struct e1000e *nic)
{
	void *done[E1000E_BURST];
	unsigned n, total = 0;

	while ((n = ud_desc_reap(nic->tx, done, E1000E_BURST)) > 0) {
		ud_pool_put_bulk(nic->pool, (struct ud_buf **)done, n);
		total += n;
	}
	return total;
}

unsigned e1000e_rx_poll(struct e1000e *nic, struct e1000e_frame *out,
			unsigned max)
{
	void *bufs[E1000E_BURST];
	unsigned n;

	/* DD, then rmb */
	n = ud_desc_poll(nic->rx, max < E1000E_BURST ? max : E1000E_BURST);
	for (unsigned i = 0; i < n; i++) {
		const struct e1000e_rx_desc *d = ud_desc_head_slot(nic->rx, i);

		out[i].len = le16toh(d->length);
		out[i].status = d->status;
		out[i].errors = d->errors;
	}
	ud_desc_consume(nic->rx, n, bufs);
	for (unsigned i = 0; i < n; i++)
		out[i].buf = bufs[i];
	return n;
}

int e1000e_rx_refill(struct e1000e *nic, struct ud_buf *const *bufs,
		     unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (post_rx(nic, bufs[i]))
			return fail(nic, "RX refill", "RX ring full");
	if (n)
		ud_desc_doorbell(nic->rx);
	return 0;
}

uint32_t e1000e_stat(struct e1000e *nic, uint32_t reg)
{
	return ud_reg_read32(nic->bar, reg);
}

void e1000e_close(struct e1000e *nic)
{
	/* Stop DMA before the memory it points at goes away. */
	if (nic->bar)
		reset(nic);
	ud_irq_close(nic->irq);
	ud_desc_ring_free(nic->rx);
	ud_desc_ring_free(nic->tx);
	ud_pool_free(nic->pool);
	ud_dev_close(nic->dev);		/* unmaps BAR0, stops bus mastering */
	memset(nic, 0, sizeof(*nic));
}
