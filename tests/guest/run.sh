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
# Native PCIe hotplug (ACPI hotplug off), and the guest may ask for
# device_del/device_add through host_watch below.
# UD_CASES=GLOB runs only the matching cases (e.g. UD_CASES='09*').
# UD_JOBS='iommu-dma iommu-pt' boots only those jobs (default: every job of
# MODE; the test jobs are test, iommu-dma, iommu-pt and vfio, the bench
# jobs bench and vabench).
# A run fails on any UDTEST FAIL line, a guest that does not finish in time,
# or a kernel WARN/BUG/Oops in the log.  Results go to $UD_RESULTS if set.
# A guest that died before its first case began is booted once more (and
# the run says so); one that got further is never rerun.  Every kernel
# runs even when an earlier one failed.
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

# Devices the guest may unplug and plug again (QEMU monitor device_add
# arguments; the same ones are used at boot).  Each sits alone behind its
# own hot-plug root port.  The NVMe disk's image is a -blockdev node, which
# outlives the device, so device_add finds it again.
DEV_nic0="e1000e,netdev=h0,romfile=,bus=rp_nic0,id=nic0"
DEV_nic1="e1000e,netdev=h1,romfile=,bus=rp_nic1,id=nic1"
DEV_nvme0="nvme,serial=udnvme0,drive=nvm,bus=rp_nvme,id=nvme0"

# The guest asks the host for a monitor command by printing on its console
#     UDHOST <seq> device_del|device_add <id>      (id: nic0, nic1, nvme0)
# host_watch runs it on QEMU's monitor (a pipe chardev) and answers on the
# guest's second serial port (ttyS1, also a pipe) with
#     UDACK <seq> ok | UDACK <seq> error <message>
# Nothing else is accepted.  A repeated <seq> (the guest asks again when an
# answer is slow) is answered again without running the command twice.
#
# mon_cmd DIR CMD: run CMD on the monitor; print its output; 1 if it failed.
mon_cmd() {
	_hd=$1 _cmd=$2
	_n0=$(grep -o '(qemu)' "$_hd/mon.log" 2>/dev/null | wc -l)
	_off=$(wc -c < "$_hd/mon.log")
	timeout 5 sh -c 'printf "%s\n" "$1" > "$2"' sh "$_cmd" "$_hd/mon.in" || return 1
	_t=0
	while [ $_t -lt 100 ]; do
		sleep 0.1
		_t=$((_t + 1))
		[ "$(grep -o '(qemu)' "$_hd/mon.log" | wc -l)" -gt "$_n0" ] && break
	done
	# The monitor echoes the command with cursor escapes; keep its answer.
	_out=$(tail -c +$((_off + 1)) "$_hd/mon.log" | tr -d '\r' |
		grep -v "$(printf '\033')" | sed 's/^(qemu) *//' |
		grep -v '^ *$' | tr '\n' ' ')
	echo "$_out"
	[ $_t -lt 100 ] && ! echo "$_out" | grep -qi 'error'
}

# host_do DIR SEQ VERB ID: one guest request; prints the answer's status.
host_do() {
	_hd=$1 _seq=$2 _verb=$3 _id=$4
	case $_id in
	nic0) _spec=$DEV_nic0 ;;
	nic1) _spec=$DEV_nic1 ;;
	nvme0) _spec=$DEV_nvme0 ;;
	*) echo "error unknown device id '$_id'"; return ;;
	esac
	case $_verb in
	device_del)
		if _o=$(mon_cmd "$_hd" "device_del $_id"); then echo ok
		else echo "error $_o"; fi ;;
	device_add)
		# The unplugged device may linger in QEMU a little after the
		# guest powered its slot off (its id taken, its disk still
		# attached): retry for up to 10 s.
		_i=0
		while ! _o=$(mon_cmd "$_hd" "device_add $_spec"); do
			_i=$((_i + 1))
			if [ $_i -ge 40 ]; then
				echo "error $_o"
				return
			fi
			sleep 0.25
		done
		echo ok ;;
	*) echo "error unknown request '$_verb'" ;;
	esac
}

