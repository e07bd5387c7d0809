/* SPDX-License-Identifier: MIT */
/*
 * PCI devices: look up, bind to a UIO driver, map BARs, config space.
 *
 * The pieces:
 *
 *   lookup     ud_dev_info(), ud_dev_list(): what a device is (IDs, class,
 *              NUMA node, driver, IOMMU group, MSI/MSI-X) through libudev
 *              and sysfs; ud_dev_in_use(): whether the kernel uses it (a
 *              network interface up or with addresses/routes, a block
 *              device mounted or used as swap); ud_dev_iommu_group():
 *              the device's IOMMU group and whether vfio can take it
 *   binding    ud_dev_bind(), ud_dev_unbind(): driver_override, unbind,
 *              bind; restoring the kernel's driver; waiting for /dev/uioN
 *              and /dev/uio_dma/<addr>
 *   a handle   ud_dev_open(): a device bound to uio_dma, igb_uio or
 *              uio_pci_generic; ud_dev_caps() says what its driver can do
 *   BARs       ud_dev_map_bar() by BAR number, uncached or write-combining;
 *              ud_reg_read32() / ud_reg_write32() with the right barriers
 *   config     ud_dev_cfg_read*() / ud_dev_cfg_write*(), ud_dev_find_cap(),
 *              ud_dev_reset()
 *
 * Over uio_dma everything works.  Over igb_uio and uio_pci_generic what
 * the driver cannot do fails with EOPNOTSUPP and a message naming the
 * driver and saying to bind the device to uio_dma instead.
 *
 * Example, bind a NIC and read a register of BAR 0:
 *
 *	if (ud_dev_bind("03:00.0", NULL, 0, NULL, 0) < 0)
 *		errx(1, "%s", ud_errmsg());
 *	struct ud_dev *d = ud_dev_open("03:00.0");
 *	size_t len;
 *	volatile uint32_t *bar0 = d ? ud_dev_map_bar(d, 0, 0, &len) : NULL;
 *	if (!bar0)
 *		errx(1, "%s", ud_errmsg());
 *	printf("STATUS %08x\n", ud_reg_read32(bar0, 0x8));
 *	ud_dev_close(d);
 *
 * Errors: every call that fails returns -1 (or NULL) and sets errno and
 * ud_errmsg() (see uiodma/error.h); the register accessors (ud_reg_*())
 * cannot fail.
 *
 * Handles: every call taking a struct ud_dev checks it first: NULL,
 * another kind of handle and a handle closed already (while the library
 * has not reused its memory) are refused with EINVAL; ud_dev_caps() and
 * ud_dev_find_cap() then return 0, ud_dev_get_info() NULL, each with
 * errno EINVAL.  ud_dev_close() accepts NULL.  Undefined: a pointer that
 * points nowhere readable, a BAR mapping used after ud_dev_unmap_bar() or
 * ud_dev_close() (it is unmapped: SIGSEGV), and closing a handle while
 * another thread uses it.
 *
 * Ownership: a handle owns its BAR mappings (ud_dev_close() unmaps them)
 * and, from ud_dev_open(), the device itself: over uio_dma one process
 * holds a device at a time, and closing the handle (or dying) stops its
 * DMA.  Interrupt handles (uiodma/irq.h) from ud_irq_open_dev() share its
 * descriptors by duplicating them; ud_dev_close() disables their vectors
 * and closes those duplicates too, so the device is let go of as a whole,
 * and every later call on them but ud_irq_close() fails with ENODEV.  DMA
 * memory (uiodma/mem.h) is independent of the handle, but no device may
 * be left DMAing into memory that is closed: stop the device first.
 *
 * Threads: ud_pci_addr_normalize(), ud_dev_info(), ud_dev_list(),
 * ud_dev_in_use(), ud_dev_users(), ud_dev_iommu_group(),
 * ud_dev_driver_caps() and the other
 * calls without a handle keep no state and may run in any thread.
 * ud_dev_bind() and ud_dev_unbind() change the machine: one at a time per
 * device.  On a handle, ud_dev_get_info(), ud_dev_caps(),
 * ud_dev_require*(), ud_dev_bar_info(), the config-space reads and writes
 * and ud_dev_reset() may run in several threads at once;
 * ud_dev_map_bar(), ud_dev_unmap_bar() and ud_dev_bus_master() (a
 * read-modify-write of the command register over igb_uio and
 * uio_pci_generic) need external locking; ud_dev_close() needs that no
 * other thread uses the handle or its mappings.  The register accessors
 * are plain loads and stores: concurrent access to one register is the
 * device's business.
 */
