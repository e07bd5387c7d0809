# edu in MSI mode (auto picks MSI: edu has no MSI-X) and in legacy mode:
# an interrupt raised at 0x60 wakes read() on /dev/uioN and the vector-0
# eventfd.  intr_mode=none binds without interrupts and says so.
edu=$(pci_find $EDU)
load_uio_dma
check bind-edu-auto bind uio_dma "$edu"
expect edu-auto-is-msi msi "$(cat /sys/bus/pci/devices/$edu/uio_dma/intr_mode)"
check msi-uio-read-poll uiotest edu-irq "$(uio_of "$edu")"
check msi-uio-irqcontrol-mask uiotest edu-mask "$(uio_of "$edu")"
check msi-eventfd irqtest edu "$edu" msi
unbind "$edu"

load_uio_dma intr_mode=legacy
check bind-edu-legacy bind uio_dma "$edu"
check legacy-eventfd irqtest edu "$edu" legacy
unbind "$edu"

load_uio_dma intr_mode=msix
check bind-edu-msix-unavailable bind uio_dma "$edu"
expect edu-msix-falls-to-none none "$(cat /sys/bus/pci/devices/$edu/uio_dma/intr_mode)"
check msix-unavailable-said sh -c 'dmesg | grep -q "interrupts off: intr_mode=msix is not available"'
unbind "$edu"

load_uio_dma intr_mode=none
check bind-edu-none bind uio_dma "$edu"
check none-clear-error irqtest none "$edu"
check none-uio-read-eio sh -c "! dd if=/dev/$(uio_of "$edu") bs=4 count=1 2>/dev/null"
unbind "$edu"
