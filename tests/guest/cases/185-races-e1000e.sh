# Races with a NIC (see 180-races.sh): the e1000e is resettable, so
# every last close of its files resets it while unbind, rmmod and insmod
# race; no leak, and frames flow afterwards.
case_t0=$(cut -d. -f1 /proc/uptime)
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
echo 16 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$nic1"
race_run race-e1000e 60 "$nic1" 50 10 3
bind uio_dma "$nic2"
check race-e1000e-loop-after e1000e-loop --count 32 "$nic1" "$nic2"
unbind "$nic1"
unbind "$nic2"
check race-e1000e-rmmod-at-end rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/race.out
echo "    185-races-e1000e took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
