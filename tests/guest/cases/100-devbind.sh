# The uiodma tool: usage conventions; bind/unbind round trips for edu,
# e1000e and nvme; refusal of a device the kernel uses (interface up with an
# address, mounted filesystem, swap) unless --force; restore to the kernel
# driver brings the interface / block device back.  Leaves uio_dma loaded
# with the intr_mode it found and every device without a driver.
saved_mode=$(cat /sys/module/uio_dma/parameters/intr_mode 2>/dev/null || echo auto)
load_uio_dma
edu=$(pci_find $EDU) || { fail devbind-edu-present "no edu"; return; }
nic=$(pci_find $E1000E 1) || { fail devbind-e1000e-present "no e1000e"; return; }
nvme=$(pci_find $NVME) || { fail devbind-nvme-present "no nvme"; return; }

# ---- conventions
check uiodma-help sh -c "uiodma --help | grep -q '^usage: uiodma COMMAND'"
for c in status info bind unbind hugepages; do
	check uiodma-help-$c sh -c "uiodma $c --help | grep -q '^usage: uiodma $c'"
done
expect_fail uiodma-unknown-command 2 "unknown command" uiodma frobnicate
expect_fail uiodma-bind-needs-address 2 "PCI address" uiodma bind
expect_fail uiodma-bad-address 2 "not a PCI address" uiodma bind 12:zz.0
expect_fail uiodma-no-such-device 1 "no PCI device" uiodma bind 0000:7f:1f.7
expect_fail uiodma-unknown-option 2 "unknown option" uiodma unbind --frob "$edu"

# ---- edu: no kernel driver; short address form
check devbind-edu-bind uiodma bind "${edu#0000:}"
expect devbind-edu-driver uio_dma "$(driver_of "$edu")"
check devbind-edu-uio-node test -c "/dev/$(uio_of "$edu")"
check devbind-edu-ctl-node test -c "/dev/uio_dma/$edu"
check devbind-edu-bind-again-noop uiodma bind "$edu"
check devbind-edu-unbind uiodma unbind "$edu"
expect devbind-edu-unbound none "$(driver_of "$edu")"
expect devbind-edu-override-cleared "(null)" "$(cat /sys/bus/pci/devices/$edu/driver_override)"
check devbind-edu-round-trip sh -c "uiodma bind $edu && uiodma unbind --no-restore $edu"
expect devbind-edu-unbound-again none "$(driver_of "$edu")"

# ---- e1000e: the kernel driver holds it with an interface up and an address
modprobe e1000e
wait_for 10 has_netif "$nic"
ifc=$(netif_of "$nic")
if [ -z "$ifc" ]; then
	fail devbind-e1000e-netif "no interface for $nic after modprobe e1000e"
else
	pass devbind-e1000e-netif
	ip link set "$ifc" up
	ip addr add 192.0.2.1/24 dev "$ifc"
	expect_fail devbind-e1000e-busy-refused 1 "$ifc" uiodma bind "$nic"
	# status offers no bind command for it, but says why it is not free
	check status-in-use-by-host sh -c "uiodma status | grep -q '^  $nic  in use by the host (.*$ifc'"
	check status-in-use-no-bind sh -c "! uiodma status | grep -q 'bind $nic'"
	check status-in-use-json sh -c "uiodma status --json | grep -q '\"address\":\"$nic\"[^}]*\"in_use_by_host\":\"[^\"]*$ifc'"
	expect_fail devbind-e1000e-busy-says-force 1 "--force" uiodma bind "$nic"
	expect devbind-e1000e-still-e1000e e1000e "$(driver_of "$nic")"
	expect_fail devbind-e1000e-busy-unbind-refused 1 "$ifc" uiodma unbind "$nic"
	check devbind-e1000e-force uiodma bind --force "$nic"
	expect devbind-e1000e-forced uio_dma "$(driver_of "$nic")"
	check devbind-e1000e-restore uiodma unbind "$nic"
	expect devbind-e1000e-restored e1000e "$(driver_of "$nic")"
	check devbind-e1000e-netif-back wait_for 10 has_netif "$nic"
	# An interface that is down and has no address does not block.
	ifc=$(netif_of "$nic")
	ip link set "$ifc" down 2>/dev/null
	ip addr flush dev "$ifc" 2>/dev/null
	check devbind-e1000e-idle-binds uiodma bind "$nic"
	check devbind-e1000e-idle-restore uiodma unbind "$nic"
	expect devbind-e1000e-idle-restored e1000e "$(driver_of "$nic")"
