# The module's safety guarantees (issue 9, items 1-7; the ABI header states
# them): one holder of /dev/uioN; bus mastering off at every open, the
# holder's to turn on, with a reset before it where the kernel can (e1000e
# behind its root port; not the edus on the root complex); pins outlive nothing
# that can DMA; no stale DMA into a new holder's memory; PIN/UNPIN races and
# user copies that stall take no lock and leak nothing; every BAR mapping is
# revoked at unbind and removal; eventfds belong to their control file;
# MAP_PRIVATE, maps past a BAR's end, unmasking without a holder refused;
# pins charged to RLIMIT_MEMLOCK.  See tests/guest/progs/safetytest.c.
# Leaves uio_dma loaded with the intr_mode it found, the devices unbound
# and no hugepages.
edu=$(pci_find $EDU 1) || { fail safety-edu-present "no edu"; return; }
edu28=$(pci_find $EDU 2) || { fail safety-edu28-present "no second edu"; return; }
nic=$(pci_find $E1000E 1) || { fail safety-e1000e-present "no e1000e"; return; }
saved_mode=$(cat /sys/module/uio_dma/parameters/intr_mode 2>/dev/null || echo auto)
load_uio_dma
for d in "$edu" "$edu28" "$nic"; do
	bind uio_dma "$d" || fail safety-bind "cannot bind $d"
done
# QEMU 7.2's e1000e offers a PM reset (D3hot->D0 without No_Soft_Reset)
# that resets nothing in the emulated device, and the kernel tries it
# before the secondary bus reset; on hardware it resets the function.
# Have the kernel use the bus reset, which QEMU does carry out.
echo bus > "/sys/bus/pci/devices/$nic/reset_method"
# The pin and DMA tests use 2 MiB hugepages.
echo 3 > /proc/sys/vm/drop_caches
echo 1 > /proc/sys/vm/compact_memory 2>/dev/null
echo 16 > /proc/sys/vm/nr_hugepages
echo "    edu $edu, edu28 $edu28, e1000e $nic; $(grep HugePages_Free /proc/meminfo)"

# kwarn T: kernel WARN/BUG lines logged since uptime T (seconds).
kwarn() {
	dmesg | awk -v t="$1" '/WARNING:|BUG:|Oops|general protection|Call Trace:/ {
		if (substr($0, 2, index($0, "]") - 2) + 0 >= t) print }'
}
# st NAME ARGS...: one safetytest (exit 77: cannot run here); a kernel
# warning meanwhile fails it too.
st() {
	_n=$1
	shift
	_t0=$(cut -d' ' -f1 /proc/uptime)
	_out=$(safetytest "$@" 2>&1)
	_rc=$?
	[ -n "$_out" ] && echo "$_out" | sed 's/^/    /'
	case $_rc in
	0) pass "$_n" ;;
	77) skip "$_n" "$(echo "$_out" | sed -n 's/^ *SKIP: //p' | tail -n 1)" ;;
	*) fail "$_n" "'safetytest $*' exited $_rc" ;;
	esac
	echo "    ($_n: $(awk -v t="$_t0" '{printf "%.1f", $1 - t}' /proc/uptime) s)"
	if [ -n "$(kwarn "$_t0")" ]; then
		fail "$_n-dmesg-clean" "kernel WARN/BUG during 'safetytest $*'"
		dmesg | awk -v t="$_t0" 'substr($0, 2, index($0, "]") - 2) + 0 >= t' |
			grep -E -A12 'WARNING:|BUG:|Oops|general protection' |
			head -n 40 | sed 's/^/    /'
	fi
}

st safety-busmaster-edu busmaster "$edu"
st safety-busmaster-e1000e busmaster "$nic"
st safety-one-holder-edu one-holder "$edu"
st safety-one-holder-e1000e one-holder "$nic"
st safety-map-rules-edu map-rules "$edu"
st safety-map-rules-e1000e map-rules "$nic"
st safety-memlock memlock "$edu"
st safety-reset-e1000e nic-reset "$nic"
# The PM reset QEMU's e1000e ignores: bus mastering off at open still
# keeps the dead holder's RX ring from DMA until the new holder resets it.
echo pm > "/sys/bus/pci/devices/$nic/reset_method"
st safety-noop-reset-e1000e-busmaster-off nic-reset "$nic" 1
echo bus > "/sys/bus/pci/devices/$nic/reset_method"
st safety-stale-dma-edu stale-dma "$edu" 64
st safety-pin-holder-edu pin-holder "$edu" 64
st safety-pin-kill-edu pin-kill "$edu" 64
# edu28 reaches the low 256 MiB only, which the kernel hands out last (its
# free lists give back the pages freed last at boot, the high ones, first):
# a pool of all free memory but 256 MiB holds a few hugepages there, and
# huge-order puts them first in the pool.  The tests need one; with none
# (low memory all taken) they are skipped: the full-mask edu runs the same
# module paths.
echo 3 > /proc/sys/vm/drop_caches
free_mb=$(($(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024))
pool=$(((free_mb - 256) / 2))
[ $pool -lt 64 ] && pool=64
echo $pool > /proc/sys/vm/nr_hugepages
st safety-huge-order-edu28 huge-order "$edu28" 28
st safety-stale-dma-edu28 stale-dma "$edu28" 28
st safety-pin-holder-edu28 pin-holder "$edu28" 28
st safety-pin-kill-edu28 pin-kill "$edu28" 28
echo 16 > /proc/sys/vm/nr_hugepages
st safety-info-mmap info-mmap "$edu"
st safety-revoke-uio-edu revoke-uio "$edu"
st safety-revoke-uio-e1000e-removed revoke-uio "$nic" 1
# WARN_ON_ONCE: the churn goes first, so an untrack_pfn warning is its.
st safety-unbind-churn-edu unbind-churn "$edu" 30
st safety-revoke-race-edu revoke-race "$edu" 100
st safety-revoke-race-e1000e revoke-race "$nic" 20
# Last: on a module with the double free this is a kernel BUG.
st safety-pin-race pin-race "$edu"

for d in "$edu" "$edu28" "$nic"; do
	unbind "$d" 2>/dev/null
done
echo default > "/sys/bus/pci/devices/$nic/reset_method"
echo 0 > /proc/sys/vm/nr_hugepages
load_uio_dma intr_mode="$saved_mode"
