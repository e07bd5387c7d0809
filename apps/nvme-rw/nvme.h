/* SPDX-License-Identifier: MIT */
/*
 * A minimal userspace NVMe driver on libuiodma, in the style of SPDK and
 * ixy: one admin queue pair and one or more I/O queue pairs; commands one
 * at a time (nvme_rw(): submit, wait) or many in flight (nvme_submit(),
 * nvme_flush(), nvme_reap()); completions found by polling the phase tag
 * (or woken by the MSI-X vector of the queue).
 *
 * Each queue is a descriptor ring of libuiodma (uiodma/desc.h): a
 * submission queue is a producer ring (ud_desc_doorbell() writes its tail
 * to the SQ Tail Doorbell; its slots are reaped up to the SQ Head Pointer
 * each completion carries), a completion queue a phase ring (new entries
 * are told by their Phase Tag; ud_desc_doorbell() writes its head to the
 * CQ Head Doorbell).
 *
 * Everything the controller reads or writes lives in hugepage zones: the
 * queues are IOVA-contiguous, page-aligned rings; data buffers may be any
 * library memory, since every 4 KiB page of a transfer gets its own PRP
 * entry from ud_virt2iova() (so a buffer may cross a 2 MiB hugepage into
 * one that is not physically adjacent).
 *
 * Register and command layouts are from the NVMe base specification 1.4
 * (section 3.1 registers, 4.2 SQ entry, 4.6 CQ entry, 5 admin commands,
 * 6 NVM read/write).  The controller is little-endian.
 */
#ifndef NVME_H
#define NVME_H

#include <stddef.h>
#include <stdint.h>

#include <uiodma.h>

/* Controller registers (BAR0). */
#define NVME_REG_CAP	0x00	/* 64-bit capabilities */
#define NVME_REG_VS	0x08	/* version */
#define NVME_REG_CC	0x14	/* controller configuration */
#define NVME_REG_CSTS	0x1c	/* controller status */
#define NVME_REG_AQA	0x24	/* admin queue attributes */
#define NVME_REG_ASQ	0x28	/* admin SQ base, 64-bit */
#define NVME_REG_ACQ	0x30	/* admin CQ base, 64-bit */
#define NVME_REG_DBS	0x1000	/* doorbells */

#define NVME_CC_EN		(1u << 0)
#define NVME_CC_CSS_NVM		(0u << 4)
#define NVME_CC_MPS(shift)	((uint32_t)((shift) - 12) << 7)
#define NVME_CC_SHN_NORMAL	(1u << 14)
#define NVME_CC_SHN_MASK	(3u << 14)
#define NVME_CC_IOSQES(n)	((uint32_t)(n) << 16)	/* log2 of 64 = 6 */
#define NVME_CC_IOCQES(n)	((uint32_t)(n) << 20)	/* log2 of 16 = 4 */

#define NVME_CSTS_RDY		(1u << 0)
#define NVME_CSTS_CFS		(1u << 1)	/* controller fatal status */
#define NVME_CSTS_SHST_MASK	(3u << 2)
#define NVME_CSTS_SHST_DONE	(2u << 2)

/* Opcodes. */
#define NVME_ADMIN_DELETE_SQ	0x00
#define NVME_ADMIN_CREATE_SQ	0x01
#define NVME_ADMIN_DELETE_CQ	0x04
#define NVME_ADMIN_CREATE_CQ	0x05
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02

#define NVME_PAGE		4096u	/* the memory page size we configure (MPS=0) */
#define NVME_MAX_IOQ		8u	/* I/O queue pairs at most */
#define NVME_MAX_DEPTH		256u	/* entries per I/O queue at most */

