# 10,000 DMA round trips through edu, random sizes (1-4095 bytes), device
# offsets and memory offsets, every byte of the destination checked
# (edu-dma).  Each edu transfer takes 100 ms of QEMU's virtual clock: the
# 20,000 transfers are 2,000 s of it, which the test guests (virtual clock
# = real time) cannot wait for.  run.sh boots this job with -icount
# shift=0,sleep=off: the virtual clock stops following real time and jumps
# to the next timer whenever the vCPU idles, so waiting for the
# interrupt of each transfer costs no real time.  One vCPU: with two,
# the guest hangs bringing up the second one under sleep=off.
edu=$(pci_find $EDU 1)
echo 16 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$edu"
check edu-dma-10000-round-trips edu-dma --rounds 10000 --irq --pa kpin "$edu"
unbind "$edu"
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
