# A process blocked in read(), poll() (ud_irq_wait) or epoll_wait() when the
# device is unbound is woken with an error, never left hanging.
edu=$(pci_find $EDU)
load_uio_dma
for how in read wait epoll; do
	bind uio_dma "$edu"
	if [ $how = read ]; then
		uiotest wait-removed "$(uio_of "$edu")" > /tmp/w.out 2>&1 &
	else
		irqtest wait-unbind "$edu" $how > /tmp/w.out 2>&1 &
	fi
	pid=$!
	sleep 1
	unbind "$edu"
	if ! wait_gone $pid 5; then
		kill -9 $pid
		fail unbind-wakes-$how "still blocked 5 s after unbind"
	else
		wait $pid
		rc=$?
		sed 's/^/    /' /tmp/w.out
		expect unbind-wakes-$how 0 $rc
	fi
done
rmmod uio_dma
