# SPDX-License-Identifier: MIT
#
# pvbatch: host-side check of include/xen/interface/ against Debian
# libxen-dev's Xen public headers.  From the top-level Makefile:
#
#     include tests/host/abi-check.mk
#
# then `make abi-check` (full run, with the self-test that proves broken
# headers are caught) or `make abi-check-quick` (no self-test).
# Output goes to build/abi-check/ (override with ABI_CHECK_OUT=...).

ABI_CHECK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

.PHONY: abi-check abi-check-quick
abi-check:
	$(ABI_CHECK_DIR)/run-abi-check.sh

abi-check-quick:
	$(ABI_CHECK_DIR)/run-abi-check.sh --no-selftest
