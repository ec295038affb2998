# SPDX-License-Identifier: GPL-2.0
#
# pvbatch: a Xen PV guest kernel with a batched, A/D-preserving pte backend.
#
#   make             build the guest (build/pvbatch.elf)
#   make check       every test: static checks, host unit tests, boots
#   make lint        shellcheck and checkpatch.pl over the tree
#   make tool-tests  unit tests of the host tools (tools/pvbatch/)
#   make run         the main job (a short benchmark run, with its table)
#   make bench       the full benchmark: build/bench/{results.jsonl,report.md,report.png}
#   make check-long  the long A/D race proof (10^6 writes per backend)
#   make fuzz        a long fuzz run of the batching layer
#   make clean       remove all build/test output (build/* but build/cache)
#   make distclean   and the package cache build/cache too

O		:= build
GUEST		:= $(O)/pvbatch.elf

CC		:= gcc
LD		:= ld
ARCH_CFLAGS	:= -m64 -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx \
		   -mno-sse2 -mno-avx -mgeneral-regs-only -fno-pie
CFLAGS		:= -std=gnu11 -O2 -g -ffreestanding -nostdinc -fno-builtin \
		   -fno-stack-protector -fno-omit-frame-pointer \
		   -fno-asynchronous-unwind-tables -fno-common -fno-toplevel-reorder \
		   -Wall -Wextra -Werror -Wno-unused-parameter \
		   -Iarch/x86/include -Iinclude $(ARCH_CFLAGS)
ASFLAGS		:= -D__ASSEMBLY__ -Iarch/x86/include -Iinclude -m64
LDFLAGS		:= -nostdlib -static -z max-page-size=4096 -z noexecstack \
		   --no-warn-rwx-segments -T arch/x86/kernel/pvbatch.lds

GUEST_SRCS	:= $(wildcard arch/x86/xen/*.c arch/x86/kernel/*.c mm/*.c \
				kernel/*.c lib/*.c tests/guest/*.c bench/*.c)
GUEST_ASMS	:= arch/x86/xen/xen-head.S arch/x86/kernel/entry_64.S
GUEST_OBJS	:= $(patsubst %.c,$(O)/obj/%.o,$(GUEST_SRCS)) \
		   $(patsubst %.S,$(O)/obj/%.o,$(GUEST_ASMS))

all: $(GUEST)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -MMD -MP -c $< -o $@

$(GUEST): $(GUEST_OBJS) arch/x86/kernel/pvbatch.lds
	$(LD) $(LDFLAGS) -o $@ $(GUEST_OBJS)

-include $(GUEST_OBJS:.o=.d)

deps:
	test/deps.sh

# sparse over every guest C file, with the guest's own flags.
sparse: $(GUEST_SRCS)
	@for f in $(GUEST_SRCS); do \
		sparse -Wsparse-error -D__x86_64__ -m64 -nostdinc \
			-Iarch/x86/include -Iinclude $$f || exit 1; \
	done; echo "sparse: clean ($(words $(GUEST_SRCS)) files)"

include tests/host/abi-check.mk
include tests/host/host-tests.mk

# shellcheck over every shell script, the kernel's checkpatch.pl over the
# C and assembly sources, pyflakes over the Python (test/lint.sh has the
# list of checks left out).
lint:
	test/deps.sh --host --lint
	test/lint.sh

# Unit tests of the host tools (tools/pvbatch/, bench-run, bench-report,
# trace-report), under Debian's python3: the interpreter CI has.
HOST_PYTHON	:= /usr/bin/python3
tool-tests:
	PYTHONDONTWRITEBYTECODE=1 $(HOST_PYTHON) -m unittest discover \
		-s tests/tools -t tests/tools

# Boots under Xen as the initial domain: self-tests, then the harness's
# own failure detection.
check-direct: $(GUEST)
	test/run-pv-guest.sh --direct --vcpus 2
	test/harness-selftest.sh --direct

# As a domU under stock xl in a Linux dom0, with the hypervisor-side trace
# reconciled against the guest's own counts; then the harness's endings.
check-xl: $(GUEST)
	test/run-pv-guest.sh --xl --trace --vcpus 2 --out $(O)/xl \
		-- selftest=boot,mm,mprotect
	test/harness-selftest.sh --xl

# The A/D race on real Xen: >= 10^5 racing writes per backend, 2 vCPUs;
# then one page, where every change is a batch of one update (the
# update_va_mapping path).
RACE_ROUNDS	:= 270
RACE1_ROUNDS	:= 20000
check-race: $(GUEST)
	test/run-pv-guest.sh --direct --vcpus 2 --timeout 600 --out $(O)/race \
		-- selftest=race race_rounds=$(RACE_ROUNDS)
	test/run-pv-guest.sh --direct --vcpus 2 --timeout 600 --out $(O)/race-1page \
		-- selftest=race race_rounds=$(RACE1_ROUNDS) race_pages=1

# The full race proof: >= 10^6 racing writes per backend, 2 and 4 vCPUs,
# as the initial domain and as a domU under xl; and the one-page race in
# each of those four configurations.
LONG_ROUNDS	:= 2700
check-long: deps $(GUEST)
	for v in 2 4; do \
		test/run-pv-guest.sh --direct --vcpus $$v --timeout 3600 \
			--out $(O)/race-long-direct-$$v \
			-- selftest=race race_rounds=$(LONG_ROUNDS) || exit 1; \
		test/run-pv-guest.sh --xl --vcpus $$v --timeout 3600 \
			--out $(O)/race-long-xl-$$v \
			-- selftest=race race_rounds=$(LONG_ROUNDS) || exit 1; \
		for m in direct xl; do \
			test/run-pv-guest.sh --$$m --vcpus $$v --timeout 3600 \
				--out $(O)/race-long-1page-$$m-$$v \
				-- selftest=race race_rounds=$(RACE1_ROUNDS) race_pages=1 \
				|| exit 1; \
		done; \
	done
	@grep -h '^# race ' $(O)/race-long-*/guest-console.log

# The mprotect benchmark (tools/bench-run): bench = guest and Linux, full;
# run = a short guest run with its table; bench-smoke = results well formed.
bench: deps all
	tools/bench-run --mode full

bench-smoke: $(GUEST)
	tools/bench-run --mode smoke

check: deps all sparse lint abi-check host-tests tool-tests fuzz-smoke check-direct check-race check-xl bench-smoke
	@echo "make check: all passed"

run: deps all
	tools/bench-run --mode short

# clean: everything the build and the tests write, under $(O)/, except
# the package cache ($(O)/cache: downloaded .debs and what is unpacked
# from them); distclean: the cache too (when it is a symlink to a shared
# cache, only the link).
clean:
	find $(O) -mindepth 1 -maxdepth 1 ! -name cache ! -name README \
		-exec rm -rf {} +
	find tools tests -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(O)/cache

.PHONY: all deps sparse check check-direct check-race check-xl check-long run clean
.PHONY: distclean
.PHONY: bench bench-smoke tool-tests lint
