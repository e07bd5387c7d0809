# uiodma - top-level build.
#
#   make            library, tools and (if headers exist) the module
#   make demo       boot a guest and run the main job on emulated devices
#   make check      every test: unit (plain and ASan+UBSan), module build
#                   checks (W=1, sparse) and guest tests on both kernels
#   make bench      benchmarks against their baselines (host and guest)
#   make bench-host the part of the benchmarks that runs on this host
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
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -pthread -Iinclude -Ilib -fvisibility=hidden
LDLIBS_LIB := -ludev -pthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

LIB_SRCS  := $(wildcard lib/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/lib/libuiodma.a
LIB_SO    := $(BUILD)/lib/libuiodma.so
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_BINS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
GUEST_SRCS := $(wildcard tests/guest/progs/*.c)
GUEST_BINS := $(patsubst tests/guest/progs/%.c,$(BUILD)/guest/bin/%,$(GUEST_SRCS))
BENCH_SRCS := $(wildcard bench/host/*.c)
BENCH_BINS := $(patsubst bench/host/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
HDRS      := $(wildcard include/*.h include/uiodma/*.h lib/*.h)

.PHONY: all lib tools kmod unit check check-unit check-asan check-kmod \
	check-guest demo bench bench-host deps clean
.DELETE_ON_ERROR:

all: lib tools

lib: $(LIB_A) $(LIB_SO)
tools: $(TOOL_BINS)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libuiodma.so.0 $(LDSAN) -o $@ $^ $(LDLIBS_LIB)

$(BUILD)/tools/%: tools/%.c $(LIB_A) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDSAN) -o $@ $< $(LIB_A) $(LDLIBS_LIB)

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_A) $(HDRS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDSAN) -o $@ $< $(LIB_A) $(CHECK_LIBS) $(LDLIBS_LIB)

$(BUILD)/guest/bin/%: tests/guest/progs/%.c $(LIB_A) $(HDRS) $(wildcard tests/guest/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS_LIB)

$(BUILD)/bench/%: bench/host/%.c $(LIB_A) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS_LIB) -lm

deps-%:
	@scripts/deps.sh $*

unit: $(UNIT_BINS)

# ---- tests ---------------------------------------------------------------

# Runs every layer even when one fails (-k), then prints the totals.
check: deps-build deps-unit deps-kmod deps-guest
	@mkdir -p $(BUILD) && rm -f $(BUILD)/results
	@UD_RESULTS=$(abspath $(BUILD))/results $(MAKE) --no-print-directory -k \
		check-unit check-asan check-kmod check-guest; st=$$?; \
		tests/summary.sh $(BUILD)/results && exit $$st

check-unit: deps-unit $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

check-asan: deps-unit
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN=1 unit
	@UD_VARIANT=asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run-unit.sh $(patsubst $(BUILD)/%,$(BUILD)/asan/%,$(UNIT_BINS))

check-kmod: deps-kmod
	@tests/kmod/build-check.sh $(BUILD)

check-guest: deps-guest deps-kmod $(GUEST_BINS) $(TOOL_BINS) $(LIB_SO)
	@tests/guest/run.sh $(BUILD) test

demo: deps-build deps-kmod deps-guest $(GUEST_BINS) $(TOOL_BINS) $(LIB_SO)
	@tests/guest/run.sh $(BUILD) demo

bench-host: deps-build $(BENCH_BINS)
	@bench/run-host.sh $(BUILD)

bench: bench-host $(GUEST_BINS) $(TOOL_BINS) $(LIB_SO)
	@tests/guest/run.sh $(BUILD) bench

# The module for each guest kernel, built in build/kmod/<release>/.
kmod: deps-kmod
	@tests/kmod/build-check.sh $(BUILD) --build-only

clean:
	rm -rf $(BUILD)
