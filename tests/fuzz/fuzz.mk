# SPDX-License-Identifier: MIT
# Fuzzing the pure parsers (included by the top Makefile, which sets BUILD and CFLAGS_WARN).
#
#   make fuzz-replay   every corpus file through each target under ASan and UBSan (make check)
#   make fuzz          libFuzzer, FUZZ_SECONDS per target, on scratch copies of the corpora

FUZZ_DIR     := tests/fuzz
FUZZ_BUILD   := $(BUILD)/fuzz
# Each target tests/fuzz/fuzz_NAME.c exercises init/NAME.c and has tests/fuzz/corpus/NAME/.
FUZZ_TARGETS := cmdline devspec
FUZZ_SECONDS ?= 60
FUZZ_CLANG   ?= clang

FUZZ_CFLAGS := -std=gnu11 -g -O1 $(CFLAGS_WARN) -D_GNU_SOURCE -Iinit -fno-sanitize-recover=all
# Sanitizers stop at the first report; LeakSanitizer runs at exit.
FUZZ_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

.PHONY: fuzz-replay fuzz

$(FUZZ_BUILD)/replay-%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/replay.c init/%.c init/%.h \
		$(FUZZ_DIR)/fuzz.h
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=address,undefined -DFUZZ_NAME='"$*"' -o $@ \
		$(filter %.c,$^)

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_DIR)/fuzz_%.c init/%.c init/%.h $(FUZZ_DIR)/fuzz.h
	@mkdir -p $(@D)
	$(FUZZ_CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $(filter %.c,$^)

# The command line parser reads its keys from a table of their own.
$(FUZZ_BUILD)/replay-cmdline $(FUZZ_BUILD)/fuzz-cmdline: init/cmdline_keys.c

fuzz-replay: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/replay-%)
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(FUZZ_ENV) $(FUZZ_BUILD)/replay-$$t $(FUZZ_DIR)/corpus/$$t; \
	done

# Runs every target even when one finds something, then fails.
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)
	@status=0; for t in $(FUZZ_TARGETS); do \
		$(FUZZ_ENV) $(FUZZ_DIR)/fuzz.sh $$t $(FUZZ_BUILD)/fuzz-$$t $(FUZZ_SECONDS) \
			$(FUZZ_BUILD) || status=1; \
	done; exit $$status
