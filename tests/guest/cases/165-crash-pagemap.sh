# Death with the default physical-address source (tests/guest/progs/
# crashpagemap.c).  A process whose DMA memory comes from ud_mem_open()
# with the default config (pagemap source: nothing pinned through the
# module by the source itself) drives the first e1000e on uio_dma, RX
# running into that memory, bus mastering on; it forks a holder that keeps
# only /dev/uioN (exec'd: no mapping, no control fd) and dies (SIGKILL or
# _exit) while the NIC still owns 63 RX descriptors.  The second e1000e,
# under the kernel's driver, then sends it frames.  Proves, in every one of
# 10 rounds: the NIC's hugepages are not free while the holder lives
# (HugePages_Free), a fresh process taking every free hugepage gets none of
# them and finds its pattern intact although the NIC took the frames (RDH
# moved: it DMAed meanwhile); once the holder is killed, bus mastering is
# off and hugepages and pins are back.  This is what case 160 proves for
# the kpin source, for the library's default (README, Safety), where a
# dead process's pages went back to the kernel's pool while the NIC still
# wrote into them.  The taker fills its pages with valid RX descriptors
# pointing into themselves, so a failure writes only into the taker, where
# it is counted, never elsewhere in the guest.
case_t0=$(cut -d. -f1 /proc/uptime)
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
nic2_drv=$(driver_of "$nic2")
had_e1000e=$(lsmod | grep -c '^e1000e ')
echo 16 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$nic1"
# QEMU 7.2's e1000e PM reset resets nothing (see 160-crash.sh): the bus
# reset at the last close must stop the NIC's RX.
echo "    $nic1 reset_method was: $(cat "/sys/bus/pci/devices/$nic1/reset_method")"
echo bus > "/sys/bus/pci/devices/$nic1/reset_method"
modprobe e1000e
[ "$nic2_drv" = e1000e ] || bind e1000e "$nic2"
ifc=$(e1000e_netif "$nic2")
if [ -z "$ifc" ]; then
	fail crashpm-peer-netif "the kernel's e1000e gave $nic2 no interface"
else
	# No address and no IPv6: the peer sends nothing but our frames.
	[ -e "/proc/sys/net/ipv6/conf/$ifc/disable_ipv6" ] &&
		echo 1 > "/proc/sys/net/ipv6/conf/$ifc/disable_ipv6"
	ip link set "$ifc" up
	if ! wait_for 10 grep -q 1 "/sys/class/net/$ifc/carrier"; then
		fail crashpm-peer-carrier "$ifc has no carrier"
	else
		rounds=10
		run_bounded 100 /tmp/crashpm.out crashpagemap "$nic1" "$ifc" $rounds
		rc=$?
		sed 's/^/    /' /tmp/crashpm.out
		pm_val() { sed -n "s/^crashpm: $1 //p" /tmp/crashpm.out; }
		n=$(pm_val rounds)
		expect crashpm-rounds $rounds "$n"
		expect "crashpm-victims-set-up-and-received-$n-rounds" 0 "$(pm_val victim_failed)"
		expect "crashpm-holder-keeps-only-uio-$n-rounds" 0 "$(pm_val holder_bad)"
		expect "crashpm-nic-pages-not-free-while-held-$n-rounds" 0 "$(pm_val freed_while_held)"
		expect "crashpm-taker-gets-no-nic-page-$n-rounds" 0 "$(pm_val taker_got_nic_page)"
		expect "crashpm-nic-took-frames-while-held-$n-rounds" 0 "$(pm_val nic_idle)"
		expect "crashpm-taker-canary-intact-$n-rounds" 0 "$(pm_val canary_hit)"
		expect "crashpm-busmaster-off-after-holder-$n-rounds" 0 "$(pm_val busmaster_on)"
		expect "crashpm-hugepages-returned-$n-rounds" 0 "$(pm_val hugepage_leak)"
		expect "crashpm-pins-returned-$n-rounds" 0 "$(pm_val pin_leak)"
		expect "crashpm-taker-ran-$n-rounds" 0 "$(pm_val taker_failed)"
		expect crashpm-test-completed 0 "$rc"
	fi
	ip link set "$ifc" down
fi
unbind "$nic1"
echo default > "/sys/bus/pci/devices/$nic1/reset_method"
[ "$nic2_drv" = e1000e ] || unbind "$nic2"
[ "$nic2_drv" = none ] || [ "$(driver_of "$nic2")" = "$nic2_drv" ] || bind "$nic2_drv" "$nic2"
[ "$had_e1000e" = 0 ] && rmmod e1000e
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/crashpm.out
echo "    165-crash-pagemap took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
