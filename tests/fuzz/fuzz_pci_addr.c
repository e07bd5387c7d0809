// SPDX-License-Identifier: MIT
/*
 * ud_pci_normalize(): any string is safe; an accepted one gives the full
 * form DDDD:BB:dd.f (hex, in range), which normalizes to itself.
 */
#include <ctype.h>

#include "fuzz.h"
#include "dev_sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_str(data, size);
	char out[UD_PCI_ADDR_STRLEN], again[UD_PCI_ADDR_STRLEN];
	unsigned int dom, bus, dev, fn;
	char tail;

	memset(out, 0x7f, sizeof(out));
	if (ud_pci_normalize(in, out) == 0) {
		FUZZ_REQUIRE(strlen(out) == 12, "'%s' -> '%s'", in, out);
		FUZZ_REQUIRE(sscanf(out, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev,
				    &fn, &tail) == 4, "'%s' -> '%s'", in, out);
		FUZZ_REQUIRE(dev <= 0x1f && fn <= 7, "'%s' -> '%s'", in, out);
		for (int i = 0; i < 12; i++)
			FUZZ_REQUIRE(!isupper((unsigned char)out[i]), "'%s'", out);
		FUZZ_REQUIRE(ud_pci_normalize(out, again) == 0 &&
			     !strcmp(out, again), "'%s' does not normalize to itself", out);
	}
	free(in);
	return 0;
}
