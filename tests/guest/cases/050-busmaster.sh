# Bus mastering on only while /dev/uioN is open, off after close and after
# the holder is killed.
edu=$(pci_find $EDU)
u=$(uio_of "$edu")
check busmaster-open-close uiotest busmaster "$u"
uiotest hold "$u" 30 &
pid=$!
sleep 1
bm_on() { [ $(( $(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$edu/config") & 4 )) -ne 0 ]; }
check busmaster-on-while-held bm_on
kill -9 $pid
wait $pid 2>/dev/null
if bm_on; then fail busmaster-off-after-kill "still on"; else pass busmaster-off-after-kill; fi
