// SPDX-License-Identifier: MIT
/* A minimal userspace NVMe driver on libuiodma; see nvme.h. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "nvme.h"

#define ADMIN_DEPTH	32u
#define IO_DEPTH	64u		/* default entries per I/O queue */
#define PRP_PER_LIST	(NVME_PAGE / 8u)

/* ---- registers ---------------------------------------------------------- */

/* 64-bit registers as two 32-bit accesses, low half first (spec 3.1). */
static uint64_t rd64(struct nvme_dev *n, size_t off)
{
	uint64_t lo = ud_reg_read32(n->bar, off);

	return lo | (uint64_t)ud_reg_read32(n->bar, off + 4) << 32;
}

static void wr64(struct nvme_dev *n, size_t off, uint64_t v)
{
	ud_reg_write32(n->bar, off, (uint32_t)v);
	ud_reg_write32(n->bar, off + 4, (uint32_t)(v >> 32));
}

static volatile uint32_t *doorbell(struct nvme_dev *n, unsigned int qid, int cq)
{
	size_t off = NVME_REG_DBS + (2u * qid + (cq ? 1u : 0u)) * (4u << n->dstrd);

	return (volatile uint32_t *)(n->bar + off);
}

/* Wait until (CSTS & mask) == want; CSTS.CFS (fatal) ends the wait early. */
static int wait_csts(struct nvme_dev *n, uint32_t mask, uint32_t want,
		     int timeout_ms, const char *what)
{
	uint32_t csts;

	if (!app_wait_reg32(n->bar, NVME_REG_CSTS, mask, want,
			    want ? NVME_CSTS_CFS : 0, timeout_ms, &csts))
		return 0;
	if (errno == ENODEV)
		fprintf(stderr, "nvme: %s: CSTS reads all ones: the device is gone "
			"(unbound or surprise removed)\n", what);
	else if (errno == EIO)
		fprintf(stderr, "nvme: %s: controller fatal status (CSTS 0x%x)\n",
			what, csts);
	else
		fprintf(stderr, "nvme: %s: timeout after %d ms (CSTS 0x%x)\n",
			what, timeout_ms, csts);
	return -1;
}

/* ---- memory ------------------------------------------------------------- */

/* A page-aligned, IOVA-contiguous, zeroed zone the controller reads or writes. */
static void *dma_zone(struct nvme_dev *n, const char *name, size_t len)
{
	struct ud_zone *z = app_zone(n->mem, name, len, NVME_PAGE, 0,
				     UD_ZONE_IOVA_CONTIG);

	if (!z)
		return NULL;
	memset(ud_zone_addr(z), 0, len);
	return ud_zone_addr(z);
}

/* A queue as a descriptor ring: page-aligned and physically contiguous
 * (CREATE I/O SQ/CQ with PC=1; ASQ/ACQ), @phase_bit for a CQ. */
static struct ud_desc_ring *queue_ring(struct nvme_dev *n, const char *kind,
				       struct nvme_queue *q, size_t entry,
				       volatile uint32_t *db, uint32_t phase_bit)
{
	struct ud_desc_ring_params p = UD_DESC_RING_PARAMS_INIT;
	struct ud_desc_ring *r;
	char name[16];

	snprintf(name, sizeof(name), "%s%u", kind, q->qid);
	p.name = name;
	p.count = q->depth;
	p.desc_size = entry;
	p.align = NVME_PAGE;
	p.doorbell = db;
	if (phase_bit) {
		p.done_off = offsetof(struct nvme_cqe, status);
		p.done_mask = phase_bit;
		p.flags = UD_DESC_PHASE;
	}
	r = ud_desc_ring_create(n->mem, &p);
	if (!r)
		fprintf(stderr, "nvme: queue %s: %s\n", name, ud_errmsg());
	return r;
}

static int queue_alloc(struct nvme_dev *n, struct nvme_queue *q, uint16_t qid,
		       uint16_t depth, unsigned int vector)
{
	char name[32];

	memset(q, 0, sizeof(*q));
	q->qid = qid;
	q->depth = depth;
	q->vector = vector;
	q->sq = queue_ring(n, "sq", q, sizeof(struct nvme_sqe), doorbell(n, qid, 0), 0);
	q->cq = queue_ring(n, "cq", q, sizeof(struct nvme_cqe), doorbell(n, qid, 1),
			   NVME_CQE_PHASE);
	snprintf(name, sizeof(name), "prp%u", qid);
	q->prp_lists = dma_zone(n, name, (size_t)depth * NVME_PAGE);
	return q->sq && q->cq && q->prp_lists ? 0 : -1;
}

