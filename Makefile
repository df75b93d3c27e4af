# SPDX-License-Identifier: MIT
# baton: build the PID-1 init (static, musl), the image generator, and run the tests.
#
#   make          build/init and build/mkinitramfs (installs host packages when missing)
#   make check    lint, unit tests, fuzz replay, docs and generator checks, QEMU boot scenarios
#   make demo     boot a demo image in QEMU (DEMO_SHELL=1 keeps a shell open)
#   make bench    boot baton's and other generators' images, timed (never part of check)

BUILD     ?= build
DEPS      := $(BUILD)/deps
CFLAGS_WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wformat=2 -Wvla
ifneq ($(CI),)
CFLAGS_WARN += -Werror
endif

# PID 1: static musl binary against libmount, libblkid and libkmod built from Debian's sources.
MUSL_CC   := musl-gcc
INIT_SRC  := $(wildcard init/*.c)
INIT_HDR  := $(wildcard init/*.h)
INIT_CFLAGS := -std=gnu11 -Os $(CFLAGS_WARN) -I$(DEPS)/include -isystem $(DEPS)/kernel-headers \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections -D_GNU_SOURCE
INIT_LDFLAGS := -static -s -Wl,--gc-sections -L$(DEPS)/lib
INIT_LIBS := -lmount -lblkid -lkmod

# The generator runs on the build host and links the host's shared libraries.
GEN_SRC   := $(wildcard mkinitramfs/*.c)
GEN_HDR   := $(wildcard mkinitramfs/*.h)
GEN_CFLAGS := -std=gnu11 -O2 -g $(CFLAGS_WARN) -D_GNU_SOURCE
GEN_LIBS  := -lkmod -ldeflate -lz -llzma -lzstd

.PHONY: all host-packages test-packages deps check lint unit docs-check generator-test qemu-test demo bench clean
all: $(BUILD)/init $(BUILD)/mkinitramfs

# Packages: the build side for make, the rest (QEMU, filesystems, linters) for the checks.
host-packages:
	@scripts/host-packages.sh --build

test-packages:
	@scripts/host-packages.sh --test

$(DEPS)/.done: scripts/build-deps.sh scripts/apt-private.sh | host-packages
	scripts/build-deps.sh $(DEPS)

deps: $(DEPS)/.done

$(BUILD)/init: $(INIT_SRC) $(INIT_HDR) $(DEPS)/.done
	@mkdir -p $(BUILD)
	$(MUSL_CC) $(INIT_CFLAGS) -o $@ $(INIT_SRC) $(INIT_LDFLAGS) $(INIT_LIBS)

$(BUILD)/mkinitramfs: $(GEN_SRC) $(GEN_HDR) | host-packages
	@mkdir -p $(BUILD)
	$(CC) $(GEN_CFLAGS) -o $@ $(GEN_SRC) $(GEN_LIBS)

# Unit tests: pure code from init/ and mkinitramfs/ built for the host with ASan and UBSan.
UNIT_CFLAGS := -std=gnu11 -O1 -g $(CFLAGS_WARN) -D_GNU_SOURCE -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Iinit -Imkinitramfs
UNIT_SRC := tests/unit/main.c $(wildcard tests/unit/test_*.c) init/cmdline.c init/cmdline_keys.c init/devspec.c init/inroot.c \
	init/switchroot.c init/hooks.c init/log.c init/shell.c init/run.c init/luksconf.c \
	mkinitramfs/cpio.c mkinitramfs/compress.c
UNIT_LIBS := -ldeflate -lz -llzma -lzstd
$(BUILD)/unit-tests: $(UNIT_SRC) $(wildcard tests/unit/*.h) $(INIT_HDR) $(GEN_HDR) | host-packages
	@mkdir -p $(BUILD)
	$(CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRC) $(UNIT_LIBS)

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# The generator from the outside, on Debian's kernel: contents, reproducibility, errors.
generator-test: all | test-packages
	tests/generator/run.sh

qemu-test: all | test-packages
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

# For editors and clangd: every C file of the two programs with the flags it is built with.
compile_commands.json: Makefile $(INIT_SRC) $(GEN_SRC)
	@{ printf '['; sep=''; \
	for f in $(INIT_SRC); do \
		printf '%s\n{"directory": "%s", "file": "%s", "command": "%s %s -c %s"}' \
			"$$sep" "$(CURDIR)" "$$f" "$(MUSL_CC)" "$(INIT_CFLAGS)" "$$f"; sep=,; \
	done; \
	for f in $(GEN_SRC); do \
		printf '%s\n{"directory": "%s", "file": "%s", "command": "%s %s -c %s"}' \
			"$$sep" "$(CURDIR)" "$$f" "$(CC)" "$(GEN_CFLAGS)" "$$f"; sep=,; \
	done; printf '\n]\n'; } >$@
	@echo "wrote $@"

clean:
	rm -rf $(BUILD)

include tests/fuzz/fuzz.mk