#ifndef UIODMA_DEV_H
#define UIODMA_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <uiodma/barrier.h>

#ifdef __cplusplus
extern "C" {
#endif

/** UD_PCI_ADDR_STRLEN - "0000:03:00.0" plus the terminating NUL. */
#define UD_PCI_ADDR_STRLEN 13

/** UD_DEV_WAIT_MS - how long binding waits for the device nodes. */
#define UD_DEV_WAIT_MS 5000

/* ------------------------------------------------------------------------
 * Lookup
 */

/**
 * ud_pci_addr_normalize() - the full form of a PCI address.
 * @in: "0000:03:00.0" or the short form "03:00.0" (hex, any case).
 * @out: receives "0000:03:00.0" (lower case).
 *
 * Return: 0, or -1 with errno EINVAL (not a PCI address or out of range).
 */
int ud_pci_addr_normalize(const char *in, char out[UD_PCI_ADDR_STRLEN]);

/** Kinds of device, from the class code (see ud_dev_category()). */
enum ud_dev_category {
	UD_CAT_NETWORK = 0,	/**< class 0x02 */
	UD_CAT_STORAGE = 1,	/**< class 0x01 */
	UD_CAT_OTHER = 2,	/**< anything else but a bridge */
	UD_CAT_BRIDGE = 3,	/**< class 0x06: never bound to a UIO driver */
};

/**
 * struct ud_dev_info - what a PCI device is and who drives it.
 * @addr: full PCI address.
 * @vendor: @device: @subsys_vendor: @subsys_device: PCI IDs.
 * @class_code: 24 bits: class, subclass, programming interface.
 * @revision: revision ID.
 * @numa_node: NUMA node of the device, -1 if the platform does not say.
 * @iommu_group: IOMMU group number, -1 if the device has none.
 * @driver: bound driver, "" if none.
 * @driver_override: the device's driver_override, "" if none.
 * @uio_minor: N of /dev/uioN if a UIO driver holds it, else -1.
 * @has_msi: the device has an MSI capability; @msi_vectors: how many
 *	vectors it can ask for (1..32), 0 without MSI.
 * @has_msix: the device has an MSI-X capability; @msix_vectors: its
 *	table size, 0 without MSI-X.
 * @has_intx: the device has an interrupt pin (INTx).
 * @has_reset: the kernel can reset the function (sysfs "reset" exists).
 * @intr_mode: over uio_dma the interrupt mode the module chose ("none",
 *	"legacy", "msi", "msix"), else "".
 * @intr_vectors: over uio_dma the number of vectors it got, else 0.
 *
 * The MSI/MSI-X fields come from the capability list in config space,
 * which a process without CAP_SYS_ADMIN cannot read beyond 64 bytes: they
 * are then 0.
 */
struct ud_dev_info {
	char addr[UD_PCI_ADDR_STRLEN];
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code;
	uint8_t revision;
	int numa_node;
	int iommu_group;
	char driver[64];
	char driver_override[64];
	int uio_minor;
	int has_msi;
	unsigned int msi_vectors;
	int has_msix;
	unsigned int msix_vectors;
	int has_intx;
	int has_reset;
	char intr_mode[16];
	unsigned int intr_vectors;
};

/**
 * ud_dev_info() - look a device up.
 * @addr: PCI address, full or short form.
 * @info: filled in on success.
 *
 * Uses libudev (sysfs); needs no privileges except for the MSI/MSI-X
 * fields (see struct ud_dev_info).
 *
 * Return: 0, or -1 with errno (EINVAL: bad address; ENODEV: no such device).
 */
int ud_dev_info(const char *addr, struct ud_dev_info *info);

/**
 * ud_dev_category() - the kind of device a class code names.
 * @class_code: 24-bit class code.
 *
 * Return: enum ud_dev_category.
 */
enum ud_dev_category ud_dev_category(uint32_t class_code);

/**
 * ud_dev_category_name() - "network", "storage", "other" or "bridge".
 * @cat: enum ud_dev_category.
 *
 * Return: a static string.
 */
const char *ud_dev_category_name(enum ud_dev_category cat);

/** ud_dev_list() flags */
#define UD_LIST_BRIDGES 0x1u	/* include bridges */

/**
 * ud_dev_list() - every PCI device, in address order.
 * @list: receives an array the caller frees with free().
 * @n: receives its length.
 * @flags: UD_LIST_*; without UD_LIST_BRIDGES, bridges (class 0x06) are left
 *	out since no UIO driver can take them.
 *
 * Return: 0, or -1 with errno set.
 */
int ud_dev_list(struct ud_dev_info **list, size_t *n, unsigned int flags);

/**
 * ud_dev_in_use() - whether the kernel or a process uses a device, and how.
 * @addr: PCI address, full or short form.
 * @why: receives a description of every use, e.g. "network interface
 *	eth0 is up; eth0 has address 192.0.2.1", "nvme0n1 is mounted on
 *	/mnt" or "pid 812 (dd) has /dev/nvme0n1 open (stop that process)",
 *	each with its fix where there is one; "" when unused.  May be NULL.
 * @len: size of @why.
 *
 * A device is in use when one of its network interfaces is up, has an
 * address or a route, is a port of a bridge or bond, or has a socket bound
 * to it (TCP, UDP or raw IP with SO_BINDTODEVICE, as sock_diag reports
 * them; packet sockets), or one of its block devices (or their partitions)
 * is mounted, used as swap, held by another block device (device mapper,
 * md) or open in a process (any /proc/<pid>/fd entry).  Processes and
 * sockets are named with pid and command.  Needs root to see every
 * process.
 *
 * Return: 1 in use, 0 not, -1 with errno on error.
 */
int ud_dev_in_use(const char *addr, char *why, size_t len);

/**
 * ud_dev_users() - the kernel interfaces a device provides, for display.
 * @addr: PCI address.
 * @buf: receives e.g. "net:eth0(up)", "block:nvme0n1", or "" for none.
 * @len: size of @buf.
 *
 * Return: 0, or -1 with errno set.
 */
int ud_dev_users(const char *addr, char *buf, size_t len);

/** UD_GROUP_MAX_DEVS - most devices of a group ud_dev_iommu_group() lists. */
#define UD_GROUP_MAX_DEVS 32

/**
 * struct ud_group_dev - one device of an IOMMU group.
 * @addr: its full PCI address.
 * @driver: its driver, "" if none.
 * @bridge: 1 for a bridge (config header type not 0).
 * @blocks: 1 if it keeps vfio from giving the group to userspace: bound
 *	to a driver other than vfio-pci and pci-stub, and not a bridge.
 */
struct ud_group_dev {
	char addr[UD_PCI_ADDR_STRLEN];
	char driver[64];
	int bridge;
	int blocks;
};

/**
 * struct ud_iommu_group - a device's IOMMU group, as vfio-pci needs it.
 * @id: the group's number: /dev/vfio/@id once its devices are on vfio-pci.
 * @type: its default domain (sysfs iommu_group/type): "DMA", "DMA-FQ"
 *	(the IOMMU translates: VA mode), "identity" (iommu=pt), ...; "" if
 *	the kernel does not say.
 * @viable: no device of the group blocks it (struct ud_group_dev), so
 *	vfio can give it to userspace: it does so only as a whole.
 * @ndevs: how many devices the group has, this one included.
 * @devs: the first UD_GROUP_MAX_DEVS of them, in address order.
 */
struct ud_iommu_group {
	int id;
	char type[16];
	int viable;
	unsigned int ndevs;
	struct ud_group_dev devs[UD_GROUP_MAX_DEVS];
};

/**
 * ud_dev_iommu_group() - a device's IOMMU group and every device in it.
 * @addr: PCI address, full or short form.
 * @g: filled in on success (about 3 KiB).
 *
 * Reads sysfs (iommu_group, its devices, their drivers and config
 * headers); needs no privileges.  What vfio-pci allows (a device of the
 * group with no driver, vfio-pci, pci-stub, or a bridge) follows Linux's
 * drivers/vfio/group.c; ud_dev_bind() to vfio-pci refuses a device whose
 * group another device blocks (unless UD_BIND_FORCE).
 *
 * Return: 0, or -1 with errno (EINVAL: bad address or @g NULL; ENODEV: no
 * such device, or it has no IOMMU group: no IOMMU translates for it, the
 * message saying what vfio-pci needs).
 */
int ud_dev_iommu_group(const char *addr, struct ud_iommu_group *g);

/* ------------------------------------------------------------------------
 * Binding
 */

/* ud_dev_bind() / ud_dev_unbind() flags */
#define UD_BIND_FORCE		0x1u	/* bind even if the kernel uses the device */
#define UD_BIND_NO_WAIT		0x2u	/* do not wait for the device nodes */
#define UD_UNBIND_NO_RESTORE	0x4u	/* leave the device without a driver */

/**
 * ud_dev_bind() - hand a device to a (UIO) driver.
 * @addr: PCI address, full or short form.
 * @driver: driver name; NULL means "uio_dma".
 * @flags: UD_BIND_FORCE, UD_BIND_NO_WAIT.
 * @prev: if not NULL, receives the driver the device had ("" if none), so
 *	the caller can restore it with ud_dev_unbind().
 * @prev_len: size of @prev.
 *
 * Writes @driver to driver_override, unbinds the current driver and binds
 * @driver.  For a UIO driver (uio_dma, igb_uio, uio_pci_generic), which
 * gives the device physical addresses, refuses (EOPNOTSUPP) a device whose
 * DMA an IOMMU translates (its iommu_group/type is not "identity"), with
 * uio_dma's advice: boot with iommu=pt (or intel_iommu=off), or use
 * vfio-pci.  Refuses (EBUSY) a device the kernel or a process uses (see
 * ud_dev_in_use()) unless @flags has UD_BIND_FORCE.  For a UIO driver it
 * then waits up to UD_DEV_WAIT_MS for /dev/uioN and, for uio_dma, for
 * /dev/uio_dma/<addr>.  A device already bound to @driver is left alone.
 * Needs root.
 *
 * Return: 0, or -1 with errno (ENODEV: no such device; ENOENT: @driver is
 * not loaded, the message saying what ud_module_state() says: modprobe it,
 * or how to install it for the running kernel; EBUSY: in use, the
 * message names the user; EACCES: not root; ETIMEDOUT: the nodes did not
 * appear; EOPNOTSUPP: an IOMMU translates the device's DMA; other errors
 * from the kernel's probe).
 */
int ud_dev_bind(const char *addr, const char *driver, unsigned int flags,
		char *prev, size_t prev_len);

/**
 * ud_dev_unbind() - take a device from its driver.
 * @addr: PCI address, full or short form.
 * @flags: UD_UNBIND_NO_RESTORE to leave it without a driver.
 * @now: if not NULL, receives the driver bound afterwards ("" if none).
 * @now_len: size of @now.
 *
 * Unbinds the current driver and clears driver_override.  Unless
 * UD_UNBIND_NO_RESTORE, it then asks the kernel to probe the device again
 * (drivers_probe), so the driver whose ID table matches it (e1000e, nvme,
 * ...) takes it back, if that driver is loaded.  Needs root.
 *
 * Return: 0, or -1 with errno set.
 */
int ud_dev_unbind(const char *addr, unsigned int flags, char *now,
		  size_t now_len);

/**
 * ud_dev_wait_nodes() - wait until a UIO-bound device's nodes exist.
 * @addr: PCI address.
 * @timeout_ms: how long to poll; UD_DEV_WAIT_MS is a good value.
 *
 * Waits for /dev/uioN and, over uio_dma, /dev/uio_dma/<addr> (udev or
 * devtmpfs create them shortly after the bind).
 *
 * Return: 0, or -1 with errno (ENODEV: not bound to a UIO driver;
 * ETIMEDOUT: a node did not appear; the message names it).
 */
int ud_dev_wait_nodes(const char *addr, int timeout_ms);

/* ------------------------------------------------------------------------
 * Handle and capabilities
 */

/* ud_dev_caps() bits */
#define UD_CAP_BAR_MAP		0x001u	/* map memory BARs by number */
#define UD_CAP_BAR_WC		0x002u	/* write-combining maps (prefetchable BARs) */
#define UD_CAP_IRQ		0x004u	/* at least vector 0 (uiodma/irq.h) */
#define UD_CAP_IRQ_VECTORS	0x008u	/* every MSI/MSI-X vector on its own fd */
#define UD_CAP_IRQ_MASK		0x010u	/* mask/unmask from userspace */
#define UD_CAP_DMA_PIN		0x020u	/* pin memory, get physical addresses */
#define UD_CAP_BUSMASTER_GUARD	0x040u	/* bus mastering only while held open */
#define UD_CAP_UNBIND_NOTIFY	0x080u	/* an fd reports EPOLLHUP at unbind */
#define UD_CAP_CONFIG		0x100u	/* config space read/write */
#define UD_CAP_RESET		0x200u	/* function reset */
#define UD_CAP_ALL		0x3ffu

/**
 * ud_dev_driver_caps() - what a driver can do for userspace.
 * @driver: "uio_dma", "igb_uio", "uio_pci_generic" or another name.
 *
 * UD_CAP_RESET is not included (it depends on the device, see
 * ud_dev_caps()); UD_CAP_CONFIG is included for every driver.
 *
 * Return: UD_CAP_* bits; for vfio-pci UD_CAP_BAR_MAP,
 * UD_CAP_BUSMASTER_GUARD and UD_CAP_CONFIG; UD_CAP_CONFIG alone for a
 * driver that is neither a UIO driver nor vfio-pci.
 */
unsigned int ud_dev_driver_caps(const char *driver);

/**
 * ud_dev_cap_name() - the name of one UD_CAP_* bit ("bar-map", "wc", ...).
 * @cap: a single bit.
 *
 * Return: a static string; "unknown" for anything else.
 */
const char *ud_dev_cap_name(unsigned int cap);

/**
 * ud_dev_caps_format() - the names of @caps, separated by ','.
 * @caps: UD_CAP_* bits.
 * @buf: receives the names ("" for none), truncated to @len.
 * @len: size of @buf.
 *
 * Return: @buf.
 */
char *ud_dev_caps_format(unsigned int caps, char *buf, size_t len);

struct ud_dev;

/**
 * ud_dev_open() - open a device for BAR and config-space access.
 * @addr: PCI address, full or short form.
 *
 * The device may be bound to any driver, or none: config space then works
 * but BAR mapping needs a UIO driver (uio_dma, igb_uio, uio_pci_generic).
 * A device another kernel driver drives (not pci-stub) is that driver's:
 * the library reads its config space, but config writes,
 * ud_dev_bus_master() and ud_dev_reset() fail with EBUSY, naming the
 * driver and the bind command.
 * Over uio_dma this opens /dev/uio_dma/<addr> (waiting up to
 * UD_DEV_WAIT_MS for it).  Over any UIO driver it also holds /dev/uioN
 * open for as long as the handle lives.  Over uio_dma one process holds a
 * device at a time; closing the handle (or the process dying) masks its
 * interrupts, turns bus mastering off and resets the function, so the
 * device stops DMA before anyone else gets it.  Bus mastering is off at
 * open, as after a VFIO device's reset: set the device up (reset it, or
 * wait for its engines to go idle: a device the kernel cannot reset,
 * sysfs uio_dma/reset "no", may still run what its last holder started),
 * then call ud_dev_bus_master(d, 1); MSI and MSI-X need it too.
 *
 * Over uio_dma the process's DMA memory is pinned through the device while
 * the handle lives: every page of its PA-mode regions, those mapped so far
 * and those mapped later, whatever source gave their addresses (one
 * UIO_DMA_IOC_PIN per page).  So when the process dies, its hugepages go
 * back to the kernel only once no process can make the device DMA any more
 * (uio_dma drops the pins after the device's last holder is gone), even if
 * the kernel closes the memory's files before /dev/uioN, or a process it
 * forked still holds /dev/uioN.  The pins count against RLIMIT_MEMLOCK once
 * per device (CAP_IPC_LOCK lifts that).  igb_uio and uio_pci_generic offer
 * no such pins: there, memory is only as safe as its source makes it.
 *
 * Over any UIO driver, a device whose DMA an IOMMU translates is refused
 * (EOPNOTSUPP), as in ud_dev_bind().
 *
 * Over vfio-pci (VA mode, see struct ud_mem_config): the device's IOMMU
 * group /dev/vfio/N is opened (once per process, shared by the devices of
 * one group) and attached to the process's VFIO type1 container, the
 * device fd comes from VFIO_GROUP_GET_DEVICE_FD, BARs are mapped (uncached)
 * and config space read and written through its regions
 * (VFIO_DEVICE_GET_REGION_INFO), ud_dev_reset() is VFIO_DEVICE_RESET.
 * The first group's IOMMU reports its IOVA ranges; memory opened before it
 * was placed for an assumed 39-bit IOMMU and is mapped now.  vfio-pci
 * turns bus mastering off at the last close; it is off at open too, so
 * call ud_dev_bus_master(d, 1) as above.  Linux's vfio.h and
 * drivers/vfio/pci/vfio_pci_core.c are the source of these facts.
 *
 * Return: a handle, or NULL with errno (ENODEV: no such device, or on
 * vfio-pci no IOMMU group or no /dev/vfio/vfio, the message naming the
 * modules to load; ENOMEM: uio_dma could not pin the process's memory
 * (RLIMIT_MEMLOCK), the message naming the limit to raise; EPERM: uio_dma needs CAP_SYS_RAWIO; EBUSY: another
 * process holds the device or its VFIO group, the message names it;
 * EOPNOTSUPP: an IOMMU translates its DMA (UIO drivers); EPROTO: module
 * ABI mismatch; ERANGE: vfio-pci, memory opened earlier lies outside the
 * IOVA ranges this IOMMU accepts: open the device first; EINVAL: one
 * process uses one IOVA mode, and this device needs the other one than
 * the devices and memory it holds already (vfio-pci: VA; UIO drivers:
 * PA), the message naming them).
 */
struct ud_dev *ud_dev_open(const char *addr);

/**
 * ud_dev_inspect() - a handle that only looks at a device.
 * @addr: PCI address, full or short form.
 *
 * For tools: info, BAR layout, capabilities and config-space reads, without
 * holding the device (a holder is not disturbed, and closing this handle
 * resets nothing).  BAR mapping, config writes and bus mastering fail on
 * it with EPERM.
 *
 * Return: a handle for ud_dev_close(), or NULL with errno (ENODEV).
 */
struct ud_dev *ud_dev_inspect(const char *addr);

/**
 * ud_dev_close() - unmap every BAR and release the handle.
 * @d: handle, or NULL (nothing to do).
 *
 * Over uio_dma, when this was the device's holder, the module masks its
 * interrupts, turns bus mastering off and resets it.  Interrupt handles
 * opened from @d (ud_irq_open_dev()) have their vectors disabled and their
 * descriptors closed; they fail every call but ud_irq_close() from then on
 * (ENODEV).  No other thread may use @d, its mappings or those interrupt
 * handles meanwhile.
 *
 * Return: 0, or -1 with errno EINVAL (@d is not a live handle, e.g.
 * closed already).
 */
int ud_dev_close(struct ud_dev *d);

/**
 * ud_dev_get_info() - what ud_dev_info() said when the handle was opened.
 * @d: handle.
 *
 * Return: the information, owned by @d (NULL, errno EINVAL, for anything
 * but a live handle).
 */
const struct ud_dev_info *ud_dev_get_info(const struct ud_dev *d);

/**
 * ud_dev_caps() - what this device's driver lets userspace do.
 * @d: handle.
 * @nvec: if not NULL, receives how many interrupt vectors userspace can
 *	use (uio_dma: what the module allocated; igb_uio: 1; uio_pci_generic:
 *	1 if the device has INTx, else 0).
 *
 * Return: UD_CAP_* bits (ud_dev_driver_caps() plus UD_CAP_RESET when the
 * device can be reset); 0, *@nvec 0 and errno EINVAL for anything but a
 * live handle.
 */
unsigned int ud_dev_caps(const struct ud_dev *d, unsigned int *nvec);

/**
 * ud_dev_require() - fail unless the device's driver offers @caps.
 * @d: handle.
 * @caps: UD_CAP_* bits wanted.
 *
 * Return: 0, or -1 with errno EOPNOTSUPP and a message naming the missing
 * capabilities and the driver, and saying to bind to uio_dma; over
 * uio_dma, missing interrupts are explained: the module's intr_mode, a
 * device without any interrupt (poll it), or what dmesg says.
 */
int ud_dev_require(const struct ud_dev *d, unsigned int caps);

/**
 * ud_dev_require_vectors() - fail unless @n interrupt vectors are usable.
 * @d: handle.
 * @n: vectors wanted (vector 0 .. @n-1).
 *
 * Return: 0, or -1 with errno: EOPNOTSUPP when the driver offers fewer
 * (igb_uio, uio_pci_generic: one; the message says to bind to uio_dma),
 * EINVAL when uio_dma offers fewer (the message says what limits it: the
 * device's table, uio_dma's max_vectors or intr_mode, with the fix).
 */
int ud_dev_require_vectors(const struct ud_dev *d, unsigned int n);

/* ------------------------------------------------------------------------
 * BARs
 */

/* struct ud_bar_info.flags */
#define UD_BAR_MEM	0x1u	/* memory BAR (else I/O ports) */
#define UD_BAR_PREFETCH	0x2u	/* prefetchable: may be mapped WC */
#define UD_BAR_64	0x4u	/* 64-bit BAR (takes two BAR slots) */

/**
 * struct ud_bar_info - one BAR as sysfs "resource" describes it.
 * @start: bus address; 0 if the BAR is not implemented.
 * @len: bytes; 0 if the BAR is not implemented.
 * @flags: UD_BAR_*.
 */
struct ud_bar_info {
	uint64_t start;
	uint64_t len;
	unsigned int flags;
};

/**
 * ud_dev_bar_info() - address, size and kind of BAR @bar.
 * @d: handle.
 * @bar: 0..5.
 * @bi: filled in.
 *
 * Return: 0, or -1 with errno EINVAL (bad number, @bi NULL, or @d not a
 * live handle).  An unimplemented BAR is not an error: @bi->len is 0.
 */
int ud_dev_bar_info(const struct ud_dev *d, unsigned int bar,
		    struct ud_bar_info *bi);

/* ud_dev_map_bar() flags */
#define UD_MAP_WC	0x1u	/* write-combining (prefetchable BARs only) */

/**
 * ud_dev_map_bar() - map a memory BAR by its number.
 * @d: handle.
 * @bar: 0..5.
 * @flags: UD_MAP_WC for a write-combining mapping (follow writes with
 *	ud_mmio_wmb()); 0 for uncached.
 * @len: receives the BAR's size in bytes.
 *
 * Over uio_dma through mmap() of /dev/uio_dma/<addr>; over igb_uio and
 * uio_pci_generic through sysfs resourceN (resourceN_wc for UD_MAP_WC).
 * The mapping is owned by @d: mapping the same BAR again returns it, and
 * ud_dev_close() unmaps it.  Needs root.
 *
 * Return: the mapping, or NULL with errno (EINVAL: no such memory BAR, or
 * WC on a BAR that is not prefetchable; EOPNOTSUPP: the driver maps no
 * BARs, or WC not available; ENODEV: the device was unbound).
 */
void *ud_dev_map_bar(struct ud_dev *d, unsigned int bar, unsigned int flags,
		     size_t *len);

/**
 * ud_dev_unmap_bar() - drop a mapping made by ud_dev_map_bar().
 * @d: handle.
 * @bar: 0..5.
 * @flags: the flags it was mapped with.
 *
 * Return: 0, or -1 with errno EINVAL (not mapped).
 */
int ud_dev_unmap_bar(struct ud_dev *d, unsigned int bar, unsigned int flags);

/**
 * ud_reg_read32() - read a 32-bit little-endian register, ordered before
 * later loads from DMA memory (ud_mmio_read32()).
 * @bar: mapping from ud_dev_map_bar().
 * @off: byte offset, 4-byte aligned.
 *
 * Return: the value, CPU byte order.
 */
static inline uint32_t ud_reg_read32(const volatile void *bar, size_t off)
{
	return ud_mmio_read32((const volatile uint32_t *)
			      ((const volatile uint8_t *)bar + off));
}

/**
 * ud_reg_write32() - write a 32-bit little-endian register after every
 * earlier store to DMA memory (ud_mmio_write32()): a doorbell.
 * @bar: mapping from ud_dev_map_bar() (for a WC mapping, follow with
 *	ud_mmio_wmb()).
 * @off: byte offset, 4-byte aligned.
 * @v: value, CPU byte order.
 */
static inline void ud_reg_write32(volatile void *bar, size_t off, uint32_t v)
{
	ud_mmio_write32((volatile uint32_t *)((volatile uint8_t *)bar + off), v);
}

/**
 * ud_reg_read32_relaxed() - ud_reg_read32() without the barrier.
 * @bar: mapping.  @off: byte offset, 4-byte aligned.
 *
 * Return: the value, CPU byte order.
 */
static inline uint32_t ud_reg_read32_relaxed(const volatile void *bar, size_t off)
{
	return ud_mmio_read32_relaxed((const volatile uint32_t *)
				      ((const volatile uint8_t *)bar + off));
}

/**
 * ud_reg_write32_relaxed() - ud_reg_write32() without the barrier.
 * @bar: mapping.  @off: byte offset, 4-byte aligned.  @v: value.
 */
static inline void ud_reg_write32_relaxed(volatile void *bar, size_t off,
					  uint32_t v)
{
	ud_mmio_write32_relaxed((volatile uint32_t *)
				((volatile uint8_t *)bar + off), v);
}

/* ------------------------------------------------------------------------
 * Config space and reset
 */

/**
 * ud_dev_cfg_read() - read config space through sysfs "config".
 * @d: handle.
 * @off: byte offset.
 * @buf: receives the bytes.
 * @len: how many.
 *
 * Without CAP_SYS_ADMIN the kernel shows only the first 64 bytes.
 *
 * Return: bytes read (short at the end of config space), or -1 with errno.
 */
ssize_t ud_dev_cfg_read(const struct ud_dev *d, unsigned int off, void *buf,
			size_t len);

/**
 * ud_dev_cfg_write() - write config space through sysfs "config".
 * @d: handle.  @off: byte offset.  @buf: bytes.  @len: how many.
 *
 * Needs root.
 *
 * Return: bytes written, or -1 with errno (EBUSY: another kernel driver
 * drives the device, see ud_dev_open()).
 */
ssize_t ud_dev_cfg_write(struct ud_dev *d, unsigned int off, const void *buf,
			 size_t len);

/**
 * ud_dev_cfg_read8() / ud_dev_cfg_read16() / ud_dev_cfg_read32() - read
 * one naturally aligned value (little-endian in config space).
 * @d: handle.  @off: byte offset.  @v: receives the value, CPU order.
 *
 * Return: 0, or -1 with errno (EIO: beyond what could be read).
 */
int ud_dev_cfg_read8(const struct ud_dev *d, unsigned int off, uint8_t *v);
int ud_dev_cfg_read16(const struct ud_dev *d, unsigned int off, uint16_t *v);
int ud_dev_cfg_read32(const struct ud_dev *d, unsigned int off, uint32_t *v);

/**
 * ud_dev_cfg_write8() / ud_dev_cfg_write16() / ud_dev_cfg_write32() - write
 * one naturally aligned value.
 * @d: handle.  @off: byte offset.  @v: the value, CPU order.
 *
 * Return: 0, or -1 with errno.
 */
int ud_dev_cfg_write8(struct ud_dev *d, unsigned int off, uint8_t v);
int ud_dev_cfg_write16(struct ud_dev *d, unsigned int off, uint16_t v);
int ud_dev_cfg_write32(struct ud_dev *d, unsigned int off, uint32_t v);

/** PCI capability IDs for ud_dev_find_cap(). */
#define UD_PCI_CAP_PM		0x01
#define UD_PCI_CAP_MSI		0x05
#define UD_PCI_CAP_EXP		0x10
#define UD_PCI_CAP_MSIX		0x11

/**
 * ud_pci_find_cap() - walk a capability list held in memory.
 * @cfg: the first @len bytes of a config space.
 * @len: at least 64 for any capability to be found.
 * @cap_id: capability ID (UD_PCI_CAP_*).
 *
 * Follows the list from offset 0x34 if the status register says there is
 * one; stops at a pointer outside @cfg or after 48 steps (a loop).
 *
 * Return: offset of the capability, or 0 if not found.
 */
unsigned int ud_pci_find_cap(const uint8_t *cfg, size_t len, uint8_t cap_id);

/**
 * ud_dev_find_cap() - offset of a capability in the device's config space.
 * @d: handle.
 * @cap_id: UD_PCI_CAP_*.
 *
 * Return: the offset, 0 if the device has none (or it cannot be read; 0
 * with errno EINVAL for anything but a live handle).
 */
unsigned int ud_dev_find_cap(const struct ud_dev *d, uint8_t cap_id);

/**
 * ud_dev_bus_master() - turn the device's bus mastering (its DMA) on or off.
 * @d: handle.
 * @on: 1 on, 0 off.
 *
 * Over uio_dma through the control device (UIO_DMA_IOC_BUS_MASTER), which
 * allows it only while @d holds the device; over igb_uio and
 * uio_pci_generic through the command register (PCI 3.0, 6.2.2).
 *
 * Return: 0, or -1 with errno (EPERM: the device is not held; ENODEV: it
 * was unbound; EBUSY: another kernel driver drives it).
 */
int ud_dev_bus_master(struct ud_dev *d, int on);

/**
 * ud_dev_reset() - reset the function through sysfs "reset".
 * @d: handle.
 *
 * The kernel saves and restores the config space around the reset
 * (FLR, PM or bus reset, whatever the device supports).  Needs root.
 *
 * Return: 0, or -1 with errno (EOPNOTSUPP: the device cannot be reset;
 * EBUSY: another kernel driver drives it).
 */
int ud_dev_reset(struct ud_dev *d);

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_DEV_H */
