// SPDX-License-Identifier: MIT
/* Helpers shared by the applications and their guest test programs; see app.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "app.h"

static const char *prog = "app";

void app_init(const char *name)
{
	prog = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

int app_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int app_verdict(int failed)
{
	printf("%s\n", failed ? "FAILED" : "OK");
	return failed ? 1 : 0;
}

int app_num(const char *opt, const char *arg, unsigned long long min,
	    unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-' || v < min || v > max) {
		app_err("%s %s: give a number from %llu to %llu", opt, arg,
			min, max);
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

uint64_t app_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t app_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

void app_stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int app_stopping(void)
{
	return stop_signal;
}

void app_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, ms ? (long)(ms % 1000) * 1000000
					     : 100000 };

	nanosleep(&ts, NULL);
}

int app_wait_reg32(const volatile uint8_t *bar, size_t off, uint32_t mask,
		   uint32_t want, uint32_t fatal, int timeout_ms,
		   uint32_t *last)
{
	uint64_t deadline = app_now_ms() + (uint64_t)timeout_ms;
	uint32_t v;

	for (;;) {
		v = ud_reg_read32(bar, off);
		if (last)
			*last = v;
		if (v == 0xffffffffu) {
			errno = ENODEV;
			return -1;
		}
		if ((v & mask) == want)
			return 0;
		if (v & fatal) {
			errno = EIO;
			return -1;
		}
		if (app_now_ms() > deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		app_sleep_ms(0);
	}
}

struct ud_dev *app_dev_open(const char *who, const char *addr,
			    volatile uint8_t **bar0, size_t *len)
{
	struct ud_dev *d = ud_dev_open(addr);

	if (!d || ud_dev_require(d, UD_CAP_BAR_MAP | UD_CAP_BUSMASTER_GUARD)) {
		fprintf(stderr, "%s: %s\n", who, ud_errmsg());
		ud_dev_close(d);
		return NULL;
	}
	*bar0 = ud_dev_map_bar(d, 0, 0, len);
	if (!*bar0) {
		fprintf(stderr, "%s: BAR0: %s\n", who, ud_errmsg());
		ud_dev_close(d);
		return NULL;
	}
	return d;
}

struct ud_mem *app_mem_open(const char *who, const char *kpin_addr,
			    struct ud_pa_source *kpin)
{
	struct ud_mem_config cfg = UD_MEM_CFG_INIT;
	struct ud_mem *m;
	char ctl[64];

	if (kpin_addr) {
		snprintf(ctl, sizeof(ctl), "/dev/uio_dma/%s", kpin_addr);
		if (ud_pa_source_kpin(kpin, ctl)) {
			fprintf(stderr, "%s: kpin source: %s\n", who, ud_errmsg());
			return NULL;
		}
		cfg.pa_source = kpin;
	}
	cfg.va_size = 1ull << 30;
	m = ud_mem_open(&cfg);
	if (!m)
		fprintf(stderr, "%s: hugepage memory: %s\n", who, ud_errmsg());
	return m;
}

const char *app_mem_addresses(const struct ud_mem *m,
			      const struct ud_pa_source *pa_source)
{
	if (ud_mem_iova_mode(m) == UD_IOVA_MODE_VA)
		return "VA mode (IOVAs the library maps into the VFIO container)";
	if (pa_source)
		return "PA mode (physical addresses from uio_dma pins)";
	return "PA mode (physical addresses from pagemap)";
}

struct ud_mem *app_dev_mem_open(const char *who, const char *addr,
				struct ud_pa_source *kpin)
{
	char ctl[64];

	snprintf(ctl, sizeof(ctl), "/dev/uio_dma/%s", addr);
	return app_mem_open(who, access(ctl, F_OK) ? NULL : addr, kpin);
}

struct ud_zone *app_zone(struct ud_mem *m, const char *name, size_t len,
			 size_t align, uint64_t iova_max, unsigned flags)
{
	struct ud_zone_params p = UD_ZONE_PARAMS_INIT;
	struct ud_zone *z;

	p.align = align;
	p.iova_max = iova_max;
	p.flags = flags;
	z = ud_zone_reserve(m, name, len, &p);
	if (!z)
		app_err("zone %s: %s", name, ud_errmsg());
	return z;
}
