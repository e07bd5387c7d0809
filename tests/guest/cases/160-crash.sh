# Crash mid-DMA (tests/guest/progs/crashtest.c): processes DMAing through
# edu (into pinned hugepages) and e1000e-loop (frames between the NICs) are
# SIGKILLed at random moments, some with a forked holder of /dev/uioN still
# DMAing, with the control fd opened before /dev/uioN in half the rounds.
# After each: no canary changed (hugepages a fresh process took back while
# the device was opened again, and memory never given to the device), bus
# mastering off, no DMA once the last holder is gone (into a hugepage the
# test shares with the victims), pins and hugepages back, and the next run
# works.
case_t0=$(cut -d. -f1 /proc/uptime)
edu=$(pci_find $EDU 1)
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
echo 24 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$edu"
bind uio_dma "$nic1"
bind uio_dma "$nic2"
rounds=24
# QEMU 7.2's e1000e offers a PM reset (D3hot->D0 without No_Soft_Reset)
# that resets nothing, and the kernel tries it first: its RX and TX would
# stay on.  Have the kernel use the secondary bus reset, which QEMU carries
# out (as 150-kmod-safety.sh does).
for d in "$nic1" "$nic2"; do
	echo "    $d reset_method was: $(cat "/sys/bus/pci/devices/$d/reset_method")"
	echo bus > "/sys/bus/pci/devices/$d/reset_method"
done
run_bounded 75 /tmp/crash.out crashtest "$edu" $rounds 0x5eed "$nic1" "$nic2"
rc=$?
sed 's/^/    /' /tmp/crash.out
crash_val() { sed -n "s/^crash: $1 //p" /tmp/crash.out; }
at_least crash-kills 50 "$(crash_val kills)" "fewer than 50 SIGKILLs (crashtest exited $rc)"
n=$(crash_val rounds)
h=$(crash_val holder_rounds)
expect "crash-canary-intact-$n-rounds" 0 "$(crash_val canary_hit)"
expect "crash-never-given-memory-intact-$n-rounds" 0 "$(crash_val fixed_canary_changed)"
expect "crash-busmaster-off-$n-rounds" 0 "$(crash_val busmaster_on)"
expect "crash-no-dma-after-last-holder-$n-rounds" 0 "$(crash_val dma_after_last_holder)"
expect "crash-e1000e-busmaster-off-$n-rounds" 0 "$(crash_val nic_busmaster_on)"
expect "crash-e1000e-reset-$n-rounds" 0 "$(crash_val nic_not_reset)"
expect "crash-e1000e-quiet-after-reset-$n-rounds" 0 "$(crash_val nic_not_quiet)"
expect "crash-hugepages-returned-$n-rounds" 0 "$(crash_val hugepage_leak)"
expect "crash-pins-returned-$n-rounds" 0 "$(crash_val pin_leak)"
expect "crash-pins-kept-while-held-$h-rounds" 0 "$(crash_val unpinned_while_held)"
expect "crash-next-run-works-$n-rounds" 0 "$(crash_val next_run_failed)"
expect crash-test-completed 0 "$rc"
# And whole runs afterwards.
check crash-after-edu-dma edu-dma --rounds 2 --pa kpin "$edu"
check crash-after-e1000e-loop e1000e-loop --count 64 "$nic1" "$nic2"
unbind "$edu"
unbind "$nic1"
unbind "$nic2"
echo default > "/sys/bus/pci/devices/$nic1/reset_method"
echo default > "/sys/bus/pci/devices/$nic2/reset_method"
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/crash.out
echo "    160-crash took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