# host_watch LOG DIR PID: serve the guest's requests until PID exits.
host_watch() {
	_log=$1 _hd=$2 _pid=$3
	cat "$_hd/mon.out" >> "$_hd/mon.log" 2>/dev/null &
	_c1=$!
	cat "$_hd/ack.out" > /dev/null 2>&1 &
	_c2=$!
	: > "$_hd/done"
	set -f	# the guest's words are never file names
	tail -s 0.2 --pid="$_pid" -n +1 -F "$_log" 2>/dev/null | while read -r _line; do
		case $_line in
		*"UDHOST "*) ;;
		*) continue ;;
		esac
		set -- $(printf '%s\n' "${_line#*UDHOST }" | tr -d '\r')
		[ $# -eq 3 ] || continue
		case $1 in *[!0-9]*) continue ;; esac
		_ans=$(sed -n "s/^$1 //p" "$_hd/done" | head -n 1)
		if [ -z "$_ans" ]; then
			_ans=$(host_do "$_hd" "$1" "$2" "$3" | tr -d '\n')
			echo "$1 $_ans" >> "$_hd/done"
			echo "host: guest asked '$2 $3' (#$1): $_ans" >> "$_hd/watch.log"
		fi
		timeout 5 sh -c 'printf "UDACK %s %s\n" "$1" "$2" > "$3"' sh \
			"$1" "$_ans" "$_hd/ack.in"
	done
	kill $_c1 $_c2 2>/dev/null
	wait $_c1 $_c2 2>/dev/null
}

# boot KDIR INITRD LOG JOB [QEMU-ARGS...]: run one guest; print its seconds.
boot() {
	kdir=$1 initrd=$2 log=$3 job=$4
	shift 4
	start=$(date +%s)
	hd=$log.host
	rm -rf "$hd"
	mkdir -p "$hd"
	mkfifo "$hd/mon.in" "$hd/mon.out" "$hd/ack.in" "$hd/ack.out"
	: > "$hd/mon.log"
	: > "$log"
	# ACPI PCI hotplug off: the root ports use native PCIe hotplug, which
	# removes the device on 6.1 too.  One TCG thread for both vCPUs
	# (except for benchmarks): QEMU 7.2's multi-threaded TCG crashed
	# (SIGSEGV in memory_region_dispatch_write, twice in ~30 boots) when
	# one vCPU changed the memory map (devices enabled, reset, unplugged)
	# while the other did MMIO, which the stress cases do all the time.
	accel=tcg,thread=single
	[ "$job" = bench ] && accel=tcg
	timeout "$timeout_s" qemu-system-x86_64 -accel "$accel" -machine q35 \
		-m 2048 -smp 2 -display none -serial stdio \
		-chardev pipe,id=udmon,path="$hd/mon" -mon chardev=udmon,mode=readline \
		-chardev pipe,id=udack,path="$hd/ack" -serial chardev:udack \
		-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
		-no-reboot -nic none "$@" \
		-kernel "$kdir/vmlinux" -initrd "$initrd" \
		-append "console=ttyS0 quiet log_buf_len=16M panic=-1 udmode=$job udcases=${UD_CASES:-*} $cmdline" \
		-device edu,dma_mask=0xffffffffffffffff \
		-device pcie-root-port,id=rp_nic0,chassis=3 \
		-netdev hubport,id=h0,hubid=0 -device "$DEV_nic0" \
		-device pcie-root-port,id=rp_nic1,chassis=4 \
		-netdev hubport,id=h1,hubid=0 -device "$DEV_nic1" \
		-device pcie-root-port,id=rp_nvme,chassis=5 \
		-blockdev driver=raw,node-name=nvm,file.driver=file,file.filename="$img" \
		-device "$DEV_nvme0" \
		-device pcie-root-port,id=rp1,chassis=1 \
		-device edu \
		</dev/null >"$log" 2>&1 &
	qpid=$!
	host_watch "$log" "$hd" "$qpid" >/dev/null 2>&1 &
	wpid=$!
	wait $qpid || true
	wait $wpid || true
	echo $(($(date +%s) - start))
}

