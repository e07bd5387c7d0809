# Kernel lockdown forbids userspace DMA to physical memory: once the
# kernel is locked down, uio_dma refuses to bind and says why.  Lockdown
# cannot be lifted, so this case runs last.
edu=$(pci_find $EDU)
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if [ ! -w /sys/kernel/security/lockdown ]; then
	skip lockdown-refused "this kernel has no lockdown LSM"
	return
fi
load_uio_dma
echo integrity > /sys/kernel/security/lockdown
if out=$(bind uio_dma "$edu" 2>&1); then
	fail lockdown-refused "uio_dma bound $edu under lockdown"
	unbind "$edu"
else
	echo "    $out"
	pass lockdown-refused
fi
check lockdown-refusal-says-why sh -c 'dmesg | grep -q "refusing to bind: the kernel is locked down"'
