# Module loads on top of the UIO core; bad parameters are refused.
check load-uio-dma modprobe uio_dma intr_mode=legacy
check uio-core-loaded sh -c 'lsmod | grep -q "^uio "'
check driver-registered test -d /sys/bus/pci/drivers/uio_dma
rmmod uio_dma
if modprobe uio_dma intr_mode=bogus 2>/dev/null; then
	fail bad-intr-mode-refused "modprobe accepted intr_mode=bogus"
else
	pass bad-intr-mode-refused
fi
check bad-intr-mode-message sh -c 'dmesg | grep -q "invalid intr_mode .bogus."'
load_uio_dma intr_mode=legacy
