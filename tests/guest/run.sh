#!/bin/sh
# Host side of the guest tests: for each of Debian's 6.1 and 6.12 kernels,
# build uio_dma.ko, pack an initramfs, boot it in QEMU (TCG) with the test
# devices, and judge the guest's output.
#
# usage: tests/guest/run.sh BUILD MODE     (MODE: test, demo or bench)
#
# Devices: QEMU's edu (twice: full and default 28-bit DMA mask), two e1000e
# NICs on one hub, an NVMe disk on a small raw image, and an empty PCIe root
# port (a bridge uio_dma must refuse).  The NICs and the NVMe disk each sit
# alone behind a hot-plug PCIe root port, so the kernel can reset them
# (secondary bus reset) and QEMU can unplug them.  Both edus sit on the root
# complex, where nothing can reset them (QEMU's edu has no reset handler: a
# bus reset would not stop its DMA timer anyway).
# UD_CASES=GLOB runs only the matching cases (e.g. UD_CASES='09*').
# A run fails on any UDTEST FAIL line, a guest that does not finish in time,
# or a kernel WARN/BUG/Oops in the log.  Results go to $UD_RESULTS if set.
set -eu
mode=$2
mkdir -p "$1"
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
timeout_s=${UD_GUEST_TIMEOUT:-600}
rc=0

kernels=$("$top/scripts/guest-kernels.sh" "$build/kernels")
# The demo needs one guest: the newest kernel.
[ "$mode" = demo ] && kernels=$(echo "$kernels" | tail -n 1)
img=$build/guest/nvme.img
mkdir -p "$build/guest"
[ -f "$img" ] || truncate -s 16M "$img"

# boot KDIR INITRD LOG JOB [QEMU-ARGS...]: run one guest; print its seconds.
boot() {
	kdir=$1 initrd=$2 log=$3 job=$4
	shift 4
	start=$(date +%s)
	timeout "$timeout_s" qemu-system-x86_64 -accel tcg -machine q35 \
		-m 2048 -smp 2 -display none -monitor none -serial stdio \
		-no-reboot -nic none "$@" \
		-kernel "$kdir/vmlinux" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 udmode=$job udcases=${UD_CASES:-*} $cmdline" \
		-device edu,dma_mask=0xffffffffffffffff \
		-device pcie-root-port,id=rp_nic0,chassis=3 \
		-netdev hubport,id=h0,hubid=0 \
		-device e1000e,netdev=h0,romfile=,bus=rp_nic0,id=nic0 \
		-device pcie-root-port,id=rp_nic1,chassis=4 \
		-netdev hubport,id=h1,hubid=0 \
		-device e1000e,netdev=h1,romfile=,bus=rp_nic1,id=nic1 \
		-device pcie-root-port,id=rp_nvme,chassis=5 \
		-drive file="$img",if=none,id=nvm,format=raw \
		-device nvme,serial=udnvme0,drive=nvm,bus=rp_nvme,id=nvme0 \
		-device pcie-root-port,id=rp1,chassis=1 \
		-device edu \
		</dev/null >"$log" 2>&1 || true
	echo $(($(date +%s) - start))
}

# judge REL JOB LOG SECS: turn the guest's log into result lines; 0 if all passed.
judge() {
	rel=$1 job=$2 log=$3 secs=$4
	tr -d '\r' < "$log" > "$log.txt"
	if [ "$job" = demo ] || [ "$job" = bench ]; then
		sed -n '/^UDGUEST START/,/^UDGUEST DMESG-BEGIN/p' "$log.txt" |
			grep -v '^UDGUEST'
	fi
	tag=guest-$rel
	[ "$job" = test ] || tag=$tag-$job
	sed -n 's/^UDTEST \(PASS\|FAIL\|SKIP\) /\1 /p' "$log.txt" |
		sed "s/^\([A-Z]*\) /\1 $tag:/" > "$log.results"
	if ! grep -q '^UDGUEST DONE' "$log.txt"; then
		echo "FAIL $tag:finished: no UDGUEST DONE after ${secs}s (timeout or crash)" >> "$log.results"
	fi
	if grep -nE 'WARNING:|BUG:|Oops|Call Trace:|general protection|Kernel panic' "$log.txt"; then
		echo "FAIL $tag:dmesg-clean: kernel WARN/BUG/Oops in the log" >> "$log.results"
	else
		echo "PASS $tag:dmesg-clean" >> "$log.results"
	fi
	cat "$log.results" >> "${UD_RESULTS:-/dev/null}"
	npass=$(grep -c '^PASS' "$log.results" || true)
	nfail=$(grep -c '^FAIL' "$log.results" || true)
	nskip=$(grep -c '^SKIP' "$log.results" || true)
	grep '^FAIL\|^SKIP' "$log.results" || true
	echo "guest $rel ($job): $npass passed, $nfail failed, $nskip skipped in ${secs}s (log: $log.txt)"
	if [ "$nfail" -ne 0 ]; then
		echo "---- guest log ($rel, $job) ----"
		cat "$log.txt"
		echo "---- end of guest log ----"
		return 1
	fi
}

# run_job REL KDIR INITRD JOB KERNEL-ARGS [QEMU-ARGS...]
run_job() {
	rel=$1 kdir=$2 initrd=$3 job=$4 cmdline=$5
	shift 5
	log=$build/guest/$rel/$job.log
	echo "guest $rel: booting ($job)..."
	secs=$(boot "$kdir" "$initrd" "$log" "$job" "$@")
	judge "$rel" "$job" "$log" "$secs"
}

echo "$kernels" | while read -r rel kdir; do
	ko=$("$top/scripts/build-kmod.sh" "$build" "$rel")
	igb=$("$top/scripts/build-igb-uio.sh" "$build" "$rel")
	initrd=$build/guest/$rel/initramfs.cpio.gz
	mkdir -p "$build/guest/$rel"
	"$here/mkinitramfs.sh" "$build" "$rel" "$kdir" "$initrd" "$ko" "$igb"
	st=0
	run_job "$rel" "$kdir" "$initrd" "$mode" "" || st=1
	if [ "$mode" = test ] && [ -z "${UD_CASES:-}" ]; then
		# An IOMMU that translates DMA must make uio_dma refuse to bind;
		# one in passthrough mode (iommu=pt) must not.
		run_job "$rel" "$kdir" "$initrd" iommu-dma "intel_iommu=on" \
			-device intel-iommu,intremap=off || st=1
		run_job "$rel" "$kdir" "$initrd" iommu-pt "intel_iommu=on iommu=pt" \
			-device intel-iommu,intremap=off || st=1
	fi
	[ $st = 0 ] || exit 1
done || rc=1
exit $rc
