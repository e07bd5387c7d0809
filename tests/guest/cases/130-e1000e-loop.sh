# A packet-DMA application (apps/e1000e-loop): both e1000e NICs, on one
# QEMU hub, are reset and driven from userspace; one sends frames of 60 to
# 1514 bytes through its TX descriptor ring, the other receives them into
# its RX ring from a buffer pool, and every frame must arrive exactly once
# and intact.  RX by polling, then by MSI-X interrupt; then the other way
# round, broadcast, with small rings so both wrap many times.
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$nic1"
bind uio_dma "$nic2"
check e1000e-loop-polling e1000e-loop --count 64 "$nic1" "$nic2"
check e1000e-loop-irq e1000e-loop --count 64 --irq "$nic1" "$nic2"
check e1000e-loop-reverse-broadcast-wrap \
	e1000e-loop --count 500 --broadcast --rx-desc 32 --tx-desc 16 "$nic2" "$nic1"
# Small rings: TX is paced by the receiver's free buffers, so RX needs an
# interrupt for nearly every batch.
check e1000e-loop-irq-wrap \
	e1000e-loop --count 300 --irq --rx-desc 16 --tx-desc 8 "$nic1" "$nic2"

# catches NAME FAULT PATTERN: a run of the app's checker with an injected
# fault (e1000e_harness) exits 1 and reports PATTERN.
catches() {
	_out=$(e1000e_harness inject "$2" "$nic1" "$nic2" 2>&1)
	_rc=$?
	echo "$_out" | sed 's/^/    /'
	if [ "$_rc" = 1 ] && echo "$_out" | grep -q "$3"; then
		pass "$1"
	else
		fail "$1" "inject $2 exited $_rc, expected 1 with '$3'"
	fi
}
catches e1000e-loop-catches-lost lose 'lost 1,'
catches e1000e-loop-catches-duplicate dup 'duplicated 1,'
catches e1000e-loop-catches-corrupt corrupt 'corrupted 1,'
expect_fail e1000e-loop-refuses-one-nic 2 "same device" \
	e1000e-loop "$nic1" "$nic1"
unbind "$nic1"
unbind "$nic2"
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
