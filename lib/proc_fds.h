/* SPDX-License-Identifier: MIT */
/* Which processes hold a file open (/proc/<pid>/fd); private to libuiodma. */
#ifndef UIODMA_PROC_FDS_H
#define UIODMA_PROC_FDS_H

#include <sys/types.h>

/*
 * struct ud_open_file - what an open file must be to count: a block or
 * character device by its device number (any path to the node counts), or
 * a socket by its inode.
 */
struct ud_open_file {
	mode_t type;  /* S_IFBLK, S_IFCHR or S_IFSOCK */
	dev_t rdev;   /* for a device */
	ino_t ino;    /* for a socket */
};

/*
 * ud_proc_holders() - call @fn once for each process (this one included)
 * that has @f open, with its pid and command name.  Processes this one may
 * not look into (another user's, without root) are not seen.
 * Return: the number of such processes.
 */
int ud_proc_holders(const struct ud_open_file *f,
		    void (*fn)(int pid, const char *comm, void *arg), void *arg);

#endif /* UIODMA_PROC_FDS_H */
