# uiodma - top-level build.
#
#   make            library, tool and apps (the module: make kmod, for the
#                   guest kernels, or make -C kmod / DKMS for this machine)
#   make demo       boot a guest and run the main job on emulated devices
#   make check      every test: unit (plain and ASan+UBSan), parser fuzzing
#                   (bounded), module build checks (W=1, sparse), packaging
#                   (check-pkg: install, ABI, pkg-config, .debs in a Debian
#                   12 root) and guest tests on both kernels
#   make fuzz       the parser fuzzers, FUZZ_TIME (120) seconds each
#   make bench      benchmarks against their baselines (host and guest)
#   make bench-host the part of the benchmarks that runs on this host
#   make install    library, headers, pkg-config file, tools, manual, udev
#                   rule (PREFIX, LIBDIR, DESTDIR); make uninstall
#   make deb        the Debian packages, in $(BUILD)/deb/
#   make dkms-install / dkms-uninstall   the module through DKMS
#
# Everything is built under build/.  Debian packages a target needs are
# installed by scripts/deps.sh (as root) or named when missing.

BUILD    ?= build
CC       ?= gcc
SAN      ?=
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror
OPT      := -O2 -g
CFLAGS   ?= $(OPT)
ifeq ($(SAN),1)
CFLAGS   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN    := -fsanitize=address,undefined
endif
ifeq ($(SAN),thread)
CFLAGS   := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
LDSAN    := -fsanitize=thread
endif
# libFuzzer harnesses (tests/fuzz/) and the library they drive: clang.
ifeq ($(SAN),fuzz)
CC       := clang
CFLAGS   := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN    := -fsanitize=fuzzer,address,undefined
endif
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -pthread -Iinclude -Ilib -fvisibility=hidden
LDLIBS_LIB := -ludev -pthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

