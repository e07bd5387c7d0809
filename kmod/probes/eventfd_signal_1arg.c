// SPDX-License-Identifier: GPL-2.0
/* Linux 6.8 dropped eventfd_signal()'s count argument. */
#include <linux/eventfd.h>

void probe(struct eventfd_ctx *ctx);
void probe(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