static void queue_free(struct nvme_queue *q)
{
	ud_desc_ring_free(q->sq);
	ud_desc_ring_free(q->cq);
	q->sq = q->cq = NULL;
}

/* ---- commands ----------------------------------------------------------- */

const char *nvme_status_str(uint16_t sf)
{
	unsigned int sct = (sf >> 8) & 7, sc = sf & 0xff;

	if (sct == 0) {
		switch (sc) {
		case 0x00: return "Successful Completion";
		case 0x01: return "Invalid Command Opcode";
		case 0x02: return "Invalid Field in Command";
		case 0x03: return "Command ID Conflict";
		case 0x04: return "Data Transfer Error";
		case 0x06: return "Internal Error";
		case 0x0b: return "Invalid Namespace or Format";
		case 0x13: return "PRP Offset Invalid";
		case 0x80: return "LBA Out of Range";
		case 0x81: return "Capacity Exceeded";
		case 0x82: return "Namespace Not Ready";
		}
	} else if (sct == 1) {
		switch (sc) {
		case 0x00: return "Completion Queue Invalid";
		case 0x01: return "Invalid Queue Identifier";
		case 0x02: return "Invalid Queue Size";
		case 0x08: return "Invalid Interrupt Vector";
		case 0x0c: return "Invalid Queue Deletion";
		}
	} else if (sct == 2) {
		switch (sc) {
		case 0x80: return "Write Fault";
		case 0x81: return "Unrecovered Read Error";
		}
	}
	return "unknown status";
}

void nvme_print(struct nvme_dev *n, uint32_t nsid)
{
	printf("nvme %s: %s, serial %s, firmware %s, version 0x%08x\n", n->addr,
	       n->model, n->serial, n->firmware, ud_reg_read32(n->bar, NVME_REG_VS));
	printf("  CAP 0x%016" PRIx64 ": doorbell stride %u bytes, max transfer %u KiB; "
	       "admin queue %u entries, %u I/O queue pair%s of %u entries; completion by %s\n",
	       n->cap, 4u << n->dstrd, n->max_xfer >> 10, n->admin.depth, n->nr_io,
	       n->nr_io > 1 ? "s" : "", n->io[0].depth, n->irq ? "interrupt" : "polling");
	printf("namespace %u: %" PRIu64 " blocks of %u bytes (%" PRIu64 " MiB)\n", nsid,
	       n->ns_blocks, n->lba_size, (n->ns_blocks * n->lba_size) >> 20);
}

static const char *opname(const struct nvme_queue *q, uint8_t opc)
{
	if (q->qid)
		return opc == NVME_CMD_READ ? "READ" : opc == NVME_CMD_WRITE ? "WRITE" : "I/O command";
	switch (opc) {
	case NVME_ADMIN_DELETE_SQ: return "DELETE I/O SQ";
	case NVME_ADMIN_CREATE_SQ: return "CREATE I/O SQ";
	case NVME_ADMIN_DELETE_CQ: return "DELETE I/O CQ";
	case NVME_ADMIN_CREATE_CQ: return "CREATE I/O CQ";
	case NVME_ADMIN_IDENTIFY: return "IDENTIFY";
	}
	return "admin command";
}

/* Spin on (or sleep on the vector of) the CQ entry at the head until its
 * phase tag says the controller wrote it (ud_desc_poll() then orders the
 * tag before the rest of the entry). */
static int wait_cqe(struct nvme_dev *n, struct nvme_queue *q, const char *what)
{
	int64_t deadline = (int64_t)app_now_ms() + n->timeout_ms;

	while (!ud_desc_poll(q->cq, 1)) {
		int64_t left = deadline - (int64_t)app_now_ms();

		if (left < 0) {
			fprintf(stderr, "nvme: %s on queue %u: timeout, no completion after %d ms "
				"(CSTS 0x%x)\n", what, q->qid, n->timeout_ms,
				ud_reg_read32(n->bar, NVME_REG_CSTS));
			return -1;
		}
		if (n->irq) {
			/* Short waits: a completion is also found without its interrupt. */
			int64_t c = ud_irq_wait(n->irq, q->vector, left < 50 ? (int)left + 1 : 50);

			if (c < 0) {
				fprintf(stderr, "nvme: %s: interrupt vector %u: %s\n",
					what, q->vector, ud_errmsg());
				return -1;
			}
			q->interrupts += (uint64_t)c;
		}
	}
	return 0;
}

