# An e1000e binds; its STATUS register reads the same through the UIO map
# as through sysfs resource0; bridges are refused.
nic=$(pci_find $E1000E 1) || { fail e1000e-present "no e1000e"; return; }
load_uio_dma
check bind-e1000e bind uio_dma "$nic"
u=$(uio_of "$nic")
check e1000e-maps-match-bars uiotest maps "$u"
# STATUS (0x08): QEMU's e1000e reports full duplex (bit 0) and link up
# (bit 1); a dead mapping would read all ones.
st=$(uiotest rd32 "$u" 0 0x8)
echo "    STATUS = $st"
expect e1000e-status-read 3 "$(( st != 0xffffffff ? st & 3 : -1 ))"
check e1000e-io-bar-is-port sh -c "grep -q BAR2 /sys/class/uio/$u/portio/port0/name"
check unbind-e1000e unbind "$nic"
# The bridge taken from pcieport for this test is an empty root port
# (rp1 in run.sh; no device directory under it, port services such as
# 0000:00:05.0:pcie002 aside): the root ports above nic0/nic1/nvme carry
# their hotplug (170-hotplug.sh), and a bridge without its driver has
# none.  pcieport gets it back afterwards.
bridge=$(for d in /sys/bus/pci/devices/*; do
	case $(cat "$d/class") in
	0x0604*) ls "$d" | grep -qE '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$' ||
		{ basename "$d"; break; } ;;
	esac
done)
if [ -n "$bridge" ]; then
	if bind uio_dma "$bridge" 2>/dev/null; then
		fail bridge-refused "uio_dma bound bridge $bridge"
		unbind "$bridge"
	else
		pass bridge-refused
	fi
	unbind "$bridge" 2>/dev/null
	check bridge-back-to-pcieport sh -c \
		"echo $bridge > /sys/bus/pci/drivers/pcieport/bind"
else
	fail bridge-refused "no empty PCI bridge in this machine (run.sh adds rp1)"
fi
