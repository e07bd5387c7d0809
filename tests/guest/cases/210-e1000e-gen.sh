# A packet generator and receiver (apps/e1000e-gen) with the kernel as the
# other end (nicpeer.sh: our e1000e on uio_dma, the kernel's on the same
# hub).  Ours to the kernel: UDP frames of 60, 600 and 1514 bytes at 2000
# per second show up in the kernel NIC's rx_packets, and a UDP socket
# (progs/udpcheck sink) receives every datagram once with its payload
# intact; then a run at full speed.  The kernel's pktgen to ours: counted
# by our receiver with nothing lost, by polling and by MSI-X.  SIGTERM in
# the middle of a full-speed run: exit 0 with the statistics, bus
# mastering off.
. /guest/nicpeer.sh
. /guest/pktgen.sh
PORT=9000

# gen_to_kernel NAME SIZE COUNT RATE: e1000e-gen sends COUNT frames of SIZE
# bytes at RATE per second to the kernel's socket on PORT.
gen_to_kernel() {
	_rx0=$(cat "/sys/class/net/$ifc/statistics/rx_packets")
	start_bg /tmp/sink.out udpcheck sink $PORT "$3" 5000
	_spid=$bg_pid
	wait_for 5 grep -q listening /tmp/sink.out
	e1000e-gen tx --dst-mac "$peer_mac" --dst-ip $PEER_IP --src-ip $OUR_IP \
		--port $PORT --size "$2" --count "$3" --rate "$4" "$ours" > /tmp/gen.out 2>&1
	_rc=$?
	wait $_spid
	_src=$?
	_got=$(($(cat "/sys/class/net/$ifc/statistics/rx_packets") - _rx0))
	sed 's/^/    /' /tmp/gen.out /tmp/sink.out
	expect "$1-sent" 0 "$_rc"
	expect "$1-socket-got-all-intact" 0 "$_src"
	if [ "$_got" -ge "$3" ]; then
		pass "$1-kernel-rx-packets"
	else
		fail "$1-kernel-rx-packets" "$ifc's rx_packets grew by $_got, not $3"
	fi
}

# pktgen_to_us NAME SIZE COUNT RATE [RX-ARGS...]: the kernel's pktgen sends
# COUNT frames of SIZE bytes at RATE per second to e1000e-gen rx.
pktgen_to_us() {
	_n=$1 _size=$2 _count=$3 _rate=$4
	shift 4
	# --seconds 30: the idle timer starts at the first frame, so a pktgen
	# that sends nothing our way must not leave the receiver waiting.
	start_bg /tmp/gen.out e1000e-gen rx --port $PORT --count "$_count" \
		--idle-ms 5000 --seconds 30 "$@" "$ours"
	_gpid=$bg_pid
	wait_for 30 grep -q receiving /tmp/gen.out
	_mac=$(sed -n 's/^e1000e-gen rx [^ ]* (\([0-9a-f:]*\)).*/\1/p' /tmp/gen.out)
	_err=
	[ -n "$_mac" ] || _err="no MAC in the receiver's output: $(head -c 300 /tmp/gen.out)"
	[ -n "$_err" ] || _err=$(pktgen_prepare "$ifc" "count $_count" \
		"pkt_size $_size" "dst $OUR_IP" "dst_mac $_mac" \
		"udp_dst_min $PORT" "udp_dst_max $PORT" "udp_src_min $PORT" \
		"udp_src_max $PORT" "ratep $_rate" "clone_skb 0" "flag UDPCSUM")
	if [ -z "$_err" ]; then
		echo start > $PKTGEN/pgctrl
		grep -A 1 'Result' "$PKTGEN/$ifc" | sed 's/^/    pktgen: /'
	else
		kill $_gpid
	fi
	wait $_gpid
	_rc=$?
	pktgen_release
	sed 's/^/    /' /tmp/gen.out
	if [ -n "$_err" ]; then
		fail "$_n-pktgen-setup" "$_err"
		return
	fi
	expect "$_n-nothing-lost" 0 "$_rc"
	check "$_n-counted-all" grep -q "^received $_count frames" /tmp/gen.out
	check "$_n-from-pktgen" grep -q "pktgen's $_count;" /tmp/gen.out
}

if nic_peer_up gen; then
	gen_to_kernel gen-to-kernel-60 60 2000 2000
	gen_to_kernel gen-to-kernel-600 600 2000 2000
	gen_to_kernel gen-to-kernel-1514 1514 2000 2000
	check gen-to-kernel-full-speed e1000e-gen tx --dst-mac "$peer_mac" \
		--dst-ip $PEER_IP --src-ip $OUR_IP --count 20000 "$ours"

	modprobe pktgen
	pktgen_to_us pktgen-to-us-60 60 2000 2000
	pktgen_to_us pktgen-to-us-1514 1514 2000 2000
	pktgen_to_us pktgen-to-us-irq 60 2000 2000 --irq
	echo reset > $PKTGEN/pgctrl
	rmmod pktgen

	e1000e-gen tx --dst-mac "$peer_mac" --dst-ip $PEER_IP --src-ip $OUR_IP \
		--count 0 "$ours" > /tmp/gen.out 2>&1 &
	gpid=$!
	sleep 2
	app_stop gen-tx $gpid TERM /tmp/gen.out '^sent [1-9][0-9]* frames'
fi
nic_peer_down
rm -f /tmp/gen.out /tmp/sink.out
