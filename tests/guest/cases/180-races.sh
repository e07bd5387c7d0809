# Races (tests/guest/progs/racetest.c): unbind/bind, and every fifth time
# rmmod/insmod, of uio_dma over and over while threads open /dev/uioN and
# the control device, map BARs through both, pin hugepages and small
# pages, bind eventfds and close in either order.  No hang, no WARN/BUG,
# and no leak: module refcount 0, no pages left pinned, HugePages_Free back.
case_t0=$(cut -d. -f1 /proc/uptime)
edu=$(pci_find $EDU 1)
nic1=$(pci_find $E1000E 1)
nic2=$(pci_find $E1000E 2)
ko=/lib/modules/$(uname -r)/extra/uio_dma.ko
echo 16 > /proc/sys/vm/nr_hugepages
load_uio_dma

# race_run NAME BDF CYCLES RELOAD_EVERY THREADS: one racetest and its checks.
race_run() {
	run_bounded 100 /tmp/race.out racetest "$2" "$3" "$4" "$5" "$ko"
	_rc=$?
	sed 's/^/    /' /tmp/race.out
	_v() { sed -n "s/^race: $1 \([0-9-]*\).*/\1/p" /tmp/race.out; }
	_c=$(_v cycles) _r=$(_v reloads)
	if [ "$_rc" = 0 ]; then
		pass "$1-cycles-${_c}-reloads-${_r}"
	else
		fail "$1-cycles-${_c:-0}-reloads-${_r:-0}" "racetest exited $_rc"
	fi
	expect "$1-module-refcount-0" 0 "$(_v refcnt)"
	expect "$1-no-pin-leak" 0 "$(_v pins_leaked)"
	expect "$1-no-hugepage-leak" 0 "$(_v hugepages_leaked)"
	expect "$1-bound-at-end" 1 "$(_v bound_at_end)"
}

bind uio_dma "$edu"
race_run race-edu "$edu" 450 5 4
check race-edu-dma-after edu-dma --rounds 2 --pa kpin "$edu"
unbind "$edu"

# A NIC: resettable, so every last close resets it while unbind races.
bind uio_dma "$nic1"
race_run race-e1000e "$nic1" 50 10 3
bind uio_dma "$nic2"
check race-e1000e-loop-after e1000e-loop --count 32 "$nic1" "$nic2"
unbind "$nic1"
unbind "$nic2"
check race-rmmod-at-end rmmod uio_dma
echo 0 > /proc/sys/vm/nr_hugepages
rm -f /tmp/race.out
echo "    180-races took $(($(cut -d. -f1 /proc/uptime) - case_t0)) s"
