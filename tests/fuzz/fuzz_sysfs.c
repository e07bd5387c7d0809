// SPDX-License-Identifier: MIT
/*
 * The parsers of sysfs and procfs values: ud_parse_ulong() (attributes
 * such as nr_hugepages, vendor, flags), ud_parse_size() (hugetlbfs's
 * pagesize=) and ud_packet_line_parse() (/proc/net/packet).  Any input is
 * safe; an accepted number is what strtoul() reads in the same base (base
 * 0 means hex after "0x", else decimal), without overflow.
 */
#include <errno.h>

#include "fuzz.h"
#include "net_sockets.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	static const int bases[] = { 0, 10, 16 };
	unsigned long v, ino;
	int idx;
	size_t sz;

	for (int i = 0; i < 3; i++) {
		if (ud_parse_ulong(s, bases[i], &v) == 0) {
			/* base 0: "0x" is hex, anything else decimal (never
			 * octal: sysfs writes none) */
			int hex = bases[i] == 16 || (bases[i] == 0 && s[0] == '0' &&
						     (s[1] == 'x' || s[1] == 'X'));
			char *end;
			unsigned long w;

			errno = 0;
			w = strtoul(s, &end, hex ? 16 : 10);
			FUZZ_REQUIRE(!errno && w == v, "'%s' base %d: %lu, strtoul %lu",
				     s, bases[i], v, w);
			FUZZ_REQUIRE(s[0] != '-' && s[0] != '+' && s[0] != ' ',
				     "'%s' accepted", s);
		}
	}
	sz = ud_parse_size(s);
	if (sz) {
		char *end;
		unsigned long long n = strtoull(s, &end, 10);

		FUZZ_REQUIRE(n && sz % n == 0, "'%s' -> %zu", s, sz);
	}
	ud_packet_line_parse(s, &idx, &ino);
	free(s);
	return 0;
}