# began LOG JOB: the guest got as far as its first case (or, for jobs
# without cases, to its start).
began() {
	case $2 in
	test) grep -q '^UDGUEST \(CASE\|DONE\)' "$1" ;;
	*) grep -q '^UDGUEST START' "$1" ;;
	esac
}

# judge REL JOB LOG SECS: turn the guest's log into result lines; 0 if all
# passed.  Under "quiet" a WARN reaches the log only through the dmesg dump
# at the end, so the kernel keeps a large log buffer (log_buf_len=16M): the
# stress cases' bind/unbind messages must not push an early WARN out.
judge() {
	rel=$1 job=$2 log=$3 secs=$4
	tr -d '\r' < "$log" > "$log.txt"
	# the figures: make bench's BENCH lines come from bench and vabench
	if [ "$job" = demo ] || [ "$job" = bench ] || [ "$job" = vabench ]; then
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
	case " ${UD_JOBS:-$job} " in *" $job "*) ;; *) return 0 ;; esac
	log=$build/guest/$rel/$job.log
	echo "guest $rel: booting ($job)..."
	secs=$(boot "$kdir" "$initrd" "$log" "$job" "$@")
	# An emulator boot flake (seen about once in thirteen boots) may kill a
	# guest before anything ran: boot once more then, never after a case
	# began.
	if ! began "$log" "$job"; then
		echo "guest $rel: died before its first case began (after ${secs}s); booting again ($job)"
		tr -d '\r' < "$log" | tail -n 20 | sed 's/^/    /'
		secs=$(boot "$kdir" "$initrd" "$log" "$job" "$@")
	fi
	judge "$rel" "$job" "$log" "$secs"
}

rm -f "$build/guest/.failed"
echo "$kernels" | while read -r rel kdir; do
	ko=$("$top/scripts/build-kmod.sh" "$build" "$rel")
	igb=$("$top/scripts/build-igb-uio.sh" "$build" "$rel")
	initrd=$build/guest/$rel/initramfs.cpio.gz
	mkdir -p "$build/guest/$rel"
	"$here/mkinitramfs.sh" "$build" "$rel" "$kdir" "$initrd" "$ko" "$igb"
	st=0
	run_job "$rel" "$kdir" "$initrd" "$mode" "" || st=1
	# VA mode against PA mode needs an IOMMU both can use: iommu=pt.
	[ "$mode" = bench ] && { run_job "$rel" "$kdir" "$initrd" vabench \
		"intel_iommu=on iommu=pt" -device intel-iommu,intremap=off || st=1; }
	if [ "$mode" = test ] && [ -z "${UD_CASES:-}" ]; then
		# An IOMMU that translates DMA must make uio_dma refuse to bind;
		# one in passthrough mode (iommu=pt) must not.
		run_job "$rel" "$kdir" "$initrd" iommu-dma "intel_iommu=on" \
			-device intel-iommu,intremap=off || st=1
		run_job "$rel" "$kdir" "$initrd" iommu-pt "intel_iommu=on iommu=pt" \
			-device intel-iommu,intremap=off || st=1
		# VA mode: devices on vfio-pci behind a translating IOMMU;
		# vfio_iommu_type1 needs interrupt remapping (intremap=on).
		# Two more edus behind a PCI bridge share its IOMMU group;
		# the bridge's fixed slot (0x10) leaves the other devices'
		# addresses as in the other jobs.
		run_job "$rel" "$kdir" "$initrd" vfio "intel_iommu=on" \
			-device intel-iommu,intremap=on \
			-device pci-bridge,id=gb,chassis_nr=9,addr=0x10 \
			-device edu,bus=gb,addr=1 -device edu,bus=gb,addr=2 || st=1
		# edu: 10,000 DMA round trips, 2,000 s of QEMU's virtual
		# clock, which jumps ahead whenever the one vCPU waits
		# (edu-icount.sh says why).
		run_job "$rel" "$kdir" "$initrd" edu-icount "" \
			-icount shift=0,sleep=off -smp 1 || st=1
	fi
	# Every kernel runs, so a failure on one says whether the other
	# shares it.
	[ $st = 0 ] || : > "$build/guest/.failed"
done || rc=1
[ -e "$build/guest/.failed" ] && rc=1
rm -f "$build/guest/.failed"
exit $rc
