# Real udevd with udev/60-uio-dma.rules: a device bound to uio_dma gets
# /dev/uio_dma/by-pci/<address> -> its uioN, which goes away at unbind;
# the library's bind waits for nodes udev creates.
if [ ! -x /lib/systemd/systemd-udevd ]; then
	fail udevd-present "no systemd-udevd in the guest image (install the udev package)"
	return
fi
edu=$(pci_find $EDU)
mkdir -p /run
mount -t tmpfs tmpfs /run
/lib/systemd/systemd-udevd --daemon
check udevd-running wait_for 5 udevadm control --ping
load_uio_dma
check udev-bind uiodma bind "$edu"
u=$(uio_of "$edu")
check udev-by-pci-link wait_for 5 test -L "/dev/uio_dma/by-pci/$edu"
udevadm settle
expect udev-link-target "$u" "$(basename "$(readlink "/dev/uio_dma/by-pci/$edu")")"
expect udev-uio-mode 600 "$(stat -c %a "/dev/$u")"
check udev-link-opens uiotest edu-id "$u"
check udev-unbind uiodma unbind --no-restore "$edu"
check udev-link-removed wait_for 5 sh -c "! test -e /dev/uio_dma/by-pci/$edu"
udevadm control --exit
rmmod uio_dma
