// SPDX-License-Identifier: MIT
/*
 * Device API units that need no device: PCI address normalization, class
 * categories, the capability-list walk, and the capability flags of each
 * driver with their error messages.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <uiodma.h>
#include "dev_internal.h"
#include "handle.h"
#include "unit.h"

START_TEST(addr_forms)
{
	char out[UD_PCI_ADDR_STRLEN];

	ck_assert_int_eq(ud_pci_addr_normalize("0000:03:00.0", out), 0);
	ck_assert_str_eq(out, "0000:03:00.0");
	ck_assert_int_eq(ud_pci_addr_normalize("03:00.0", out), 0);
	ck_assert_str_eq(out, "0000:03:00.0");
	ck_assert_int_eq(ud_pci_addr_normalize("3:0.7", out), 0);
	ck_assert_str_eq(out, "0000:03:00.7");
	ck_assert_int_eq(ud_pci_addr_normalize("AB:1F.3", out), 0);
	ck_assert_str_eq(out, "0000:ab:1f.3");
	ck_assert_int_eq(ud_pci_addr_normalize("10000:00:00.0", out), -1);
	ck_assert_int_eq(ud_pci_addr_normalize("ffff:ff:1f.7", out), 0);
	ck_assert_str_eq(out, "ffff:ff:1f.7");
}
END_TEST

START_TEST(addr_bad)
{
	static const char *const bad[] = {
		"", "03:00", "03:20.0", "03:00.8", "100:00.0", "03:00.0x",
		"0000:03:00.0 ", "zz:00.0", "0000-03-00.0", "eth0",
	};
	char out[UD_PCI_ADDR_STRLEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(ud_pci_addr_normalize(bad[i], out) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_nonnull(strstr(ud_errmsg(), "PCI address"));
	}
	ck_assert_int_eq(ud_pci_addr_normalize(NULL, out), -1);
}
END_TEST

START_TEST(categories)
{
	ck_assert_int_eq(ud_dev_category(0x020000), UD_CAT_NETWORK);
	ck_assert_int_eq(ud_dev_category(0x010802), UD_CAT_STORAGE);
	ck_assert_int_eq(ud_dev_category(0x060400), UD_CAT_BRIDGE);
	ck_assert_int_eq(ud_dev_category(0x060000), UD_CAT_BRIDGE);
	ck_assert_int_eq(ud_dev_category(0x00ff00), UD_CAT_OTHER);
	ck_assert_str_eq(ud_dev_category_name(UD_CAT_STORAGE), "storage");
	ck_assert_str_eq(ud_dev_category_name((enum ud_dev_category)9), "other");
}
END_TEST

/* A config space with capabilities at 0x40 (PM) -> 0x50 (MSI) -> 0x70 (MSI-X). */
static void make_cfg(uint8_t *cfg)
{
	memset(cfg, 0, 256);
	cfg[0x06] = 0x10;
	cfg[0x34] = 0x40;
	cfg[0x40] = UD_PCI_CAP_PM;
	cfg[0x41] = 0x50;
	cfg[0x50] = UD_PCI_CAP_MSI;
	cfg[0x51] = 0x70;
	cfg[0x70] = UD_PCI_CAP_MSIX;
	cfg[0x71] = 0x00;
}

START_TEST(cap_walk)
{
	uint8_t cfg[256];

	make_cfg(cfg);
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_PM), 0x40);
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_MSI), 0x50);
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_MSIX), 0x70);
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_EXP), 0);
	/* Only 64 bytes readable (no CAP_SYS_ADMIN): nothing beyond. */
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 64, UD_PCI_CAP_MSI), 0);
	/* No capability list bit in the status register. */
	cfg[0x06] = 0;
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_PM), 0);
	/* The low two bits of pointers are reserved. */
	make_cfg(cfg);
	cfg[0x34] = 0x43;
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_PM), 0x40);
}
END_TEST

START_TEST(cap_walk_loop)
{
	uint8_t cfg[256];

	make_cfg(cfg);
	cfg[0x71] = 0x40;	/* MSI-X points back to PM: a loop */
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_EXP), 0);
	cfg[0x71] = 0x20;	/* into the header: stop */
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_EXP), 0);
	cfg[0x71] = 0xfc;	/* the last dword; its next byte is beyond 0xfd? no: inside */
	cfg[0xfc] = UD_PCI_CAP_EXP;
	ck_assert_uint_eq(ud_pci_find_cap(cfg, 256, UD_PCI_CAP_EXP), 0xfc);
}
END_TEST

