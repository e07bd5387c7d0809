/* SPDX-License-Identifier: MIT */
/* /proc/self/mountinfo, one line at a time; private to libuiodma. */
#ifndef UIODMA_MOUNTINFO_H
#define UIODMA_MOUNTINFO_H

/*
 * struct ud_mountinfo - the fields of one mountinfo line.  The strings
 * point into the parsed line, octal escapes (\040 for a space) decoded.
 */
struct ud_mountinfo {
	unsigned int major, minor;  /* st_dev of the mounted filesystem */
	const char *root;           /* directory of the filesystem mounted */
	const char *mnt;            /* mount point */
	const char *fstype;         /* e.g. "hugetlbfs", "ext4" */
	const char *source;         /* e.g. "/dev/vda1", "none" */
	const char *superopts;      /* e.g. "rw,pagesize=2M"; "" if absent */
};

/*
 * ud_mountinfo_parse() - split one line of /proc/self/mountinfo in place.
 * @line: "id parent maj:min root mnt opts [optional...] - fstype source
 *        superopts", with or without its newline; it is modified.
 * @mi: filled in on success.
 *
 * Pure: no system call, no error message.  Any input is safe.
 * Return: 0, or -1 for a line that is not a mountinfo entry.
 */
int ud_mountinfo_parse(char *line, struct ud_mountinfo *mi);

/*
 * ud_unescape_octal() - decode, in place, the octal escapes (\040 for a
 * space) that /proc/self/mountinfo and /proc/swaps write.  Returns @s.
 */
char *ud_unescape_octal(char *s);

/*
 * ud_mountinfo_each() - call @fn for each entry of /proc/self/mountinfo.
 * @fn: returns 0 to go on, anything else to stop (that value is returned).
 * @arg: passed to @fn.
 *
 * Return: @fn's non-zero value, 0 after the last entry, or -1 (errno set,
 * no message) if mountinfo cannot be read.
 */
int ud_mountinfo_each(int (*fn)(const struct ud_mountinfo *mi, void *arg),
		      void *arg);

#endif /* UIODMA_MOUNTINFO_H */
