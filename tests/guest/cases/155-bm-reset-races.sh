# Bus mastering is on only for a holder that asked (found by attacking
# ABI 3's reset at open and close; tests/guest/progs/resetrace.c):
# (1) the holder turns it on and closes /dev/uioN while a sysfs "reset"
# of the function runs: pci_reset_function() saved config space with bus
# mastering on and restored it after the close turned it off, so nobody
# held the device and it could DMA, and the next holder found it on; with
# the PM reset QEMU's e1000e ignores, the dead holder's rings still ran.
# (2) a control fd kept from an earlier hold turned bus mastering on under
# the next holder.  (3) open/close storms, each close resetting the NIC:
# no hang, no warning (the run's dmesg check).
nic=$(pci_find $E1000E 2)	# QEMU id nic1
load_uio_dma
bind uio_dma "$nic"
echo "    $nic reset_method $(cat /sys/bus/pci/devices/$nic/reset_method)"
run_bounded 50 /tmp/resetrace.out resetrace sysreset "$nic" 40
rc=$?
sed 's/^/    /' /tmp/resetrace.out
expect bm-off-after-sysfs-reset-races-pm 0 "$rc"
echo bus > "/sys/bus/pci/devices/$nic/reset_method"
run_bounded 40 /tmp/resetrace.out resetrace sysreset "$nic" 12
rc=$?
sed 's/^/    /' /tmp/resetrace.out
expect bm-off-after-sysfs-reset-races-bus 0 "$rc"
echo "    closes whose reset failed (a sysfs reset held the device): $(dmesg | grep -c 'reset after release failed')"
run_bounded 20 /tmp/resetrace.out resetrace ctlfd "$nic"
rc=$?
sed 's/^/    /' /tmp/resetrace.out
expect bm-refused-to-earlier-holders-ctl-fd 0 "$rc"
run_bounded 30 /tmp/resetrace.out resetrace openloop "$nic" 8 4
rc=$?
sed 's/^/    /' /tmp/resetrace.out
expect open-close-storm-with-resets 0 "$rc"
echo default > "/sys/bus/pci/devices/$nic/reset_method"
unbind "$nic"
rm -f /tmp/resetrace.out
