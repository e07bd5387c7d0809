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

# The library refuses physical-address DMA behind a translating IOMMU for
# every driver it drives, as uio_dma does, and with its advice: 'uiodma
# bind' over uio_pci_generic and igb_uio, ud_dev_open() of a device bound
# behind the tool's back, ud_mem_open() in PA mode with the pagemap source.
# In passthrough all of them work.  Memory in the default (auto) mode is
# VA mode behind a translating IOMMU: refused, naming the modules, until
# vfio is loaded, then opened (its mappings held: no group is attached).
modprobe uio_pci_generic
modprobe igb_uio 2>/dev/null || insmod "$(modinfo -n igb_uio 2>/dev/null)" 2>/dev/null
if grep -q 'iommu=pt' /proc/cmdline; then
	for drv in uio_pci_generic igb_uio; do
		check iommu-pt-lib-bind-$drv uiodma bind --driver $drv "$edu"
		check iommu-pt-lib-open-$drv devtest cfg "$edu"
		unbind "$edu"
	done
	check iommu-pt-lib-mem-open memopen
	expect iommu-pt-auto-mode-pa "ok, IOVA mode PA" "$(memopen)"
	check iommu-pt-lib-mem-open-pa env UD_IOVA_MODE=pa memopen
else
	for drv in uio_pci_generic igb_uio; do
		expect_fail iommu-lib-bind-$drv-refused 1 "translates this device's DMA.*iommu=pt.*vfio-pci" \
			uiodma bind --driver $drv "$edu"
		expect iommu-lib-bind-$drv-left-unbound none "$(driver_of "$edu")"
		# bound behind the library's back: opening it is refused too
		if bind $drv "$edu" 2>/dev/null; then
			expect_fail iommu-lib-open-$drv-refused 1 "translates this device's DMA.*iommu=pt" \
				devtest cfg "$edu"
			unbind "$edu"
		else
			fail iommu-lib-open-$drv-refused "cannot bind $edu to $drv by hand"
		fi
	done
	expect_fail iommu-lib-mem-open-pa-refused 1 \
		"PA mode (UD_IOVA_MODE=pa in the environment).*IOMMU translates DMA by default.*iommu=pt.*EOPNOTSUPP" \
		env UD_IOVA_MODE=pa memopen
	expect_fail iommu-lib-mem-open-va-needs-vfio 1 \
		"VA mode (the IOMMU translates DMA by default.*modprobe vfio-pci.*ENODEV" memopen
	modprobe vfio-pci
	modprobe vfio_iommu_type1
	check iommu-lib-mem-open-va memopen
	expect iommu-auto-mode-va "ok, IOVA mode VA" "$(memopen)"
	rmmod vfio-pci vfio_iommu_type1 vfio-pci-core 2>/dev/null
fi
rmmod igb_uio uio_pci_generic 2>/dev/null

# One IOVA mode per process: in passthrough, edu28 on uio_dma (PA) and edu
# on vfio-pci (VA; this job has no interrupt remapping, which
# vfio_iommu_type1 then wants allowed) cannot be held by one process, and
# memory next to the vfio-pci device is VA mode although the machine's
# default (identity groups) is PA.
if grep -q 'iommu=pt' /proc/cmdline; then
	edu28=$(pci_find $EDU 2)
	echo 16 > /proc/sys/vm/nr_hugepages
	modprobe uio_dma
	modprobe vfio-pci
	modprobe vfio_iommu_type1 allow_unsafe_interrupts=1
	bind uio_dma "$edu28"
	bind vfio-pci "$edu"
	check iommu-pt-one-mode-per-process vatest mixed "$edu28" "$edu"
	unbind "$edu"
	unbind "$edu28"
	rmmod uio_dma
	echo 0 > /proc/sys/vm/nr_hugepages
fi
