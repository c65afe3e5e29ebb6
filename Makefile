# orgtop — a plain Makefile over pkg-config (STYLE.md 14).
#
#   make            build orgtop and awsim under build/
#   make test       install missing packages, build, run every test; ends "N passed, N failed"
#   make demo       install missing packages, build, run orgtop against awsim's sample org
#   make asan       the whole test suite under -fsanitize=address,undefined
#   make lint       banned functions, no curses in core/, layering
#   make bench      the benchmark report (tests/bench)
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each (clang)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: a new .c under core/, tui/, tests/awsim/ or a new
# tests/unit/test_*.c needs no edit here.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config
FUZZ_SECONDS ?= 60
JOBS    ?= 2

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

PKGS      := ncursesw libcurl libcrypto libcjson libuv expat
TEST_PKGS := cmocka libmicrohttpd

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wwrite-strings -Wpointer-arith -Wcast-qual -Wundef
ifeq ($(WERROR),1)
WARN += -Werror
endif

OPT      ?= -O2 -g
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
STD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_XOPEN_SOURCE_EXTENDED \
	-D_DEFAULT_SOURCE
LDHARDEN := -pie -Wl,-z,relro,-z,now

ifeq ($(SAN),1)
OPT      := -O1 -g -fno-omit-frame-pointer
HARDEN   := -fPIE
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
endif

# Fault hooks for the cache's crash tests (tests/e2e): compiled in only when asked.
ifeq ($(FAULTS),1)
STD += -DORGTOP_FAULTS
endif

PKG_CFLAGS  = $(filter-out -D_XOPEN_SOURCE=%,$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))
PKG_LIBS    = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TPKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TPKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

ALL_CFLAGS  = $(STD) $(WARN) $(OPT) $(HARDEN) $(SANFLAGS) -I. -DORGTOP_VERSION='"$(VERSION)"' \
	-DORGTOP_DATADIR='"$(PREFIX)/share/orgtop"' $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDHARDEN) $(SANFLAGS) $(LDFLAGS)
LIBS        = $(PKG_LIBS) -lm

CORE_SRC  := $(sort $(shell find core -name '*.c'))
TUI_SRC   := $(sort $(filter-out tui/main.c,$(wildcard tui/*.c)))
AWSIM_SRC := $(sort $(wildcard tests/awsim/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TLIB_SRC  := $(sort $(wildcard tests/unit/lib/*.c))
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))

CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ   := $(TUI_SRC:%.c=$(BUILD)/%.o)
AWSIM_OBJ := $(AWSIM_SRC:%.c=$(BUILD)/%.o)
TLIB_OBJ  := $(TLIB_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/bin/%)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

LIBCORE := $(BUILD)/libcore.a
LIBTUI  := $(BUILD)/libtui.a
ORGTOP  := $(BUILD)/orgtop
AWSIM   := $(BUILD)/awsim

.SECONDARY:

.PHONY: all test unit benchbin asan lint check-layers demo bench fuzz install uninstall clean deps \
	format

ifneq ($(AWSIM_SRC),)
all: $(ORGTOP) $(AWSIM)
else
all: $(ORGTOP)
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(if $(filter tests/%,$<),$(TPKG_CFLAGS)) -MMD -MP -c $< -o $@

$(LIBCORE): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBTUI): $(TUI_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(ORGTOP): $(BUILD)/tui/main.o $(LIBTUI) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(AWSIM): $(AWSIM_OBJ) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(TPKG_LIBS) -lpthread

$(BUILD)/bin/%: $(BUILD)/tests/unit/%.o $(TLIB_OBJ) $(LIBTUI) $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(TPKG_LIBS) -lpthread

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIBTUI) $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lpthread

unit: $(UNIT_BIN) $(BUILD)/tls/server.pem

# test_http's TLS material, made here so no private key lives in the repository.
$(BUILD)/tls/server.pem: scripts/mkcerts.sh
	@sh scripts/mkcerts.sh $(BUILD)/tls
benchbin: $(BENCH_BIN)

# The test runner runs every unit suite and every e2e/conformance script (TAP),
# two at a time, and prints one line "N passed, N failed" at the end.
test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all unit benchbin
	@python3 tests/run.py --build $(BUILD) -j $(JOBS)

asan: deps
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/asan SAN=1 all unit benchbin
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 python3 tests/run.py --build build/asan -j $(JOBS) --sanitizer

BANNED := sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|atof|gets|asctime|ctime|gmtime|localtime|tmpnam|mktemp
lint: check-layers
	@bad=$$(grep -nE '(^|[^_a-zA-Z0-9.>])($(BANNED))[[:space:]]*\(' $(CORE_SRC) $(TUI_SRC) tui/main.c \
		$(AWSIM_SRC) 2>/dev/null | grep -v 'lint-ok'); \
	if [ -n "$$bad" ]; then echo "banned functions:"; echo "$$bad"; exit 1; fi
	@bad=$$(grep -nE '^[[:space:]]*(if|while)[[:space:]]*\(.*[^=!<>]=[^=].*\)[[:space:]]*\{?$$' \
		$(CORE_SRC) $(TUI_SRC) | grep -vE '==|!=|<=|>=' | grep -v 'lint-ok'); \
	if [ -n "$$bad" ]; then echo "assignment in a condition:"; echo "$$bad"; exit 1; fi
	@echo "lint: ok"

check-layers:
	@bad=$$(grep -lnE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|tui/)' \
		$(shell find core -name '*.[ch]')); \
	if [ -n "$$bad" ]; then echo "core/ must not include curses or tui/: $$bad"; exit 1; fi
	@bad=$$(grep -lnE '#[[:space:]]*include[[:space:]]*[<"](curl/|core/net/)' tui/*.[ch]); \
	if [ -n "$$bad" ]; then echo "tui/ must not speak HTTP: $$bad"; exit 1; fi
	@echo "check-layers: ok"

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@scripts/demo.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all $(BENCH_BIN)
	@python3 tests/bench/run.py --build $(BUILD)

fuzz: deps
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk FUZZ_SECONDS=$(FUZZ_SECONDS) run

deps:
	@scripts/deps.sh

install: $(ORGTOP)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/orgtop/themes
	install -m 0755 $(ORGTOP) $(DESTDIR)$(PREFIX)/bin/orgtop
	install -m 0644 orgtop.1 $(DESTDIR)$(PREFIX)/share/man/man1/orgtop.1
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/orgtop/themes/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/orgtop $(DESTDIR)$(PREFIX)/share/man/man1/orgtop.1
	rm -rf $(DESTDIR)$(PREFIX)/share/orgtop

format:
	clang-format -i $(CORE_SRC) $(TUI_SRC) tui/main.c $(shell find core tui -name '*.h')

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
