# Races (tests/guest/progs/racetest.c): unbind/bind of edu, and every fifth
# time rmmod/insmod of uio_dma, over and over while threads open /dev/uioN and
# the control device, map BARs through both, pin hugepages and small
# pages, bind eventfds and close in either order.  No hang, no WARN/BUG,
# and no leak: module refcount 0, no pages left pinned, HugePages_Free back.
# 185-races-e1000e.sh does the same with a NIC; 500 cycles in all.
case_t0=$(cut -d. -f1 /proc/uptime)
edu=$(pci_find $EDU 1)
echo 16 > /proc/sys/vm/nr_hugepages
load_uio_dma

bind uio_dma "$edu"
race_run race-edu 100 "$edu" 450 5 4
check race-edu-dma-after edu-dma --rounds 2 --pa kpin "$edu"
unbind "$edu"
check race-edu-rmmod-at-end rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/race.out
echo "    180-races took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
