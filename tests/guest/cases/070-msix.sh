# MSI-X: intr_mode=auto gives e1000e all 5 vectors; each interrupt cause,
# routed by IVAR to its own vector and fired through ICS, reaches that
# vector's eventfd and no other.
load_uio_dma
nic=$(pci_find $E1000E 1)
check bind-e1000e-auto bind uio_dma "$nic"
expect e1000e-mode-msix msix "$(cat /sys/bus/pci/devices/$nic/uio_dma/intr_mode)"
expect e1000e-5-vectors 5 "$(cat /sys/bus/pci/devices/$nic/uio_dma/intr_vectors)"
check control-device-exists test -c "/dev/uio_dma/$nic"
check msix-each-vector-own-fd irqtest e1000e-msix "$nic"
check msix-vectors-in-proc sh -c "grep -c 'uio_dma\[$nic\]' /proc/interrupts | grep -qx 5"
unbind "$nic"
