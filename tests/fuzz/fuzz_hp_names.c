// SPDX-License-Identifier: MIT
/*
 * ud_hp_file_name_ours(): the stale-file cleaner removes a file only if
 * this says it is one of the library's, so it must accept exactly the
 * names ud_hp_file_path() makes: an accepted name, taken apart and made
 * again, is the same name.
 */
#include <limits.h>

#include "fuzz.h"
#include "mem_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_str(data, size);
	char again[512];
	unsigned long long pid, id, slot = (unsigned long long)-1;
	int n = 0;

	if (ud_hp_file_name_ours(name, "uiodma")) {
		FUZZ_REQUIRE(sscanf(name, "uiodma_%llu_%llu_%n", &pid, &id, &n) == 2 &&
			     n > 0, "'%s' accepted", name);
		if (strcmp(name + n, "seg"))
			FUZZ_REQUIRE(sscanf(name + n, "p%llu", &slot) == 1,
				     "'%s' accepted", name);
		FUZZ_REQUIRE(pid <= INT_MAX && id <= UINT_MAX &&
			     (slot == (unsigned long long)-1 || slot <= LONG_MAX),
			     "'%s': numbers the library never writes", name);
		ud_hp_file_path(again, sizeof(again), "d", "uiodma", (int)pid,
				(unsigned int)id,
				slot == (unsigned long long)-1 ? -1 : (long)slot);
		FUZZ_REQUIRE(!strcmp(again + 2, name), "'%s' accepted, but the "
			     "library would name that file '%s'", name, again + 2);
	}
	free(name);
	return 0;
}
