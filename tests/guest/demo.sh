# The demo: drive QEMU's devices from userspace through uio_dma.
#   1. take edu, map its registers, receive its interrupt
#   2. DMA through edu's engine from and into hugepage memory whose
#      physical addresses the library resolved once (and uio_dma pinned)
#   3. every MSI-X vector of an e1000e NIC on its own eventfd
#   4. frames from one e1000e to the other through descriptor rings
#   5. NVMe writes and reads through admin and I/O queues
#   6. the kernel's network stack pings a userspace responder (e1000e-echo)
#   7. NVMe 4 KiB random reads at QD 1 and 32 (nvme-rw bench)
say() { printf '\n== %s\n' "$*"; }

edu=$(pci_find $EDU)
nic=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
nvme=$(pci_find $NVME)

say "modprobe uio_dma; bind edu ($edu), two e1000e ($nic, $nic2), nvme ($nvme)"
modprobe uio_dma
for d in "$edu" "$nic" "$nic2" "$nvme"; do
	bind uio_dma "$d"
done
for d in "$edu" "$nic" "$nic2" "$nvme"; do
	echo "$d -> /dev/$(uio_of "$d") and /dev/uio_dma/$d," \
		"interrupts: $(cat /sys/bus/pci/devices/$d/uio_dma/intr_mode)," \
		"$(cat /sys/bus/pci/devices/$d/uio_dma/intr_vectors) vector(s)"
done
if command -v uiodma >/dev/null; then
	say "uiodma status"
	uiodma status
fi

say "edu: UIO maps (name = BAR, size from sysfs), registers through the map"
u=$(uio_of "$edu")
uiotest maps "$u"
uiotest edu-id "$u"

say "edu: raise an interrupt (0x60) and wait for it in read() and poll()"
if uiotest edu-irq "$u"; then
	pass demo-interrupt-delivered
else
	fail demo-interrupt-delivered "no interrupt reached the process"
fi

say "edu: DMA hugepage memory -> device -> another hugepage, completion by interrupt"
echo 64 > /proc/sys/vm/nr_hugepages
if edu-dma --rounds 3 --irq --pa kpin "$edu"; then
	pass demo-dma
else
	fail demo-dma "edu-dma failed"
fi

say "e1000e: 5 MSI-X vectors, each interrupt cause routed to its own eventfd"
if irqtest e1000e-msix "$nic"; then
	pass demo-msix
else
	fail demo-msix "irqtest failed"
fi

say "e1000e: 64 frames from $nic to $nic2 through TX/RX descriptor rings, RX by MSI-X"
if e1000e-loop --count 64 --irq "$nic" "$nic2"; then
	pass demo-e1000e-frames
else
	fail demo-e1000e-frames "e1000e-loop failed"
fi

say "nvme: identify, I/O queues, write and read back through PRP lists"
if nvme-rw --irq "$nvme"; then
	pass demo-nvme-rw
else
	fail demo-nvme-rw "nvme-rw failed"
fi

say "the kernel pings our responder: $nic2 (kernel e1000e, 10.9.0.1) -> $nic (uio_dma, e1000e-echo 10.9.0.2)"
modprobe e1000e
bind e1000e "$nic2"
ifc=$(e1000e_netif "$nic2")
ip link set "$ifc" up
ip addr add 10.9.0.1/24 dev "$ifc"
wait_for 10 grep -q 1 "/sys/class/net/$ifc/carrier"
start_bg /tmp/echo.out e1000e-echo --ip 10.9.0.2 --irq "$nic"
echo_pid=$bg_pid
wait_for 10 grep -q answering /tmp/echo.out
arping -c 2 -I "$ifc" 10.9.0.2
if ping -c 5 -i 0.2 10.9.0.2 && udpcheck echo 10.9.0.2 7 18 1472; then
	pass demo-kernel-pings-responder
else
	fail demo-kernel-pings-responder "ping or UDP echo failed"
fi
kill -INT $echo_pid
wait $echo_pid
cat /tmp/echo.out
ip addr flush dev "$ifc"
ip link set "$ifc" down
bind uio_dma "$nic2"
rm -f /tmp/echo.out

say "nvme: 4 KiB random reads, QD 1 then QD 32, completions by polling"
if nvme-rw bench --qd 1 --ios 2000 "$nvme" && nvme-rw bench --qd 32 --ios 10000 "$nvme"; then
	pass demo-nvme-bench
else
	fail demo-nvme-bench "nvme-rw bench failed"
fi

say "bus mastering follows the open file"
uiotest busmaster "$u"
for d in "$edu" "$nic" "$nic2" "$nvme"; do
	unbind "$d"
done
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
