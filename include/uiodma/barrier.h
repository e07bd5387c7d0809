/* SPDX-License-Identifier: MIT */
/*
 * Memory barriers and MMIO accessors for talking to a DMA device.
 *
 * Each barrier is named for what it orders.  DMA memory here is ordinary
 * cacheable memory the device reads and writes coherently (hugepages);
 * MMIO is a BAR mapped uncached (UC, the default of a resource file mmap)
 * or write-combining (WC, resourceN_wc).
 *
 *   barrier             x86-64                 arm64
 *   ud_compiler_barrier  asm("":::"memory")     same
 *   ud_dma_wmb           compiler barrier       dmb oshst
 *   ud_dma_rmb           compiler barrier       dmb oshld
 *   ud_mmio_wmb          sfence                 dsb st
 *   ud_mmio_rmb          compiler barrier       dmb oshld
 *   ud_mb                mfence                 dsb sy
 *   ud_smp_mb            lock-prefixed add      dmb ish
 *
 * Why x86 needs no fence for the common cases: its stores are seen in
 * program order by everyone, including devices, and a store to UC memory
 * is not reordered with earlier stores to WB memory; loads are not
 * reordered with other loads.  Only write-combining memory (WC BARs,
 * non-temporal stores) can be reordered, and sfence orders it.  arm64
 * orders nothing by default: dmb with the outer-shareable domain (osh)
 * orders accesses as the device sees them; dsb also waits for completion.
 * These are the mappings Linux uses for dma_wmb()/dma_rmb()/wmb()/mb() and
 * DPDK for rte_io_wmb()/rte_io_rmb()/rte_wmb().
 *
 * The typical sequence (see also uiodma/desc.h, which does this for you):
 *
 *	desc->addr = htole64(ud_buf_data_iova(b));   // fill descriptors
 *	desc->len  = htole32(len);
 *	ud_dma_wmb();                  // descriptor stores before ...
 *	ud_mmio_write32_relaxed(tail_reg, tail);      // ... the doorbell
 *	// or in one call: ud_mmio_write32(tail_reg, tail);
 *
 *	while (!(le32toh(ud_read_once32(&desc->status)) & DD))  // poll
 *		;
 *	ud_dma_rmb();                  // status before the rest of desc
 *	len = le32toh(desc->len);
 *
 * Errors: none of these can fail; they set neither errno nor ud_errmsg().
 * A pointer that is not a mapped register or word is undefined.
 *
 * Ownership: nothing here holds state or memory; the MMIO accessors act
 * on a mapping the caller owns (ud_dev_map_bar()).
 *
 * Threads: every function may run in any thread.  They order the calling
 * thread's own accesses as a device (or another CPU, ud_smp_mb()) sees
 * them; they are not locks: two threads writing one doorbell or filling
 * one descriptor ring still need a lock of their own.
 */
#ifndef UIODMA_BARRIER_H
#define UIODMA_BARRIER_H

#include <endian.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "uiodma/barrier.h: only x86-64 and arm64 are supported"
#endif

/*
 * ud__le32() - a 32-bit value between CPU and little-endian byte order
 * (the same either way).  htole32()/le32toh() are not in strict C11 or
 * C++; the compiler's byte-order macros are.  Not an API of its own.
 */
static inline uint32_t ud__le32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/**
 * ud_compiler_barrier() - keep the compiler from moving memory accesses
 * across this point.  Emits no instruction.
 */
static inline void ud_compiler_barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/**
 * ud_dma_wmb() - CPU stores to DMA memory before later CPU stores to DMA
 * memory or to an (uncached) MMIO register.
 *
 * Use between filling a descriptor and setting its ownership bit, and
 * between filling descriptors and writing the doorbell register with
 * ud_mmio_write32_relaxed().  x86-64: compiler barrier; arm64: dmb oshst.
 */
static inline void ud_dma_wmb(void)
{
#if defined(__x86_64__)
	ud_compiler_barrier();
#else
	__asm__ __volatile__("dmb oshst" ::: "memory");
#endif
}

/**
 * ud_dma_rmb() - a CPU load from DMA memory (a device-written status or
 * done bit) before later CPU loads from DMA memory (the rest of that
 * descriptor, the buffer it points to).
 *
 * x86-64: compiler barrier; arm64: dmb oshld.
 */
