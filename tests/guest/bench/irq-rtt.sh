# Interrupt round trip on edu: uio_dma (read() and eventfd+epoll) against
# DPDK's igb_uio and the kernel's uio_pci_generic, in one guest run.
# Drivers alternate round by round so a change in the machine's speed hits
# all of them alike; each line reports the median over all samples and the
# median of the per-round ratios.
edu=$(pci_find $EDU)
rel=$(uname -r)
rounds=${UD_BENCH_ROUNDS:-10}
iters=${UD_BENCH_ITERS:-1000}
modprobe uio
modprobe uio_pci_generic
modprobe igb_uio
rm -f /tmp/s-*
# Every interrupt and the process on CPU 0: a cross-CPU wakeup would
# measure the emulator's IPI cost, not the drivers.  The default affinity
# covers igb_uio, which requests its interrupt only when opened.
echo 1 > /proc/irq/default_smp_affinity

# sample NAME DRIVER MODPARAMS METHOD ROUND
sample() {
	case $2 in uio_dma) load_uio_dma $3 ;; esac
	bind "$2" "$edu"
	for irq in $(ls /sys/bus/pci/devices/$edu/msi_irqs 2>/dev/null) \
		   $(cat /sys/bus/pci/devices/$edu/irq); do
		echo 1 > /proc/irq/$irq/smp_affinity 2>/dev/null
	done
	# irqbench gives up on an interrupt after 2 s; timeout bounds the
	# rest, so a lost interrupt costs a figure, not the whole run.
	if ! timeout 120 taskset 1 irqbench run "$4" "$edu" "$iters" "/tmp/s-$1-$5"; then
		fail "bench-$1" "irqbench $4 over $2 failed in round $5"
		failed="$failed $1"
	fi
	unbind "$edu"
}

# Odd rounds run ours first, even rounds the baselines first (A B B A ...),
# so a drift in the machine's speed does not favour either side.
failed=
r=1
while [ $r -le $rounds ]; do
	echo "    irq-rtt round $r of $rounds"
	if [ $((r % 2)) = 1 ]; then
		sample dma-read uio_dma intr_mode=msi uio-read $r
		sample dma-epoll uio_dma intr_mode=msi eventfd-epoll $r
		sample igb-read igb_uio "" uio-read $r
		sample dma-intx uio_dma intr_mode=legacy uio-read-intx $r
		sample generic-intx uio_pci_generic "" pcicfg-intx $r
	else
		sample igb-read igb_uio "" uio-read $r
		sample dma-epoll uio_dma intr_mode=msi eventfd-epoll $r
		sample dma-read uio_dma intr_mode=msi uio-read $r
		sample generic-intx uio_pci_generic "" pcicfg-intx $r
		sample dma-intx uio_dma intr_mode=legacy uio-read-intx $r
	fi
	r=$((r + 1))
done

med() { irqbench median "$@" | cut -d' ' -f1; }
# report NAME OURS BASE BASELABEL
report() {
	case " $failed " in *" $2 "*|*" $3 "*)
		echo "irq-rtt-$1-$rel: no figure: a run of $2 or $3 failed (above)"
		return ;;
	esac
	ratios=$(r=1; while [ $r -le $rounds ]; do
		echo "$(med /tmp/s-$2-$r) $(med /tmp/s-$3-$r)" | awk '{printf "%.4f\n", $1 / $2}'
		r=$((r + 1))
	done | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
	ours=$(irqbench median /tmp/s-$2-*)
	base=$(irqbench median /tmp/s-$3-*)
	echo "BENCH irq-rtt-$1-$rel ours=$(echo $ours | awk '{printf "%.1fus", $1 / 1000}') $4=$(echo $base | awk '{printf "%.1fus", $1 / 1000}') ratio=$ratios samples=$(echo $ours | cut -d' ' -f2)"
}
report read-msi dma-read igb-read igb_uio
report epoll-msi dma-epoll igb-read igb_uio
report read-intx dma-intx generic-intx uio_pci_generic
