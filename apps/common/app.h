/* SPDX-License-Identifier: MIT */
/*
 * What the example applications (apps/NAME/) and the guest test programs
 * that drive their devices (tests/guest/progs/NAME_harness.c) share: the
 * program's name and verdict, number options, a millisecond clock, CPU
 * time, stopping on SIGINT/SIGTERM, waiting on a register, and opening a device, hugepage memory and zones
 * with a message naming the cause on failure.
 *
 * Errors: every call that fails prints one line on stderr, prefixed with
 * the name given to app_init() (or the @who argument), and returns -1 or
 * NULL with errno set.
 *
 * Threads: app_init() and app_stop_on_signals() once, first; the rest may
 * run in any thread (they keep no state but the signal's number).
 */
#ifndef APP_H
#define APP_H

#include <stddef.h>
#include <stdint.h>

#include <uiodma.h>

/**
 * app_init() - name the program for messages and make stdout line-buffered
 * (the guest tests read its lines as they come).
 * @name: e.g. "edu-dma"; kept, not copied.
 */
void app_init(const char *name);

/**
 * app_err() - print "NAME: MESSAGE" on stderr.
 * @fmt: printf format of the message, without the newline.
 *
 * Return: -1, for "return app_err(...);".
 */
int app_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * app_verdict() - print the last line of a run, "OK" or "FAILED".
 * @failed: nonzero when the run failed.
 *
 * Return: the exit status: 0, or 1 when @failed.
 */
int app_verdict(int failed);

/**
 * app_num() - parse the value of a number option, strictly.
 * @opt: the option's name, for the message (e.g. "--count").
 * @arg: the text: decimal, or hex with 0x.
 * @min: smallest value accepted.
 * @max: largest value accepted.
 * @out: receives the value.
 *
 * Return: 0, or -1 with errno EINVAL and a message naming the range when
 * @arg is not a number from @min to @max.
 */
int app_num(const char *opt, const char *arg, unsigned long long min,
	    unsigned long long max, unsigned long long *out);

/**
 * app_now_ms() - CLOCK_MONOTONIC in milliseconds.
 *
 * Return: the time.
 */
uint64_t app_now_ms(void);

/**
 * app_cpu_ns() - CPU time of the process so far (user and system, every
 * thread), in nanoseconds: CLOCK_PROCESS_CPUTIME_ID.
 *
 * Return: the time.
 */
uint64_t app_cpu_ns(void);

/**
 * app_stop_on_signals() - make SIGINT and SIGTERM ask the program to stop:
 * app_stopping() turns true, and a system call they interrupt fails with
 * EINTR (no SA_RESTART), so a wait ends early.
 */
void app_stop_on_signals(void);

/**
 * app_stopping() - whether SIGINT or SIGTERM arrived since
 * app_stop_on_signals().
 *
 * Return: the signal's number, or 0.
 */
int app_stopping(void);

/**
 * app_sleep_ms() - sleep @ms milliseconds (0: 100 microseconds, a pause
 * between register polls).
 * @ms: milliseconds.
 */
void app_sleep_ms(unsigned ms);

/**
 * app_wait_reg32() - poll a 32-bit register of a mapped BAR until
 * (value & @mask) == @want.
 * @bar: the BAR's mapping.
 * @off: the register's byte offset.
 * @mask: the bits to look at.
 * @want: their value to wait for.
 * @fatal: bits that end the wait early with EIO when set (e.g. NVMe
 *	CSTS.CFS); 0 for none.
 * @timeout_ms: how long to wait; polled every 100 microseconds.
 * @last: receives the last value read, for messages; may be NULL.
 *
 * A value of all ones ends the wait with ENODEV: the device is gone
 * (unbound or surprise-removed), which no register of a live device reads.
 *
 * Return: 0, or -1 with errno ETIMEDOUT, EIO or ENODEV (no message).
 */
int app_wait_reg32(const volatile uint8_t *bar, size_t off, uint32_t mask,
		   uint32_t want, uint32_t fatal, int timeout_ms,
		   uint32_t *last);

/**
 * app_dev_open() - open a device for DMA and map its BAR 0.
 * @who: prefix of the messages (the driver: "edu", "nvme", ...).
 * @addr: PCI address.
 * @bar0: receives BAR 0's mapping.
 * @len: receives its length.
 *
 * Requires a driver that maps BARs and guards bus mastering (uio_dma):
 * DMA from a device held by a weaker driver could outlive the program.
 * The device's bus mastering stays off (uio_dma opens it so) until the
 * caller has stopped whatever the last holder left running and calls
 * ud_dev_bus_master(dev, 1).
 *
 * Return: the handle (the caller closes it with ud_dev_close(), which
 * unmaps BAR 0), or NULL with a message.
 */
struct ud_dev *app_dev_open(const char *who, const char *addr,
			    volatile uint8_t **bar0, size_t *len);

/**
 * app_mem_open() - hugepage DMA memory: 1 GiB of address space.
 * @who: prefix of the messages.
 * @kpin_addr: PCI address of a device bound to uio_dma whose control
 *	device pins the pages (ud_pa_source_kpin(): no CAP_SYS_ADMIN
 *	needed), or NULL for the default source (pagemap).
 * @kpin: storage for that source; must outlive the memory.
 *
 * Return: the memory (the caller closes it with ud_mem_close(), after
 * freeing every pool and ring in it), or NULL with a message.
 */
struct ud_mem *app_mem_open(const char *who, const char *kpin_addr,
			    struct ud_pa_source *kpin);

/**
 * app_mem_addresses() - what a device is given as the address of @m's
 * memory, for a program's banner.
 * @m: memory from app_mem_open() or app_dev_mem_open().
 * @pa_source: the physical-address source it was opened with: @kpin when
 *	app_mem_open() was given @kpin_addr, else NULL (the library's
 *	default, pagemap).
 *
 * Return: a static string: "VA mode (IOVAs the library maps into the VFIO
 * container)", "PA mode (physical addresses from uio_dma pins)" or "PA
 * mode (physical addresses from pagemap)".
 */
const char *app_mem_addresses(const struct ud_mem *m,
			      const struct ud_pa_source *pa_source);

/**
 * app_dev_mem_open() - hugepage DMA memory for the device at @addr.
 * @who: prefix of the messages.
 * @addr: PCI address of the device the memory is for.
 * @kpin: storage for the pin source; must outlive the memory.
 *
 * Over uio_dma (its control device exists) the pages are pinned through
 * it (app_mem_open() with @addr): pins the module keeps until the device
 * can no longer DMA, so a crash of this process cannot hand the pages back
 * to the kernel while the device still writes into them (README, Safety).
 * Over any other driver (vfio-pci: VA mode) the library's default source.
 *
 * Return: as app_mem_open().
 */
struct ud_mem *app_dev_mem_open(const char *who, const char *addr,
				struct ud_pa_source *kpin);

/**
 * app_zone() - reserve a zone, with a message naming it on failure.
 * @m: the memory.
 * @name: the zone's name, unique in @m.
 * @len: bytes.
 * @align: alignment of its start (a power of two; 0 = the default).
 * @iova_max: highest IOVA the device reaches; 0 = no limit.
 * @flags: UD_ZONE_* (e.g. UD_ZONE_IOVA_CONTIG).
 *
 * Return: the zone, or NULL with a message.
 */
struct ud_zone *app_zone(struct ud_mem *m, const char *name, size_t len,
			 size_t align, uint64_t iova_max, unsigned flags);

#endif /* APP_H */
