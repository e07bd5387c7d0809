#!/bin/sh
# For the NIC apps' guest cases (cases/2*-e1000e-*.sh), sourced after
# lib.sh: the kernel as the peer of a userspace NIC driver.  The first
# e1000e goes to uio_dma for the app; the second, on the same QEMU hub, to
# the kernel's e1000e driver, up, with an address on the app's subnet.
#
#   nic_peer_up NAME     sets ours (BDF), peer (BDF), ifc (the kernel's
#                        interface), peer_mac; 1 (after a FAIL line) if the
#                        kernel's side did not come up
#   nic_peer_down        puts drivers, modules and hugepages back as found
OUR_IP=10.9.0.2
PEER_IP=10.9.0.1

nic_peer_up() {
	ours=$(pci_find $E1000E 1)
	peer=$(pci_find $E1000E 2)
	_ours_drv=$(driver_of "$ours")
	_peer_drv=$(driver_of "$peer")
	_had_e1000e=$(lsmod | grep -c '^e1000e ')
	_had_uio_dma=$(lsmod | grep -c '^uio_dma ')
	echo 64 > /proc/sys/vm/nr_hugepages
	load_uio_dma
	bind uio_dma "$ours"
	modprobe e1000e
	[ "$_peer_drv" = e1000e ] || bind e1000e "$peer"
	ifc=$(e1000e_netif "$peer")
	if [ -z "$ifc" ]; then
		fail "$1-peer-netif" "the kernel's e1000e gave $peer no interface"
		return 1
	fi
	ip link set "$ifc" up
	ip addr add $PEER_IP/24 dev "$ifc"
	peer_mac=$(cat "/sys/class/net/$ifc/address")
	if ! wait_for 10 grep -q 1 "/sys/class/net/$ifc/carrier"; then
		fail "$1-peer-carrier" "$ifc has no carrier"
		return 1
	fi
}

nic_peer_down() {
	if [ -n "$ifc" ]; then
		ip addr flush dev "$ifc"
		ip link set "$ifc" down
	fi
	unbind "$ours"
	[ "$_peer_drv" = e1000e ] || unbind "$peer"
	[ "$_had_e1000e" = 0 ] && rmmod e1000e
	[ "$_had_uio_dma" = 0 ] && rmmod uio_dma
	for _d in "$ours $_ours_drv" "$peer $_peer_drv"; do
		set -- $_d
		[ "$2" = none ] || [ "$(driver_of "$1")" = "$2" ] || bind "$2" "$1"
	done
	echo 0 > /proc/sys/vm/nr_hugepages
}

# busmaster BDF: bit 2 (Bus Master Enable) of the PCI command register.
busmaster() {
	echo $(( $(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$1/config") & 4 ))
}

# app_stop NAME PID SIGNAL OUT PATTERN: stop an app with SIGNAL; it must
# exit 0, with PATTERN (its statistics) in OUT, and bus mastering of $ours
# must be off.
app_stop() {
	kill -"$3" "$2"
	wait "$2"
	_rc=$?
	sed 's/^/    /' "$4"
	expect "$1-exit-0-on-$3" 0 "$_rc"
	check "$1-statistics" grep -q "$5" "$4"
	expect "$1-busmaster-off" 0 "$(busmaster "$ours")"
}

# snmp PROTO FIELD: a counter of /proc/net/snmp, e.g. snmp Udp InCsumErrors.
snmp() {
	awk -v p="$1:" -v f="$2" '$1 == p { if (!n) { for (i = 2; i <= NF; i++)
		if ($i == f) c = i; n = 1 } else print $c }' /proc/net/snmp
}
