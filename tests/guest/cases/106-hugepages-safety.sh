# The uiodma tool touches only what it owns: 'hugepages clean --dir' on a
# directory that is not hugetlbfs is refused and every file in it stays;
# on hugetlbfs only the library's own stale files go.  A 'hugepages
# reserve' beyond the machine's memory is refused before the pool is
# touched, naming the most it could have; one the kernel cannot honour
# fails and puts the pool back where it was.
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

# ---- reserve: refused beyond what the machine holds, all or nothing below
echo 3 > $pool
expect_fail hp-reserve-absurd-fails 1 "or fewer" uiodma hugepages reserve 99999999
expect hp-reserve-absurd-restored 3 "$(cat $pool)"
msg=$(uiodma hugepages reserve 99999999 2>&1)
most=$(echo "$msg" | sed -n 's/.*ask for \([0-9]*\) or fewer.*/\1/p')
if [ -n "$most" ] && [ "$most" -gt 16 ]; then
	pass hp-reserve-names-count
	# the most it named: the kernel may give fewer (memory it cannot
	# move); then the library puts the pool back as it was
	if uiodma hugepages reserve "$most" > /tmp/hp.out 2>&1; then
		expect hp-reserve-most-all "$most" "$(cat $pool)"
	else
		sed 's/^/    /' /tmp/hp.out
		check hp-reserve-most-says-what-it-could grep -q "could give only" /tmp/hp.out
		expect hp-reserve-most-nothing-kept 3 "$(cat $pool)"
	fi
	echo 3 > $pool
	check hp-reserve-half-works uiodma hugepages reserve $((most / 2))
	expect hp-reserve-half-pool $((most / 2)) "$(cat $pool)"
else
	fail hp-reserve-names-count "no usable count in: $msg"
fi
echo "$orig" > $pool
rmdir /tmp/hp 2>/dev/null
rm -f /tmp/hp.out
true
