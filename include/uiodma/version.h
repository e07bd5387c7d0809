/* SPDX-License-Identifier: MIT */
/*
 * The version of libuiodma.
 *
 * UIODMA_VERSION_MAJOR changes with the ABI (the soname, libuiodma.so.N):
 * a program built against one major version runs with no other.
 * UIODMA_VERSION_MINOR grows when the ABI grows (new functions, in a new
 * symbol version UIODMA_MAJOR.MINOR); UIODMA_VERSION_PATCH for fixes that
 * change no interface.  The headers say what a program was built against,
 * ud_version() what it runs with.
 */
#ifndef UIODMA_VERSION_H
#define UIODMA_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/** UIODMA_VERSION_MAJOR - the major version: the soname's number. */
#define UIODMA_VERSION_MAJOR 0
/** UIODMA_VERSION_MINOR - the minor version: grows with the ABI. */
#define UIODMA_VERSION_MINOR 1
/** UIODMA_VERSION_PATCH - the patch level: fixes only. */
#define UIODMA_VERSION_PATCH 0

/** UIODMA_VERSION_NUM - a version as one comparable number. */
#define UIODMA_VERSION_NUM(major, minor, patch) \
	((major) * 10000 + (minor) * 100 + (patch))

/** UIODMA_VERSION - these headers' version, as UIODMA_VERSION_NUM(). */
#define UIODMA_VERSION \
	UIODMA_VERSION_NUM(UIODMA_VERSION_MAJOR, UIODMA_VERSION_MINOR, \
			   UIODMA_VERSION_PATCH)

/**
 * ud_version() - the version of the library the program runs with.
 *
 * Compare with UIODMA_VERSION (what the program was built against) to
 * require at least a given version at run time, e.g.
 *
 *	if (ud_version() < UIODMA_VERSION_NUM(0, 1, 0))
 *		errx(1, "libuiodma 0.1.0 or newer needed");
 *
 * Return: UIODMA_VERSION_NUM(major, minor, patch) of the library.
 */
unsigned int ud_version(void);

#ifdef __cplusplus
}
#endif

#endif /* UIODMA_VERSION_H */
