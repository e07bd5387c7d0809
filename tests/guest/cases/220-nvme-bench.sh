# nvme-rw's benchmark mode (apps/nvme-rw/bench.c) on the NVMe disk.  The
# kernel's nvme driver first writes a known pattern over the whole disk;
# bound to uio_dma, the app reads 4 KiB blocks at random and verifies each
# (QD 32 and QD 1 by polling, two queue pairs by MSI-X), then writes a
# second pattern over a scratch range in random order and reads it back.
# A range that is not whole 4 KiB blocks, or ends past the namespace, is
# refused with a message that says so; SIGTERM in the middle of a run exits
# 0 with the statistics and bus mastering off.  Given back to the kernel's
# driver, the disk holds the second pattern exactly in the scratch range
# and the first everywhere else.  Leaves the disk with the driver it had.
nvme=$(pci_find $NVME) || { fail nvme-bench-present "no nvme"; return; }
drv0=$(driver_of "$nvme")
had_nvme=$(lsmod | grep -c '^nvme ')
had_uio_dma=$(lsmod | grep -c '^uio_dma ')
SEED1=0x1b0e0c01
SEED2=0x2b0e0c02
WLBA=16384		# the scratch range: 1 MiB of 512-byte LBAs
WLBAS=2048
echo 64 > /proc/sys/vm/nr_hugepages

# kernel_disk: bind the kernel's driver; print the disk's name once it is there.
kernel_disk() {
	modprobe nvme
	[ "$(driver_of "$nvme")" = nvme ] || bind nvme "$nvme"
	wait_for 15 blockdev_of "$nvme" && wait_for 5 test -b "/dev/$(blockdev_of "$nvme")" &&
		blockdev_of "$nvme"
}

# bench_ok NAME ARGS...: nvme-rw bench ARGS runs and verifies.
bench_ok() {
	_n=$1
	shift
	check "$_n" nvme-rw bench "$@" "$nvme"
}

blk=$(kernel_disk)
if [ -z "$blk" ]; then
	fail nvme-bench-kernel-disk "no block device for $nvme"
else
	size=$(cat "/sys/class/block/$blk/size")	# 512-byte sectors
	nvme_harness pattern $SEED1 0 "$size" | dd of="/dev/$blk" bs=1M conv=fsync 2>/dev/null
	load_uio_dma
	check nvme-bench-bind uiodma bind --force "$nvme"

	bench_ok nvme-bench-randread-qd32-verify --qd 32 --ios 5000 --verify --seed $SEED1
	bench_ok nvme-bench-randread-qd1 --qd 1 --ios 1000
	bench_ok nvme-bench-randread-2-queues-irq --queues 2 --qd 16 --ios 4000 --irq \
		--verify --seed $SEED1
	nvme-rw bench --write --seed $SEED2 --lba $WLBA --lbas $WLBAS "$nvme" > /tmp/bench.out 2>&1
	expect nvme-bench-randwrite 0 $?
	sed 's/^/    /' /tmp/bench.out
	check nvme-bench-randwrite-covers-range \
		grep -q "^disk: sector $WLBA count $WLBAS seed $SEED2" /tmp/bench.out
	bench_ok nvme-bench-reads-back-writes --lba $WLBA --lbas $WLBAS --ios 2000 \
		--verify --seed $SEED2
	expect_fail nvme-bench-refuses-misaligned 1 "not whole 4 KiB blocks" \
		nvme-rw bench --lba 3 --lbas 8 "$nvme"
	expect_fail nvme-bench-refuses-past-end 1 "ends past namespace 1" \
		nvme-rw bench --lba $((size - 8)) --lbas 16 "$nvme"

	start_bg /tmp/bench.out nvme-rw bench --seconds 60 "$nvme"
	pid=$bg_pid
	wait_for 20 grep -q '^namespace' /tmp/bench.out
	sleep 1
	kill -TERM $pid
	wait $pid
	expect nvme-bench-exit-0-on-TERM 0 $?
	sed 's/^/    /' /tmp/bench.out
	check nvme-bench-statistics-on-TERM grep -q '^bench randread: [1-9]' /tmp/bench.out
	expect nvme-bench-busmaster-off 0 \
		"$(( $(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$nvme/config") & 4 ))"

	# ---- the kernel's driver: exactly the scratch range changed
	uiodma unbind "$nvme" > /dev/null
	blk=$(kernel_disk)
	{
		nvme_harness pattern $SEED1 0 $WLBA
		nvme_harness pattern $SEED2 $WLBA $WLBAS
		nvme_harness pattern $SEED1 $((WLBA + WLBAS)) $((size - WLBA - WLBAS))
	} > /tmp/want
	dd if="/dev/$blk" of=/tmp/got bs=1M 2>/dev/null
	if diff=$(cmp /tmp/want /tmp/got 2>&1); then
		pass nvme-bench-kernel-sees-exactly-the-writes
	else
		fail nvme-bench-kernel-sees-exactly-the-writes "$diff (sector $(( ($(echo "$diff" |
			sed -nE 's/.*(byte|char) ([0-9]+).*/\2/p') - 1) / 512 )))"
	fi
fi

# ---- leave things as found
uiodma unbind --force --no-restore "$nvme" > /dev/null 2>&1
unbind "$nvme"
[ "$had_nvme" = 0 ] && rmmod nvme
[ "$had_uio_dma" = 0 ] && lsmod | grep -q '^uio_dma ' && rmmod uio_dma
[ "$drv0" = none ] || bind "$drv0" "$nvme"
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/want /tmp/got /tmp/bench.out
