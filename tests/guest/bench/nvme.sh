# NVMe 4 KiB random reads on the same disk: ours (nvme-rw bench, the
# controller on uio_dma, completions by polling) against the kernel's nvme
# driver with O_DIRECT through fio (Debian's, in the initramfs when the
# host has it: make bench installs it), both io_uring and libaio, the
# better of the two each round.  Queue depth 1 and 32, two seconds each;
# the controller changes drivers round by round in A B B A order.  IOPS,
# p99 latency (submission to completion), and CPU time per I/O from the
# guest's busy time (/proc/stat), the same for both.
rel=$(uname -r)
rounds=${UD_BENCH_ROUNDS:-4}
secs=${UD_BENCH_SECONDS:-2}
nvme=$(pci_find $NVME)
if ! command -v fio > /dev/null; then
	echo "bench nvme: no fio in the guest (the host has none: apt-get install fio)"
	return 0 2>/dev/null || exit 0
fi
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
modprobe nvme
rm -f /tmp/nv-*

busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# cpu_per_io BUSY0 IOPS SECONDS: ns of busy time per I/O since BUSY0.
cpu_per_io() {
	awk -v b0="$1" -v b1="$(busy)" -v iops="$2" -v s="$3" \
		'BEGIN { if (iops > 0) printf "%.0f", (b1 - b0) * 1e7 / (iops * s) }'	# USER_HZ 100
}

# record SIDE QD ROUND IOPS P99_US CPU_NS
record() {
	echo "$4" >> "/tmp/nv-$1-$2-$3.iops"
	echo "$5" >> "/tmp/nv-$1-$2-$3.p99"
	echo "$6" >> "/tmp/nv-$1-$2-$3.cpu"
}

ours() {
	uiodma bind --force "$nvme" > /dev/null
	for qd in 1 32; do
		_b0=$(busy)
		nvme-rw bench --qd $qd --seconds "$secs" "$nvme" > /tmp/nv.out 2>&1 ||
			fail bench-nvme "nvme-rw bench failed: $(cat /tmp/nv.out)"
		_i=$(sed -n 's/^bench randread: .*: \([0-9]*\) IOPS.*/\1/p' /tmp/nv.out)
		record ours $qd "$1" "$_i" "$(sed -n 's/.* p99 \([0-9.]*\) us.*/\1/p' /tmp/nv.out)" \
			"$(cpu_per_io "$_b0" "$_i" "$secs")"
	done
	uiodma unbind --force --no-restore "$nvme" > /dev/null
	unbind "$nvme"
}

kernel() {
	bind nvme "$nvme"
	wait_for 15 blockdev_of "$nvme"
	_blk=/dev/$(blockdev_of "$nvme")
	wait_for 5 test -b "$_blk"
	for qd in 1 32; do
		_best=0 _p99=0 _cpu=0
		for eng in io_uring libaio; do
			_b0=$(busy)
			fio --name=r --filename="$_blk" --direct=1 --rw=randread --bs=4k \
				--iodepth=$qd --ioengine=$eng --runtime="$secs" --time_based \
				--clat_percentiles=0 --lat_percentiles=1 --output-format=json \
				> /tmp/nv.json 2>&1 || fail bench-nvme "fio $eng failed: $(tail -n 3 /tmp/nv.json)"
			_i=$(sed -n 's/.*"iops" : \([0-9]*\).*/\1/p' /tmp/nv.json | head -n 1)
			if [ "${_i:-0}" -gt "$_best" ]; then
				_best=$_i
				_p99=$(sed -n 's/.*"99.000000" : \([0-9]*\).*/\1/p' /tmp/nv.json | head -n 1)
				_cpu=$(cpu_per_io "$_b0" "$_i" "$secs")
			fi
		done
		record fio $qd "$1" "$_best" "$(awk -v n="$_p99" 'BEGIN { printf "%.1f", n / 1000 }')" \
			"$_cpu"
	done
	unbind "$nvme"
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

median() {
	cat "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# report NAME KIND UNIT QD
report() {
	_ratios=$(r=1; while [ $r -le "$rounds" ]; do
		echo "$(median /tmp/nv-ours-$4-$r.$2) $(median /tmp/nv-fio-$4-$r.$2)" |
			awk '{ if ($2 > 0) printf "%.4f\n", $1 / $2 }'
		r=$((r + 1))
	done | median)
	echo "BENCH $1-$rel ours=$(median /tmp/nv-ours-$4-*.$2)$3 fio=$(median /tmp/nv-fio-$4-*.$2)$3 ratio=$(printf %.2f "$_ratios") rounds=$rounds seconds=$secs"
}
report nvme-randread-iops-qd1 iops IOPS 1
report nvme-randread-iops-qd32 iops IOPS 32
report nvme-randread-p99-qd1 p99 us 1
report nvme-randread-p99-qd32 p99 us 32
report nvme-cpu-per-io-qd1 cpu ns 1
report nvme-cpu-per-io-qd32 cpu ns 32

rmmod nvme
rm -f /tmp/nv-* /tmp/nv.out /tmp/nv.json
echo 0 > /proc/sys/vm/nr_hugepages
