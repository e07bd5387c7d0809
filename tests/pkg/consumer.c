// SPDX-License-Identifier: MIT
/*
 * A program outside the tree that uses libuiodma as an installed library:
 * built with nothing but "pkg-config --cflags --libs [--static] uiodma",
 * as C11 (strict, -pedantic), GNU C11 and C++17.  It calls functions of
 * every area, runs the inline fast paths (rings, translation, MMIO
 * accessors) and links the ones it does not run (the pool cache), and
 * prints the layout of the public structs that hold atomics, which must be
 * the same in C and C++.
 *
 * Prints "uiodma-consumer OK version=X.Y.Z layout=..." and exits 0.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <uiodma.h>

#ifdef __cplusplus
#define UD_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define UD_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

UD_STATIC_ASSERT(UIODMA_VERSION ==
		 UIODMA_VERSION_NUM(UIODMA_VERSION_MAJOR, UIODMA_VERSION_MINOR,
				    UIODMA_VERSION_PATCH),
		 "UIODMA_VERSION");

static int fail(const char *what)
{
	fprintf(stderr, "uiodma-consumer: %s: %s\n", what, ud_errmsg());
	return 1;
}

int main(int argc, char **argv)
{
	char addr[UD_PCI_ADDR_STRLEN];
	void *in[4] = { &in[0], &in[1], &in[2], &in[3] }, *out[4];
	volatile uint32_t reg = 0;
	struct ud_ring *r;
	unsigned v = ud_version();

	(void)argv;
	if (v != UIODMA_VERSION)
		return fail("ud_version() differs from the headers' UIODMA_VERSION");
	if (ud_pci_addr_normalize("03:00.0", addr) || strcmp(addr, "0000:03:00.0"))
		return fail("ud_pci_addr_normalize");
	if (ud_pci_addr_normalize("not-an-address", addr) == 0 || !*ud_errmsg())
		return fail("ud_pci_addr_normalize accepted garbage");
	ud_clear_error();

	/* rings: the inline fast path, lock-free code from the headers */
	r = ud_ring_create("consumer", 8, UD_RING_SP_ENQ | UD_RING_SC_DEQ);
	if (!r)
		return fail("ud_ring_create");
	if (ud_ring_enqueue_bulk(r, in, 4, NULL) != 4 || ud_ring_count(r) != 4 ||
	    ud_ring_dequeue_burst(r, out, 4, NULL) != 4 || out[3] != in[3] ||
	    !ud_ring_empty(r))
		return fail("ring fast path");
	ud_ring_free(r);

	/* translation reads ud_v2i_top: a stack address is not DMA memory */
	if (ud_virt2iova_inline(addr) != UD_BAD_IOVA)
		return fail("ud_virt2iova_inline");

	/* MMIO accessors and barriers on an ordinary word */
	ud_mmio_write32(&reg, 0x12345678u);
	ud_mmio_wmb();
	if (ud_mmio_read32(&reg) != 0x12345678u)
		return fail("ud_mmio_read32");
	ud_mb();

	/* pool cache fast paths: linked (ud_pool__*), not run */
	if (argc > 1000) {
		struct ud_pool_cache *c = (struct ud_pool_cache *)argv;
		struct ud_buf *b = ud_pool_cache_get(c);

		ud_pool_cache_put(c, b);
	}

	printf("uiodma-consumer OK version=%u.%u.%u layout=%zu,%zu,%zu,%zu/%zu,%zu,%zu/%zu,%zu,%zu,%zu/%zu\n",
	       v / 10000, v / 100 % 100, v % 100,
	       sizeof(struct ud_ring), offsetof(struct ud_ring, prod),
	       offsetof(struct ud_ring, cons), offsetof(struct ud_ring, slots),
	       sizeof(struct ud_buf), offsetof(struct ud_buf, state),
	       offsetof(struct ud_buf, udata),
	       sizeof(struct ud_pool_cache), offsetof(struct ud_pool_cache, st_gets),
	       offsetof(struct ud_pool_cache, next),
	       offsetof(struct ud_pool_cache, objs),
	       sizeof(struct ud_ring_side));
	return 0;
}
