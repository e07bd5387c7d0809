# VA mode (IOVA as VA) behind QEMU's Intel IOMMU with interrupt remapping
# (job vfio: intel_iommu=on, -device intel-iommu,intremap=on, QEMU's
# default 39-bit address width): devices on vfio-pci, memory mapped into
# the process's VFIO container.  The apps run unchanged; only the bind
# differs.  uiodma bind --driver vfio-pci loads vfio-pci and, by name,
# vfio_iommu_type1 (busybox modprobe ignores the softdep that pulls it in).
edu=$(pci_find $EDU 1)
edu28=$(pci_find $EDU 2)
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
nvme=$(pci_find $NVME)
# info_has BDF ERE: uiodma info's lines of BDF that match (fails if none)
info_has() { uiodma info "$1" | grep -E "$2"; }
echo 64 > /proc/sys/vm/nr_hugepages
check vfio-bind-edu uiodma bind --driver vfio-pci "$edu"
check vfio-bind-loads-type1 sh -c 'grep -q "^vfio_iommu_type1 " /proc/modules'
check vfio-bind-edu28 uiodma bind --driver vfio-pci "$edu28"
# uiodma status says what each device runs in, and what the IOMMU allows
check vfio-status-va sh -c "uiodma status | grep -q '^  $edu  VA (vfio-pci)$'"
check vfio-status-nvme-hint sh -c \
	"uiodma status | grep -q '^  $nvme  VA with uiodma bind --driver vfio-pci $nvme (PA needs iommu=pt)$'"
check vfio-status-iommu sh -c 'uiodma status | grep -q "^IOMMU: translates DMA by default"'
check vfio-status-json sh -c "uiodma status --json | jsoncheck && uiodma status --json | grep -q '\"default_iova_mode\":\"VA\"'"
# uiodma info shows the vfio side: the group (edu on the root complex is
# alone in it), viable, the mode, and the reset vfio offers (none for edu)
check vfio-info-group info_has "$edu" \
	'^  vfio group   [0-9]+ \(/dev/vfio/[0-9]+\), IOMMU domain DMA(-FQ)?$'
check vfio-info-peers-none info_has "$edu" \
	'^  group peers  none: the device is alone in its group$'
check vfio-info-viable info_has "$edu" '^  group viable yes'
check vfio-info-iova-mode info_has "$edu" '^  iova mode    VA: .*VFIO type1 container'
check vfio-info-reset-none info_has "$edu" '^  vfio reset   none: '
check vfio-info-json sh -c "uiodma info --json $edu | jsoncheck &&
	uiodma info --json $edu | grep -q '\"viable\":true,\"blocking\":\[\],\"iova_mode\":\"VA\",\"container\":\"type1\"'"
check vfio-info-json-other-driver sh -c "uiodma info --json $nic1 | grep -q '\"vfio\":null}\$'"
# the default mode is VA here, and the memory lies where the IOMMU takes it
check vfio-auto-mode-va vatest mode "$edu"
check vfio-edu-dma edu-dma --rounds 4 "$edu"
check vfio-edu-dma-28bit edu-dma --rounds 3 --dma-bits 28 "$edu28"
check vfio-edu-dma-banner-va edu_dma_banner \
	"VA mode (IOVAs the library maps into the VFIO container)" "$edu"
# memory before the devices, two devices in one container
check vfio-memory-first-two-devices vatest memfirst "$edu" "$edu28"
# interrupts through VFIO_DEVICE_SET_IRQS: edu's MSI ends each transfer
check vfio-edu-dma-msi edu-dma --rounds 2 --irq "$edu"
check vfio-edu-intx vatest intx "$edu"
# an interrupt handle that outlives its device: its calls fail (ENODEV),
# and the device fd and group went with the device, so it opens again
check vfio-irq-outlives-device vatest irq-outlives "$edu"
# isolation: a DMA to process memory never mapped for the device is
# refused by the IOMMU (a DMAR fault in dmesg) and leaves it unchanged
check vfio-isolation vatest isolation "$edu"
check vfio-isolation-dmar-fault sh -c \
	'dmesg | grep "DMAR: \[DMA Write" | grep "fault addr 0x7000000000" | grep -q "PTE Write access is not set"'
dmesg | grep DMAR: | tail -n 4 | sed 's/^/    /'
# unbind while a process waits: vfio's request IRQ wakes it (ENODEV), it
# closes the device, and only then does the unbind finish
vatest wait-unbind "$edu" > /tmp/wu.out 2>&1 &
wu=$!
sleep 1
timeout 25 sh -c "echo $edu > /sys/bus/pci/devices/$edu/driver/unbind"
wait $wu
expect vfio-unbind-wakes-waiter 0 "$?"
sed 's/^/    /' /tmp/wu.out
expect vfio-unbind-done none "$(driver_of "$edu")"
rm -f /tmp/wu.out
uiodma unbind --no-restore "$edu" "$edu28" >/dev/null

