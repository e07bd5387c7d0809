# INTx from edu wakes read() and poll() with the count up by exactly one;
# irqcontrol 0 masks, 1 unmasks and delivers what arrived while masked.
edu=$(pci_find $EDU)
load_uio_dma intr_mode=legacy
bind uio_dma "$edu"
u=$(uio_of "$edu")
check intx-read-and-poll uiotest edu-irq "$u"
check intx-irqcontrol-mask uiotest edu-mask "$u"
unbind "$edu"