static inline void ud_dma_rmb(void)
{
#if defined(__x86_64__)
	ud_compiler_barrier();
#else
	__asm__ __volatile__("dmb oshld" ::: "memory");
#endif
}

/**
 * ud_mmio_wmb() - all earlier CPU stores, including to write-combining
 * MMIO and non-temporal stores, before later stores; on arm64 also waits
 * for them to complete.
 *
 * Use after writing descriptors or a doorbell through a WC mapping, or when
 * a store must have reached the device before, e.g., a delay.
 * x86-64: sfence; arm64: dsb st.
 */
static inline void ud_mmio_wmb(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("sfence" ::: "memory");
#else
	__asm__ __volatile__("dsb st" ::: "memory");
#endif
}

/**
 * ud_mmio_rmb() - a load from an MMIO register (e.g. a device head index)
 * before later loads from DMA memory that the register vouches for.
 *
 * x86-64: compiler barrier (an uncached load is not passed by later loads);
 * arm64: dmb oshld.
 */
static inline void ud_mmio_rmb(void)
{
#if defined(__x86_64__)
	ud_compiler_barrier();
#else
	__asm__ __volatile__("dmb oshld" ::: "memory");
#endif
}

/**
 * ud_mb() - full barrier: every earlier load and store, to memory or MMIO,
 * before every later one.  x86-64: mfence; arm64: dsb sy.
 */
static inline void ud_mb(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("mfence" ::: "memory");
#else
	__asm__ __volatile__("dsb sy" ::: "memory");
#endif
}

/**
 * ud_smp_mb() - full barrier between CPUs only (not devices), e.g. between
 * a store and a load of shared variables.  x86-64: lock addl to the stack
 * (cheaper than mfence); arm64: dmb ish.
 */
static inline void ud_smp_mb(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc");
#else
	__asm__ __volatile__("dmb ish" ::: "memory");
#endif
}

/**
 * ud_read_once32() - one 32-bit load the compiler may not merge, split,
 * repeat or hoist out of a loop (for polling device-written memory).
 * @p: the word; naturally aligned.
 *
 * Return: its value (in memory byte order).
 */
static inline uint32_t ud_read_once32(const void *p)
{
	return *(const volatile uint32_t *)p;
}

/**
 * ud_write_once32() - one 32-bit store the compiler may not merge or split.
 * @p: the word; naturally aligned.
 * @v: the value (in memory byte order).
 */
static inline void ud_write_once32(void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}

/**
 * ud_mmio_write32_relaxed() - write a little-endian 32-bit device register,
 * with no ordering against earlier stores to DMA memory.
 * @reg: the register in a mapped BAR.
 * @v: the value, CPU byte order.
 */
static inline void ud_mmio_write32_relaxed(volatile uint32_t *reg, uint32_t v)
{
	*reg = ud__le32(v);
}

/**
 * ud_mmio_write32() - write a little-endian 32-bit device register after
 * every earlier store to DMA memory (ud_dma_wmb() then the store): the
 * doorbell write.
 * @reg: the register in a mapped (uncached) BAR.  For a write-combining
 *	mapping, follow with ud_mmio_wmb() to push the write out.
 * @v: the value, CPU byte order.
 */
static inline void ud_mmio_write32(volatile uint32_t *reg, uint32_t v)
{
	ud_dma_wmb();
	ud_mmio_write32_relaxed(reg, v);
}

/**
 * ud_mmio_read32_relaxed() - read a little-endian 32-bit device register,
 * with no ordering against later loads from DMA memory.
 * @reg: the register.
 *
 * Return: its value, CPU byte order.
 */
static inline uint32_t ud_mmio_read32_relaxed(const volatile uint32_t *reg)
{
	return ud__le32(*reg);
}

/**
 * ud_mmio_read32() - read a little-endian 32-bit device register before any
 * later load from DMA memory (the load then ud_mmio_rmb()).
 * @reg: the register.
 *
 * Return: its value, CPU byte order.
 */
static inline uint32_t ud_mmio_read32(const volatile uint32_t *reg)
{
	uint32_t v = ud_mmio_read32_relaxed(reg);

	ud_mmio_rmb();
	return v;
}

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_BARRIER_H */
