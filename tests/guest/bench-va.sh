# make bench, job vabench (intel_iommu=on iommu=pt: PA and VA both work in
# one guest; no interrupt remapping there, so vfio_iommu_type1 runs with
# allow_unsafe_interrupts=1): VA mode against PA mode, rounds in A B B A
# order (benchlib.sh).
#   va-mem-ready: ud_mem_open + ud_mem_grow of up to 1 GiB (faulted,
#     locked, then mapped page by page into the container of an edu on
#     vfio-pci, or resolved through pagemap), in ms
#   va-mem-release: ud_mem_close of it (VA: UNMAP_DMA per page), in ms
#   va-irq-rtt-msi: edu's MSI round trip through the library's eventfd,
#     edu on vfio-pci against edu on uio_dma, interrupt and process on CPU
#     0, median of 500 after 100 unrecorded, in us
. /guest/benchlib.sh
edu=$(pci_find $EDU 1)
rel=$(uname -r)
rounds=${UD_BENCH_ROUNDS:-4}
modprobe uio_dma
modprobe vfio-pci
modprobe vfio_iommu_type1 allow_unsafe_interrupts=1
echo 600 > /proc/sys/vm/nr_hugepages
mib=$(( $(awk '/HugePages_Free/ {print $2}' /proc/meminfo) * 2 - 32 ))
[ "$mib" -gt 1024 ] && mib=1024
rm -f /tmp/b-*

# mem SIDE ROUND: one memtime run (VA with edu held on vfio-pci).
mem() {
	if [ "$1" = ours ]; then
		out=$(vatest memtime $mib "$edu")
	else
		out=$(env UD_IOVA_MODE=pa vatest memtime $mib)
	fi || fail "bench-va-mem-$1" "vatest memtime: $out"
	sample "$1" ready "$2" "$(echo "$out" | awk '{print $4}')"
	sample "$1" release "$2" "$(echo "$out" | awk '{print $5}')"
}
mem_va() { mem ours "$1"; }
mem_pa() { mem pa "$1"; }
bind vfio-pci "$edu"
abba "$rounds" mem_va mem_pa
unbind "$edu"

# irq SIDE DRIVER ROUND
echo 1 > /proc/irq/default_smp_affinity
irq() {
	bind "$2" "$edu"
	for i in $(ls /sys/bus/pci/devices/$edu/msi_irqs 2>/dev/null); do
		echo 1 > /proc/irq/$i/smp_affinity 2>/dev/null
	done
	out=$(taskset 1 vatest irqrtt "$edu" 500) ||
		fail "bench-va-irq-$2" "vatest irqrtt: $out"
	sample "$1" rtt "$3" "$(echo "$out" | awk '{print $4}')"
	unbind "$edu"
}
irq_va() { irq ours vfio-pci "$1"; }
irq_pa() { irq uio_dma uio_dma "$1"; }
abba "$rounds" irq_va irq_pa

bench_line "va-mem-ready-${mib}m-$rel" ready ms pa "$rounds" "(ours: VA)"
bench_line "va-mem-release-${mib}m-$rel" release ms pa "$rounds" "(ours: VA)"
bench_line "va-irq-rtt-msi-$rel" rtt us uio_dma "$rounds" "(ours: vfio-pci)"
pass bench-va
echo 0 > /proc/sys/vm/nr_hugepages