/*
 * Submit @c on @q and wait for its completion.  @c is filled in memory
 * (little-endian) order; the command id is set here.
 */
static int submit_wait(struct nvme_dev *n, struct nvme_queue *q,
		       struct nvme_sqe *c, struct nvme_cqe *res)
{
	uint8_t opc = (uint8_t)le32toh(c->cdw0);
	uint16_t cid = q->next_cid++;
	struct nvme_cqe done;
	uint32_t st;
	uint16_t sf;
	char what[64];

	snprintf(what, sizeof(what), "%s (cid %u)", opname(q, opc), cid);
	c->cdw0 = htole32(opc | (uint32_t)cid << 16);
	if (ud_desc_post_copy(q->sq, c, NULL)) {
		fprintf(stderr, "nvme: %s: submission queue %u is full\n", what, q->qid);
		return -1;
	}
	ud_desc_doorbell(q->sq);	/* SQ tail, after the entry */
	if (wait_cqe(n, q, what))
		return -1;
	done = *(const struct nvme_cqe *)ud_desc_head_slot(q->cq, 0);
	ud_desc_consume(q->cq, 1, NULL);	/* flips the phase at the wrap */
	ud_desc_doorbell(q->cq);	/* CQ head: the slot is the controller's */
	/* The controller has read the SQ up to its SQ Head Pointer. */
	ud_desc_reap_upto(q->sq, le32toh(done.sq) & 0xffff, NULL, q->depth);
	if (n->irq && ud_irq_mode(n->irq) == UD_IRQ_LEGACY)
		ud_irq_unmask(n->irq, 0);	/* INTx: re-arm once the CQ is consumed */
	q->commands++;
	if (res)
		*res = done;

	st = le32toh(done.status);
	if ((st & 0xffff) != cid || (le32toh(done.sq) >> 16) != q->qid) {
		fprintf(stderr, "nvme: %s: completion for cid %u of SQ %u, expected cid %u of SQ %u\n",
			what, st & 0xffff, le32toh(done.sq) >> 16, cid, q->qid);
		return -1;
	}
	sf = (uint16_t)(st >> 17);
	n->last_status = sf & 0x7ff;
	if (sf & 0x7ff) {
		fprintf(stderr, "nvme: %s failed: status 0x%03x (type %u, code 0x%02x: %s)%s\n",
			what, sf & 0x7ff, (sf >> 8) & 7, sf & 0xff, nvme_status_str(sf),
			sf & 0x4000 ? ", do not retry" : "");
		errno = EIO;
		return -1;
	}
	return 0;
}

static struct nvme_sqe command(uint8_t opc, uint32_t nsid)
{
	struct nvme_sqe c;

	memset(&c, 0, sizeof(c));
	c.cdw0 = htole32(opc);
	c.nsid = htole32(nsid);
	return c;
}

/* ---- bring-up ----------------------------------------------------------- */

/* Copy a space-padded identify string, trimmed. */
static void idstr(char *dst, const uint8_t *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = '\0';
	while (len && (dst[len - 1] == ' ' || dst[len - 1] == '\0'))
		dst[--len] = '\0';
}

