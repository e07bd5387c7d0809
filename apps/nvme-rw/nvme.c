// SPDX-License-Identifier: MIT
/* A minimal userspace NVMe driver on libuiodma; see nvme.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nvme.h"

#define ADMIN_DEPTH	32u
#define IO_DEPTH	64u
#define PRP_PER_LIST	(NVME_PAGE / 8u)

/* ---- registers ---------------------------------------------------------- */

static uint32_t rd32(struct nvme_dev *n, size_t off)
{
	return ud_reg_read32(n->bar, off);
}

static void wr32(struct nvme_dev *n, size_t off, uint32_t v)
{
	ud_reg_write32(n->bar, off, v);
}

/* 64-bit registers as two 32-bit accesses, low half first. */
static uint64_t rd64(struct nvme_dev *n, size_t off)
{
	uint64_t lo = rd32(n, off);

	return lo | (uint64_t)rd32(n, off + 4) << 32;
}

static void wr64(struct nvme_dev *n, size_t off, uint64_t v)
{
	wr32(n, off, (uint32_t)v);
	wr32(n, off + 4, (uint32_t)(v >> 32));
}

static volatile uint32_t *doorbell(struct nvme_dev *n, unsigned int qid, int cq)
{
	size_t off = NVME_REG_DBS + (2u * qid + (cq ? 1u : 0u)) * (4u << n->dstrd);

	return (volatile uint32_t *)(n->bar + off);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until (CSTS & mask) == want; CSTS.CFS (fatal) ends the wait early. */
static int wait_csts(struct nvme_dev *n, uint32_t mask, uint32_t want,
		     int timeout_ms, const char *what)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct timespec pause = { 0, 100000 };
	uint32_t csts;

	for (;;) {
		csts = rd32(n, NVME_REG_CSTS);
		if (csts == 0xffffffffu) {
			fprintf(stderr, "nvme: %s: CSTS reads all ones: the device is gone "
				"(unbound or surprise removed)\n", what);
			return -1;
		}
		if ((csts & mask) == want)
			return 0;
		if ((csts & NVME_CSTS_CFS) && want != 0) {
			fprintf(stderr, "nvme: %s: controller fatal status (CSTS 0x%x)\n",
				what, csts);
			return -1;
		}
		if (now_ms() > deadline) {
			fprintf(stderr, "nvme: %s: timeout after %d ms (CSTS 0x%x)\n",
				what, timeout_ms, csts);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

/* ---- memory ------------------------------------------------------------- */

/* A page-aligned, IOVA-contiguous zone the controller reads or writes. */
static void *dma_zone(struct nvme_dev *n, const char *name, size_t len,
		      uint64_t *iova)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z;

	p.align = NVME_PAGE;
	p.flags = UD_ZONE_IOVA_CONTIG;
	z = ud_zone_reserve(n->mem, name, len, &p);
	if (!z) {
		fprintf(stderr, "nvme: zone %s: %s\n", name, ud_errmsg());
		return NULL;
	}
	memset(ud_zone_addr(z), 0, len);
	if (iova)
		*iova = ud_zone_iova(z);
	return ud_zone_addr(z);
}

static int queue_alloc(struct nvme_dev *n, struct nvme_queue *q, uint16_t qid,
		       uint16_t depth, unsigned int vector)
{
	char name[32];

	memset(q, 0, sizeof(*q));
	q->qid = qid;
	q->depth = depth;
	q->phase = 1;
	q->vector = vector;
	snprintf(name, sizeof(name), "sq%u", qid);
	q->sq = dma_zone(n, name, depth * sizeof(struct nvme_sqe), &q->sq_iova);
	snprintf(name, sizeof(name), "cq%u", qid);
	q->cq = dma_zone(n, name, depth * sizeof(struct nvme_cqe), &q->cq_iova);
	snprintf(name, sizeof(name), "prp%u", qid);
	q->prp_lists = dma_zone(n, name, (size_t)depth * NVME_PAGE, NULL);
	if (!q->sq || !q->cq || !q->prp_lists)
		return -1;
	q->sq_db = doorbell(n, qid, 0);
	q->cq_db = doorbell(n, qid, 1);
	return 0;
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
 * phase tag says the controller wrote it. */
static int wait_cqe(struct nvme_dev *n, struct nvme_queue *q,
		    const struct nvme_cqe *e, const char *what)
{
	int64_t deadline = now_ms() + n->timeout_ms;

	while (((le32toh(ud_read_once32(&e->status)) >> 16) & 1) != q->phase) {
		int64_t left = deadline - now_ms();

		if (left < 0) {
			fprintf(stderr, "nvme: %s on queue %u: timeout, no completion after %d ms "
				"(CSTS 0x%x)\n", what, q->qid, n->timeout_ms,
				rd32(n, NVME_REG_CSTS));
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
	ud_dma_rmb();	/* the phase tag before the rest of the entry */
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
	const struct nvme_cqe *e;
	struct nvme_cqe done;
	uint32_t st;
	uint16_t sf;
	char what[64];

	snprintf(what, sizeof(what), "%s (cid %u)", opname(q, opc), cid);
	c->cdw0 = htole32(opc | (uint32_t)cid << 16);
	q->sq[q->sq_tail] = *c;
	q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->depth);
	ud_dma_wmb();	/* the entry before the doorbell */
	ud_mmio_write32_relaxed(q->sq_db, q->sq_tail);

	e = &q->cq[q->cq_head];
	if (wait_cqe(n, q, e, what))
		return -1;
	done = *e;
	q->cq_head = (uint16_t)((q->cq_head + 1) % q->depth);
	if (q->cq_head == 0)
		q->phase ^= 1;		/* the controller flips it on each pass */
	ud_mmio_write32_relaxed(q->cq_db, q->cq_head);
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

static int create_io_queues(struct nvme_dev *n)
{
	struct nvme_queue *q = &n->io;
	struct nvme_sqe c;

	c = command(NVME_ADMIN_CREATE_CQ, 0);
	c.prp1 = htole64(q->cq_iova);
	c.cdw10 = htole32((uint32_t)(q->depth - 1) << 16 | q->qid);
	/* Physically contiguous; interrupts only when we wait on them. */
	c.cdw11 = htole32((uint32_t)q->vector << 16 | (n->irq ? 2u : 0u) | 1u);
	if (submit_wait(n, &n->admin, &c, NULL))
		return -1;

	c = command(NVME_ADMIN_CREATE_SQ, 0);
	c.prp1 = htole64(q->sq_iova);
	c.cdw10 = htole32((uint32_t)(q->depth - 1) << 16 | q->qid);
	c.cdw11 = htole32((uint32_t)q->qid << 16 | 1u);	/* CQ id, contiguous */
	if (submit_wait(n, &n->admin, &c, NULL)) {
		c = command(NVME_ADMIN_DELETE_CQ, 0);
		c.cdw10 = htole32(q->qid);
		submit_wait(n, &n->admin, &c, NULL);
		return -1;
	}
	n->io_ready = 1;
	return 0;
}

static int disable(struct nvme_dev *n)
{
	uint32_t cc = rd32(n, NVME_REG_CC);
	int to = (int)((n->cap >> 24) & 0xff) * 500 + 1000;

	if (cc & NVME_CC_EN)
		wr32(n, NVME_REG_CC, cc & ~NVME_CC_EN);
	return wait_csts(n, NVME_CSTS_RDY, 0, to, "disable (CC.EN=0)");
}

int nvme_open(struct nvme_dev *n, const char *pci_addr, uint32_t nsid,
	      int use_irq, int timeout_ms)
{
	struct ud_mem_config mc = UD_MEM_CFG_INIT;
	const struct ud_dev_info *info;
	unsigned int io_vec = 0, mqes;
	size_t len;
	int to;

	memset(n, 0, sizeof(*n));
	snprintf(n->addr, sizeof(n->addr), "%s", pci_addr);
	n->timeout_ms = timeout_ms;

	/* The NVMe controller is a DMA master, so insist on uio_dma's guard. */
	n->dev = ud_dev_open(pci_addr);
	if (!n->dev || ud_dev_require(n->dev, UD_CAP_BAR_MAP | UD_CAP_BUSMASTER_GUARD)) {
		fprintf(stderr, "nvme: %s\n", ud_errmsg());
		return -1;
	}
	info = ud_dev_get_info(n->dev);
	if (info->class_code != 0x010802) {
		fprintf(stderr, "nvme: %s is not an NVMe controller (class 0x%06x)\n",
			pci_addr, info->class_code);
		return -1;
	}
	n->bar = ud_dev_map_bar(n->dev, 0, 0, &len);
	if (!n->bar) {
		fprintf(stderr, "nvme: BAR0: %s\n", ud_errmsg());
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

	if (use_irq) {
		n->irq = ud_irq_open(pci_addr);
		if (!n->irq || ud_irq_enable(n->irq, 0)) {
			fprintf(stderr, "nvme: interrupts: %s\n", ud_errmsg());
			return -1;
		}
		/* Admin CQ interrupts on vector 0 (fixed by the spec), the I/O
		 * CQ on vector 1 when there is one (MSI-X, multi-message MSI). */
		if (ud_irq_vectors(n->irq) > 1) {
			io_vec = 1;
			if (ud_irq_enable(n->irq, 1)) {
				fprintf(stderr, "nvme: interrupts: %s\n", ud_errmsg());
				return -1;
			}
		}
	}

	mc.va_size = 1ull << 30;
	n->mem = ud_mem_open(&mc);
	if (!n->mem) {
		fprintf(stderr, "nvme: hugepage memory: %s\n", ud_errmsg());
		return -1;
	}
	n->scratch = dma_zone(n, "identify", NVME_PAGE, NULL);
	if (!n->scratch ||
	    queue_alloc(n, &n->admin, 0, (uint16_t)(ADMIN_DEPTH < mqes ? ADMIN_DEPTH : mqes), 0) ||
	    queue_alloc(n, &n->io, 1, (uint16_t)(IO_DEPTH < mqes ? IO_DEPTH : mqes), io_vec))
		return -1;

	/* Reset: whatever the previous owner left, start from CC.EN=0; only
	 * then may the controller DMA. */
	if (disable(n))
		return -1;
	if (ud_dev_bus_master(n->dev, 1)) {
		fprintf(stderr, "nvme: %s\n", ud_errmsg());
		return -1;
	}
	wr32(n, NVME_REG_AQA, (uint32_t)(n->admin.depth - 1) << 16 | (n->admin.depth - 1u));
	wr64(n, NVME_REG_ASQ, n->admin.sq_iova);
	wr64(n, NVME_REG_ACQ, n->admin.cq_iova);
	wr32(n, NVME_REG_CC, NVME_CC_IOCQES(4) | NVME_CC_IOSQES(6) | NVME_CC_MPS(12) |
	     NVME_CC_CSS_NVM | NVME_CC_EN);
	to = (int)((n->cap >> 24) & 0xff) * 500 + 1000;
	if (wait_csts(n, NVME_CSTS_RDY, NVME_CSTS_RDY, to, "enable (CC.EN=1)"))
		return -1;

	if (identify(n, nsid) || create_io_queues(n))
		return -1;
	return 0;
}

int nvme_close(struct nvme_dev *n)
{
	struct nvme_sqe c;
	int ret = 0, to;

	if (n->io_ready) {
		c = command(NVME_ADMIN_DELETE_SQ, 0);
		c.cdw10 = htole32(n->io.qid);
		ret |= submit_wait(n, &n->admin, &c, NULL);
		c = command(NVME_ADMIN_DELETE_CQ, 0);
		c.cdw10 = htole32(n->io.qid);
		ret |= submit_wait(n, &n->admin, &c, NULL);
		n->io_ready = 0;
	}
	if (n->bar && rd32(n, NVME_REG_CSTS) != 0xffffffffu) {
		uint32_t cc = rd32(n, NVME_REG_CC);

		to = (int)((n->cap >> 24) & 0xff) * 500 + 1000;
		if (cc & NVME_CC_EN) {
			/* Normal shutdown: the controller flushes and says when done. */
			wr32(n, NVME_REG_CC, (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL);
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
	ud_mem_close(n->mem);		/* only now: the device can no longer DMA */
	memset(n, 0, sizeof(*n));
	return ret ? -1 : 0;
}

/* ---- I/O ---------------------------------------------------------------- */

int nvme_rw(struct nvme_dev *n, uint8_t opcode, uint32_t nsid, uint64_t slba,
	    uint32_t nlb, void *buf)
{
	struct nvme_queue *q = &n->io;
	uintptr_t va = (uintptr_t)buf;
	size_t len = (size_t)nlb * n->lba_size, first, off;
	uint64_t prp1, prp2 = 0, iova;
	struct nvme_sqe c;

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
		uint64_t *list = q->prp_lists + (size_t)q->sq_tail * PRP_PER_LIST;
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

	c = command(opcode, nsid);
	c.prp1 = htole64(prp1);
	c.prp2 = htole64(prp2);
	c.cdw10 = htole32((uint32_t)slba);
	c.cdw11 = htole32((uint32_t)(slba >> 32));
	c.cdw12 = htole32(nlb - 1);		/* 0's based */
	if (submit_wait(n, q, &c, NULL)) {
		fprintf(stderr, "nvme: the failed command: %s of %u blocks at LBA %" PRIu64 "\n",
			opname(q, opcode), nlb, slba);
		return -1;
	}
	return 0;
}
