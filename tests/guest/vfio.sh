# VA mode (IOVA as VA) behind QEMU's Intel IOMMU with interrupt remapping
# (job vfio: intel_iommu=on, -device intel-iommu,intremap=on, QEMU's
# default 39-bit address width): devices on vfio-pci, memory mapped into
# the process's VFIO container.  busybox modprobe ignores the softdep that
# pulls in vfio_iommu_type1: it is loaded by name.
edu=$(pci_find $EDU 1)
edu28=$(pci_find $EDU 2)
echo 64 > /proc/sys/vm/nr_hugepages
modprobe vfio-pci
modprobe vfio_iommu_type1
check vfio-bind-edu bind vfio-pci "$edu"
check vfio-bind-edu28 bind vfio-pci "$edu28"
# the default mode is VA here, and the memory lies where the IOMMU takes it
check vfio-auto-mode-va vatest mode "$edu"
check vfio-edu-dma edu-dma --rounds 4 "$edu"
check vfio-edu-dma-28bit edu-dma --rounds 3 --dma-bits 28 "$edu28"
# interrupts through VFIO_DEVICE_SET_IRQS: edu's MSI ends each transfer
check vfio-edu-dma-msi edu-dma --rounds 2 --irq "$edu"
# isolation: a DMA to process memory never mapped for the device is
# refused by the IOMMU (a DMAR fault in dmesg) and leaves it unchanged
check vfio-isolation vatest isolation "$edu"
check vfio-isolation-dmar-fault sh -c \
	'dmesg | grep "DMAR: \[DMA Write" | grep "fault addr 0x7000000000" | grep -q "PTE Write access is not set"'
dmesg | grep DMAR: | tail -n 4 | sed 's/^/    /'
unbind "$edu"
unbind "$edu28"
# MSI-X: every e1000e vector to its own eventfd
nic=$(pci_find $E1000E 2)
check vfio-bind-e1000e bind vfio-pci "$nic"
check vfio-e1000e-msix vatest msix "$nic"
unbind "$nic"
bind e1000e "$nic"
echo 0 > /proc/sys/vm/nr_hugepages