static int identify(struct nvme_dev *n, uint32_t nsid)
{
	uint8_t *id = n->scratch;
	struct nvme_sqe c;
	unsigned int mdts, flbas, lbads, ms;
	uint32_t nn, lbaf;

	c = command(NVME_ADMIN_IDENTIFY, 0);
	c.prp1 = htole64(ud_virt2iova(id));
	c.cdw10 = htole32(1);			/* CNS 1: controller */
	if (submit_wait(n, &n->admin, &c, NULL))
		return -1;
	idstr(n->serial, id + 4, 20);
	idstr(n->model, id + 24, 40);
	idstr(n->firmware, id + 64, 8);
	mdts = id[77];
	memcpy(&nn, id + 516, 4);
	nn = le32toh(nn);
	/* MDTS is a power of two of the minimum page size (CAP.MPSMIN = 4 KiB). */
	n->max_xfer = PRP_PER_LIST * NVME_PAGE;	/* what one PRP list reaches */
	if (mdts && mdts < 20 && (NVME_PAGE << mdts) < n->max_xfer)
		n->max_xfer = NVME_PAGE << mdts;
	if (nsid == 0 || nsid > nn) {
		fprintf(stderr, "nvme: namespace %u does not exist (the controller has %u)\n",
			nsid, nn);
		return -1;
	}

	memset(id, 0, NVME_PAGE);
	c = command(NVME_ADMIN_IDENTIFY, nsid);
	c.prp1 = htole64(ud_virt2iova(id));
	c.cdw10 = htole32(0);			/* CNS 0: namespace */
	if (submit_wait(n, &n->admin, &c, NULL))
		return -1;
	memcpy(&n->ns_blocks, id + 0, 8);
	n->ns_blocks = le64toh(n->ns_blocks);
	flbas = id[26] & 0xf;
	memcpy(&lbaf, id + 128 + 4 * flbas, 4);
	lbaf = le32toh(lbaf);
	ms = lbaf & 0xffff;
	lbads = (lbaf >> 16) & 0xff;
	if (n->ns_blocks == 0) {
		fprintf(stderr, "nvme: namespace %u is not active (size 0)\n", nsid);
		return -1;
	}
	if (lbads < 9 || lbads > 12 || ms) {
		fprintf(stderr, "nvme: namespace %u: LBA format %u (2^%u-byte blocks, %u bytes "
			"of metadata) is not supported here\n", nsid, flbas, lbads, ms);
		return -1;
	}
	n->lba_size = 1u << lbads;
	return 0;
}

static int create_io_queue(struct nvme_dev *n, struct nvme_queue *q)
{
	struct nvme_sqe c;

	c = command(NVME_ADMIN_CREATE_CQ, 0);
	c.prp1 = htole64(ud_desc_ring_iova(q->cq));
	c.cdw10 = htole32((uint32_t)(q->depth - 1) << 16 | q->qid);
	/* Physically contiguous; interrupts only when we wait on them. */
	c.cdw11 = htole32((uint32_t)q->vector << 16 | (n->irq ? 2u : 0u) | 1u);
	if (submit_wait(n, &n->admin, &c, NULL))
		return -1;

	c = command(NVME_ADMIN_CREATE_SQ, 0);
	c.prp1 = htole64(ud_desc_ring_iova(q->sq));
	c.cdw10 = htole32((uint32_t)(q->depth - 1) << 16 | q->qid);
	c.cdw11 = htole32((uint32_t)q->qid << 16 | 1u);	/* CQ id, contiguous */
	if (submit_wait(n, &n->admin, &c, NULL)) {
		c = command(NVME_ADMIN_DELETE_CQ, 0);
		c.cdw10 = htole32(q->qid);
		submit_wait(n, &n->admin, &c, NULL);
		return -1;
	}
	n->io_ready++;
	return 0;
}

/* Delete the I/O queue pairs created, the last first. */
static int delete_io_queues(struct nvme_dev *n)
{
	struct nvme_sqe c;
	int ret = 0;

	while (n->io_ready) {
		uint16_t qid = n->io[--n->io_ready].qid;

		c = command(NVME_ADMIN_DELETE_SQ, 0);
		c.cdw10 = htole32(qid);
		ret |= submit_wait(n, &n->admin, &c, NULL);
		c = command(NVME_ADMIN_DELETE_CQ, 0);
		c.cdw10 = htole32(qid);
		ret |= submit_wait(n, &n->admin, &c, NULL);
	}
	return ret;
}

static int disable(struct nvme_dev *n)
{
	uint32_t cc = ud_reg_read32(n->bar, NVME_REG_CC);
	int to = (int)((n->cap >> 24) & 0xff) * 500 + 1000;

	if (cc & NVME_CC_EN)
		ud_reg_write32(n->bar, NVME_REG_CC, cc & ~NVME_CC_EN);
	return wait_csts(n, NVME_CSTS_RDY, 0, to, "disable (CC.EN=0)");
}

/* Interrupts: vector 0 for the admin CQ (fixed by the spec), 1, 2, ...
 * for the I/O CQs as far as the device has vectors, the rest sharing the
 * last one. */
