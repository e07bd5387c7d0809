// SPDX-License-Identifier: MIT
/*
 * ud_diag_parse(): any buffer of netlink replies is safe (no read past it,
 * whatever the lengths say); each socket reported was bound to the
 * interface asked for, and there are no more than the buffer can hold.
 */
#include <linux/inet_diag.h>
#include <linux/netlink.h>

#include "fuzz.h"
#include "net_sockets.h"

static size_t found;

static void seen(const char *kind, unsigned long ino, void *arg)
{
	(void)arg;
	FUZZ_REQUIRE(ino != 0 && !strcmp(kind, "TCP"), "bad report");
	found++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly @size bytes, so ASan sees any read past it */
	uint8_t *buf = malloc(size ? size : 1);
	int idx, r;

	if (!buf || size < 1)
		return free(buf), 0;
	memcpy(buf, data, size);
	idx = data[0] % 4;
	found = 0;
	r = ud_diag_parse(buf + 1, size - 1, idx, "TCP", seen, NULL);
	FUZZ_REQUIRE(r <= 1, "result %d", r);
	FUZZ_REQUIRE(found <= (size - 1) / NLMSG_LENGTH(sizeof(struct inet_diag_msg)),
		     "%zu sockets from %zu bytes", found, size - 1);
	FUZZ_REQUIRE(idx || !found, "sockets reported for interface 0");
	free(buf);
	return 0;
}
