# Hot-unplug: the host's QEMU monitor removes the NVMe disk and an e1000e
# (device_del; ask_host in lib.sh) while applications hold them: fds,
# BAR mappings through /dev/uioN and the control device, pins, eventfds,
# threads blocked in read() and poll().  Every handle must fail (EIO,
# ENODEV, POLLHUP, SIGBUS) instead of hanging, pins and hugepages come
# back, uio_dma unloads, and after device_add the devices bind again and
# work.  Native PCIe hotplug: each device sits alone behind a root port.
# Last, a holder is killed just as the slot powers off, four times.
case_t0=$(cut -d. -f1 /proc/uptime)
nvme=$(pci_find $NVME)
nic1=$(pci_find $E1000E 1)	# QEMU id nic0, behind the first NIC root port
nic2=$(pci_find $E1000E 2)
hp_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }
hp_pins() {
	echo 1 > /proc/sys/vm/stat_refresh
	awk '/^nr_foll_pin_acquired / {a = $2} /^nr_foll_pin_released / {r = $2}
	     END {print a - r}' /proc/vmstat
}
# hp_ended PID SECS: PID (a child of this shell) ended within SECS.
hp_ended() {
	_i=0
	while [ $_i -lt $(($2 * 10)) ]; do
		ended "$1" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# hp_unplug NAME ID BDF [now]: device_del; the device leaves the guest.
# pciehp waits 5 s after the attention button QEMU presses (time to
# cancel); with "now" the slot is powered off at once instead, the same
# removal sooner.
hp_unplug() {
	check "$1-del" ask_host device_del "$2"
	if [ "${4:-}" = now ]; then
		for _s in /sys/bus/pci/slots/*; do
			[ "$(cat "$_s/address")" = "${3%.*}" ] && echo 0 > "$_s/power"
		done
	fi
	if wait_for 30 sh -c "! test -e /sys/bus/pci/devices/$3"; then
		pass "$1-removed"
	else
		fail "$1-removed" "$3 still in sysfs 30 s after device_del"
		dmesg | tail -n 15 | sed 's/^/    /'
	fi
}
# hp_plug NAME ID BDF: device_add; the device comes back and binds to uio_dma.
hp_plug() {
	check "$1-add" ask_host device_add "$2"
	check "$1-back" wait_for 30 test -e "/sys/bus/pci/devices/$3/config"
	# The device is in sysfs a moment before drivers may take it.
	check "$1-binds-again" wait_for 10 bind uio_dma "$3"
}
# hp_holder_ok NAME PID OUT: hotplugtest ended in time and saw every error.
hp_holder_ok() {
	if hp_ended "$2" 30; then
		wait "$2"
		_rc=$?
		sed 's/^/    /' "$3"
		expect "$1" 0 "$_rc"
	else
		sed 's/^/    /' "$3"
		fail "$1" "still running 30 s after the unplug"
		kill -9 "$2"
	fi
}

# Hotplug is the root port driver's service: a root port a bind test
# took from pcieport (and left driverless) must have it back.
for d in "$nvme" "$nic1" "$nic2"; do
	port=$(basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$d")")")
	if [ ! -e "/sys/bus/pci/devices/$port/driver" ]; then
		echo "    root port $port of $d has no driver: binding pcieport"
		echo "$port" > /sys/bus/pci/drivers/pcieport/bind
	fi
done
echo 8 > /proc/sys/vm/nr_hugepages
free0=$(hp_free)
pins0=$(hp_pins)
load_uio_dma
bind uio_dma "$nvme"
bind uio_dma "$nic1"
bind uio_dma "$nic2"

# ---- the NVMe disk (held by hotplugtest) and nic0 (e1000e-loop sending)
rm -f /tmp/hp.flag
hotplugtest hold "$nvme" /tmp/hp.flag 60 > /tmp/hp-nvme.out 2>&1 &
holder=$!
e1000e-loop --count 1000000 --irq "$nic1" "$nic2" > /tmp/hp-loop.out 2>&1 &
loop=$!
wait_for 10 test -e /tmp/hp.flag
wait_for 10 grep -q ' -> RX ' /tmp/hp-loop.out
# One after the other (QEMU 7.2 under TCG once crashed removing both at
# once): the disk after pciehp's 5 s, the NIC at once.
hp_unplug hotplug-nvme0 nvme0 "$nvme"
hp_unplug hotplug-nic0 nic0 "$nic1" now
hp_holder_ok hotplug-nvme-holder-gets-errors "$holder" /tmp/hp-nvme.out
if hp_ended "$loop" 30; then
	wait "$loop"
	rc=$?
	sed 's/^/    /' /tmp/hp-loop.out
	echo "    e1000e-loop exited $rc"
	# SIGBUS (135) or an error exit: anything but success or a hang.
	if [ "$rc" != 0 ]; then
		pass hotplug-e1000e-loop-fails-not-hangs
	else
		fail hotplug-e1000e-loop-fails-not-hangs "it exited 0 with its TX NIC unplugged"
	fi
else
	fail hotplug-e1000e-loop-fails-not-hangs "still running 30 s after the unplug"
	kill -9 "$loop"
fi
check hotplug-hugepages-returned wait_for 5 sh -c "[ \$(awk '/^HugePages_Free:/ {print \$2}' /proc/meminfo) = $free0 ]"
expect hotplug-pins-returned "$pins0" "$(hp_pins)"
check hotplug-rmmod rmmod uio_dma
load_uio_dma
hp_plug hotplug-nvme0 nvme0 "$nvme"
hp_plug hotplug-nic0 nic0 "$nic1"
bind uio_dma "$nic2"
check hotplug-nvme-rw-after nvme-rw --seed 0x5a "$nvme"
check hotplug-e1000e-loop-after e1000e-loop --count 64 "$nic1" "$nic2"

# ---- nic0 once more, held by hotplugtest (MSI-X eventfd, pins)
rm -f /tmp/hp.flag
hotplugtest hold "$nic1" /tmp/hp.flag 60 > /tmp/hp-nic.out 2>&1 &
holder=$!
wait_for 10 test -e /tmp/hp.flag
hp_unplug hotplug-nic0-again nic0 "$nic1" now
hp_holder_ok hotplug-e1000e-holder-gets-errors "$holder" /tmp/hp-nic.out
check hotplug-hugepages-returned-nic wait_for 5 sh -c "[ \$(awk '/^HugePages_Free:/ {print \$2}' /proc/meminfo) = $free0 ]"
expect hotplug-pins-returned-nic "$pins0" "$(hp_pins)"
hp_plug hotplug-nic0-again nic0 "$nic1"
check hotplug-e1000e-loop-after-again e1000e-loop --count 64 "$nic1" "$nic2"

# ---- the NVMe disk's holder dies just as the slot powers off: its last
# close (which resets the device) races the removal.
slot=
for s in /sys/bus/pci/slots/*; do
	[ "$(cat "$s/address")" = "${nvme%.*}" ] && slot=$s
done
i=0 ok=0
while [ $i -lt 4 ]; do
	i=$((i + 1))
	d=$(( (i * 17) % 60 ))
	wait_for 10 bind uio_dma "$nvme"
	rm -f /tmp/hp.flag
	hotplugtest hold "$nvme" /tmp/hp.flag 60 > /tmp/hp-nvme.out 2>&1 &
	holder=$!
	wait_for 10 test -e /tmp/hp.flag
	ask_host device_del nvme0 > /dev/null
	(echo 0 > "$slot/power") &
	usleep $((d * 1000))
	kill -9 "$holder"
	if wait_for 30 sh -c "! test -e /sys/bus/pci/devices/$nvme" &&
	   hp_ended "$holder" 20 && ask_host device_add nvme0 > /dev/null &&
	   wait_for 30 test -e "/sys/bus/pci/devices/$nvme/config"; then
		echo "    holder killed $d ms into the unplug: removed, plugged again"
		ok=$((ok + 1))
	else
		echo "    holder killed $d ms into the unplug: stuck"
		break
	fi
	wait
done
expect "hotplug-unplug-kill-race-$i-rounds" 4 "$ok"
check hotplug-nvme-binds-after-races wait_for 10 bind uio_dma "$nvme"
check hotplug-nvme-rw-after-races nvme-rw --seed 0x5b "$nvme"

unbind "$nvme"
unbind "$nic1"
unbind "$nic2"
check hotplug-rmmod-at-end rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/hp.flag /tmp/hp-nvme.out /tmp/hp-loop.out /tmp/hp-nic.out
echo "    170-hotplug took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
