/* SPDX-License-Identifier: MIT */
/*
 * What nvme-rw writes to the disk and reads back: a table of transfers
 * that exercise PRP1 alone, PRP1+PRP2, PRP lists, buffers that start
 * inside a page and buffers that cross a 2 MiB hugepage boundary (one PRP
 * entry per 4 KiB page, so the two hugepages need not be physically
 * adjacent), each written from one hugepage zone, read back into another
 * and compared, including the bytes around the read buffer.
 *
 * The data is a pattern, a function of a seed and the 512-byte sector of
 * the disk, so what was written can be checked through the kernel's
 * driver later: each sector starts with the text "nvme-rw seed XXXXXXXX
 * sector NNNNNNNNNN\n".
 *
 * Threads: one run at a time per controller.
 */
#ifndef RW_H
#define RW_H

#include <stdint.h>

#include "nvme.h"

#define RW_SECTOR	512u

/*
 * rw_fill_sector() - the pattern of one sector.
 * @p: receives RW_SECTOR bytes.
 * @seed: the run's seed.
 * @sector: the sector's number on the disk (512-byte units).
 */
void rw_fill_sector(uint8_t *p, uint32_t seed, uint64_t sector);

/*
 * rw_run() - write every transfer of the table to namespace @nsid of @n,
 * read it back and compare.
 * @n: an open controller (nvme_open()).
 * @nsid: the namespace; the table reaches its block 8255 (a smaller one
 *	fails with a message).
 * @seed: the pattern's seed.
 *
 * Prints a line per transfer ("...: ok", "MISMATCH", "OVERRUN", "ERROR"),
 * and when all are equal a "disk: sector S count C seed X" line per
 * transfer, saying which sectors now hold the pattern.
 *
 * Return: 0 when every transfer read back what was written, 1 otherwise
 * (with a message on stderr).
 */
int rw_run(struct nvme_dev *n, uint32_t nsid, uint32_t seed);

#endif /* RW_H */
