# SPDX-License-Identifier: GPL-2.0
#
# pvbatch: host-side unit tests, sanitizers and fuzzing of the batching
# layer (arch/x86/xen/multicalls.c, arch/x86/xen/mmu.c).  From the
# top-level Makefile:
#
#     include tests/host/host-tests.mk
#
#   make host-tests   cmocka unit tests, plain and under ASan+UBSan,
#                     each under every mode of the double
#                     (HC_MODE=intact|clobber|preempt, mc-double.h)
#   make fuzz-smoke   a short libFuzzer run (about 20 s), for make check
#   make fuzz         a long libFuzzer run (FUZZ_RUNS executions, 2*10^6)
#
# The guest sources are compiled unchanged: tests/host/include comes
# first on the include path and replaces asm/xen/hypercall.h (by the
# recording double, mc-double.c) and asm/smp.h.  Binaries go to
# build/host/.  Every run of a unit-test binary prints the double's
# counts and one verdict line (see run-host-test.sh)
#     hc-double: mode=<m> preempted=N failed_after_preempt=M clobbered=C ...
#     host-tests: <binary> mode=<m>: PASS|FAIL ...
# and a failure fails the target.

HOST_DIR	:= $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
HOST_O		:= build/host
HOST_CC		?= gcc
FUZZ_CC		?= clang
FUZZ_RUNS	?= 2000000
FUZZ_SMOKE_TIME	?= 20
# Inputs of up to 256 operations: long enough for every path, short
# enough for a few thousand executions a second under ASan+UBSan.
FUZZ_MAX_LEN	?= 256

HOST_CFLAGS	:= -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
		   -fno-omit-frame-pointer \
		   -I$(HOST_DIR)/include -Iarch/x86/include -Iinclude
HOST_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all
# Small batches in the fuzzer, so that flushes when full are frequent.
FUZZ_CONFIG	:= -DCONFIG_MC_ENTRIES=4 -DCONFIG_MC_ARGS_BYTES=200

HOST_SUPPORT	:= $(HOST_DIR)/mc-double.c $(HOST_DIR)/mc-support.c
HOST_UNDER_TEST	:= arch/x86/xen/multicalls.c arch/x86/xen/mmu.c
HOST_DEPS	:= $(HOST_SUPPORT) $(HOST_UNDER_TEST) $(HOST_DIR)/mc-double.h \
		   $(HOST_DIR)/mc-support.h $(HOST_DIR)/host-tests.mk \
		   $(wildcard $(HOST_DIR)/include/asm/*.h \
			      $(HOST_DIR)/include/asm/xen/*.h \
			      arch/x86/include/asm/*.h arch/x86/include/asm/xen/*.h \
			      include/linux/*.h include/xen/interface/*.h)

# One binary per test file, plain and under ASan+UBSan.
HOST_TESTS	:= buffer lazy txn lone lone-queued tlb recovery
HOST_TEST_DEPS	:= $(HOST_DEPS) $(HOST_DIR)/test-common.c $(HOST_DIR)/test-common.h \
		   $(HOST_DIR)/run-host-test.sh
HOST_TEST_BINS	:= $(foreach t,$(HOST_TESTS),$(HOST_O)/test-$(t) $(HOST_O)/test-$(t)-san)
HC_MODES	:= intact clobber preempt

$(HOST_O)/test-%-san: $(HOST_DIR)/test-%.c $(HOST_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) $(HOST_EXTRA) -o $@ $< \
		$(HOST_DIR)/test-common.c $(HOST_SUPPORT) $(HOST_UNDER_TEST) -lcmocka

$(HOST_O)/test-%: $(HOST_DIR)/test-%.c $(HOST_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_EXTRA) -o $@ $< \
		$(HOST_DIR)/test-common.c $(HOST_SUPPORT) $(HOST_UNDER_TEST) -lcmocka

# The double on its own: no guest code.
$(HOST_O)/mc-double-tests: $(HOST_DIR)/mc-double-tests.c $(HOST_DEPS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) $(HOST_EXTRA) -o $@ $< \
		$(HOST_DIR)/mc-double.c -lcmocka

$(HOST_O)/mc-fuzz: $(HOST_DIR)/mc-fuzz.c $(HOST_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(HOST_CFLAGS) $(FUZZ_CONFIG) $(HOST_EXTRA) \
		-fsanitize=fuzzer $(HOST_SAN) -o $@ $< $(HOST_SUPPORT) \
		$(HOST_UNDER_TEST)

# Every binary (the double's own tests first) under every mode of the double (run-host-test.sh prints
# the double's counts and the verdict of each run); all runs, then fail
# if any failed.
host-tests: $(HOST_O)/mc-double-tests $(HOST_TEST_BINS)
	@fail=0; \
	for b in $(HOST_O)/mc-double-tests $(HOST_TEST_BINS); do \
		for m in $(HC_MODES); do \
			$(HOST_DIR)/run-host-test.sh $$b $$m || fail=1; \
		done; \
	done; \
	exit $$fail

# A libFuzzer run; the exec count comes from its "Done N runs" line.
# The harness picks the double's mode per input and prints at exit one
# line per mode, "mc-fuzz: mode=M runs=N <what it exercised>=N ...";
# every count on them must be non-zero (all three modes were run, and
# each did what it is there for).
define fuzz_run
	@mkdir -p $(HOST_O)/fuzz-corpus $(HOST_O)/fuzz-artifacts; \
	start=$$(date +%s); \
	$(HOST_O)/mc-fuzz $(1) -max_len=$(FUZZ_MAX_LEN) -artifact_prefix=$(HOST_O)/fuzz-artifacts/ \
		$(HOST_O)/fuzz-corpus > $(HOST_O)/mc-fuzz.log 2>&1; rc=$$?; \
	secs=$$(( $$(date +%s) - start )); \
	runs=$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' $(HOST_O)/mc-fuzz.log); \
	modes=$$(grep '^mc-fuzz: mode=' $(HOST_O)/mc-fuzz.log); \
	echo "$$modes"; \
	zero=$$(echo "$$modes" | tr ' ' '\n' | grep -c '=0$$'); \
	nmodes=$$(echo "$$modes" | grep -c -e 'mode=intact ' -e 'mode=clobber ' -e 'mode=preempt '); \
	if [ $$rc -eq 0 ] && [ -n "$$runs" ] && [ "$$nmodes" -eq 3 ] && [ "$$zero" -eq 0 ]; then \
		echo "host-tests: mc-fuzz: PASS ($$runs execs in $$secs s, no finding, every mode exercised)"; \
	else \
		grep -m5 -e '^model:' -e 'ERROR' -e 'unexpected panic' $(HOST_O)/mc-fuzz.log; \
		[ $$rc -eq 0 ] && [ -n "$$runs" ] && \
			echo "mc-fuzz: a mode is missing or a count is zero ($$nmodes modes, $$zero zero counts)"; \
		echo "host-tests: mc-fuzz: FAIL (exit $$rc, see $(HOST_O)/mc-fuzz.log)"; \
		exit 1; \
	fi
endef

fuzz-smoke: $(HOST_O)/mc-fuzz
	$(call fuzz_run,-max_total_time=$(FUZZ_SMOKE_TIME) -print_final_stats=1)

fuzz: $(HOST_O)/mc-fuzz
	$(call fuzz_run,-runs=$(FUZZ_RUNS) -print_final_stats=1)

.PHONY: host-tests fuzz-smoke fuzz
