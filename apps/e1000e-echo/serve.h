/* SPDX-License-Identifier: MIT */
/*
 * The loop of e1000e-echo: take bursts of frames off the RX ring, let
 * proto.c answer each in its own buffer, send the answers in one bulk post
 * to the TX ring, and put fresh pool buffers in their places in the RX
 * ring (the frames not answered go straight back).  RX by polling, or by
 * sleeping on MSI-X vector 0 while the ring is empty.
 *
 * Threads: one loop per NIC.
 */
#ifndef SERVE_H
#define SERVE_H

#include <stdint.h>

#include "drivers/e1000e.h"
#include "proto.h"

/**
 * serve() - answer what arrives until SIGINT or SIGTERM (app_stopping()),
 * or until @end_ms.
 * @nic: a started NIC (e1000e_start()), with e1000e_enable_rx_irq() for
 *	@irq.
 * @p: the responder: its addresses, and the counters it updates.
 * @irq: sleep on the RX interrupt while nothing arrives.
 * @end_ms: app_now_ms() at which to stop; 0 for never.
 *
 * Return: 0 when asked to stop, -1 on an error (with a message).
 */
int serve(struct e1000e *nic, struct proto *p, int irq, uint64_t end_ms);

/**
 * serve_report() - print the counters: frames received and sent, answers
 * by kind, drops by reason, the device's own counters, RX interrupts,
 * and CPU time in all and per frame received.
 * @nic: the NIC.
 * @p: the responder.
 * @cpu_ns: the process's CPU time (app_cpu_ns()).
 */
void serve_report(struct e1000e *nic, const struct proto *p, uint64_t cpu_ns);

#endif /* SERVE_H */
