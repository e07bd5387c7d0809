// SPDX-License-Identifier: MIT
/*
 * e1000e_harness - proves that e1000e-loop's checker (apps/e1000e-loop/
 * loop.c) catches what it claims to: runs 32 frames between two NICs, as
 * e1000e-loop does, with one fault injected into frame 16.
 *
 *   e1000e_harness inject lose|dup|corrupt TX_PCI_ADDR RX_PCI_ADDR
 *
 *   lose     frame 16 is not sent: the totals must say "lost 1,"
 *   dup      frame 16 is sent twice: "duplicated 1,"
 *   corrupt  frame 16's last byte is inverted: "corrupted 1,"
 *
 * Exit status: the run's, as e1000e-loop's (1 when the checker caught the
 * fault, 0 when it missed it), 2 usage.
 */
#include <stdio.h>
#include <string.h>

#include "common/app.h"
#include "e1000e-loop/loop.h"

#define FRAMES 32

static enum loop_fate inject(unsigned seq, void *arg)
{
	enum loop_fate fate = *(enum loop_fate *)arg;
	static const char *const what[] = {
		[LOOP_SKIP] = "not sent",
		[LOOP_SEND_TWICE] = "sent twice",
		[LOOP_FLIP_LAST] = "last byte flipped",
	};

	if (seq != FRAMES / 2)
		return LOOP_SEND;
	printf("  injected: frame %u %s\n", seq, what[fate]);
	return fate;
}

int main(int argc, char **argv)
{
	struct loop_opts o = LOOP_OPTS_INIT;
	enum loop_fate fate;

	app_init("e1000e_harness");
	if (argc != 5 || strcmp(argv[1], "inject"))
		goto usage;
	if (!strcmp(argv[2], "lose"))
		fate = LOOP_SKIP;
	else if (!strcmp(argv[2], "dup"))
		fate = LOOP_SEND_TWICE;
	else if (!strcmp(argv[2], "corrupt"))
		fate = LOOP_FLIP_LAST;
	else
		goto usage;
	o.count = FRAMES;
	o.tx_addr = argv[3];
	o.rx_addr = argv[4];
	return app_verdict(loop_run(&o, inject, &fate));
usage:
	fprintf(stderr, "usage: e1000e_harness inject lose|dup|corrupt TX_PCI_ADDR RX_PCI_ADDR\n");
	return 2;
}
