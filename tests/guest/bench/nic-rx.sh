# RX packets per second on one e1000e: our receiver (e1000e-gen rx, the
# NIC on uio_dma, polling) against the kernel's e1000e driver (the NIC up,
# no address: its driver counts every frame in rx_packets and the stack
# drops them), the same stream each time: the kernel's pktgen on the
# second NIC sends UDP frames of 60 and 1514 bytes (64 and 1518 with the
# FCS) to the first NIC's MAC at full speed (clone_skb 1000, burst 32:
# its fastest; a clone repeats pktgen's sequence number, so our receiver
# counts pktgen's frames, not the distinct ones).  Frames per second are
# the frames the receiver got over the time pktgen took to send them, so
# a receiver that drops frames scores lower.  The NIC changes drivers
# round by round in A B B A order.  CPU time per frame is the whole
# guest's busy time (/proc/stat) while pktgen sends, over the frames
# received: pktgen's share is the same for both.  pktgen's thread runs on
# CPU 0, the receiver on CPU 1: our process, and the kernel NIC's
# interrupts (so its NAPI polling).
rel=$(uname -r)
rounds=${UD_BENCH_ROUNDS:-4}
frames=${UD_BENCH_FRAMES:-200000}
port=9000
nic=$(pci_find $E1000E 1)
src=$(pci_find $E1000E 2)
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
modprobe e1000e
modprobe pktgen
bind e1000e "$src"
src_if=$(e1000e_netif "$src")
ip link set "$src_if" up
wait_for 10 grep -q 1 "/sys/class/net/$src_if/carrier"
rm -f /tmp/b-*
. /guest/benchlib.sh
. /guest/pktgen.sh

# send MAC SIZE: pktgen sends $frames frames of SIZE bytes to MAC; prints
# the microseconds it took (nothing if it failed).
send() {
	_pg=$PKTGEN
	_err=$(pktgen_prepare "$src_if" "count $frames" "pkt_size $2" \
		"dst 10.9.0.2" "dst_mac $1" "udp_dst_min $port" \
		"udp_dst_max $port" "udp_src_min $port" "udp_src_max $port" \
		"clone_skb 1000" "burst 32" "delay 0")
	if [ -n "$_err" ]; then
		fail bench-nic-rx "pktgen setup: $_err" >&2
		pktgen_release
		return
	fi
	# bounded: a start that does not end is stopped and reported
	if ! timeout 60 sh -c "echo start > $_pg/pgctrl"; then
		echo stop > $_pg/pgctrl
		fail bench-nic-rx "pktgen did not finish in 60 s: $(grep Result "$_pg/$src_if")" >&2
	fi
	sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' "$_pg/$src_if"
	pktgen_release
}

# record SIDE SIZE ROUND GOT USECS BUSY0 BUSY1: one sample of each; busy
# time in ticks of 10 ms (benchlib.sh's busy).
record() {
	[ -n "$5" ] || return	# pktgen failed (reported)
	sample "$1" "pps-$2" "$3" "$(awk -v n="$4" -v u="$5" 'BEGIN { if (u > 0) printf "%.0f", n * 1e6 / u }')"
	sample "$1" "cpu-$2" "$3" "$(awk -v n="$4" -v b0="$6" -v b1="$7" 'BEGIN { if (n > 0) printf "%.0f", (b1 - b0) * 1e7 / n }')"
	sample "$1" "got-$2" "$3" "$4"
}

# ours ROUND: e1000e-gen rx on the NIC bound to uio_dma, both sizes.
ours() {
	bind uio_dma "$nic"
	for size in 60 1514; do
		# --seconds: a stream that never comes ends the run too
		start_bg /tmp/rx.out taskset 2 e1000e-gen rx --port $port \
			--count "$frames" --idle-ms 2000 --seconds 120 "$nic"
		_pid=$bg_pid
		if ! wait_for 10 grep -q receiving /tmp/rx.out; then
			fail bench-nic-rx "e1000e-gen rx did not start: $(cat /tmp/rx.out)"
			kill $_pid
			wait $_pid
			continue
		fi
		_mac=$(sed -n 's/^e1000e-gen rx [^ ]* (\([0-9a-f:]*\)).*/\1/p' /tmp/rx.out)
		[ -n "$_mac" ] || fail bench-nic-rx "no MAC in e1000e-gen's output: $(cat /tmp/rx.out)"
		_b0=$(busy)
		_us=$(send "$_mac" $size)
		_b1=$(busy)
		# exits 1 when frames were lost: a figure, not a failure
		wait $_pid
		_got=$(sed -n "s/.*pktgen's \([0-9]*\);.*/\1/p" /tmp/rx.out)
		# its exit status says frames were lost: part of the figure
		grep -E '^received|of them' /tmp/rx.out | sed 's/^/    /'
		grep -q "corrupt 0," /tmp/rx.out ||
			fail bench-nic-rx "corrupt frames: $(cat /tmp/rx.out)"
		record ours $size "$1" "${_got:-0}" "$_us" "$_b0" "$_b1"
	done
	unbind "$nic"
}

# kernel ROUND: the NIC on the kernel's e1000e, counting in rx_packets.
kernel() {
	bind e1000e "$nic"
	_if=$(e1000e_netif "$nic")
	if [ -z "$_if" ]; then
		fail bench-nic-rx "the kernel's e1000e gave $nic no interface"
		unbind "$nic"
		return
	fi
	ip link set "$_if" up
	wait_for 10 grep -q 1 "/sys/class/net/$_if/carrier"
	for _irq in $(ls "/sys/bus/pci/devices/$nic/msi_irqs"); do
		echo 2 > "/proc/irq/$_irq/smp_affinity" 2>/dev/null
	done
	_mac=$(cat "/sys/class/net/$_if/address")
	for size in 60 1514; do
		_n0=$(cat "/sys/class/net/$_if/statistics/rx_packets")
		_b0=$(busy)
		_us=$(send "$_mac" $size)
		_b1=$(busy)
		_got=$(($(cat "/sys/class/net/$_if/statistics/rx_packets") - _n0))
		record kernel $size "$1" "$_got" "$_us" "$_b0" "$_b1"
	done
	ip link set "$_if" down
	unbind "$nic"
}

abba "$rounds" ours kernel
x="frames=$frames"
for size in 60 1514; do
	echo "    nic-rx $size bytes: frames received per round, ours $(cat /tmp/b-ours-got-$size-* | tr '\n' ' ')kernel $(cat /tmp/b-kernel-got-$size-* | tr '\n' ' ')of $frames"
done
bench_line "nic-rx-pps-64B-$rel" pps-60 pps kernel "$rounds" "$x"
bench_line "nic-rx-pps-1518B-$rel" pps-1514 pps kernel "$rounds" "$x"
bench_line "nic-rx-cpu-per-frame-64B-$rel" cpu-60 ns kernel "$rounds" "$x"
bench_line "nic-rx-cpu-per-frame-1518B-$rel" cpu-1514 ns kernel "$rounds" "$x"

unbind "$src"
rmmod pktgen
rm -f /tmp/b-* /tmp/rx.out
echo 0 > /proc/sys/vm/nr_hugepages