/* Submission queue entry: 64 bytes. */
struct nvme_sqe {
	uint32_t cdw0;		/* opcode 7:0, command id 31:16 */
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/* Completion queue entry: 16 bytes. */
struct nvme_cqe {
	uint32_t result;	/* command specific */
	uint32_t rsvd;
	uint32_t sq;		/* SQ head 15:0, SQ id 31:16 */
	uint32_t status;	/* command id 15:0, phase 16, status field 31:17 */
};

_Static_assert(sizeof(struct nvme_sqe) == 64, "SQ entry is 64 bytes");
_Static_assert(sizeof(struct nvme_cqe) == 16, "CQ entry is 16 bytes");

#define NVME_CQE_PHASE	(1u << 16)	/* Phase Tag, in nvme_cqe.status */

/* One submission/completion queue pair. */
struct nvme_queue {
	uint16_t qid;			/* 0: admin */
	uint16_t depth;			/* entries in each ring */
	struct ud_desc_ring *sq;	/* producer ring of nvme_sqe: tail -> SQyTDBL */
	struct ud_desc_ring *cq;	/* phase ring of nvme_cqe: head -> CQyHDBL */
	uint16_t next_cid;
	unsigned int vector;		/* interrupt vector of the CQ */
	uint64_t *prp_lists;		/* one 4 KiB PRP list per SQ slot */
	uint64_t commands, interrupts;
};

struct nvme_dev {
	char addr[16];
	struct ud_dev *dev;		/* held: bus mastering on */
	volatile uint8_t *bar;		/* BAR0 */
	struct ud_mem *mem;		/* hugepage DMA memory */
	struct ud_pa_source kpin;	/* its pins, over uio_dma */
	struct ud_irq *irq;		/* NULL: poll */
	uint64_t cap;
	unsigned int dstrd;		/* doorbell stride: 4 << CAP.DSTRD bytes */
	int timeout_ms;			/* per command */
	struct nvme_queue admin;
	struct nvme_queue io[NVME_MAX_IOQ];	/* qid 1, 2, ... */
	unsigned int nr_io;		/* I/O queue pairs asked for */
	unsigned int io_ready;		/* of them created on the controller */
	uint16_t last_status;		/* status field (SCT 10:8, SC 7:0) of the
					 * last completion; 0: success */
	void *scratch;			/* 4 KiB for IDENTIFY */
	/* From IDENTIFY. */
	char model[41], serial[21], firmware[9];
	uint32_t max_xfer;		/* bytes per command (MDTS, PRP list) */
	uint64_t ns_blocks;		/* namespace 1 size in LBAs */
	uint32_t lba_size;
};

/* What nvme_open() brings up; zero fields take the defaults. */
struct nvme_config {
	uint32_t nsid;		/* namespace to IDENTIFY (default 1) */
	int use_irq;		/* wait on MSI-X vectors (0 admin, 1.. the I/O
				 * queues) instead of spinning */
	int timeout_ms;		/* bounds every wait (default 5000) */
	unsigned io_queues;	/* I/O queue pairs, 1 to NVME_MAX_IOQ (1) */
	unsigned io_depth;	/* entries per I/O queue, 2 to NVME_MAX_DEPTH
				 * (64); at most CAP.MQES + 1 */
};

/*
 * nvme_open() - take the controller at @pci_addr (bound to uio_dma), reset
 * it, bring up the admin queue, IDENTIFY the controller and @cfg->nsid,
 * and create the I/O queue pairs.
 * Returns 0, or -1 with a message on stderr naming the cause.
 */
int nvme_open(struct nvme_dev *n, const char *pci_addr,
	      const struct nvme_config *cfg);

/*
 * nvme_close() - delete the I/O queues, shut the controller down (CC.SHN,
 * then CC.EN=0), release the device (bus mastering off), then free the
 * rings and the memory.  Also releases what a failed nvme_open() took.
 * Commands still in flight are abandoned (the controller is shut down).
 * Returns 0, or -1 if part of the shutdown failed (message on stderr).
 */
int nvme_close(struct nvme_dev *n);

/*
 * nvme_rw() - READ or WRITE (@opcode) @nlb blocks at @slba of @nsid to or
 * from @buf, which must be library memory (a zone), 4-byte aligned, and
 * at most n->max_xfer bytes.  Builds PRP1/PRP2 or a PRP list, one entry
 * per 4 KiB page, submits on the I/O queue and waits.
 * Returns 0, or -1 with a message on stderr (an error status, also left
 * in n->last_status; a timeout).
 */
int nvme_rw(struct nvme_dev *n, uint8_t opcode, uint32_t nsid, uint64_t slba,
	    uint32_t nlb, void *buf);

/* A completion taken off an I/O queue by nvme_reap(). */
struct nvme_done {
	uint16_t cid;		/* the command's id, as given to nvme_submit() */
	uint16_t status;	/* status field: SCT 10:8, SC 7:0; 0 success */
};

/*
 * nvme_submit() - post a READ or WRITE (@opcode) of @nlb blocks at @slba
 * of @nsid to or from @buf (as nvme_rw() wants it) on I/O queue @qi (0 is
 * qid 1), with command id @cid, without waiting; the controller sees it at
 * the next nvme_flush().  The caller keeps its ids unique among the
 * commands in flight on the queue, and no more in flight than the queue's
 * depth - 1.
 * Returns 0, or -1 with a message on stderr (errno ENOBUFS: the SQ is
 * full; EINVAL: a bad transfer).
 */
int nvme_submit(struct nvme_dev *n, unsigned int qi, uint8_t opcode,
		uint32_t nsid, uint64_t slba, uint32_t nlb, void *buf,
		uint16_t cid);

/* nvme_flush() - ring I/O queue @qi's SQ tail doorbell. */
void nvme_flush(struct nvme_dev *n, unsigned int qi);

/*
 * nvme_reap() - take up to @max completions off I/O queue @qi (polling
 * the phase tags), hand the slots back (CQ head doorbell), and free the SQ
 * slots the controller has read.  Returns how many were stored in @done.
 */
unsigned int nvme_reap(struct nvme_dev *n, unsigned int qi,
		       struct nvme_done *done, unsigned int max);

/*
 * nvme_wait_irq() - with interrupts, sleep up to @timeout_ms for an I/O
 * queue's vector (any of them).  Returns 0, or -1 with a message.
 */
int nvme_wait_irq(struct nvme_dev *n, int timeout_ms);

/*
 * nvme_print() - print what the controller and namespace @nsid are: model,
 * serial, firmware, version, CAP (doorbell stride, transfer size), queue
 * depths, how completions are waited for, the namespace's size.
 */
void nvme_print(struct nvme_dev *n, uint32_t nsid);

/* nvme_status_str() - the name of a completion status (SCT/SC). */
const char *nvme_status_str(uint16_t sf);

#endif /* NVME_H */
