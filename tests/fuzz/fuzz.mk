# SPDX-License-Identifier: MIT
# Fuzzing what reads untrusted input (included by the top Makefile, which sets BUILD, DEPS and
# CFLAGS_WARN): the init's command line and device spec parsers, libblkid probing disks as the
# init probes them, and the generator's ELF reader and softdep merge.
#
#   make fuzz-replay   every corpus file through each target under ASan and UBSan (make check)
#   make fuzz          libFuzzer, FUZZ_SECONDS (default 60) per target, on scratch copies of the
#                      corpora under build/fuzz/corpus-NAME; crashes land in build/fuzz/crashes-NAME
#   make fuzz FUZZ_TARGETS=blkid FUZZ_SECONDS=3600    one target for an hour
#   make build/fuzz/fuzz-NAME, then tests/fuzz/fuzz.sh NAME build/fuzz/fuzz-NAME SECONDS build/fuzz
#                      the same by hand (prefix `nice -n 10` on a shared machine)
#
# Each target tests/fuzz/fuzz_NAME.c has a seed corpus tests/fuzz/corpus/NAME/ and, optionally,
# a dictionary tests/fuzz/NAME.dict. blkid links a host libblkid built from the same util-linux
# source package as the init's, with clang and the sanitizers (scripts/build-fuzz-blkid.sh,
# cached under ~/.cache/baton); its seeds come from tests/fuzz/make-blkid-seeds.sh.

FUZZ_DIR     := tests/fuzz
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_TARGETS ?= cmdline devspec blkid elfinfo softdep
FUZZ_SECONDS ?= 60
FUZZ_CLANG   ?= clang
FUZZ_BLKID   := $(FUZZ_BUILD)/blkid

# Per target: the code under test, extra flags and libraries, extra prerequisites, the compiler
# of the replay build (gcc, except where the code under test was instrumented by clang) and
# libFuzzer's -max_len (past each input's own limit, so the too-long paths run).
FUZZ_SRC_cmdline := init/cmdline.c common/stage.c
FUZZ_SRC_devspec := init/devspec.c
FUZZ_SRC_elfinfo := mkinitramfs/elfinfo.c common/elfinterp.c common/strv.c
FUZZ_SRC_softdep := mkinitramfs/softdep.c common/strv.c
FUZZ_SRC_blkid   := init/probe.c
FUZZ_FLAGS_blkid := -I$(FUZZ_BLKID)/include
FUZZ_LIBS_blkid  := $(FUZZ_BLKID)/lib/libblkid.a
FUZZ_PRE_blkid   := $(FUZZ_BLKID)/.done
FUZZ_CC_blkid    := $(FUZZ_CLANG)
# x86's command line size (2048) and DEVSPEC_VALUE_MAX (256); disk images: the seeds are at most 256 KiB.
FUZZ_MAXLEN_cmdline := 4096
FUZZ_MAXLEN_devspec := 4096
FUZZ_MAXLEN_blkid   := 262144
FUZZ_MAXLEN_elfinfo := 65536
FUZZ_MAXLEN_softdep := 16384

# Each target sees common/ and the folder of the code it tests (the first of FUZZ_SRC_NAME) only.
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(CFLAGS_WARN) -D_GNU_SOURCE -Icommon \
	-fno-sanitize-recover=all
# Sanitizers stop at the first report, also in libblkid (built recoverable) but for the reports
# ubsan.supp names; LeakSanitizer runs at exit.
FUZZ_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$(CURDIR)/$(FUZZ_DIR)/ubsan.supp
FUZZ_HDR := $(FUZZ_DIR)/fuzz.h $(wildcard common/*.h init/*.h mkinitramfs/*.h)

.PHONY: fuzz-replay fuzz

$(FUZZ_BLKID)/.done: scripts/build-fuzz-blkid.sh $(DEPS)/.done | test-packages
	scripts/build-fuzz-blkid.sh $(DEPS) $(FUZZ_BLKID)

define FUZZ_RULES
$(FUZZ_BUILD)/replay-$(1): $(FUZZ_DIR)/fuzz_$(1).c $(FUZZ_DIR)/replay.c $(FUZZ_SRC_$(1)) \
		$(FUZZ_HDR) $(FUZZ_PRE_$(1))
	@mkdir -p $$(@D)
	$(or $(FUZZ_CC_$(1)),$(CC)) $(FUZZ_CFLAGS) -I$$(dir $(firstword $(FUZZ_SRC_$(1)))) $(FUZZ_FLAGS_$(1)) -fsanitize=address,undefined \
		-DFUZZ_NAME='"$(1)"' -o $$@ $$(filter %.c,$$^) $(FUZZ_LIBS_$(1))

$(FUZZ_BUILD)/fuzz-$(1): $(FUZZ_DIR)/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_HDR) $(FUZZ_PRE_$(1))
	@mkdir -p $$(@D)
	$(FUZZ_CLANG) $(FUZZ_CFLAGS) -I$$(dir $(firstword $(FUZZ_SRC_$(1)))) $(FUZZ_FLAGS_$(1)) -fsanitize=fuzzer,address,undefined -o $$@ \
		$$(filter %.c,$$^) $(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULES,$(t))))

# The command line parser reads its keys from a table of their own.
$(FUZZ_BUILD)/replay-cmdline $(FUZZ_BUILD)/fuzz-cmdline: init/cmdline_keys.c

# clang (for blkid) comes with the test packages.
fuzz-replay: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/replay-%) | test-packages
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(FUZZ_ENV) $(FUZZ_BUILD)/replay-$$t $(FUZZ_DIR)/corpus/$$t; \
	done

# Runs every target even when one finds something, then fails.
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)
	@status=0; $(foreach t,$(FUZZ_TARGETS),$(FUZZ_ENV) $(FUZZ_DIR)/fuzz.sh $(t) \
		$(FUZZ_BUILD)/fuzz-$(t) $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZ_MAXLEN_$(t)) || status=1;) \
		exit $$status
