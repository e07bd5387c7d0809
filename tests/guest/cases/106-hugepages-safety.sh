# The uiodma tool touches only what it owns: 'hugepages clean --dir' on a
# directory that is not hugetlbfs is refused and every file in it stays;
# on hugetlbfs only the library's own stale files go.  A 'hugepages
# reserve' the kernel cannot honour fails, puts the pool back where it was
# and names the count it could have had, which then works.
pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
orig=$(cat $pool)

# ---- clean: a tmpfs directory is refused, its files stay
mkdir -p /tmp/notes
echo mine > /tmp/notes/uiodma_notes.txt
echo mine > /tmp/notes/uiodma_77_0_p0
expect_fail hp-clean-tmpfs-refused 1 "not hugetlbfs" uiodma hugepages clean --dir /tmp/notes
expect_fail hp-clean-tmpfs-says-mount 1 "mount -t hugetlbfs -o pagesize=2M" \
	uiodma hugepages clean --dir /tmp/notes
check hp-clean-tmpfs-files-kept test -f /tmp/notes/uiodma_notes.txt -a -f /tmp/notes/uiodma_77_0_p0
rm -rf /tmp/notes

# ---- clean on hugetlbfs: only files named as the library names them
mkdir -p /tmp/hp
if mount -t hugetlbfs -o pagesize=2M none /tmp/hp; then
	echo mine > /tmp/hp/uiodma_notes.txt 2>/dev/null || touch /tmp/hp/uiodma_notes.txt
	touch /tmp/hp/uiodma_78_0_p0 /tmp/hp/uiodma_78_0_seg
	check hp-clean-hugetlbfs uiodma hugepages clean --dir /tmp/hp
	check hp-clean-hugetlbfs-notes-kept test -e /tmp/hp/uiodma_notes.txt
	check hp-clean-hugetlbfs-stale-removed sh -c '! test -e /tmp/hp/uiodma_78_0_p0 && ! test -e /tmp/hp/uiodma_78_0_seg'
	umount /tmp/hp
else
	fail hp-clean-hugetlbfs "cannot mount hugetlbfs on /tmp/hp"
fi

# ---- reserve: all or nothing
echo 3 > $pool
expect_fail hp-reserve-absurd-fails 1 "could give only" uiodma hugepages reserve 99999999
expect hp-reserve-absurd-restored 3 "$(cat $pool)"
msg=$(uiodma hugepages reserve 99999999 2>&1)
could=$(echo "$msg" | sed -n 's/.*could give only \([0-9]*\) of.*/\1/p')
expect hp-reserve-absurd-restored-again 3 "$(cat $pool)"
if [ -n "$could" ] && [ "$could" -gt 16 ]; then
	pass hp-reserve-names-count
	# what it named works (less a margin: memory moves between the runs)
	check hp-reserve-named-count-works uiodma hugepages reserve $((could - 16))
	expect hp-reserve-named-count-pool $((could - 16)) "$(cat $pool)"
else
	fail hp-reserve-names-count "no usable count in: $msg"
fi
echo "$orig" > $pool
rmdir /tmp/hp 2>/dev/null
true
