# The demo: drive QEMU's devices from userspace through uio_dma.
#   1. take edu, map its registers, receive its interrupt
#   2. DMA through edu's engine from and into hugepage memory whose
#      physical addresses the library resolved once (and uio_dma pinned)
#   3. every MSI-X vector of an e1000e NIC on its own eventfd
say() { printf '\n== %s\n' "$*"; }

edu=$(pci_find $EDU)
nic=$(pci_find $E1000E 1)

say "modprobe uio_dma; bind edu ($edu) and an e1000e ($nic)"
modprobe uio_dma
bind uio_dma "$edu"
bind uio_dma "$nic"
for d in "$edu" "$nic"; do
	echo "$d -> /dev/$(uio_of "$d") and /dev/uio_dma/$d," \
		"interrupts: $(cat /sys/bus/pci/devices/$d/uio_dma/intr_mode)," \
		"$(cat /sys/bus/pci/devices/$d/uio_dma/intr_vectors) vector(s)"
done
if command -v uiodma >/dev/null; then
	say "uiodma status"
	uiodma status
fi

say "edu: UIO maps (name = BAR, size from sysfs), registers through the map"
u=$(uio_of "$edu")
uiotest maps "$u"
uiotest edu-id "$u"

say "edu: raise an interrupt (0x60) and wait for it in read() and poll()"
if uiotest edu-irq "$u"; then
	pass demo-interrupt-delivered
else
	fail demo-interrupt-delivered "no interrupt reached the process"
fi

say "edu: DMA hugepage memory -> device -> another hugepage, completion by interrupt"
echo 32 > /proc/sys/vm/nr_hugepages
if edu-dma --rounds 3 --irq --pa kpin "$edu"; then
	pass demo-dma
else
	fail demo-dma "edu-dma failed"
fi

say "e1000e: 5 MSI-X vectors, each interrupt cause routed to its own eventfd"
if irqtest e1000e-msix "$nic"; then
	pass demo-msix
else
	fail demo-msix "irqtest failed"
fi

say "bus mastering follows the open file"
uiotest busmaster "$u"
unbind "$edu"
unbind "$nic"
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
