#!/usr/bin/env bash
# test/xl/wait-selftest.sh - dom0's wait for a domain (test/xl/wait-domain.sh),
# on the host, under the busybox sh that dom0 runs it with.
#
# Usage: test/xl/wait-selftest.sh
#
# A stand-in daemon (a sleep) and a log written the way xl's daemon writes
# its own play the domain.  Each case checks the ending, and how long the
# wait took:
#   poweroff     the record comes 2 s later: "poweroff", after 2-4 s
#   crash        reason code 3: "crash"
#   vanished     the daemon exits without a record, xl no longer lists the
#                domain: "error domain vanished ..."
#   daemon-died  the same, but xl still lists it: "error xl's daemon ..."
#   timeout      nothing happens: "timeout", once the deadline has passed
#   quiet        the poweroff case under strace: the wait creates no
#                process (no fork, clone or exec) while the domain runs
#   quiet-control  the same count over a copy of the wait that sleeps with
#                the sleep applet: it must see processes, or the count
#                above proves nothing
#
# Output is KTAP; the exit status is 0 only if every check passes.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
lib=$top/test/xl/wait-domain.sh
for t in busybox strace; do
	command -v $t > /dev/null || { echo "wait-selftest: no $t (test/deps.sh --host)" >&2; exit 1; }
done

tmp=$(mktemp -d)
daemons=()
trap 'kill "${daemons[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
export WAIT_FIFO=$tmp/fifo
mkfifo "$WAIT_FIFO"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1 # $2"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1 # $2"; failed=1; }

# fake_xl LISTED: xl list succeeds (1) or fails (0), as it would for a
# domain that exists or not.
fake_xl() {
	printf '#!/bin/sh\nexit %d\n' $((1 - $1)) > "$tmp/bin/xl"
	chmod +x "$tmp/bin/xl"
}

# start_daemon LOG: a stand-in daemon, logged as xl's logs itself.  Its
# output goes nowhere, so that no $(...) waits for it.
start_daemon() {
	sleep 60 > /dev/null 2>&1 &
	daemon=$!
	daemons+=("$daemon")
	echo "Waiting for domain t (domid 1) to die [pid $daemon]" > "$1"
}

# run_wait LIB LOG DEADLINE_IN [STRACE_OUT]: wait_domain from LIB, its
# ending on stdout; with STRACE_OUT, under strace, which records there
# every process the wait creates.
run_wait() {
	local l=$1 log=$2 in=$3 up
	read -r up _ < /proc/uptime
	local script=". '$l'; wait_domain t '$log' $(( ${up%.*} + in )); echo \"\$ending\""
	if [ $# -gt 3 ]; then
		PATH=$tmp/bin:$PATH strace -f -qq -o "$4" \
			-e trace=fork,vfork,clone,clone3,execve busybox sh -c "$script"
	else
		PATH=$tmp/bin:$PATH busybox sh -c "$script"
	fi
}

# check NAME WANT_PREFIX MIN_S MAX_S LOG DEADLINE_IN
check() {
	local name=$1 want=$2 lo=$3 hi=$4 t0=$SECONDS ending took
	ending=$(run_wait "$lib" "$5" "$6")
	took=$((SECONDS - t0))
	if [[ "$ending" != "$want"* ]]; then
		not_ok "$name" "ending '$ending', want '$want ...'"
	elif [ $took -lt "$lo" ] || [ $took -gt "$hi" ]; then
		not_ok "$name" "took ${took}s, want ${lo}-${hi}s"
	else
		ok "$name" "${took}s: $ending"
	fi
}

echo "KTAP version 1"
echo "1..7"

fake_xl 1
start_daemon "$tmp/poweroff.log"
( sleep 2; echo "Domain 1 has shut down, reason code 0 0x0" >> "$tmp/poweroff.log" ) &
check poweroff poweroff 2 4 "$tmp/poweroff.log" 60

start_daemon "$tmp/crash.log"
echo "Domain 1 has shut down, reason code 3 0x3" >> "$tmp/crash.log"
check crash crash 0 2 "$tmp/crash.log" 60

fake_xl 0
start_daemon "$tmp/vanished.log"
( sleep 1; kill "$daemon" ) &
check vanished "error domain vanished" 1 3 "$tmp/vanished.log" 60

fake_xl 1
start_daemon "$tmp/died.log"
( sleep 1; kill "$daemon" ) &
check daemon-died "error xl's daemon" 1 3 "$tmp/died.log" 60

start_daemon "$tmp/timeout.log"
check timeout timeout 2 4 "$tmp/timeout.log" 3

# quiet_run NAME LIB: the poweroff case under strace; the number of
# processes the wait created (strace's lines naming a new one) on stdout.
quiet_run() {
	local log=$tmp/$1.log ending
	start_daemon "$log"
	( sleep 2; echo "Domain 1 has shut down, reason code 0 0x0" >> "$log" ) > /dev/null &
	ending=$(run_wait "$2" "$log" 60 "$tmp/$1.strace")
	kill "$daemon" 2>/dev/null
	[[ "$ending" == poweroff* ]] || { echo "ending '$ending'"; return; }
	# The first line is busybox's own exec, by strace.
	tail -n +2 "$tmp/$1.strace" | grep -cE '^[0-9]+ +(fork|vfork|clone|clone3|execve)\('
}

count=$(quiet_run quiet "$lib")
if [ "$count" = 0 ]; then
	ok quiet "no process created in 2 s of waiting"
else
	not_ok quiet "the wait created processes: $count ($tmp/quiet.strace)"
	sed 's/^/# /' "$tmp/quiet.strace"
fi

sed 's/read -r -t 1 _ <&9/sleep 1/' "$lib" > "$tmp/noisy-wait"
if cmp -s "$lib" "$tmp/noisy-wait"; then
	not_ok quiet-control "no 'read -t' sleep in $lib to replace"
else
	count=$(quiet_run noisy "$tmp/noisy-wait")
	if [[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -gt 0 ]; then
		ok quiet-control "a wait sleeping with the applet: $count processes counted"
	else
		not_ok quiet-control "strace saw no process from a forking wait: '$count'"
	fi
fi
exit $failed