static int enable_irqs(struct nvme_dev *n)
{
	unsigned int nvec;

	n->irq = ud_irq_open_dev(n->dev);
	if (!n->irq)
		goto fail;
	nvec = ud_irq_vectors(n->irq);
	for (unsigned int v = 0; v < nvec && v <= n->nr_io; v++)
		if (ud_irq_enable(n->irq, v))
			goto fail;
	for (unsigned int i = 0; i < n->nr_io; i++)
		n->io[i].vector = i + 1 < nvec ? i + 1 : nvec - 1;
	return 0;
fail:
	fprintf(stderr, "nvme: interrupts: %s\n", ud_errmsg());
	return -1;
}

int nvme_open(struct nvme_dev *n, const char *pci_addr,
	      const struct nvme_config *cfg)
{
	const struct ud_dev_info *info;
	unsigned int mqes, depth;
	uint32_t nsid = cfg->nsid ? cfg->nsid : 1;
	size_t len;
	int to;

	memset(n, 0, sizeof(*n));
	snprintf(n->addr, sizeof(n->addr), "%s", pci_addr);
	n->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 5000;
	n->nr_io = cfg->io_queues ? cfg->io_queues : 1;
	depth = cfg->io_depth ? cfg->io_depth : IO_DEPTH;
	if (n->nr_io > NVME_MAX_IOQ || depth < 2 || depth > NVME_MAX_DEPTH) {
		fprintf(stderr, "nvme: %u I/O queues of %u entries: at most %u queues of "
			"2 to %u entries\n", n->nr_io, depth, NVME_MAX_IOQ, NVME_MAX_DEPTH);
		n->nr_io = 0;
		errno = EINVAL;
		return -1;
	}

	n->dev = app_dev_open("nvme", pci_addr, &n->bar, &len);
	if (!n->dev)
		return -1;
	info = ud_dev_get_info(n->dev);
	if (info->class_code != 0x010802) {
		fprintf(stderr, "nvme: %s is not an NVMe controller (class 0x%06x)\n",
			pci_addr, info->class_code);
		return -1;
	}
	n->cap = rd64(n, NVME_REG_CAP);
	n->dstrd = (unsigned int)(n->cap >> 32) & 0xf;
	mqes = (unsigned int)(n->cap & 0xffff) + 1;
	if (!(n->cap >> 37 & 1) || (n->cap >> 48 & 0xf) != 0) {
		fprintf(stderr, "nvme: CAP 0x%016" PRIx64 ": needs the NVM command set and "
			"4 KiB pages (CAP.CSS, CAP.MPSMIN)\n", n->cap);
		return -1;
	}
	if (mqes < 2 || len < NVME_REG_DBS + 4u * (4u << n->dstrd)) {
		fprintf(stderr, "nvme: CAP 0x%016" PRIx64 " / BAR0 of %zu bytes: no room for "
			"two queue pairs\n", n->cap, len);
		return -1;
	}

	if (depth > mqes) {
		fprintf(stderr, "nvme: I/O queues of %u entries: the controller takes at most "
			"%u (CAP.MQES)\n", depth, mqes);
		errno = EINVAL;
		return -1;
	}
	if (cfg->use_irq && enable_irqs(n))
		return -1;

	n->mem = app_dev_mem_open("nvme", n->addr, &n->kpin);
	if (!n->mem)
		return -1;
	n->scratch = dma_zone(n, "identify", NVME_PAGE);
	if (!n->scratch ||
	    queue_alloc(n, &n->admin, 0, (uint16_t)(ADMIN_DEPTH < mqes ? ADMIN_DEPTH : mqes), 0))
		return -1;
	for (unsigned int i = 0; i < n->nr_io; i++)
		if (queue_alloc(n, &n->io[i], (uint16_t)(i + 1), (uint16_t)depth, n->io[i].vector))
			return -1;

	/* Reset: whatever the previous owner left, start from CC.EN=0; only
	 * then may the controller DMA. */
	if (disable(n))
		return -1;
	if (ud_dev_bus_master(n->dev, 1)) {
		fprintf(stderr, "nvme: %s\n", ud_errmsg());
		return -1;
	}
	ud_reg_write32(n->bar, NVME_REG_AQA,
		       (uint32_t)(n->admin.depth - 1) << 16 | (n->admin.depth - 1u));
	wr64(n, NVME_REG_ASQ, ud_desc_ring_iova(n->admin.sq));
	wr64(n, NVME_REG_ACQ, ud_desc_ring_iova(n->admin.cq));
	ud_reg_write32(n->bar, NVME_REG_CC, NVME_CC_IOCQES(4) | NVME_CC_IOSQES(6) |
		       NVME_CC_MPS(12) | NVME_CC_CSS_NVM | NVME_CC_EN);
	to = (int)((n->cap >> 24) & 0xff) * 500 + 1000;
	if (wait_csts(n, NVME_CSTS_RDY, NVME_CSTS_RDY, to, "enable (CC.EN=1)"))
		return -1;

	if (identify(n, nsid))
		return -1;
	for (unsigned int i = 0; i < n->nr_io; i++)
		if (create_io_queue(n, &n->io[i]))
			return -1;
	return 0;
}

