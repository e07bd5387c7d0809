# Run under an emulated Intel IOMMU (intel_iommu=on).  Translated DMA
# (the default) must make uio_dma refuse to bind, loudly; passthrough
# (iommu=pt) gives identity-mapped DMA, where physical addresses are right.
edu=$(pci_find $EDU)
modprobe uio_dma
if grep -q 'iommu=pt' /proc/cmdline; then
	check iommu-pt-binds bind uio_dma "$edu"
	check iommu-pt-edu-works uiotest edu-id "$(uio_of "$edu")"
	unbind "$edu"
else
	if out=$(bind uio_dma "$edu" 2>&1); then
		fail iommu-translating-refused "uio_dma bound $edu behind a translating IOMMU"
		unbind "$edu"
	else
		echo "    $out"
		pass iommu-translating-refused
	fi
	out=$(sh -c "echo $edu > /sys/bus/pci/drivers/uio_dma/bind" 2>&1)
	echo "    $out"
	check iommu-refusal-errno sh -c "echo '$out' | grep -q 'not supported'"
	check iommu-refusal-says-why sh -c 'dmesg | grep -q "an IOMMU translates this device.s DMA.*iommu=pt"'
	expect iommu-device-left-unbound none "$(driver_of "$edu")"
fi
rmmod uio_dma
