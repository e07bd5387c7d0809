/* SPDX-License-Identifier: MIT */
/*
 * nvme-rw's benchmark mode: 4 KiB random reads, or writes, over a range of
 * LBAs, many in flight on one or more I/O queue pairs (nvme_submit(),
 * nvme_reap() in drivers' style: no system call per I/O), completions
 * found by polling the phase tags (the default, as SPDK does) or by
 * sleeping on the queues' MSI-X vectors.
 *
 *   nvme-rw bench [OPTIONS] PCI_ADDR
 *
 *   --write        random writes (default: random reads)
 *   --qd N         commands in flight per queue pair, 1 to 255 (default 32)
 *   --queues N     I/O queue pairs, 1 to 8 (default 1)
 *   --ios N        I/Os in all (default: 20000 reads; writes: each 4 KiB
 *                  block of the range once, in random order)
 *   --seconds N    run this long instead of a number of I/Os
 *   --lba N        first LBA of the range (default 0)
 *   --lbas N       LBAs in the range (default: to the end of the namespace);
 *                  start and count must be whole 4 KiB blocks
 *   --verify       check every block read against the pattern of --seed
 *                  (rw.h: the same as nvme-rw and nvme_harness write)
 *   --seed N       the pattern writes write and --verify expects (0x5eed)
 *   --irq          sleep on the I/O queues' MSI-X vectors
 *   --nsid N, --timeout-ms N   as nvme-rw
 *
 * Prints IOPS, MB/s (10^6 bytes), latency (submission to completion seen)
 * at p50 and p99, the CPU time per I/O; for writes a "disk: sector S count
 * C seed X" line (what now holds the pattern).  SIGINT/SIGTERM stop
 * submitting; what is in flight completes, the statistics are printed.
 *
 * Exit status: 0 success, 1 an error status, a timeout, a block that does
 * not verify, a range that is not aligned or does not fit, 2 usage.
 */
#ifndef BENCH_H
#define BENCH_H

/**
 * bench_main() - nvme-rw bench: parse the options, run, report.
 * @argc: arguments from "bench" on.
 * @argv: the same.
 *
 * Return: the exit status.
 */
int bench_main(int argc, char **argv);

#endif /* BENCH_H */
