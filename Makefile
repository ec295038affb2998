# SPDX-License-Identifier: GPL-2.0
#
# pvbatch: a Xen PV guest kernel with a batched, A/D-preserving pte backend.
#
#   make             build the guest (build/pvbatch.elf)
#   make check       every test: static checks, host unit tests, boots,
#                    and both Linux kernels' workloads (check-linux)
#   make lint        shellcheck and checkpatch.pl over the tree
#   make tool-tests  unit tests of the host tools (tools/pvbatch/)
#   make run         the main job (a short benchmark run, with its table)
#   make bench       the full benchmark: build/bench/{results.jsonl,report.md,report.png}
#   make check-long  the long A/D race proof (10^6 writes per backend)
#   make fuzz        a long fuzz run of the batching layer
#   make linux       Linux 6.1 from Debian's source, stock and with
#                    linux/patches/: build/linux/{stock,pvbatch}/bzImage
#   make check-linux both kernels, each Linux workload once, traced
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
# Bytes of padding before the pte path's code (pvbatch.lds); another value
# with O= only.  528: the middle of the pads (240 to 816) at which no
# function of the path or the floors crosses a page (make layout-check),
# so that a small change of code size keeps it so; its N = 1 lookup
# targets share no slot of QEMU's jump cache with Xen's blocks (make
# jmp-cache-check), and it measured as 48 did (README, "Stop 30").
TEXT_PAD	?= 528
# 1: the benchmark marks each timed half for tools/icount; use with O=.
BENCH_MARKS	?= 0
CFLAGS		+= -DBENCH_MARKS=$(BENCH_MARKS)
LDFLAGS		:= -nostdlib -static -z max-page-size=4096 -z noexecstack \
		   --no-warn-rwx-segments -T arch/x86/kernel/pvbatch.lds \
		   --defsym=TEXT_PAD=$(TEXT_PAD)

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

# Two Linux kernels from one configuration (linux/build.sh); the source
# and object trees are cached outside the clone (PVBATCH_LINUX_CACHE).
linux:
	linux/build.sh

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
# No function of the pte path may cross a page (tools/text-layout).
layout-check: $(GUEST)
	tools/text-layout $(GUEST)

jmp-cache-check: deps $(GUEST)
	tools/jmp-cache check $(GUEST)

tool-tests:
	PYTHONDONTWRITEBYTECODE=1 $(HOST_PYTHON) -m unittest discover \
		-s tests/tools -t tests/tools

# Boots under Xen as the initial domain: self-tests (the default suites
# with 2 vCPUs; the cross-vCPU ones again with 4; the protection suites
# again with prot_level=pmd), then the harness's own failure detection.
check-direct: $(GUEST)
	test/run-pv-guest.sh --direct --vcpus 2
	test/run-pv-guest.sh --direct --vcpus 4 --out $(O)/direct-4 -- selftest=tlb,lock
	test/run-pv-guest.sh --direct --vcpus 2 --out $(O)/direct-pmd \
		-- selftest=mprotect,spurious,lock prot_level=pmd
	test/harness-selftest.sh --direct

# As a domU under stock xl in a Linux dom0, with the hypervisor-side trace
# reconciled against the guest's own counts; then the harness's endings.
# First, on the host, dom0's wait for a domain: its endings, and that it
# starts no process beside a running guest.
check-xl: $(GUEST)
	test/xl/wait-selftest.sh
	test/run-pv-guest.sh --xl --trace --vcpus 2 --out $(O)/xl \
		-- selftest=boot,mm,mprotect,pmd
	test/harness-selftest.sh --xl

# The A/D race on real Xen: >= 10^5 racing writes per backend, 2 vCPUs;
# then one page, where every change is a batch of one update (the
# update_va_mapping path); then 2048 pages, where every lazy section
# spans two batches (>= 10^5 writes per backend); and 2048 pages with
# 4 vCPUs (3 writers).
RACE_ROUNDS	:= 270
RACE1_ROUNDS	:= 20000
RACE_WIDE_ROUNDS := 66
RACE4_ROUNDS	:= 25
check-race: $(GUEST)
	test/run-pv-guest.sh --direct --vcpus 2 --timeout 600 --out $(O)/race \
		-- selftest=race race_rounds=$(RACE_ROUNDS)
	test/run-pv-guest.sh --direct --vcpus 2 --timeout 600 --out $(O)/race-1page \
		-- selftest=race race_rounds=$(RACE1_ROUNDS) race_pages=1
	test/run-pv-guest.sh --direct --vcpus 2 --timeout 600 --out $(O)/race-wide \
		-- selftest=race race_rounds=$(RACE_WIDE_ROUNDS) race_pages=2048
	test/run-pv-guest.sh --direct --vcpus 4 --timeout 600 --out $(O)/race-wide-4 \
		-- selftest=race race_rounds=$(RACE4_ROUNDS) race_pages=2048
	@grep -h '^# race ' $(O)/race/guest-console.log $(O)/race-1page/guest-console.log \
		$(O)/race-wide/guest-console.log $(O)/race-wide-4/guest-console.log

# The full race proof: >= 10^6 racing writes per backend, 2 and 4 vCPUs,
# as the initial domain and as a domU under xl; and the one-page race in
# each of those four configurations.
LONG_ROUNDS	:= 2700
# The race through the L2 push-down path (prot_level=pmd), direct boots.
PUSH_ROUNDS	:= 200
check-long: deps $(GUEST)
	for v in 2 4; do \
		test/run-pv-guest.sh --direct --vcpus $$v --timeout 3600 \
			--out $(O)/race-long-direct-$$v \
			-- selftest=race race_rounds=$(LONG_ROUNDS) \
			race_push_rounds=$(PUSH_ROUNDS) || exit 1; \
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
bench: deps all linux
	tools/bench-run --mode full
	tools/linux-bench --mode full

bench-smoke: $(GUEST)
	tools/bench-run --mode smoke

# Both Linux kernels, each workload once at a small size under xentrace:
# results produced and well formed, the workloads' own checks and the
# concurrency smoke passed.  Part of make check: a first build of both
# kernels with a cold cache takes a few minutes here (see README).
check-linux: deps linux
	tools/linux-bench --mode smoke

# checkpatch.pl over linux/patches/ (run from outside the clone: inside
# a git tree it reads the patch files differently).
lint-linux:
	test/deps.sh --lint
	@cp=$(CURDIR)/build/cache/linux-source/linux/scripts/checkpatch.pl; \
	for p in $(CURDIR)/linux/patches/*.patch; do \
		(cd / && $$cp --no-tree -q - < $$p) || exit 1; \
	done; echo "lint-linux: every patch checkpatch.pl clean"

check: deps all sparse lint lint-linux abi-check layout-check jmp-cache-check host-tests tool-tests fuzz-smoke check-direct check-race check-xl bench-smoke check-linux
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
.PHONY: distclean linux check-linux lint-linux
.PHONY: bench bench-smoke tool-tests lint layout-check jmp-cache-check