START_TEST(driver_caps)
{
	unsigned int dma = ud_dev_driver_caps("uio_dma");
	unsigned int igb = ud_dev_driver_caps("igb_uio");
	unsigned int upg = ud_dev_driver_caps("uio_pci_generic");

	ck_assert_uint_eq(dma, UD_CAP_ALL & ~UD_CAP_RESET);
	ck_assert(igb & UD_CAP_BAR_MAP && igb & UD_CAP_IRQ && igb & UD_CAP_IRQ_MASK);
	ck_assert(!(igb & (UD_CAP_IRQ_VECTORS | UD_CAP_DMA_PIN |
			   UD_CAP_UNBIND_NOTIFY | UD_CAP_BUSMASTER_GUARD)));
	ck_assert(upg & UD_CAP_BAR_MAP && upg & UD_CAP_IRQ && upg & UD_CAP_BAR_WC);
	ck_assert(!(upg & (UD_CAP_IRQ_MASK | UD_CAP_IRQ_VECTORS | UD_CAP_DMA_PIN |
			   UD_CAP_UNBIND_NOTIFY | UD_CAP_BUSMASTER_GUARD)));
	ck_assert_uint_eq(ud_dev_driver_caps("e1000e"), UD_CAP_CONFIG);
	ck_assert_uint_eq(ud_dev_driver_caps(""), UD_CAP_CONFIG);
	ck_assert_uint_eq(ud_dev_driver_caps(NULL), UD_CAP_CONFIG);
	/* Every driver's caps are a subset of uio_dma's. */
	ck_assert_uint_eq(igb & ~dma, 0);
	ck_assert_uint_eq(upg & ~dma, 0);
}
END_TEST

START_TEST(cap_names)
{
	char buf[256];

	ck_assert_str_eq(ud_dev_cap_name(UD_CAP_BAR_MAP), "bar-map");
	ck_assert_str_eq(ud_dev_cap_name(UD_CAP_RESET), "reset");
	ck_assert_str_eq(ud_dev_cap_name(UD_CAP_BAR_MAP | UD_CAP_BAR_WC), "unknown");
	ck_assert_str_eq(ud_dev_cap_name(0x400), "unknown");
	ck_assert_str_eq(ud_dev_caps_format(0, buf, sizeof(buf)), "");
	ck_assert_str_eq(ud_dev_caps_format(UD_CAP_BAR_MAP | UD_CAP_DMA_PIN, buf,
					    sizeof(buf)), "bar-map,dma-pin");
	ck_assert_str_eq(ud_dev_caps_format(UD_CAP_ALL, buf, sizeof(buf)),
			 "bar-map,wc,irq,irq-vectors,irq-mask,dma-pin,busmaster-guard,unbind-notify,config,reset");
	/* Truncation keeps whole names only. */
	ck_assert_str_eq(ud_dev_caps_format(UD_CAP_BAR_MAP | UD_CAP_BAR_WC, buf, 10),
			 "bar-map");
}
END_TEST

/* A handle as ud_dev_open() would build it for @drv, without a device. */
static void fake(struct ud_dev *d, const char *drv, unsigned int intr_vectors,
		 int intx, int reset)
{
	memset(d, 0, sizeof(*d));
	d->magic = ud_hk_dev.live;	/* a live handle (lib/handle.h) */
	snprintf(d->info.addr, sizeof(d->info.addr), "0000:03:00.0");
	snprintf(d->info.driver, sizeof(d->info.driver), "%s", drv);
	d->drv = ud_dev_driver_kind(drv);
	d->info.intr_vectors = intr_vectors;
	snprintf(d->info.intr_mode, sizeof(d->info.intr_mode), "msix");
	d->info.has_intx = intx;
	d->info.has_reset = reset;
	d->cfg_fd = d->ctl_fd = -1;
}

START_TEST(handle_caps)
{
	struct ud_dev d;
	unsigned int n;

	fake(&d, "uio_dma", 5, 1, 1);
	ck_assert_uint_eq(ud_dev_caps(&d, &n), UD_CAP_ALL);
	ck_assert_uint_eq(n, 5);
	fake(&d, "uio_dma", 0, 1, 0);	/* intr_mode=none */
	ck_assert_uint_eq(ud_dev_caps(&d, &n) & (UD_CAP_IRQ | UD_CAP_IRQ_MASK), 0);
	ck_assert_uint_eq(n, 0);
	fake(&d, "igb_uio", 0, 0, 0);
	ud_dev_caps(&d, &n);
	ck_assert_uint_eq(n, 1);
	fake(&d, "uio_pci_generic", 0, 1, 0);
	ck_assert(ud_dev_caps(&d, &n) & UD_CAP_IRQ);
	ck_assert_uint_eq(n, 1);
	fake(&d, "uio_pci_generic", 0, 0, 0);	/* no INTx pin */
	ck_assert(!(ud_dev_caps(&d, &n) & UD_CAP_IRQ));
	ck_assert_uint_eq(n, 0);
}
END_TEST

