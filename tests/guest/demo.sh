# The demo: take QEMU's edu device with uio_dma, show it, and receive an
# interrupt from it in a userspace process.
say() { printf '\n== %s\n' "$*"; }

say "modprobe uio_dma intr_mode=legacy"
modprobe uio_dma intr_mode=legacy
edu=$(pci_find $EDU)
say "bind edu ($edu) to uio_dma"
bind uio_dma "$edu"
u=$(uio_of "$edu")
echo "$edu -> /dev/$u, interrupts: $(cat /sys/bus/pci/devices/$edu/uio_dma/intr_mode)," \
	"$(cat /sys/bus/pci/devices/$edu/uio_dma/intr_vectors) vector(s)"
say "UIO maps (name = BAR, size from sysfs)"
uiotest maps "$u"
say "registers through the map: identification and liveness"
uiotest edu-id "$u"
say "raise an interrupt (edu 0x60) and wait for it in read() and poll()"
if uiotest edu-irq "$u"; then
	pass demo-interrupt-delivered
else
	fail demo-interrupt-delivered "no interrupt reached the process"
fi
say "bus mastering follows the open file"
uiotest busmaster "$u"
unbind "$edu"
rmmod uio_dma
