/* SPDX-License-Identifier: MIT */
/*
 * A userspace driver for QEMU's "edu" device: its DMA engine copies between
 * host memory (addressed by IOVA = physical address) and a 4 KiB buffer
 * inside the device, and raises an interrupt when done.
 *
 * Device facts (QEMU hw/misc/edu.c): DMA source 0x80, destination 0x88,
 * count 0x90 and command 0x98 registers (64-bit); the device buffer sits at
 * 0x40000 in the device's DMA space; a transfer takes 100 ms of virtual
 * time; the device masks every address with its DMA mask (28 bits unless
 * QEMU was given dma_mask=), silently, so an address above the limit would
 * corrupt other memory: edu_dma() refuses it before touching the device.
 */
#ifndef EDU_H
#define EDU_H

#include <stddef.h>
#include <stdint.h>

#include <uiodma.h>

#define EDU_BUF_SIZE	4096u
/*
 * QEMU 7.2's edu stops the whole machine (hw_error) on a transfer that
 * ends at the buffer's end, off by one: a transfer must end before its
 * last byte, so it is at most 4095 bytes and device offset + length is at
 * most 4095.
 */
#define EDU_MAX_XFER	(EDU_BUF_SIZE - 1)

struct edu {
	char addr[16];
	struct ud_dev *dev;		/* held: bus mastering on */
	volatile uint8_t *bar;		/* BAR0, 1 MiB */
	uint64_t dma_mask;		/* highest address the device reaches */
	struct ud_irq *irq;		/* NULL: poll for completion */
};

/*
 * edu_open() - take an edu device bound to uio_dma: map BAR0, check the
 * ID, wait for a transfer the last holder may have left running, then turn
 * bus mastering on.
 * @dma_bits: width of the device's DMA addresses (28 is QEMU's default).
 * @use_irq: wait for DMA completion on vector 0 instead of polling.
 * Returns 0, or -1 with errno and a message on stderr; edu_close()
 * releases what a failed open took.
 */
int edu_open(struct edu *e, const char *pci_addr, unsigned int dma_bits,
	     int use_irq);
void edu_close(struct edu *e);

uint32_t edu_id(struct edu *e);

/*
 * edu_dma() - copy @len bytes between host memory at @iova and the device
 * buffer at @dev_off; @to_device chooses the direction.  Waits for
 * completion.  Returns 0, or -1 with errno: ERANGE if [iova, iova+len)
 * is beyond the device's DMA mask (nothing was sent), EINVAL for a length
 * of 0 or @dev_off + @len over EDU_MAX_XFER (nothing was sent),
 * ETIMEDOUT if the device never finished.
 */
int edu_dma(struct edu *e, uint64_t iova, uint32_t dev_off, uint32_t len,
	    int to_device, char *err, size_t errlen);

#endif /* EDU_H */
