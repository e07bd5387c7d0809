# TX packets per second on one e1000e: our generator (e1000e-gen tx, the
# NIC on uio_dma) against the kernel's pktgen (the NIC on the kernel's
# e1000e driver, clone_skb and burst: its fastest configuration), 60- and
# 1514-byte frames (64 and 1518 with the FCS) to the second NIC, which the
# kernel's driver keeps up.  The NIC changes drivers round by round in
# A B B A order; each line gives the median of each side and the median of
# the per-round ratios.  CPU time per frame is the whole guest's busy time
# (/proc/stat) over the run divided by the frames, the same for both.
rel=$(uname -r)
rounds=${UD_BENCH_ROUNDS:-4}
frames=${UD_BENCH_FRAMES:-500000}
nic=$(pci_find $E1000E 1)
sink=$(pci_find $E1000E 2)
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
modprobe e1000e
modprobe pktgen
bind e1000e "$sink"
sink_if=$(e1000e_netif "$sink")
ip link set "$sink_if" up
sink_mac=$(cat "/sys/class/net/$sink_if/address")
rm -f /tmp/b-*
. /guest/benchlib.sh
. /guest/pktgen.sh

# record SIDE SIZE ROUND PPS BUSY0: one sample, pps and ns per frame.
record() {
	sample "$1" "pps-$2" "$3" "$4"
	sample "$1" "cpu-$2" "$3" "$(per_op_ns "$5" "$frames")"
}

# ours ROUND: e1000e-gen on the NIC bound to uio_dma, both sizes.
ours() {
	bind uio_dma "$nic"
	for size in 60 1514; do
		_b0=$(busy)
		e1000e-gen tx --dst-mac "$sink_mac" --dst-ip 10.9.0.1 --src-ip 10.9.0.2 \
			--size $size --count "$frames" "$nic" > /tmp/tx.out 2>&1 ||
			fail bench-nic-tx "e1000e-gen failed: $(cat /tmp/tx.out)"
		record ours $size "$1" "$(sed -n 's/^sent .* s: \([0-9]*\) pps.*/\1/p' /tmp/tx.out)" \
			"$_b0"
	done
	unbind "$nic"
}

# kernel ROUND: pktgen on the NIC bound to the kernel's e1000e, both sizes.
# Set up through pktgen.sh, which waits for rem_device_all to be done
# before add_device (the race nic-rx.sh and case 210 met: every setting
# after a failed add_device fails too, and pktgen sends nothing); a failed
# setup, a send that does not end or no pps figure is a FAIL and records
# no sample.
kernel() {
	bind e1000e "$nic"
	_if=$(e1000e_netif "$nic")
	ip link set "$_if" up
	wait_for 10 grep -q 1 "/sys/class/net/$_if/carrier"
	for size in 60 1514; do
		_err=$(pktgen_prepare "$_if" "count $frames" "pkt_size $size" \
			"dst 10.9.0.1" "dst_mac $sink_mac" "clone_skb 1000" \
			"burst 32" "delay 0")
		if [ -n "$_err" ]; then
			fail bench-nic-tx "pktgen setup: $_err"
			continue
		fi
		_b0=$(busy)
		if ! timeout 120 sh -c "echo start > $PKTGEN/pgctrl"; then
			echo stop > $PKTGEN/pgctrl
			fail bench-nic-tx "pktgen did not finish in 120 s: $(grep Result "$PKTGEN/$_if")"
			continue
		fi
		_pps=$(sed -n 's/^ *\([0-9]*\)pps.*/\1/p' "$PKTGEN/$_if")
		if [ -z "$_pps" ]; then
			fail bench-nic-tx "no pps from pktgen: $(grep Result "$PKTGEN/$_if")"
			continue
		fi
		record pktgen $size "$1" "$_pps" "$_b0"
	done
	pktgen_release
	ip link set "$_if" down
	unbind "$nic"
}

abba "$rounds" ours kernel
x="frames=$frames"
bench_line "nic-tx-pps-64B-$rel" pps-60 pps pktgen "$rounds" "$x"
bench_line "nic-tx-pps-1518B-$rel" pps-1514 pps pktgen "$rounds" "$x"
bench_line "nic-tx-cpu-per-frame-64B-$rel" cpu-60 ns pktgen "$rounds" "$x"
bench_line "nic-tx-cpu-per-frame-1518B-$rel" cpu-1514 ns pktgen "$rounds" "$x"

unbind "$sink"
rmmod pktgen
rm -f /tmp/b-* /tmp/tx.out
echo 0 > /proc/sys/vm/nr_hugepages
