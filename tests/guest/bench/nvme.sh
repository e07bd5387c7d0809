# NVMe 4 KiB random reads on the same disk: ours (nvme-rw bench, the
# controller on uio_dma, completions by polling) against the kernel's nvme
# driver with O_DIRECT through fio (Debian's: make bench installs it, and
# UD_GUEST_FIO=1 puts it in the initramfs), both io_uring and libaio, the
# better of the two each round.  Queue depth 1 and 32, two seconds each;
# the controller changes drivers round by round in A B B A order.  IOPS,
# p99 latency (submission to completion), and CPU time per I/O from the
# guest's busy time (/proc/stat), the same for both.
rel=$(uname -r)
rounds=${UD_BENCH_ROUNDS:-4}
secs=${UD_BENCH_SECONDS:-2}
nvme=$(pci_find $NVME)
if ! command -v fio > /dev/null; then
	echo "bench nvme: no fio in the guest: UD_GUEST_FIO=1 make bench puts it in the initramfs"
	return 0 2>/dev/null || exit 0
fi
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
modprobe nvme
rm -f /tmp/b-*
. /guest/benchlib.sh

# record SIDE QD ROUND IOPS P99_US CPU_NS
record() {
	sample "$1" "iops-$2" "$3" "$4"
	sample "$1" "p99-$2" "$3" "$5"
	sample "$1" "cpu-$2" "$3" "$6"
}

ours() {
	uiodma bind --force "$nvme" > /dev/null
	for qd in 1 32; do
		_b0=$(busy)
		nvme-rw bench --qd $qd --seconds "$secs" "$nvme" > /tmp/nv.out 2>&1 ||
			fail bench-nvme "nvme-rw bench failed: $(cat /tmp/nv.out)"
		_i=$(sed -n 's/^bench randread: .*: \([0-9]*\) IOPS.*/\1/p' /tmp/nv.out)
		record ours $qd "$1" "$_i" "$(sed -n 's/.* p99 \([0-9.]*\) us.*/\1/p' /tmp/nv.out)" \
			"$(per_op_ns "$_b0" $((${_i:-0} * secs)))"
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
				_cpu=$(per_op_ns "$_b0" $((${_i:-0} * secs)))
			fi
		done
		record fio $qd "$1" "$_best" "$(awk -v n="$_p99" 'BEGIN { printf "%.1f", n / 1000 }')" \
			"$_cpu"
	done
	unbind "$nvme"
}

abba "$rounds" ours kernel
x="seconds=$secs"
for qd in 1 32; do
	bench_line "nvme-randread-iops-qd$qd-$rel" iops-$qd IOPS fio "$rounds" "$x"
	bench_line "nvme-randread-p99-qd$qd-$rel" p99-$qd us fio "$rounds" "$x"
	bench_line "nvme-cpu-per-io-qd$qd-$rel" cpu-$qd ns fio "$rounds" "$x"
done

rmmod nvme
rm -f /tmp/b-* /tmp/nv.out /tmp/nv.json
echo 0 > /proc/sys/vm/nr_hugepages