LIB_SRCS  := $(wildcard lib/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/lib/libuiodma.a
LIB_SO    := $(BUILD)/lib/libuiodma.so
# ---- library version (include/uiodma/version.h), soname, ABI ---------------
UD_VERSION := $(shell sed -n 's/^\#define UIODMA_VERSION_[MAJORINPATCH]* \([0-9]*\)$$/\1/p' \
	include/uiodma/version.h | paste -sd.)
LIB_SONAME := libuiodma.so.$(firstword $(subst ., ,$(UD_VERSION)))
LIB_SO_REAL := $(BUILD)/lib/libuiodma.so.$(UD_VERSION)
LIB_MAP   := lib/libuiodma.map
# The tools link libuiodma statically; TOOLS_SHARED=1 (the Debian package)
# links them with libuiodma.so.
TOOL_LIB  := $(if $(filter 1,$(TOOLS_SHARED)),$(LIB_SO),$(LIB_A))
TOOL_LINK := $(if $(filter 1,$(TOOLS_SHARED)),-L$(BUILD)/lib -luiodma,$(LIB_A))
# ---------------------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
# Concurrent tests (test_*_mt.c) also run under ThreadSanitizer.
MT_BINS   := $(filter %_mt,$(UNIT_BINS))
TOOL_DIRS := $(wildcard tools/*/)
TOOL_BINS := $(patsubst tools/%/,$(BUILD)/tools/%,$(TOOL_DIRS))
TOOL_SRCS := $(wildcard tools/*/*.c tools/*/*.h)
GUEST_SRCS := $(wildcard tests/guest/progs/*.c)
GUEST_BINS := $(patsubst tests/guest/progs/%.c,$(BUILD)/guest/bin/%,$(GUEST_SRCS))
APP_DIRS  := $(filter-out apps/common/ apps/drivers/,$(wildcard apps/*/))
APP_BINS  := $(patsubst apps/%/,$(BUILD)/apps/%,$(APP_DIRS))
# Every app source but the mains (apps/common/, the device drivers in
# apps/drivers/, each app's helpers), in one archive that the apps and the
# guest test programs link.
APP_LIB_SRCS := $(filter-out %/main.c,$(wildcard apps/*/*.c))
APP_LIB   := $(BUILD)/applib/libapps.a
APP_HDRS  := $(wildcard apps/*/*.h)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:%.c=$(BUILD)/%)
# Seconds per fuzz harness: in make check, and in make fuzz.
CHECK_FUZZ_TIME := 4
FUZZ_TIME ?= 120
BENCH_SRCS := $(wildcard bench/host/*.c)
BENCH_BINS := $(patsubst bench/host/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
HDRS      := $(wildcard include/*.h include/uiodma/*.h lib/*.h)

.PHONY: all lib tools apps kmod unit check check-unit check-asan check-tsan check-kmod \
	check-guest check-fuzz fuzz fuzzers demo bench bench-host deps install clean \
	uninstall man deb dkms-install dkms-uninstall check-pkg abi-baseline
.DELETE_ON_ERROR:

all: lib tools apps

lib: $(LIB_A) $(LIB_SO)
tools: $(TOOL_BINS)
apps: $(APP_BINS)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# libuiodma.so.X.Y.Z exports only what lib/libuiodma.map lists, with
# symbol versions; libuiodma.so.X (the soname) and libuiodma.so link to it.
$(LIB_SO_REAL): $(LIB_OBJS) $(LIB_MAP)
	$(CC) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--version-script=$(LIB_MAP) \
		$(LDSAN) $(LDFLAGS) -o $@ $(LIB_OBJS) $(LDLIBS_LIB)

$(LIB_SO): $(LIB_SO_REAL)
	ln -sfn $(notdir $<) $(BUILD)/lib/$(LIB_SONAME)
	ln -sfn $(LIB_SONAME) $@

# Each tools/NAME/ directory is one program, build/tools/NAME; each
# apps/NAME/ (but apps/common/ and apps/drivers/) is build/apps/NAME: its
# main.c and the archive of app sources.  Apps and guest programs include
# "common/app.h", "drivers/e1000e.h", "edu-dma/edu.h", ... (-Iapps).
.SECONDEXPANSION:
$(BUILD)/tools/%: $$(wildcard tools/%/*.c) $$(wildcard tools/%/*.h) $(TOOL_LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDSAN) $(LDFLAGS) -o $@ $(filter %.c,$^) $(TOOL_LINK) $(LDLIBS_LIB)

$(BUILD)/applib/%.o: apps/%.c $(HDRS) $(APP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iapps -c -o $@ $<

$(APP_LIB): $(APP_LIB_SRCS:apps/%.c=$(BUILD)/applib/%.o)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/apps/%: apps/%/main.c $(APP_LIB) $(LIB_A) $(HDRS) $(APP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iapps $(LDSAN) -o $@ $< $(APP_LIB) $(LIB_A) $(LDLIBS_LIB)

# Some unit tests include a tool's sources or a guest program's header.
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_A) $(HDRS) $(wildcard tests/unit/*.h) \
		$(TOOL_SRCS) $(wildcard tests/guest/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDSAN) -o $@ $< $(LIB_A) $(CHECK_LIBS) $(LDLIBS_LIB)

# test_apps_help runs the apps.
$(BUILD)/tests/unit/test_apps_help: $(APP_BINS)

$(BUILD)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB_A) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDSAN) -o $@ $< $(LIB_A) $(LDLIBS_LIB)

$(BUILD)/guest/bin/%: tests/guest/progs/%.c $(APP_LIB) $(LIB_A) $(HDRS) $(APP_HDRS) \
		$(wildcard tests/guest/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iapps -o $@ $< $(APP_LIB) $(LIB_A) $(LDLIBS_LIB)

# Benchmarks compare with DPDK when libdpdk-dev is installed (make bench
# installs it as root): its headers need GNU C and are included as system
# headers so their warnings are not ours.
DPDK_CFLAGS := $(shell pkg-config --cflags libdpdk 2>/dev/null | sed 's/-I/-isystem /g')
DPDK_LIBS   := $(shell pkg-config --libs libdpdk 2>/dev/null)
BENCH_CFLAGS := $(if $(DPDK_LIBS),-DHAVE_DPDK $(DPDK_CFLAGS) -std=gnu11)
$(BUILD)/bench/%: bench/host/%.c $(LIB_A) $(HDRS) $(wildcard bench/host/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BENCH_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS_LIB) $(DPDK_LIBS) -lm

deps-%:
	@scripts/deps.sh $*

unit: $(UNIT_BINS)

# ---- tests ---------------------------------------------------------------

# Runs every layer even when one fails (-k), then prints the totals.
check: deps-build deps-unit deps-kmod deps-guest deps-fuzz deps-pkg
	@mkdir -p $(BUILD) && rm -f $(BUILD)/results
	@UD_RESULTS=$(abspath $(BUILD))/results $(MAKE) --no-print-directory -k \
		check-unit check-asan check-tsan check-fuzz check-kmod check-pkg check-guest; st=$$?; \
		tests/summary.sh $(BUILD)/results && exit $$st

check-unit: deps-unit $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

check-asan: deps-unit
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN=1 unit
	@UD_VARIANT=asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run-unit.sh $(patsubst $(BUILD)/%,$(BUILD)/asan/%,$(UNIT_BINS))

check-tsan: deps-unit
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/tsan SAN=thread \
		$(patsubst $(BUILD)/%,$(BUILD)/tsan/%,$(MT_BINS))
	@UD_VARIANT=tsan TSAN_OPTIONS=halt_on_error=1 \
		tests/run-unit.sh $(patsubst $(BUILD)/%,$(BUILD)/tsan/%,$(MT_BINS))

# The library's parsers under libFuzzer, built with clang in $(BUILD)/fuzz:
# a few seconds each in make check, FUZZ_TIME seconds each in make fuzz.
fuzzers: $(FUZZ_BINS)

fuzz: FUZZ_SECS = $(FUZZ_TIME)
fuzz: check-fuzz

check-fuzz: deps-fuzz
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz SAN=fuzz fuzzers
	@tests/run-fuzz.sh $(or $(FUZZ_SECS),$(CHECK_FUZZ_TIME)) \
		$(patsubst $(BUILD)/%,$(BUILD)/fuzz/%,$(FUZZ_BINS))

check-kmod: deps-kmod
	@tests/kmod/build-check.sh $(BUILD)

check-guest: deps-guest deps-kmod $(GUEST_BINS) $(TOOL_BINS) $(APP_BINS) $(LIB_SO)
	@tests/guest/run.sh $(BUILD) test

demo: deps-build deps-kmod deps-guest $(GUEST_BINS) $(TOOL_BINS) $(APP_BINS) $(LIB_SO)
	@tests/guest/run.sh $(BUILD) demo

bench-host: deps-build deps-bench
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	@bench/run-host.sh $(BUILD)

# UD_GUEST_FIO=1: fio in the initramfs, the baseline of the NVMe benchmark.
bench: bench-host $(GUEST_BINS) $(TOOL_BINS) $(APP_BINS) $(LIB_SO)
	@UD_GUEST_FIO=1 tests/guest/run.sh $(BUILD) bench

# The module for each guest kernel, built in build/kmod/<release>/.
kmod: deps-kmod
	@tests/kmod/build-check.sh $(BUILD) --build-only

# ---- install, manual, packages (scripts/install.sh, debian/) ---------------
# make install: the library, headers, uiodma.pc, tools, manual and udev
# rule; make uninstall removes them again.  PREFIX (/usr/local), LIBDIR
# (PREFIX/lib/<Debian multiarch triplet>), DESTDIR as usual; the udev rule
# goes where udev reads it.  To the live system: ldconfig.  The module is
# installed with DKMS: make dkms-install (scripts/dkms.sh).
PREFIX     ?= /usr/local
MULTIARCH   = $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || \
		$(CC) -print-multiarch 2>/dev/null)
LIBDIR     ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
UDEVRULESDIR ?= $(if $(filter /usr /usr/local,$(PREFIX)),/usr/lib/udev/rules.d,$(PREFIX)/lib/udev/rules.d)
INSTALL_ENV = VERSION=$(UD_VERSION) SONAME=$(LIB_SONAME) DESTDIR=$(DESTDIR) \
	PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR) BINDIR=$(BINDIR) \
	MANDIR=$(MANDIR) UDEVRULESDIR=$(UDEVRULESDIR)

# Section 3 of the manual, generated from the headers' kernel-doc comments.
MAN_HDRS  := include/uiodma.h $(filter-out include/uiodma/uio_dma_ioctl.h,$(wildcard include/uiodma/*.h))
MAN_STAMP := $(BUILD)/man/.stamp
man: $(MAN_STAMP)
$(MAN_STAMP): $(MAN_HDRS) scripts/apidoc.pl
	rm -rf $(BUILD)/man
	scripts/apidoc.pl man $(BUILD)/man $(UD_VERSION) $(MAN_HDRS)
	touch $@

install: lib tools man
	@$(INSTALL_ENV) scripts/install.sh install $(BUILD)

uninstall: man
	@$(INSTALL_ENV) scripts/install.sh uninstall $(BUILD)

# uiodma-dkms, libuiodma0, libuiodma-dev, uiodma-tools with dpkg-buildpackage
# from a copy of the tree, checked by lintian; in $(BUILD)/deb/.
deb: deps-pkg
	@scripts/deb.sh $(BUILD)

dkms-install:
	@scripts/dkms.sh install $(KERNEL)

dkms-uninstall:
	@scripts/dkms.sh remove

# Packaging tests: the installed library through pkg-config (C11, gnu11,
# C++17; shared and static), its exports and ABI against abi/, the manual,
# install/uninstall, the .debs in a Debian 12 root.
check-pkg: deps-pkg
	@tests/pkg/run.sh $(BUILD)

# After a deliberate ABI change and version bump: the new baseline.
abi-baseline: deps-pkg lib
	@tests/pkg/abi.sh $(BUILD) --update

clean:
	rm -rf $(BUILD)
