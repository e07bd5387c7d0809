// SPDX-License-Identifier: MIT
/* Userspace driver for QEMU's edu device; see edu.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "edu.h"

#define EDU_REG_ID	0x00
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2		/* direction: device buffer -> RAM */
#define EDU_DMA_IRQ	0x4
#define EDU_DMA_BUF	0x40000

static void wr64(struct edu *e, uint32_t off, uint64_t v)
{
	/* One 8-byte access: edu takes a 4-byte write as the whole value. */
	ud_mmio_wmb();
	*(volatile uint64_t *)(e->bar + off) = v;
}

/* Wait for the DMA engine to go idle: 100 ms of virtual time per
 * transfer; allow 5 s of real time.  -1 with ETIMEDOUT. */
static int wait_idle(struct edu *e)
{
	return app_wait_reg32(e->bar, EDU_DMA_CMD, EDU_DMA_RUN, 0, 0, 5000, NULL);
}

int edu_open(struct edu *e, const char *pci_addr, unsigned int dma_bits,
	     int use_irq)
{
	size_t len;

	memset(e, 0, sizeof(*e));
	snprintf(e->addr, sizeof(e->addr), "%s", pci_addr);
	e->dma_mask = dma_bits >= 64 ? ~0ull : (1ull << dma_bits) - 1;
	e->dev = app_dev_open("edu", pci_addr, &e->bar, &len);
	if (!e->dev)
		return -1;
	if (edu_id(e) != 0x010000ed) {
		fprintf(stderr, "edu: %s is not an edu device (id 0x%08x)\n",
			pci_addr, edu_id(e));
		errno = ENODEV;
		return -1;
	}
	/*
	 * Nothing can reset an edu: a transfer its last holder started may
	 * still be pending, and would land the moment bus mastering is on.
	 * Let it finish into nothing (bus mastering is off), then turn on.
	 */
	if (wait_idle(e) || ud_dev_bus_master(e->dev, 1)) {
		fprintf(stderr, "edu: %s\n", errno == ETIMEDOUT ?
			"a DMA transfer is still running after 5 s" : ud_errmsg());
		return -1;
	}
	if (use_irq) {
		e->irq = ud_irq_open_dev(e->dev);
		if (!e->irq || ud_irq_enable(e->irq, 0)) {
			fprintf(stderr, "edu: interrupts: %s\n", ud_errmsg());
			return -1;
		}
	}
	return 0;
}

void edu_close(struct edu *e)
{
	ud_irq_close(e->irq);
	ud_dev_close(e->dev);		/* unmaps BAR0, stops bus mastering */
	memset(e, 0, sizeof(*e));
}

uint32_t edu_id(struct edu *e)
{
	return ud_reg_read32(e->bar, EDU_REG_ID);
}

static int wait_done(struct edu *e)
{
	if (e->irq) {
		int64_t n = ud_irq_wait(e->irq, 0, 5000);

		ud_reg_write32(e->bar, EDU_IRQ_ACK,
			       ud_reg_read32(e->bar, EDU_IRQ_STATUS));
		ud_irq_unmask(e->irq, 0);	/* INTx: re-arm the line */
		if (n <= 0)
			return -1;
	}
	return wait_idle(e);
}

int edu_dma(struct edu *e, uint64_t iova, uint32_t dev_off, uint32_t len,
	    int to_device, char *err, size_t errlen)
{
	uint64_t cmd = EDU_DMA_RUN | (to_device ? 0 : EDU_DMA_TO_RAM) |
		       (e->irq ? EDU_DMA_IRQ : 0);

	if (!len || (uint64_t)dev_off + len > EDU_MAX_XFER) {
		snprintf(err, errlen, "bad transfer: %u bytes at device offset %u: give 1 or more bytes ending by offset %u (QEMU 7.2's edu stops the machine on a transfer reaching its buffer's last byte)",
			 len, dev_off, EDU_MAX_XFER);
		errno = EINVAL;
		return -1;
	}
	if (iova == UD_BAD_IOVA || iova + len - 1 > e->dma_mask ||
	    iova + len - 1 < iova) {
		snprintf(err, errlen,
			 "IOVA 0x%llx..0x%llx is beyond %s's DMA limit 0x%llx: the device would silently truncate the address; reserve the zone with iova_max = 0x%llx",
			 (unsigned long long)iova,
			 (unsigned long long)(iova + len - 1), e->addr,
			 (unsigned long long)e->dma_mask,
			 (unsigned long long)e->dma_mask);
		errno = ERANGE;
		return -1;
	}
	if (to_device) {
		wr64(e, EDU_DMA_SRC, iova);
		wr64(e, EDU_DMA_DST, EDU_DMA_BUF + dev_off);
	} else {
		wr64(e, EDU_DMA_SRC, EDU_DMA_BUF + dev_off);
		wr64(e, EDU_DMA_DST, iova);
	}
	wr64(e, EDU_DMA_COUNT, len);
	wr64(e, EDU_DMA_CMD, cmd);
	if (wait_done(e)) {
		snprintf(err, errlen, "%s: DMA did not complete in 5 s", e->addr);
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}