# NICs: MSI-X, every vector to its own eventfd; then frames between the
# two NICs through descriptor rings, by polling and by MSI-X
check vfio-bind-nics uiodma bind --force --driver vfio-pci "$nic1" "$nic2"
check vfio-e1000e-msix vatest msix "$nic2"
check vfio-e1000e-loop e1000e-loop --count 64 "$nic1" "$nic2"
check vfio-e1000e-loop-irq e1000e-loop --count 64 --irq "$nic1" "$nic2"
check vfio-unbind-nics uiodma unbind "$nic1" "$nic2"

# NVMe: written through vfio-pci, read back by the kernel's nvme driver
seed=0x5eed0011
check vfio-bind-nvme uiodma bind --force --driver vfio-pci "$nvme"
# alone behind its root port, the NVMe disk can be reset (FLR, bus reset)
check vfio-info-reset-nvme info_has "$nvme" \
	'^  vfio reset   VFIO_DEVICE_RESET \(ud_dev_reset\) by [a-z_]+'
check vfio-nvme-rw-irq nvme-rw --irq --seed 0x77 "$nvme"
nvme-rw --seed $seed "$nvme" > /tmp/nvme-rw.out 2>&1
expect vfio-nvme-rw 0 "$?"
sed 's/^/    /' /tmp/nvme-rw.out
check vfio-nvme-kernel-restore uiodma unbind "$nvme"
expect vfio-nvme-kernel-driver nvme "$(driver_of "$nvme")"
nvme_disk_check vfio-nvme-kernel $seed /tmp/nvme-rw.out "$nvme"
rm -f /tmp/nvme-rw.out

# A group shared with a device the kernel drives is refused, naming it:
# run.sh puts two more edus behind a PCI bridge, where the IOMMU sees the
# bridge's requester ID for both, so they share its group.
gedu=$(pci_find $EDU 3)
gpeer=$(pci_find $EDU 4)
group_id() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
expect vfio-bridge-group-shared "$(group_id "$gedu")" "$(group_id "$gpeer")"
ls "/sys/bus/pci/devices/$gedu/iommu_group/devices" | sed 's/^/    group: /'
# the peer on uio_pci_generic through sysfs (uiodma bind refuses a UIO
# driver where the IOMMU translates)
modprobe uio_pci_generic
echo uio_pci_generic > "/sys/bus/pci/devices/$gpeer/driver_override"
echo "$gpeer" > /sys/bus/pci/drivers/uio_pci_generic/bind
expect vfio-bridge-peer-driven uio_pci_generic "$(driver_of "$gpeer")"
uiodma bind --driver vfio-pci "$gedu" > /tmp/gb.out 2>&1
expect vfio-shared-group-refused 1 "$?"
sed 's/^/    /' /tmp/gb.out
check vfio-shared-group-names-peer grep -F \
	"also holds $gpeer (uio_pci_generic), still driven by the kernel" /tmp/gb.out
expect vfio-shared-group-left-unbound none "$(driver_of "$gedu")"
rm -f /tmp/gb.out
# the peer without a driver: the group is viable and the bind goes through
echo "$gpeer" > "/sys/bus/pci/devices/$gpeer/driver/unbind"
check vfio-viable-group-binds uiodma bind --driver vfio-pci "$gedu"
# (the bridge itself may have a driver: shpchp, its hot-plug controller)
check vfio-info-group-peers info_has "$gedu" \
	"^  group peers  0000:00:10.0 \(bridge[,)].*, $gpeer \(no driver\)$"
check vfio-info-group-viable info_has "$gedu" '^  group viable yes'
# a kernel driver taking the peer afterwards: no longer viable, and info
# names the device that holds the group back
echo "$gpeer" > /sys/bus/pci/drivers/uio_pci_generic/bind
check vfio-info-group-not-viable info_has "$gedu" \
	"^  group viable no: $gpeer \(uio_pci_generic\), still driven by the kernel"
check vfio-info-json-blocking sh -c "uiodma info --json $gedu | jsoncheck &&
	uiodma info --json $gedu | grep -q '\"viable\":false,\"blocking\":\[\"$gpeer\"\]'"
echo "$gpeer" > "/sys/bus/pci/devices/$gpeer/driver/unbind"
echo > "/sys/bus/pci/devices/$gpeer/driver_override"
uiodma unbind --no-restore "$gedu" >/dev/null
echo 0 > /proc/sys/vm/nr_hugepages