int nvme_close(struct nvme_dev *n)
{
	int ret = 0, to;

	ret |= delete_io_queues(n);
	if (n->bar && ud_reg_read32(n->bar, NVME_REG_CSTS) != 0xffffffffu) {
		uint32_t cc = ud_reg_read32(n->bar, NVME_REG_CC);

		to = (int)((n->cap >> 24) & 0xff) * 500 + 1000;
		if (cc & NVME_CC_EN) {
			/* Normal shutdown: the controller flushes and says when done. */
			ud_reg_write32(n->bar, NVME_REG_CC,
				       (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL);
			ret |= wait_csts(n, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_DONE, to,
					 "shutdown (CC.SHN)");
		}
		ret |= disable(n);
		/* Nothing may point at our memory any more. */
		wr64(n, NVME_REG_ASQ, 0);
		wr64(n, NVME_REG_ACQ, 0);
	}
	ud_irq_close(n->irq);
	ud_dev_close(n->dev);		/* unmaps BAR0, stops bus mastering */
	/* Only now, when the device can no longer DMA: */
	queue_free(&n->admin);
	for (unsigned int i = 0; i < NVME_MAX_IOQ; i++)
		queue_free(&n->io[i]);
	ud_mem_close(n->mem);
	memset(n, 0, sizeof(*n));
	return ret ? -1 : 0;
}

/* ---- I/O ---------------------------------------------------------------- */

/*
 * A READ or WRITE of @nlb blocks at @slba to or from @buf for the next
 * slot of @q: checks the transfer, builds PRP1/PRP2 or a PRP list (the
 * one of that slot).  Returns 0, or -1 with a message.
 */
static int rw_command(struct nvme_dev *n, struct nvme_queue *q, uint8_t opcode,
		      uint32_t nsid, uint64_t slba, uint32_t nlb, void *buf,
		      struct nvme_sqe *c)
{
	uintptr_t va = (uintptr_t)buf;
	size_t len = (size_t)nlb * n->lba_size, first, off;
	uint64_t prp1, prp2 = 0, iova;

	if (nlb == 0 || nlb > 0x10000 || len > n->max_xfer || (va & 3)) {
		fprintf(stderr, "nvme: %s of %u blocks at %p: bad transfer (at most %u bytes, "
			"4-byte aligned)\n", opname(q, opcode), nlb, buf, n->max_xfer);
		errno = EINVAL;
		return -1;
	}
	prp1 = ud_virt2iova(buf);
	if (prp1 == UD_BAD_IOVA) {
		fprintf(stderr, "nvme: buffer %p is not library DMA memory\n", buf);
		return -1;
	}
	/* PRP1 may start inside a page; every further entry is a whole page. */
	first = NVME_PAGE - (va & (NVME_PAGE - 1));
	if (len > first && len <= first + NVME_PAGE) {
		prp2 = ud_virt2iova((void *)(va + first));	/* the second page */
	} else if (len > first) {
		/* one list per SQ slot: the one this command is posted to */
		uint64_t *list = q->prp_lists +
				 (size_t)ud_desc_ring_tail(q->sq) * PRP_PER_LIST;
		size_t i = 0;

		for (off = first; off < len; off += NVME_PAGE) {
			iova = ud_virt2iova((void *)(va + off));
			if (iova == UD_BAD_IOVA) {
				fprintf(stderr, "nvme: buffer %p+%zu is not library DMA memory\n",
					buf, off);
				return -1;
			}
			list[i++] = htole64(iova);
		}
		prp2 = ud_virt2iova(list);	/* a PRP list pointer */
	}
	if (prp2 == UD_BAD_IOVA) {
		fprintf(stderr, "nvme: buffer %p+%zu is not library DMA memory\n", buf, first);
		return -1;
	}

	*c = command(opcode, nsid);
	c->prp1 = htole64(prp1);
	c->prp2 = htole64(prp2);
	c->cdw10 = htole32((uint32_t)slba);
	c->cdw11 = htole32((uint32_t)(slba >> 32));
	c->cdw12 = htole32(nlb - 1);		/* 0's based */
	return 0;
}

int nvme_rw(struct nvme_dev *n, uint8_t opcode, uint32_t nsid, uint64_t slba,
	    uint32_t nlb, void *buf)
{
	struct nvme_queue *q = &n->io[0];
	struct nvme_sqe c;

	if (rw_command(n, q, opcode, nsid, slba, nlb, buf, &c))
		return -1;
	if (submit_wait(n, q, &c, NULL)) {
		fprintf(stderr, "nvme: the failed command: %s of %u blocks at LBA %" PRIu64 "\n",
			opname(q, opcode), nlb, slba);
		return -1;
	}
	return 0;
}

int nvme_submit(struct nvme_dev *n, unsigned int qi, uint8_t opcode,
		uint32_t nsid, uint64_t slba, uint32_t nlb, void *buf,
		uint16_t cid)
{
	struct nvme_queue *q = &n->io[qi];
	struct nvme_sqe c;

	if (rw_command(n, q, opcode, nsid, slba, nlb, buf, &c))
		return -1;
	c.cdw0 |= htole32((uint32_t)cid << 16);
	if (ud_desc_post_copy(q->sq, &c, NULL)) {
		fprintf(stderr, "nvme: submission queue %u is full\n", q->qid);
		errno = ENOBUFS;
		return -1;
	}
	return 0;
}

void nvme_flush(struct nvme_dev *n, unsigned int qi)
{
	ud_desc_doorbell(n->io[qi].sq);		/* SQ tail, after the entries */
}

unsigned int nvme_reap(struct nvme_dev *n, unsigned int qi,
		       struct nvme_done *done, unsigned int max)
{
	struct nvme_queue *q = &n->io[qi];
	unsigned int k = ud_desc_poll(q->cq, max);	/* phase tags, then rmb */
	uint32_t sqhd = 0;

	for (unsigned int i = 0; i < k; i++) {
		const struct nvme_cqe *e = ud_desc_head_slot(q->cq, i);
		uint32_t st = le32toh(e->status);

		done[i].cid = (uint16_t)st;
		done[i].status = (uint16_t)(st >> 17) & 0x7ff;
		sqhd = le32toh(e->sq) & 0xffff;
	}
	if (!k)
		return 0;
	ud_desc_consume(q->cq, k, NULL);
	ud_desc_doorbell(q->cq);		/* CQ head: the slots are the controller's */
	ud_desc_reap_upto(q->sq, sqhd, NULL, q->depth);
	if (n->irq && ud_irq_mode(n->irq) == UD_IRQ_LEGACY)
		ud_irq_unmask(n->irq, 0);
	q->commands += k;
	return k;
}

int nvme_wait_irq(struct nvme_dev *n, int timeout_ms)
{
	struct pollfd pf[NVME_MAX_IOQ];
	unsigned int k = 0;

	/* The I/O queues' vectors, each once (the last ones may share). */
	for (unsigned int i = 0; i < n->nr_io; i++)
		if (!i || n->io[i].vector != n->io[i - 1].vector)
			pf[k++] = (struct pollfd){ .fd = ud_irq_fd(n->irq, n->io[i].vector),
						   .events = POLLIN };
	if (poll(pf, k, timeout_ms) < 0 && errno != EINTR) {
		fprintf(stderr, "nvme: waiting for interrupts: %s\n", strerror(errno));
		return -1;
	}
	for (unsigned int i = 0, j = 0; i < n->nr_io; i++) {
		int64_t c;

		if (i && n->io[i].vector == n->io[i - 1].vector)
			continue;
		if (!(pf[j++].revents & POLLIN))
			continue;
		c = ud_irq_ack(n->irq, n->io[i].vector);
		if (c < 0) {
			fprintf(stderr, "nvme: interrupts: %s\n", ud_errmsg());
			return -1;
		}
		n->io[i].interrupts += (uint64_t)c;
	}
	return 0;
}
