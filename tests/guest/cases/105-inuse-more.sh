# 'uiodma bind' refuses a device that a process or the network stack still
# uses, naming the user and the fix, unless --force: an NVMe disk, or a
# partition of it, that is not mounted but held open by a running process;
# an e1000e whose interface is down but is a bridge port, or has a UDP, TCP
# or packet socket bound to it.  Leaves every device without a driver.
load_uio_dma
nic=$(pci_find $E1000E 1) || { fail inuse-e1000e-present "no e1000e"; return; }
nvme=$(pci_find $NVME) || { fail inuse-nvme-present "no nvme"; return; }
# (no /sbin/modprobe here, so the kernel cannot load these on demand)
for m in tcp_diag udp_diag raw_diag bridge; do modprobe $m; done

# hold_open NODE: a shell holding NODE open read-write, as 'sleep'; its pid.
hold_open() {
	sh -c "exec 3<>$1; exec sleep 600" >/dev/null 2>&1 &
	echo $!
}

# ---- nvme: a writer holds the disk, then a partition, open
modprobe nvme
wait_for 15 blockdev_of "$nvme"
blk=$(blockdev_of "$nvme")
if [ -z "$blk" ] || ! wait_for 5 test -b "/dev/$blk"; then
	fail inuse-nvme-blockdev "no block device for $nvme"
else
	dd if=/dev/zero of="/dev/$blk" bs=4096 count=1 2>/dev/null
	pid=$(hold_open "/dev/$blk")
	wait_for 5 sh -c "ls -l /proc/$pid/fd | grep -q $blk"
	expect_fail inuse-nvme-open-refused 1 "pid $pid (sleep) has /dev/$blk open" uiodma bind "$nvme"
	expect_fail inuse-nvme-open-says-fix 1 "--force" uiodma bind "$nvme"
	expect inuse-nvme-open-still-nvme nvme "$(driver_of "$nvme")"
	kill "$pid"; wait "$pid" 2>/dev/null

	# one partition (MBR entry 1: type 0x83, LBA 2048, 8192 sectors)
	printf '\203' | dd of="/dev/$blk" bs=1 seek=450 conv=notrunc 2>/dev/null
	printf '\000\010\000\000\000\040\000\000' | dd of="/dev/$blk" bs=1 seek=454 conv=notrunc 2>/dev/null
	printf '\125\252' | dd of="/dev/$blk" bs=1 seek=510 conv=notrunc 2>/dev/null
	blockdev --rereadpt "/dev/$blk"
	part=$(ls /sys/class/block/$blk/ | grep "^${blk}p1$")
	if [ -n "$part" ] && wait_for 5 test -b "/dev/$part"; then
		pid=$(hold_open "/dev/$part")
		wait_for 5 sh -c "ls -l /proc/$pid/fd | grep -q $part"
		expect_fail inuse-nvme-partition-open-refused 1 "pid $pid (sleep) has /dev/$part open" \
			uiodma bind "$nvme"
		# --force takes it anyway; the holder loses it
		check inuse-nvme-force uiodma bind --force "$nvme"
		expect inuse-nvme-forced uio_dma "$(driver_of "$nvme")"
		kill "$pid"; wait "$pid" 2>/dev/null
		check inuse-nvme-restore uiodma unbind "$nvme"
		wait_for 15 blockdev_of "$nvme"
		wait_for 5 test -b "/dev/$blk" &&
			dd if=/dev/zero of="/dev/$blk" bs=4096 count=1 2>/dev/null
		blockdev --rereadpt "/dev/$blk" 2>/dev/null
	else
		fail inuse-nvme-partition-open-refused "no partition ${blk}p1 after writing an MBR"
	fi
	check inuse-nvme-idle-binds uiodma bind "$nvme"
fi

# ---- e1000e: interface down, no address, yet in use
ifc=$(e1000e_netif "$nic")
if [ -z "$ifc" ]; then
	fail inuse-e1000e-netif "no interface for $nic"
else
	ip link set "$ifc" down
	ip addr flush dev "$ifc"
	# a bridge port
	if brctl addbr udbr0 && brctl addif udbr0 "$ifc"; then
		expect_fail inuse-e1000e-bridge-refused 1 "$ifc is a port of bridge udbr0" uiodma bind "$nic"
		expect_fail inuse-e1000e-bridge-says-fix 1 "nomaster" uiodma bind "$nic"
		brctl delif udbr0 "$ifc"
	else
		fail inuse-e1000e-bridge-refused "cannot make bridge udbr0 with $ifc"
	fi
	ip link set udbr0 down 2>/dev/null
	brctl delbr udbr0 2>/dev/null
	# sockets bound to it
	for kind in udp tcp packet; do
		case $kind in udp) word=UDP ;; tcp) word=TCP ;; *) word=packet ;; esac
		start_bg /tmp/holdsock.out holdsock $kind "$ifc"
		pid=$bg_pid
		if wait_for 5 grep -q ready /tmp/holdsock.out; then
			expect_fail inuse-e1000e-$kind-socket-refused 1 \
				"pid $pid (holdsock) has a $word socket bound to $ifc" \
				uiodma bind "$nic"
		else
			fail inuse-e1000e-$kind-socket-refused "holdsock: $(cat /tmp/holdsock.out)"
		fi
		kill "$pid"; wait "$pid" 2>/dev/null
	done
	# --force takes it anyway
	start_bg /tmp/holdsock.out holdsock udp "$ifc"
	pid=$bg_pid
	wait_for 5 grep -q ready /tmp/holdsock.out
	check inuse-e1000e-force uiodma bind --force "$nic"
	kill "$pid"; wait "$pid" 2>/dev/null
	expect inuse-e1000e-forced uio_dma "$(driver_of "$nic")"
	check inuse-e1000e-restore uiodma unbind "$nic"
	wait_for 10 has_netif "$nic"
	check inuse-e1000e-idle-binds uiodma bind "$nic"
fi

# ---- leave things as found
for d in "$nic" "$nvme"; do
	uiodma unbind --force --no-restore "$d" >/dev/null
done
rmmod nvme e1000e bridge 2>/dev/null
true
