# Fuzzing (tests/guest/progs/ioctlfuzz.c): over 100,000 random ioctls on
# the control device and /dev/uioN (the ABI's commands with random
# payloads, the magic 0xD7 with random numbers and sizes, random numbers;
# NULL, kernel, unmapped, read-only and page-straddling pointers), random
# mmaps, and ioctls whose memory stalls in userfaultfd while another thread
# unbinds, closes or maps.  No hang, no WARN/BUG/Oops (judged from the
# log), no pin or hugepage leak, and a DMA round trip works afterwards.
case_t0=$(cut -d. -f1 /proc/uptime)
edu=$(pci_find $EDU 1)
echo 8 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$edu"
run_bounded 60 /tmp/fuzz.out ioctlfuzz "$edu" 110000 0xf00d 252
rc=$?
sed 's/^/    /' /tmp/fuzz.out
fuzz_val() { sed -n "s/^fuzz: $1 \([0-9-]*\).*/\1/p" /tmp/fuzz.out; }
at_least fuzz-ioctls 100000 "$(fuzz_val ioctls)" "fewer than 100000 ioctls (ioctlfuzz exited $rc)"
expect "fuzz-completed-mmaps-$(fuzz_val mmaps)" 0 "$rc"
expect "fuzz-uffd-stalls-$(fuzz_val uffd_stalls)-no-hang" 0 "$(fuzz_val hung)"
expect fuzz-no-pin-leak 0 "$(fuzz_val pins_leaked)"
expect fuzz-no-hugepage-leak 0 "$(fuzz_val hugepages_leaked)"
check fuzz-edu-dma-after edu-dma --rounds 2 --pa kpin "$edu"
unbind "$edu"
check fuzz-rmmod-after rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/fuzz.out
echo "    190-fuzz took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
