# edu binds; /dev/uioN appears; maps match BAR sizes; registers work.
edu=$(pci_find $EDU) || { fail edu-present "no edu device"; return; }
load_uio_dma intr_mode=legacy
check bind-edu bind uio_dma "$edu"
u=$(uio_of "$edu")
check uio-node-appears test -c "/dev/$u"
check edu-maps-match-bars uiotest maps "$u"
check edu-id-and-liveness uiotest edu-id "$u"
expect edu-intr-mode legacy "$(cat /sys/bus/pci/devices/$edu/uio_dma/intr_mode)"
expect edu-intr-vectors 1 "$(cat /sys/bus/pci/devices/$edu/uio_dma/intr_vectors)"
unbind "$edu"