fi
# The second NIC (no interface up) is bound for the status check below.
nic2=$(pci_find $E1000E 2)
check devbind-e1000e-2-bind uiodma bind "$nic2"

# ---- nvme: the kernel driver holds it with a mounted filesystem, then swap
modprobe nvme
wait_for 15 blockdev_of "$nvme"
blk=$(blockdev_of "$nvme")
if [ -z "$blk" ]; then
	fail devbind-nvme-blockdev "no block device for $nvme after modprobe nvme"
else
	pass devbind-nvme-blockdev
	wait_for 5 test -b "/dev/$blk"
	mkdir -p /tmp/mnt
	modprobe crc32c_generic 2>/dev/null
	modprobe ext4 2>/dev/null
	if mke2fs -q "/dev/$blk" >/dev/null 2>&1 && mount -t ext2 "/dev/$blk" /tmp/mnt; then
		expect_fail devbind-nvme-mounted-refused 1 "mounted on /tmp/mnt" uiodma bind "$nvme"
		umount /tmp/mnt
	else
		skip devbind-nvme-mounted-refused "cannot make or mount ext2 on /dev/$blk"
	fi
	if mkswap "/dev/$blk" >/dev/null 2>&1 && swapon "/dev/$blk"; then
		expect_fail devbind-nvme-swap-refused 1 "swap" uiodma bind "$nvme"
		swapoff "/dev/$blk"
	else
		skip devbind-nvme-swap-refused "cannot swapon /dev/$blk"
	fi
	dd if=/dev/zero of="/dev/$blk" bs=4096 count=1 2>/dev/null
	check devbind-nvme-bind uiodma bind "$nvme"
	expect devbind-nvme-driver uio_dma "$(driver_of "$nvme")"
	check devbind-nvme-blockdev-gone sh -c "! test -e /sys/class/block/$blk"
	check devbind-nvme-restore uiodma unbind "$nvme"
	expect devbind-nvme-restored nvme "$(driver_of "$nvme")"
	check devbind-nvme-blockdev-back wait_for 15 blockdev_of "$nvme"
	check devbind-nvme-devnode-back wait_for 5 test -b "/dev/$(blockdev_of "$nvme")"
fi

# ---- status lists the devices with their drivers
uiodma bind "$edu" >/dev/null
uiodma status > /tmp/status.txt 2>&1
sed 's/^/    /' /tmp/status.txt
check status-edu-uio-dma grep -q "$edu .* uio_dma .*uio[0-9]" /tmp/status.txt
check status-e1000e-kernel grep -q "$nic .* e1000e" /tmp/status.txt
check status-e1000e-2-uio-dma grep -q "$nic2 .* uio_dma" /tmp/status.txt
check status-nvme-kernel grep -q "$nvme .* nvme .*block:" /tmp/status.txt
check status-module-loaded grep -q "uio_dma module: loaded" /tmp/status.txt
check status-module-params grep -q "intr_mode=" /tmp/status.txt
check status-no-bridges sh -c "! grep -q ' 0604' /tmp/status.txt"
uiodma status --json > /tmp/status.json
check status-json-valid jsoncheck < /tmp/status.json
check status-json-edu grep -q "\"address\":\"$edu\"[^}]*\"driver\":\"uio_dma\"" /tmp/status.json
check status-json-intr grep -q "\"address\":\"$edu\"[^}]*\"intr_mode\":\"[a-z]*\",\"intr_vectors\":[0-9]" /tmp/status.json
check info-json-valid sh -c "uiodma info $edu --json | jsoncheck"
check info-text uiodma info "$nic"

# ---- hugepages
mount -t hugetlbfs none /dev/hugepages 2>/dev/null
check hugepages-reserve uiodma hugepages reserve 4 --pagesize 2M
expect hugepages-reserved 4 "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)"
check hugepages-show sh -c "uiodma hugepages show | grep -q ."
check hugepages-in-status-json sh -c "uiodma status --json | grep -q '\"page_size\":2097152,\"default\":true,\"total\":4'"
check hugepages-clean uiodma hugepages clean
check hugepages-release uiodma hugepages reserve 0 --pagesize 2M
expect_fail hugepages-bad-size 2 "pagesize" uiodma hugepages reserve 1 --pagesize 3X
umount /dev/hugepages 2>/dev/null

# ---- leave things as found
for d in "$edu" "$nic" "$nic2" "$nvme"; do
	uiodma unbind --force --no-restore "$d" >/dev/null
done
rmmod nvme e1000e 2>/dev/null
load_uio_dma intr_mode="$saved_mode"
