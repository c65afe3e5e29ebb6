# tests/fuzz/fuzz.mk: libFuzzer targets, built with clang from the core sources.
#
#   make fuzz [FUZZ_SECONDS=60]                     every target, FUZZ_SECONDS each
#   make -f tests/fuzz/fuzz.mk build                build only
#   make -f tests/fuzz/fuzz.mk run FUZZ_TARGETS="fuzz_text" FUZZ_SECONDS=600
#
# Every tests/fuzz/fuzz_*.c is a target: it defines LLVMFuzzerTestOneInput()
# and may declare its seed corpora in a line
#
#   // seeds: tests/data/hostile tests/fuzz/seeds/text
#
# (directories or files; every regular file under them seeds the corpus).
# All of core/ is compiled once with -fsanitize=fuzzer-no-link,address,undefined
# into $(FUZZ_BUILD)/libcore.a and each target links against it, so a new
# target needs no edit here. Corpora grow in $(FUZZ_BUILD)/corpus/<target>/,
# crashes land in $(FUZZ_BUILD)/artifacts/, logs in $(FUZZ_BUILD)/logs/.
# `run` ends with a summary table and fails if any target crashed.

FUZZ_BUILD   ?= build/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 2
PKG_CONFIG   ?= pkg-config

FUZZ_PKGS := libcurl libcrypto libcjson libuv expat

FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_STD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_XOPEN_SOURCE_EXTENDED \
	-D_DEFAULT_SOURCE
FUZZ_CFLAGS := $(FUZZ_STD) -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter \
	-I. -DORGTOP_VERSION='"fuzz"' -DORGTOP_DATADIR='"/nonexistent"' -DORGTOP_FUZZ \
	$(filter-out -D_XOPEN_SOURCE=%,$(shell $(PKG_CONFIG) --cflags $(FUZZ_PKGS) 2>/dev/null))
FUZZ_LIBS   := $(shell $(PKG_CONFIG) --libs $(FUZZ_PKGS) 2>/dev/null) -lm -lpthread

FUZZ_CORE_SRC := $(sort $(shell find core -name '*.c'))
FUZZ_CORE_OBJ := $(FUZZ_CORE_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_SRC      := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_ALL      := $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_TARGETS  ?= $(FUZZ_ALL)
FUZZ_BIN      := $(FUZZ_ALL:%=$(FUZZ_BUILD)/%)

.PHONY: build run clean-fuzz
.SECONDARY:

build: $(FUZZ_BIN)

$(FUZZ_BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/libcore.a: $(FUZZ_CORE_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_BUILD)/libcore.a
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -MMD -MP -MF $@.d -o $@ $< \
		$(FUZZ_BUILD)/libcore.a $(FUZZ_LIBS)

run: build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean-fuzz:
	rm -rf $(FUZZ_BUILD)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
