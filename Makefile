# SPDX-License-Identifier: MIT
# baton: build the PID-1 init (static, musl), the image generator, and run the tests.
#
#   make          build/init and build/mkinitramfs (installs host packages when missing)
#   make check    lint, unit tests, fuzz replay, docs and generator checks, QEMU boot scenarios
#   make demo     boot a demo image in QEMU (DEMO_SHELL=1 keeps a shell open)
#   make bench    boot baton's and other generators' images, timed (never part of check)
#   make ARCH=arm64  build/arm64/init and build/arm64/probe for aarch64 (cross, musl)

BUILD     ?= build
DEPS      := $(BUILD)/deps
CFLAGS_WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wformat=2 -Wvla
ifneq ($(CI),)
CFLAGS_WARN += -Werror
endif

# common/: the contract between image and init, and helpers both programs link; each program
# links one log back end (log_kmsg.c or log_stderr.c). Its headers are found through -Icommon.
COMMON_SRC := $(filter-out common/log_%.c,$(wildcard common/*.c))
COMMON_HDR := $(wildcard common/*.h)

# PID 1: static musl binary against libmount, libblkid and libkmod built from Debian's sources.
MUSL_CC   := musl-gcc
INIT_OUT  := $(BUILD)/init
# make ARCH=arm64: the init (and the probe the QEMU scenarios boot) cross-built for aarch64 into
# build/arm64/, with Debian's gcc-aarch64-linux-gnu and Debian's arm64 musl and libraries from the
# same sources (scripts/build-deps.sh --arch arm64 makes build/arm64/deps/bin/musl-gcc).
ifeq ($(ARCH),arm64)
DEPS      := $(BUILD)/arm64/deps
MUSL_CC   := $(DEPS)/bin/musl-gcc
INIT_OUT  := $(BUILD)/arm64/init
DEPS_ARGS := --arch arm64
HOST_PACKAGES_ARGS := --arm64
CROSS_OUT := $(BUILD)/arm64/probe
# The cross gcc 12 inlines differently and loses the bounds of device names in two snprintf
# calls (init/devices.c scan_sysfs, init/luks.c unlock_with_passphrase) that the native build
# sees; they stay warnings there, not errors, so CI=true builds both.
CROSS_CFLAGS := -Wno-error=format-truncation
else ifneq ($(ARCH),)
$(error ARCH=$(ARCH): only ARCH=arm64 can be cross-built; without ARCH, make builds for this machine)
endif
INIT_SRC  := $(wildcard init/*.c) $(COMMON_SRC) common/log_kmsg.c
INIT_HDR  := $(wildcard init/*.h) $(COMMON_HDR)
INIT_CFLAGS := -std=gnu11 -Os $(CFLAGS_WARN) -Icommon -I$(DEPS)/include -isystem $(DEPS)/kernel-headers \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections -D_GNU_SOURCE
INIT_LDFLAGS := -static -s -Wl,--gc-sections -L$(DEPS)/lib
INIT_LIBS := -lmount -lblkid -lkmod

# The generator runs on the build host and links the host's shared libraries.
GEN_SRC   := $(wildcard mkinitramfs/*.c) $(COMMON_SRC) common/log_stderr.c
GEN_HDR   := $(wildcard mkinitramfs/*.h) $(COMMON_HDR)
GEN_CFLAGS := -std=gnu11 -O2 -g $(CFLAGS_WARN) -Icommon -D_GNU_SOURCE
GEN_LIBS  := -lkmod -ldeflate -lz -llzma -lzstd -llz4

.PHONY: all arm64 host-packages test-packages deps check lint unit docs-check generator-test qemu-test demo bench clean
all: $(INIT_OUT) $(BUILD)/mkinitramfs $(CROSS_OUT)

# The arm64 init and probe beside the native build (the QEMU scenarios of bookworm-arm64 need them).
arm64:
	$(MAKE) ARCH=arm64 all

# Packages: the build side for make, the rest (QEMU, filesystems, linters) for the checks.
host-packages:
	@scripts/host-packages.sh --build $(HOST_PACKAGES_ARGS)

test-packages:
	@scripts/host-packages.sh --test

$(DEPS)/.done: scripts/build-deps.sh scripts/apt-private.sh | host-packages
	scripts/build-deps.sh $(DEPS_ARGS) $(DEPS)

deps: $(DEPS)/.done

$(INIT_OUT): $(INIT_SRC) $(INIT_HDR) $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) $(CROSS_CFLAGS) -o $@ $(INIT_SRC) $(INIT_LDFLAGS) $(INIT_LIBS)

# The static probe init of the QEMU scenarios, for a cross build (natively lib.sh builds it).
$(BUILD)/arm64/probe: tests/qemu/probe.c $(DEPS)/.done
	$(MUSL_CC) -static -Os -s $(CFLAGS_WARN) -o $@ $<

$(BUILD)/mkinitramfs: $(GEN_SRC) $(GEN_HDR) | host-packages
	@mkdir -p $(BUILD)
	$(CC) $(GEN_CFLAGS) -o $@ $(GEN_SRC) $(GEN_LIBS)

# Unit tests: pure code built for the host with ASan and UBSan. Each group is compiled with
# -Icommon and its own program's folder only, so that a test cannot pick the other program's
# header: tests/unit/test_*.c with the init code (-Iinit), tests/unit/mkinitramfs/test_*.c with
# the generator's (-Imkinitramfs), tests/unit/common/test_*.c with common/ (nothing else).
UNIT_CFLAGS := -std=gnu11 -O1 -g $(CFLAGS_WARN) -D_GNU_SOURCE -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Icommon -Itests/unit
UNIT_SRC := $(wildcard tests/unit/test_*.c) init/cmdline.c init/cmdline_keys.c init/devspec.c init/inroot.c \
	init/switchroot.c init/hooks.c init/shell.c init/run.c init/shutdown_prep.c init/verity_args.c init/luksconf.c \
	init/keymap.c
UNIT_SRC += init/modalias.c
UNIT_GEN_SRC := $(wildcard tests/unit/mkinitramfs/test_*.c) mkinitramfs/cpio.c mkinitramfs/compress.c
UNIT_COMMON_SRC := tests/unit/main.c $(wildcard tests/unit/common/test_*.c) $(COMMON_SRC) \
	common/log_kmsg.c
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/unit/init/%.o) $(UNIT_GEN_SRC:%.c=$(BUILD)/unit/gen/%.o) \
	$(UNIT_COMMON_SRC:%.c=$(BUILD)/unit/common/%.o)
UNIT_LIBS := -ldeflate -lz -llzma -lzstd -llz4
$(BUILD)/unit/init/%.o: %.c | host-packages
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Iinit -MMD -MP -c -o $@ $<
$(BUILD)/unit/gen/%.o: %.c | host-packages
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Imkinitramfs -MMD -MP -c -o $@ $<
$(BUILD)/unit/common/%.o: %.c | host-packages
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -c -o $@ $<
-include $(UNIT_OBJ:.o=.d)
$(BUILD)/unit-tests: $(UNIT_OBJ)
	$(CC) $(UNIT_CFLAGS) -o $@ $(UNIT_OBJ) $(UNIT_LIBS)

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# The generator from the outside, on Debian's kernel: contents, reproducibility, errors.
generator-test: all | test-packages
	tests/generator/run.sh

qemu-test: all arm64 | test-packages
	tests/qemu/run.sh

check: lint unit fuzz-replay docs-check generator-test qemu-test

# Style: clang-format (dry run) on every C file, shellcheck on every shell script.
lint: | test-packages
	scripts/lint.sh

# Every command line key the parser knows is documented (baton(7), README).
docs-check:
	tests/check-docs.sh

demo: all | test-packages
	tests/qemu/demo.sh

bench: all | test-packages
	bench/run.sh

# For editors and clangd: every C file of the two programs and of the unit tests with the flags
# it is built with (common/ as the generator builds it, log_kmsg.c as the init does).
CC_JSON = for f in $(2); do \
		printf '%s\n{"directory": "%s", "file": "%s", "command": "%s -c %s"}' \
			"$$sep" "$(CURDIR)" "$$f" "$(1)" "$$f"; sep=,; \
	done;
compile_commands.json: Makefile $(INIT_SRC) $(GEN_SRC) $(UNIT_SRC) $(UNIT_GEN_SRC) $(UNIT_COMMON_SRC)
	@{ printf '['; sep=''; \
	$(call CC_JSON,$(MUSL_CC) $(INIT_CFLAGS),$(filter-out $(COMMON_SRC),$(INIT_SRC))) \
	$(call CC_JSON,$(CC) $(GEN_CFLAGS),$(GEN_SRC)) \
	$(call CC_JSON,$(CC) $(UNIT_CFLAGS) -Iinit,$(filter tests/%,$(UNIT_SRC))) \
	$(call CC_JSON,$(CC) $(UNIT_CFLAGS) -Imkinitramfs,$(filter tests/%,$(UNIT_GEN_SRC))) \
	$(call CC_JSON,$(CC) $(UNIT_CFLAGS),$(filter tests/%,$(UNIT_COMMON_SRC))) \
	printf '\n]\n'; } >$@
	@echo "wrote $@"

clean:
	rm -rf $(BUILD)

include tests/fuzz/fuzz.mk
include distro/distro.mk
