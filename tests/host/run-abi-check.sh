#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# pvbatch: check include/xen/interface/ against Debian libxen-dev's Xen
# public headers (/usr/include/xen), on the host.
#
#   tests/host/run-abi-check.sh [--no-selftest] [--include DIR]
#
# Steps:
#   1. hygiene: every header alone, and all together, compiles freestanding
#      with -Wall -Wextra -Werror (C), passes sparse, and preprocesses and
#      assembles with __ASSEMBLY__;
#   2. the check: tests/host/abi-gen.py generates the item tables from our
#      headers, abi-check runs them, prints "abi-check: N passed, M failed";
#   3. self-test (unless --no-selftest): copies of include/ with one
#      deliberate break each must make the check fail.
#
# Output goes to $ABI_CHECK_OUT (default build/abi-check).  Exit status 0
# only if everything passed.  Needs gcc, sparse, libxen-dev and Debian's
# python3-pycparser (under /usr/bin/python3).

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CC=${CC:-gcc}
SPARSE=${SPARSE:-sparse}
PYTHON=${PYTHON:-/usr/bin/python3}   # Debian's, for python3-pycparser
OUT=${ABI_CHECK_OUT:-$ROOT/build/abi-check}
INCLUDE=$ROOT/include
SELFTEST=1

while [ $# -gt 0 ]; do
    case $1 in
    --no-selftest) SELFTEST=0 ;;
    --include) INCLUDE=$(cd "$2" && pwd); shift ;;
    *) echo "usage: $0 [--no-selftest] [--include DIR]" >&2; exit 2 ;;
    esac
    shift
done

GUEST_CFLAGS=(-ffreestanding -nostdinc -std=gnu11 -m64 -Wall -Wextra -Werror)
HOST_CFLAGS=(-std=gnu11 -m64 -O0 -Wall -Wextra -Werror)

if [ ! -f /usr/include/xen/xen.h ]; then
    echo "run-abi-check: /usr/include/xen/xen.h missing (install libxen-dev)" >&2
    exit 2
fi

headers() { # $1 = include dir; prints paths relative to it
    (cd "$1" && find xen/interface -name '*.h' | LC_ALL=C sort)
}

# ------------------------------------------------------------ 1. hygiene
hygiene() { # $1 = include dir, $2 = scratch dir
    inc=$1 dir=$2
    mkdir -p "$dir"
    : > "$dir/all.c"
    : > "$dir/all.S"
    for h in $(headers "$inc"); do
        printf '#include <%s>\n' "$h" >> "$dir/all.c"
        printf '#include <%s>\n' "$h" >> "$dir/all.S"
        # Each header must stand on its own, in C and in assembly.
        printf '#include <%s>\n' "$h" > "$dir/one.c"
        $CC "${GUEST_CFLAGS[@]}" -I"$inc" -c "$dir/one.c" -o "$dir/one.o" ||
            { echo "hygiene: $h does not compile on its own"; return 1; }
        printf '#include <%s>\n' "$h" > "$dir/one.S"
        $CC -m64 -nostdinc -D__ASSEMBLY__ -I"$inc" -c "$dir/one.S" -o "$dir/one.o" ||
            { echo "hygiene: $h is not usable from assembly"; return 1; }
    done
    printf 'extern int pvb_abi_hygiene;\nint pvb_abi_hygiene;\n' >> "$dir/all.c"
    $CC "${GUEST_CFLAGS[@]}" -I"$inc" -c "$dir/all.c" -o "$dir/all.o" ||
        { echo "hygiene: headers do not compile together"; return 1; }
    $SPARSE -m64 -nostdinc -I"$inc" -Wsparse-all -Wsparse-error "$dir/all.c" ||
        { echo "hygiene: sparse complains"; return 1; }
    $CC -m64 -nostdinc -D__ASSEMBLY__ -I"$inc" -c "$dir/all.S" -o "$dir/all.o" ||
        { echo "hygiene: headers not usable together from assembly"; return 1; }
    echo "hygiene: $(headers "$inc" | wc -l) headers OK (gcc -Werror freestanding, sparse, assembly)"
}

