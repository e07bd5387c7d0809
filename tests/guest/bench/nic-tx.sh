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
rm -f /tmp/tx-*

# busy: the guest's busy time so far, in clock ticks (all CPUs).
busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# record SIDE SIZE ROUND PPS FRAMES BUSY0: one sample, pps and ns per frame.
record() {
	_ns=$(awk -v b0="$6" -v b1="$(busy)" -v n="$5" \
		'BEGIN { printf "%.0f", (b1 - b0) * 1e9 / 100 / n }')	# USER_HZ 100
	echo "$4" >> "/tmp/tx-$1-$2-$3.pps"
	echo "$_ns" >> "/tmp/tx-$1-$2-$3.cpu"
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
			"$frames" "$_b0"
	done
	unbind "$nic"
}

# kernel ROUND: pktgen on the NIC bound to the kernel's e1000e, both sizes.
kernel() {
	bind e1000e "$nic"
	_if=$(e1000e_netif "$nic")
	ip link set "$_if" up
	wait_for 10 grep -q 1 "/sys/class/net/$_if/carrier"
	_pg=/proc/net/pktgen
	echo rem_device_all > $_pg/kpktgend_0
	echo "add_device $_if" > $_pg/kpktgend_0
	for size in 60 1514; do
		for _c in "count $frames" "pkt_size $size" "dst 10.9.0.1" "dst_mac $sink_mac" \
			  "clone_skb 1000" "burst 32" "delay 0"; do
			echo "$_c" > "$_pg/$_if"
		done
		_b0=$(busy)
		echo start > $_pg/pgctrl
		record pktgen $size "$1" "$(sed -n 's/^ *\([0-9]*\)pps.*/\1/p' "$_pg/$_if")" \
			"$frames" "$_b0"
	done
	echo rem_device_all > $_pg/kpktgend_0
	ip link set "$_if" down
	unbind "$nic"
}

r=1
while [ $r -le "$rounds" ]; do
	if [ $((r % 2)) = 1 ]; then
		ours $r
		kernel $r
	else
		kernel $r
		ours $r
	fi
	r=$((r + 1))
done

# median FILES...: the median of the numbers in FILES.
median() {
	cat "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# report NAME KIND UNIT SIZE: a BENCH line, ours against pktgen.
report() {
	_ratios=$(r=1; while [ $r -le "$rounds" ]; do
		echo "$(median /tmp/tx-ours-$4-$r.$2) $(median /tmp/tx-pktgen-$4-$r.$2)" |
			awk '{ if ($2 > 0) printf "%.4f\n", $1 / $2 }'
		r=$((r + 1))
	done | median)
	echo "BENCH $1-$rel ours=$(median /tmp/tx-ours-$4-*.$2)$3 pktgen=$(median /tmp/tx-pktgen-$4-*.$2)$3 ratio=$(printf %.2f "$_ratios") rounds=$rounds frames=$frames"
}
report nic-tx-pps-64B pps pps 60
report nic-tx-pps-1518B pps pps 1514
report nic-tx-cpu-per-frame-64B cpu ns 60
report nic-tx-cpu-per-frame-1518B cpu ns 1514

unbind "$sink"
rmmod pktgen
rm -f /tmp/tx-* /tmp/tx.out
echo 0 > /proc/sys/vm/nr_hugepages
