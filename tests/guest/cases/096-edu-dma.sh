# DMA through edu's engine proves the library's addresses: a pattern goes
# from one zone into the device and back into a zone on another hugepage.
# With edu's default 28-bit DMA mask, zones limited to 28 bits work and
# memory above 256 MiB is refused before any DMA (edu_harness drives the
# app's driver).  Pinning through uio_dma and pagemap agree.  The round
# trips' byte check catches a transfer that writes one byte too many
# (edu-icount.sh runs 10,000 of them).
edu=$(pci_find $EDU 1)
edu28=$(pci_find $EDU 2)
# 128 MiB: the guest kernel hands out low pages first, so all of it is
# below 256 MiB.
echo 64 > /proc/sys/vm/nr_hugepages
load_uio_dma
bind uio_dma "$edu"
bind uio_dma "$edu28"
# no IOMMU here: memory in the default mode is PA mode
expect edu-auto-mode-pa "ok, IOVA mode PA" "$(memopen)"
check edu-dma-copy-polling edu-dma --rounds 4 "$edu"
check edu-dma-check-sees-overrun edu_harness trip-check "$edu"
check edu-dma-copy-irq edu-dma --rounds 3 --irq "$edu"
check edu-dma-copy-kpin edu-dma --rounds 3 --pa kpin "$edu"
# the banner says where the addresses come from (vfio.sh: VA mode)
check edu-dma-banner-pagemap edu_dma_banner \
	"PA mode (physical addresses from pagemap)" "$edu"
check edu-dma-banner-kpin edu_dma_banner \
	"PA mode (physical addresses from uio_dma pins)" --pa kpin "$edu"
check edu-dma-28bit-zones edu-dma --rounds 3 --dma-bits 28 "$edu28"
check kpin-agrees-with-pagemap edu_harness compare-pa "$edu"
# 384 MiB reaches past 256 MiB: the pages handed out first now lie above
# the 28-bit limit, and 28-bit zones must still find the low ones.
echo 192 > /proc/sys/vm/nr_hugepages
check edu-dma-28bit-zones-large-pool edu-dma --rounds 2 --dma-bits 28 "$edu28"
check edu-dma-refuses-above-limit edu_harness refusal 28 "$edu28"
unbind "$edu"
unbind "$edu28"
rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
