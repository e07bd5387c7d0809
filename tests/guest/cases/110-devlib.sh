# libuiodma's device API (uiodma/dev.h) over uio_dma, uio_pci_generic and
# igb_uio: config space agrees with sysfs; BARs map by number with the
# sizes sysfs gives and read the same registers as the UIO maps; the
# capability query; memory pinned through a held uio_dma device (so a
# killed process's hugepages wait for the device's last holder, whatever
# source gave their addresses); and the clear EOPNOTSUPP error for what igb_uio and
# uio_pci_generic cannot do.  Leaves uio_dma loaded with the intr_mode it
# found and the devices without a driver.
saved_mode=$(cat /sys/module/uio_dma/parameters/intr_mode 2>/dev/null || echo auto)
load_uio_dma
edu=$(pci_find $EDU) || { fail devlib-edu-present "no edu"; return; }
nic=$(pci_find $E1000E 1) || { fail devlib-e1000e-present "no e1000e"; return; }
nvme=$(pci_find $NVME) || { fail devlib-nvme-present "no nvme"; return; }

# same NAME BDF BAR OFF: the library's mapping and the UIO map agree.
same() {
	_lib=$(devtest rd32 "$2" "$3" "$4")
	_uio=$(uiotest rd32 "$(uio_of "$2")" "$3" "$4")
	echo "    BAR$3+$4: library $_lib, UIO map $_uio"
	if [ -n "$_lib" ] && [ "$_lib" != 0xffffffff ]; then
		expect "$1" "$_uio" "$_lib"
	else
		fail "$1" "library read '$_lib'"
	fi
}

# ---- uio_dma: everything
for d in "$edu" "$nic" "$nvme"; do
	n=$(case $d in "$edu") echo edu ;; "$nic") echo e1000e ;; *) echo nvme ;; esac)
	check devlib-$n-bind uiodma bind "$d"
	check devlib-$n-cfg devtest cfg "$d"
	check devlib-$n-bars devtest bars "$d"
	check devlib-$n-caps devtest caps "$d"
	check devlib-$n-all-caps devtest unsupported "$d"
done
expect devlib-edu-id 0x010000ed "$(devtest rd32 "$edu" 0 0)"
same devlib-edu-same-register "$edu" 0 0
same devlib-e1000e-same-register "$nic" 0 8
same devlib-nvme-same-register "$nvme" 0 0
check devlib-edu-wc-refused devtest wc-refused "$edu" 0
# memory with the default (pagemap) source is pinned through the device
hp0=$(cat /proc/sys/vm/nr_hugepages)
[ "$hp0" -ge 8 ] || echo 8 > /proc/sys/vm/nr_hugepages
devtest mem-pins "$edu" > /tmp/pins.out 2>&1
rc=$?
sed 's/^/    /' /tmp/pins.out
expect devlib-mem-pinned-through-device 0 "$rc"
echo "$hp0" > /proc/sys/vm/nr_hugepages
check devlib-edu-caps-vectors sh -c "devtest caps $edu | grep -q 'dma-pin.*vectors=1'"
check devlib-e1000e-msix-vectors sh -c "devtest caps $nic | grep -q 'irq-vectors.*vectors=[2-9]'"
devtest reset "$nvme"
case $? in
0) pass devlib-nvme-reset
   expect devlib-nvme-cfg-after-reset 0 "$(devtest cfg "$nvme" >/dev/null; echo $?)" ;;
3) skip devlib-nvme-reset "no reset method for the nvme function" ;;
*) fail devlib-nvme-reset "ud_dev_reset failed" ;;
esac
for d in "$edu" "$nic" "$nvme"; do
	uiodma unbind --no-restore "$d" >/dev/null
done
# Without a UIO driver, config space works and BARs are refused.
check devlib-unbound-cfg devtest cfg "$edu"
check devlib-unbound-no-bars sh -c "devtest caps $edu | grep -q '^config vectors=0'"

# ---- uio_pci_generic
check devlib-upg-bind uiodma bind --driver uio_pci_generic "$edu"
expect devlib-upg-driver uio_pci_generic "$(driver_of "$edu")"
check devlib-upg-caps devtest caps "$edu"
check devlib-upg-cfg devtest cfg "$edu"
check devlib-upg-bars devtest bars "$edu"
expect devlib-upg-edu-id 0x010000ed "$(devtest rd32 "$edu" 0 0)"
check devlib-upg-unsupported devtest unsupported "$edu"
check devlib-upg-unbind uiodma unbind --no-restore "$edu"

# ---- igb_uio
check devlib-igb-bind uiodma bind --driver igb_uio "$nic"
expect devlib-igb-driver igb_uio "$(driver_of "$nic")"
check devlib-igb-caps devtest caps "$nic"
check devlib-igb-bars devtest bars "$nic"
same devlib-igb-same-register "$nic" 0 8
check devlib-igb-unsupported devtest unsupported "$nic"
check devlib-igb-unbind uiodma unbind --no-restore "$nic"

rmmod igb_uio uio_pci_generic 2>/dev/null
load_uio_dma intr_mode="$saved_mode"
