// SPDX-License-Identifier: MIT
/*
 * ud_mountinfo_parse(): any line is safe; an accepted line yields fields
 * that lie within it, NUL-terminated, none empty but the super options,
 * and unescaping never lengthens a string.
 */
#include "fuzz.h"
#include "mountinfo.h"

static void within(const char *line, size_t len, const char *f, const char *what)
{
	FUZZ_REQUIRE(f >= line && f <= line + len, "%s outside the line", what);
	FUZZ_REQUIRE(strlen(f) <= (size_t)(line + len - f), "%s runs past the line", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_str(data, size), *copy;
	size_t len = strlen(line);
	struct ud_mountinfo mi;

	if (ud_mountinfo_parse(line, &mi) == 0) {
		within(line, len, mi.root, "root");
		within(line, len, mi.mnt, "mount point");
		within(line, len, mi.fstype, "fstype");
		within(line, len, mi.source, "source");
		FUZZ_REQUIRE(*mi.root && *mi.mnt && *mi.fstype && *mi.source,
			     "an empty field was accepted");
		if (*mi.superopts)
			within(line, len, mi.superopts, "super options");
	}
	free(line);
	copy = fuzz_str(data, size);
	len = strlen(copy);
	FUZZ_REQUIRE(strlen(ud_unescape_octal(copy)) <= len, "unescape grew");
	free(copy);
	return 0;
}
