# A userspace NVMe driver (apps/nvme-rw) over uio_dma: reset the controller,
# admin queue, IDENTIFY, I/O queue pair, writes and reads through PRP1,
# PRP2, PRP lists and across a 2 MiB hugepage boundary, by polling and by
# MSI-X interrupts; an error status (LBA out of range) is reported by name;
# the queues wrap.
# Then the kernel's nvme driver takes the disk back and reads every written
# sector: the data really reached the disk.
nvme=$(pci_find $NVME) || { fail nvme-rw-present "no nvme"; return; }
seed=0x1a2b3c4d
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
check nvme-rw-bind uiodma bind --force "$nvme"
expect nvme-rw-driver uio_dma "$(driver_of "$nvme")"
# The interrupt run first, the polling run last: its pattern is the one on disk.
check nvme-rw-irq nvme-rw --irq --seed 0x77 "$nvme"
# An error status is reported by name: the driver reads one block past the
# end, which must fail with LBA Out of Range (nvme_harness exits 0 when the
# status is that one; the driver's message on stderr names it).
expect_fail nvme-rw-past-end-refused 0 "status 0x080 .*LBA Out of Range" \
	nvme_harness past-end "$nvme"
# Enough commands for the I/O queue's rings to wrap five times: the
# controller flips the phase tag on each pass, the driver follows.
check nvme-rw-queue-wrap nvme_harness wrap "$nvme"
nvme-rw --seed $seed "$nvme" > /tmp/nvme-rw.out 2>&1
rc=$?
sed 's/^/    /' /tmp/nvme-rw.out
expect nvme-rw-polling 0 "$rc"
check nvme-rw-prp-list grep -q 'PRP list.*: ok$' /tmp/nvme-rw.out
check nvme-rw-hugepage-span grep -q 'across 2 MiB hugepage boundary.*: ok$' /tmp/nvme-rw.out
# The application is gone: uio_dma turned bus mastering off.
expect nvme-rw-busmaster-off-after 0 \
	"$(( $(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$nvme/config") & 4 ))"

# ---- the kernel's driver reads what the application wrote
modprobe nvme
check nvme-rw-kernel-restore uiodma unbind "$nvme"
expect nvme-rw-kernel-driver nvme "$(driver_of "$nvme")"
# With the kernel's driver holding it, the application must not touch it.
expect_fail nvme-rw-refuses-kernel-bound 1 "uio_dma" nvme-rw "$nvme"
nvme_disk_check nvme-rw-kernel $seed /tmp/nvme-rw.out "$nvme"

# ---- leave things as found
uiodma unbind --force --no-restore "$nvme" >/dev/null
rmmod nvme 2>/dev/null
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/got /tmp/want /tmp/nvme-rw.out
