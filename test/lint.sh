#!/usr/bin/env bash
# test/lint.sh - the linters of `make lint`: shellcheck and checkpatch.pl.
#
#   shell: every shell script of the tree (*.sh, and any file whose first
#          line names a shell; the busybox init scripts under test/xl/ say
#          which dialect they are written in), through shellcheck
#   C:     Linux 6.1's scripts/checkpatch.pl (from Debian's
#          linux-source-6.1, see test/deps.sh --lint) over every C
#          source, header and assembly file, as whole files (--no-tree
#          -f), with the checks below left out
#   Python: pyflakes (Debian's, under /usr/bin/python3) over every Python
#          file: *.py and the tools whose first line names python
#
# Every finding is printed as file:line: message; the exit status is 0
# only when there are none.  Usage: test/lint.sh [--shell|--c|--python]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
checkpatch=build/cache/linux-source/linux/scripts/checkpatch.pl

# Checks that do not apply to this tree, and why.  (This is the one list;
# a finding of any other check is fixed, not silenced.)
ignore=(
	# Our printk() has no log levels: it writes every line to the console.
	PRINTK_WITHOUT_KERN_LEVEL
	# volatile is how this tree builds READ_ONCE/WRITE_ONCE, reads memory
	# Xen or another vCPU writes without a lock (vcpu_time_info, the m2p,
	# ptes in the A/D race, the cross-vCPU call and barrier words) and
	# probes with exception fixups; Linux hides the same behind helpers
	# (atomic_t, READ_ONCE on every field) this small tree does not have.
	VOLATILE
	# The typedefs are the kernel's own names (u8..u64, spinlock_t) and
	# the Xen ABI's (xen_pfn_t, ...), which abi-check compares with Xen's.
	NEW_TYPEDEFS
	# -ENOSYS is what Xen returns for a hypercall or sub-op it lacks; the
	# guest and its tests have to name it.
	ENOSYS
	# NR_CPUS is this tree's fixed vCPU limit: no hotplug, no nr_cpu_ids.
	NR_CPUS
	# Not a kernel tree: no MAINTAINERS, no Kconfig, no git-describe
	# commit references to check.
	FILE_PATH_CHANGES
)
# Per file: the one place a check's advice cannot be taken.
declare -A ignore_in=(
	# The attribute macros checkpatch asks for are defined here.
	[include/linux/compiler.h]="PREFER_DEFINED_ATTRIBUTE_MACRO,COMPLEX_MACRO"
	# KT_ASSERT ends the test case on failure, as XTF's and KUnit's
	# assertions do: the return is its purpose.
	[include/pvbatch/ktap.h]="MACRO_WITH_FLOW_CONTROL"
)

mode=all
case ${1:-} in
--shell) mode=shell ;;
--c) mode=c ;;
--python) mode=python ;;
"") ;;
*) echo "usage: $0 [--shell|--c|--python]" >&2; exit 2 ;;
esac

tree_files() {
	git ls-files --cached --others --exclude-standard "$@"
}

# The tree's files of one language: by suffix, or by the #! line.
# files_of SUFFIX SHEBANG-GLOB
files_of() {
	local f first
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		case $f in
		*"$1") echo "$f"; continue ;;
		esac
		IFS= read -r first < "$f" || continue
		# shellcheck disable=SC2254 # $2 is a glob on purpose
		case $first in
		$2) echo "$f" ;;
		esac
	done < <(tree_files)
}

fail=0

if [ $mode = all ] || [ $mode = python ]; then
	/usr/bin/python3 -m pyflakes --version >/dev/null 2>&1 ||
		{ echo "lint: pyflakes missing (make deps)" >&2; exit 2; }
	mapfile -t pys < <(files_of .py "#!*python*")
	if /usr/bin/python3 -m pyflakes "${pys[@]}"; then
		echo "lint: pyflakes: clean (${#pys[@]} files)"
	else
		echo "lint: pyflakes: findings above"
		fail=1
	fi
fi

if [ $mode = all ] || [ $mode = shell ]; then
	command -v shellcheck >/dev/null ||
		{ echo "lint: shellcheck missing (make deps)" >&2; exit 2; }
	mapfile -t scripts < <(files_of .sh "#!*sh")	# sh, bash, "busybox sh"
	if shellcheck -f gcc -x "${scripts[@]}"; then
		echo "lint: shellcheck: clean (${#scripts[@]} scripts)"
	else
		echo "lint: shellcheck: findings above"
		fail=1
	fi
fi

if [ $mode = all ] || [ $mode = c ]; then
	[ -f "$checkpatch" ] ||
		{ echo "lint: $checkpatch missing (test/deps.sh --lint)" >&2; exit 2; }
	ign=$(IFS=,; echo "${ignore[*]}")
	mapfile -t sources < <(tree_files '*.c' '*.h' '*.S')
	# One run for the files with no exception of their own (perl's
	# start-up is most of the time), one for each of the others.
	plain=()
	for f in "${sources[@]}"; do
		[ -f "$f" ] || continue
		[ -n "${ignore_in[$f]:-}" ] || plain+=("$f")
	done
	cp_run() { # EXTRA-IGNORES FILE...
		local extra=$1
		shift
		perl "$checkpatch" --no-tree -f --terse --show-types --no-summary \
			--ignore "$ign${extra:+,$extra}" "$@" || :
	}
	out=$(cp_run "" "${plain[@]}"
	      for f in "${!ignore_in[@]}"; do cp_run "${ignore_in[$f]}" "$f"; done)
	n=0
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		n=$(printf '%s\n' "$out" | wc -l)
	fi
	if [ "$n" -eq 0 ]; then
		echo "lint: checkpatch: clean (${#sources[@]} files)"
	else
		echo "lint: checkpatch: $n findings above"
		fail=1
	fi
fi

exit "$fail"