/*
 * A device another kernel driver drives is that driver's: config writes,
 * bus mastering and reset are refused with EBUSY naming the driver (a
 * new-user trial turned a kernel-driven NIC's bus mastering off through
 * ud_dev_open + ud_dev_bus_master and took its network down).  No driver
 * or pci-stub: not refused for that reason.
 */
START_TEST(kernel_driven_refused)
{
	struct ud_dev d;
	uint16_t v = 0;

	fake(&d, "e1000e", 0, 1, 1);
	ck_assert_int_eq(ud_dev_bus_master(&d, 0), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "kernel's e1000e driver"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "uiodma bind 0000:03:00.0"));
	ck_assert_int_eq(ud_dev_reset(&d), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(ud_dev_cfg_write16(&d, 4, v), -1);
	ck_assert_int_eq(errno, EBUSY);
	for (int i = 0; i < 2; i++) {
		fake(&d, i ? "pci-stub" : "", 0, 1, 1);
		d.cfg_rw = 1;	/* cfg_fd -1: the write itself fails, EBADF */
		ck_assert_int_eq(ud_dev_cfg_write16(&d, 4, v), -1);
		ck_assert_int_ne(errno, EBUSY);
	}
}
END_TEST

START_TEST(require_messages)
{
	struct ud_dev d;

	fake(&d, "uio_pci_generic", 0, 1, 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_BAR_MAP | UD_CAP_CONFIG), 0);
	errno = 0;
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_IRQ_MASK), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "uio_pci_generic"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "irq-mask"));
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "bind it to uio_dma"));
	ck_assert_int_eq(ud_dev_require_vectors(&d, 1), 0);
	ck_assert_int_eq(ud_dev_require_vectors(&d, 2), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "uio_dma"));

	fake(&d, "igb_uio", 0, 1, 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_IRQ_MASK), 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_DMA_PIN), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "igb_uio"));

	fake(&d, "", 0, 1, 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_BAR_MAP), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "no driver"));

	fake(&d, "uio_dma", 4, 1, 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_ALL & ~UD_CAP_RESET), 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_RESET), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "cannot be reset"));
	ck_assert_int_eq(ud_dev_require_vectors(&d, 4), 0);
	ck_assert_int_eq(ud_dev_require_vectors(&d, 5), -1);
	ck_assert_int_eq(errno, EINVAL);
	fake(&d, "uio_dma", 0, 1, 0);
	ck_assert_int_eq(ud_dev_require(&d, UD_CAP_IRQ), -1);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "intr_mode"));
}
END_TEST

/* Why a device has no interrupt under uio_dma: the real cause each time. */
START_TEST(irq_off_messages)
{
	struct ud_dev d;
	char why[600];

	fake(&d, "uio_dma", 0, 0, 0);		/* pci-testdev: nothing */
	ud_irq_off_text(&d.info, "auto", 1, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "has no interrupt at all"));
	ck_assert_ptr_nonnull(strstr(why, "polled"));
	ck_assert_ptr_null(strstr(why, "echo auto"));	/* it is auto already */

	ud_irq_off_text(&d.info, "none", 1, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "intr_mode is none"));
	ck_assert_ptr_nonnull(strstr(why, "echo auto > /sys/module/uio_dma/"
				     "parameters/intr_mode"));
	ck_assert_ptr_nonnull(strstr(why, "uiodma bind 0000:03:00.0"));

	d.info.has_msi = 1;
	ud_irq_off_text(&d.info, "msix", 1, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "intr_mode is msix, which "
				     "0000:03:00.0 does not offer (it has MSI)"));

	d.info.has_intx = 1;
	ud_irq_off_text(&d.info, "auto", 1, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "dmesg says why"));

	/* capabilities unreadable (not root): no claim the device has none */
	fake(&d, "uio_dma", 0, 0, 0);
	ud_irq_off_text(&d.info, "auto", 0, why, sizeof(why));
	ck_assert_ptr_null(strstr(why, "no interrupt at all"));
}
END_TEST

/* @rc (the call's result) is @want, with errno ENODEV and a message that
 * says the device handle was closed first and what to do. */