# ------------------------------------------------------------ 2. the check
# check INCLUDE-DIR OUT-DIR: 0 = all passed, 1 = mismatches, 2 = could not
# build (e.g. a definition Xen's headers do not have).
check() {
    inc=$1 dir=$2
    mkdir -p "$dir"
    $PYTHON "$HERE/abi-gen.py" --cc "$CC" --include "$inc" \
        --refmap "$HERE/abi-refmap.txt" --outdir "$dir" || return 2
    $CC "${GUEST_CFLAGS[@]}" -I"$inc" -I"$HERE" -c "$dir/abi-ours.c" -o "$dir/abi-ours.o" || return 2
    # Xen's side: system headers, never our include/.
    $CC "${HOST_CFLAGS[@]}" -I"$HERE" -c "$dir/abi-ref.c" -o "$dir/abi-ref.o" || return 2
    $CC -m64 -nostdinc -D__ASSEMBLY__ -I"$inc" -c "$dir/abi-asm.S" -o "$dir/abi-asm.o" || return 2
    $CC "${HOST_CFLAGS[@]}" -I"$HERE" "$HERE/abi-check.c" "$dir/abi-ours.o" \
        "$dir/abi-ref.o" "$dir/abi-asm.o" -o "$dir/abi-check" || return 2
    "$dir/abi-check" || return 1
    return 0
}

# ------------------------------------------------------------ 3. self-test
# Each mutation: FILE (under xen/interface/), a sed expression, and what
# must happen: "mismatch" (check runs and reports failures) or "reject"
# (generator or build refuses the headers).
MUTATIONS='
xen.h|s/^#define MMU_PT_UPDATE_PRESERVE_AD   2/#define MMU_PT_UPDATE_PRESERVE_AD   3/|mismatch|constant value changed
xen.h|s/^\ts8 tsc_shift;/\tu8 tsc_shift;/|mismatch|member signedness changed
xen.h|s/^\ts8 cmd_line\[MAX_GUEST_CMDLINE\];/\ts8 cmd_line[MAX_GUEST_CMDLINE + 8];/|mismatch|array member grown, later offsets move
xen.h|s/^#define UVMF_ALL             (_PVB_UL(1) << 2)/#define UVMF_ALL             (1 << 2)/|mismatch|constant type changed (unsigned long to int)
arch-x86_64.h|s/^\tu16 cs;                  \/\* normally/\tu32 cs;                  \/* normally/|mismatch|struct trap_info member widened
features.h|s/^#define XENFEAT_NR_SUBMAPS                  1/&\n#define XENFEAT_pvbatch_invented 42/|reject|new constant unknown to Xen
event_channel.h|s/^struct evtchn_send {/&\n\tu32 pvbatch_extra;/|reject|new member unknown to Xen
io/console.h|s/^#define XENCONS_OUT_IDX(i).*/&\n#define XENCONS_WRAP(i) ((i) + 1)/|reject|function-like macro without a sample
sched.h|s/^struct sched_shutdown {/&\n\tunsigned int pvbatch_bits : 3;/|reject|bitfield member (the generator cannot check it)
version.h|s/^struct xen_feature_info {/enum pvbatch_kind { PVB_KIND_0 };\n&/|reject|enum (the generator cannot check it)
'

selftest() {
    n=0
    tmp=$OUT/selftest
    rm -rf "$tmp"
    mkdir -p "$tmp"
    printf "%s\n" "$MUTATIONS" | while IFS='|' read -r file expr want what; do
        [ -n "$file" ] || continue
        n=$((n + 1))
        mut=$tmp/m$n
        mkdir -p "$mut"
        cp -R "$INCLUDE/xen" "$mut/xen"
        target=$mut/xen/interface/$file
        sed -e "$expr" "$INCLUDE/xen/interface/$file" > "$target"
        if cmp -s "$INCLUDE/xen/interface/$file" "$target"; then
            echo "selftest $n: FAIL: mutation did not apply ($what)"
            echo x >> "$tmp/failures"
            continue
        fi
        set +e
        check "$mut" "$mut/out" > "$mut/log" 2>&1
        rc=$?
        set -e
        summary=$(grep '^abi-check: [0-9]* passed' "$mut/log" || true)
        case $want.$rc in
        mismatch.1)
            echo "selftest $n: ok, $what -> rejected:"
            grep 'MISMATCH' "$mut/log" | head -3 | sed 's/^/    /'
            echo "    $summary" ;;
        reject.2)
            echo "selftest $n: ok, $what -> build refused:"
            grep -E 'error' "$mut/log" | head -1 | sed 's/^/    /' ;;
        *)
            echo "selftest $n: FAIL: $what: wanted $want, check returned $rc"
            sed 's/^/    /' "$mut/log" | tail -20
            echo x >> "$tmp/failures" ;;
        esac
    done
    if [ -f "$tmp/failures" ]; then
        echo "selftest: FAILED"
        return 1
    fi
    echo "selftest: every broken variant was caught"
}

rm -rf "$OUT"
mkdir -p "$OUT"
hygiene "$INCLUDE" "$OUT/hygiene"
set +e
check "$INCLUDE" "$OUT"
rc=$?
set -e
if [ $rc -ne 0 ]; then
    echo "run-abi-check: FAILED (check returned $rc)"
    exit 1
fi
if [ $SELFTEST -eq 1 ]; then
    selftest || exit 1
fi
echo "run-abi-check: OK"
