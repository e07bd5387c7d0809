# Unbind wakes a blocked reader with EIO; rebind works; rmmod works.
edu=$(pci_find $EDU)
load_uio_dma intr_mode=legacy
bind uio_dma "$edu"
u=$(uio_of "$edu")
uiotest wait-removed "$u" > /tmp/wait.out 2>&1 &
pid=$!
sleep 1
check unbind-edu-while-waiting unbind "$edu"
if ! wait_gone $pid 5; then
	fail blocked-reader-woken "reader still blocked 5 s after unbind"
	kill -9 $pid
else
	wait $pid
	rc=$?
	sed 's/^/    /' /tmp/wait.out
	expect blocked-reader-gets-eio 0 "$rc"
fi
check rebind-edu bind uio_dma "$edu"
u=$(uio_of "$edu")
check edu-works-after-rebind uiotest edu-id "$u"
check unbind-again unbind "$edu"
check rmmod-uio-dma rmmod uio_dma
check reload-uio-dma modprobe uio_dma
