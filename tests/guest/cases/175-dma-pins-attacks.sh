# Attacks on the library's device pins (lib/dma_pins.c: every published
# page of the process's PA-mode regions is pinned through every uio_dma
# device it holds), tests/guest/progs/pinattack.c:
#  - RLIMIT_MEMLOCK too low (CAP_IPC_LOCK dropped) for a second device, a
#    zone, a legacy region: refused with ENOMEM naming RLIMIT_MEMLOCK,
#    nothing left pinned or mapped half-way, later calls work;
#  - a held device unbound with live pins: its pins go, the rest stay
#    right, zones work on (the unbound device is skipped), and after
#    ud_dev_close everything is given back;
#  - a child forked after ud_mem_open frees a zone it inherited: refused
#    (EPERM), the parent's pins and page stay; ud_mem_close with a device
#    open gives its pages back (the process let go), a new region is
#    pinned again;
#  - all four devices hold the same memory, the process is killed with one
#    forked holder per device: pins go holder by holder, the hugepages only
#    after the last;
#  - threads reserving and freeing zones (pagemap and kpin sources, memfd
#    and file-per-page backings) and opening whole regions while threads
#    open and close the devices: at each pause VmPin is exactly pages x
#    devices (the system pin count agrees), and all is given back;
#  - a process doing the same is SIGKILLed at random moments while a
#    forked holder keeps one device: no page it had published is handed to
#    a process mapping every free hugepage until the holder is gone.
case_t0=$(cut -d. -f1 /proc/uptime)
hp0=$(cat /proc/sys/vm/nr_hugepages)
edu=$(pci_find $EDU 1)
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
nvme=$(pci_find $NVME 1) || { fail pins-nvme-present "no nvme"; return; }
echo 48 > /proc/sys/vm/nr_hugepages
# file-per-page regions need a hugetlbfs mount
hp_mounted=
grep -q " hugetlbfs " /proc/mounts || { mount -t hugetlbfs none /dev/hugepages && hp_mounted=1; }
load_uio_dma
bind uio_dma "$edu"
bind uio_dma "$nic1"
bind uio_dma "$nic2"
check pins-nvme-bind uiodma bind "$nvme"
# the kernel's PM reset of QEMU's e1000e resets nothing (160-crash.sh)
for d in "$nic1" "$nic2"; do echo bus > "/sys/bus/pci/devices/$d/reset_method"; done
# attack NAME SECS ARGS...: one pinattack run, its output, exit status 0
attack() {
	_n=$1 _s=$2
	shift 2
	run_bounded "$_s" /tmp/pinattack.out pinattack "$@"
	_rc=$?
	sed 's/^/    /' /tmp/pinattack.out
	expect "pins-$_n" 0 "$_rc"
}
attack rlimit 20 rlimit "$edu" "$nic1"
attack unbind-held 15 unbind "$edu" "$nic1"
attack four-devices-killed 20 many "$edu" "$nic1" "$nic2" "$nvme"
attack race-pagemap 15 race 5 memfd "$edu" "$nvme"
attack race-kpin 15 race 4 kpin "$edu" "$nic1"
attack kill-with-holder 30 kill 8 0x5eed memfd "$edu" "$nic1"
attack forked-child 15 fork "$edu" "$nic1"
attack memclose-held 15 memclose "$edu"
for d in "$nic1" "$nic2"; do echo default > "/sys/bus/pci/devices/$d/reset_method"; done
unbind "$edu"
unbind "$nic1"
unbind "$nic2"
uiodma unbind --no-restore "$nvme" > /dev/null
[ -n "$hp_mounted" ] && umount /dev/hugepages
echo "$hp0" > /proc/sys/vm/nr_hugepages
rm -f /tmp/pinattack.out
echo "    175-dma-pins-attacks took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
