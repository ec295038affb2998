# shellcheck shell=sh
# test/xl/wait-domain.sh - dom0's wait for a domain to stop (sourced).
#
#     wait_domain NAME XLLOG DEADLINE
#
# Waits until the domain NAME stops, or dom0's uptime reaches DEADLINE
# seconds, and sets $ending to how it ended, as a first word (poweroff,
# reboot, crash, error, timeout) and a reason.  XLLOG is the log of xl's
# daemon for the domain, which names the daemon's pid ("... to die [pid
# P]") and records the end ("Domain N has shut down, reason code R 0x...",
# R a SHUTDOWN_* code).
#
# The wait runs beside the guest, whose benchmark it would disturb: on
# these machines the guest's vCPUs and dom0's share two emulated CPUs, and
# a fork or an exec in a PV dom0 is a burst of page-table hypercalls.  So
# until the domain stops it uses builtins only: it reads the log with
# `read`, looks for the daemon in /proc, and sleeps in `read -t` on a FIFO
# that nobody writes.  xl itself runs only once the daemon has gone
# without a record, to tell a vanished domain from a dead daemon.
# test/xl/wait-selftest.sh holds it to that.
#
# wait_domain_prepare makes the FIFO ($WAIT_FIFO); call it once, before
# the domain starts.

WAIT_FIFO=${WAIT_FIFO:-/tmp/wait-domain.fifo}

wait_domain_prepare() {
	[ -p "$WAIT_FIFO" ] || mkfifo "$WAIT_FIFO"
}

# scan_xllog XLLOG: set $code (the shutdown reason, or empty) and $daemon
# (the daemon's pid, once it has logged it).
scan_xllog() {
	code=
	[ -r "$1" ] || return 0
	while IFS= read -r line; do
		case $line in
		*"to die [pid "*"]"*)
			daemon=${line##*"[pid "}
			daemon=${daemon%%"]"*}
			;;
		*"has shut down, reason code "*)
			code=${line##*"reason code "}
			code=${code%% *}
			;;
		esac
	done < "$1"
}

# $ending is the result, for the caller.
# shellcheck disable=SC2034
wait_domain() {
	name=$1 xllog=$2 deadline=$3
	daemon='' ending=''
	wait_domain_prepare
	exec 9<> "$WAIT_FIFO"
	read -r now _ < /proc/uptime
	since=${now%.*}
	while :; do
		scan_xllog "$xllog"
		if [ -n "$code" ]; then
			case $code in
			0) ending="poweroff guest shut down (SHUTDOWN_poweroff)" ;;
			1) ending="reboot guest asked to reboot (SHUTDOWN_reboot)" ;;
			2) ending="error guest suspended itself (SHUTDOWN_suspend)" ;;
			3) ending="crash domain crashed (SHUTDOWN_crash)" ;;
			4) ending="crash watchdog fired (SHUTDOWN_watchdog)" ;;
			*) ending="error shut down with unknown reason code $code" ;;
			esac
			break
		fi
		if [ -n "$daemon" ] && [ ! -d "/proc/$daemon" ]; then
			# It may have written its record just before it went.
			scan_xllog "$xllog"
			[ -n "$code" ] && continue
			if xl list "$name" > /dev/null 2>&1; then
				ending="error xl's daemon for the domain exited without a shutdown record"
			else
				ending="error domain vanished without a shutdown record"
			fi
			break
		fi
		read -r now _ < /proc/uptime
		if [ "$deadline" -le "${now%.*}" ]; then
			ending="timeout guest still running after $(( ${now%.*} - since ))s (dom0 destroyed it)"
			break
		fi
		# shellcheck disable=SC3045 # busybox sh has read -t
		read -r -t 1 _ <&9
	done
	exec 9<&-
}
