# The control device maps BARs by number and revokes the mappings at
# unbind; its ABI answers as documented.
edu=$(pci_find $EDU)
load_uio_dma
bind uio_dma "$edu"
check ctl-abi ctltest abi "$edu"
check ctl-map-bar-by-number ctltest map "$edu"
rm -f /tmp/mapped
ctltest revoke "$edu" /tmp/mapped > /tmp/r.out 2>&1 &
pid=$!
i=0
while [ ! -e /tmp/mapped ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
unbind "$edu"
rm -f /tmp/mapped
wait $pid
rc=$?
sed 's/^/    /' /tmp/r.out
expect ctl-map-revoked-at-unbind 0 $rc
rmmod uio_dma