static void check_gone(long long rc, long long want, const char *call)
{
	ck_assert_msg(rc == want, "%s returned %lld, want %lld", call, rc, want);
	ck_assert_msg(errno == ENODEV, "%s: errno %d (%s)", call, errno,
		      ud_errmsg());
	ck_assert_msg(strstr(ud_errmsg(), "ud_dev_close") &&
		      strstr(ud_errmsg(), "ud_irq_close"),
		      "%s: message '%s'", call, ud_errmsg());
}
#define GONE(call, want)                                                      \
	do {                                                                  \
		errno = 0;                                                    \
		ud_clear_error();                                             \
		check_gone((long long)(call), (want), #call);                 \
	} while (0)

/*
 * An interrupt handle that outlives its device (ud_dev_close() first):
 * the device's descriptors, the interrupt handle's duplicates included,
 * are closed with the device, every later call on the interrupt handle
 * fails with ENODEV naming the cause, and ud_irq_close() still works.
 * The device: a handle as ud_dev_open() builds it over uio_pci_generic,
 * its /dev/uioN one end of a socket pair whose other end sees the hang-up.
 */
START_TEST(irq_outlives_dev)
{
	struct ud_dev *d = ud_handle_new(&ud_hk_dev);
	uint64_t counts[1];
	struct pollfd peer;
	struct ud_irq *irq;
	int sv[2];

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fake(d, "uio_pci_generic", 0, 1, 0);
	d->uio_fd = sv[0];
	d->vfio_group = -1;
	irq = ud_irq_open_dev(d);
	ck_assert_ptr_nonnull(irq);
	ck_assert_int_eq(ud_irq_enable(irq, 0), 0);
	ck_assert_int_eq(ud_dev_close(d), 0);
	peer = (struct pollfd){ sv[1], POLLIN, 0 };
	ck_assert_int_eq(poll(&peer, 1, 0), 1);
	ck_assert_msg(peer.revents & POLLHUP, "the device's fd is still open "
		      "(revents %#x)", peer.revents);

	GONE(ud_irq_enable(irq, 0), -1);
	GONE(ud_irq_enable_all(irq), -1);
	GONE(ud_irq_disable(irq, 0), -1);
	GONE(ud_irq_fd(irq, 0), -1);
	GONE(ud_irq_hup_fd(irq), -1);
	GONE(ud_irq_ack(irq, 0), -1);
	GONE(ud_irq_wait(irq, 0, 0), -1);
	GONE(ud_irq_wait_any(irq, 0, counts, 1), -1);
	GONE(ud_irq_mask(irq, 0), -1);
	GONE(ud_irq_unmask(irq, 0), -1);
	GONE(ud_irq_mode(irq), UD_IRQ_NONE);
	GONE(ud_irq_vectors(irq), 0);
	ck_assert_int_eq(ud_irq_close(irq), 0);
	ck_assert_int_eq(ud_irq_close(irq), -1);	/* closed: EINVAL */
	ck_assert_int_eq(errno, EINVAL);
	close(sv[1]);
}
END_TEST

START_TEST(no_such_device)
{
	struct ud_dev_info info;

	errno = 0;
	ck_assert_int_eq(ud_dev_info("ffff:ff:1f.7", &info), -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_ptr_nonnull(strstr(ud_errmsg(), "no PCI device ffff:ff:1f.7"));
	ck_assert_ptr_null(ud_dev_open("ffff:ff:1f.7"));
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_int_eq(ud_dev_in_use("ffff:ff:1f.7", NULL, 0), -1);
	ck_assert_int_eq(ud_dev_bind("ffff:ff:1f.7", NULL, 0, NULL, 0), -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_int_eq(ud_dev_bind("ffff:ff:1f.7", "../evil", 0, NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(list_sorted)
{
	struct ud_dev_info *l = NULL;
	size_t n = 0;

	ck_assert_int_eq(ud_dev_list(&l, &n, UD_LIST_BRIDGES), 0);
	for (size_t i = 1; i < n; i++)
		ck_assert(strcmp(l[i - 1].addr, l[i].addr) < 0);
	for (size_t i = 0; i < n; i++) {
		char a[UD_PCI_ADDR_STRLEN];

		ck_assert_int_eq(ud_pci_addr_normalize(l[i].addr, a), 0);
		ck_assert_str_eq(a, l[i].addr);
	}
	free(l);
	ck_assert_int_eq(ud_dev_list(&l, &n, 0), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_ne(ud_dev_category(l[i].class_code), UD_CAT_BRIDGE);
	free(l);
}
END_TEST

static Suite *dev_suite(void)
{
	Suite *s = suite_create("dev");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, addr_forms);
	tcase_add_test(tc, addr_bad);
	tcase_add_test(tc, categories);
	tcase_add_test(tc, cap_walk);
	tcase_add_test(tc, cap_walk_loop);
	tcase_add_test(tc, driver_caps);
	tcase_add_test(tc, cap_names);
	tcase_add_test(tc, handle_caps);
	tcase_add_test(tc, kernel_driven_refused);
	tcase_add_test(tc, require_messages);
	tcase_add_test(tc, irq_off_messages);
	tcase_add_test(tc, irq_outlives_dev);
	tcase_add_test(tc, no_such_device);
	tcase_add_test(tc, list_sorted);
	suite_add_tcase(s, tc);
	return s;
}

UD_TEST_MAIN(dev_suite)
