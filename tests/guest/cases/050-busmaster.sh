# Bus mastering follows the holder of /dev/uioN: off when nobody holds it,
# still off at open (the holder turns it on once it has set the device up,
# as with VFIO: here uiotest hold does), off after the last close and after
# the holder is killed.  Same for a device uio_dma resets (e1000e behind its
# root port) and one nothing can reset (edu on the root complex).  Leaves edu bound as it found it, the e1000e unbound.
edu=$(pci_find $EDU)
nic=$(pci_find $E1000E 1)
lsmod | grep -q '^uio_dma ' || modprobe uio_dma
edu_was=$(driver_of "$edu")
[ "$edu_was" = uio_dma ] || bind uio_dma "$edu"
bind uio_dma "$nic"
bm_on() { [ $(( $(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$1/config") & 4 )) -ne 0 ]; }
for d in "$edu" "$nic"; do
	n=edu
	[ "$d" = "$nic" ] && n=e1000e
	u=$(uio_of "$d")
	check busmaster-open-close-$n uiotest busmaster "$u"
	uiotest hold "$u" 30 &
	pid=$!
	check busmaster-on-while-held-$n wait_for 5 bm_on "$d"
	kill -9 $pid
	wait $pid 2>/dev/null
	if bm_on "$d"; then
		fail busmaster-off-after-kill-$n "still on"
	else
		pass busmaster-off-after-kill-$n
	fi
done
unbind "$nic"
[ "$edu_was" = uio_dma ] || unbind "$edu"
