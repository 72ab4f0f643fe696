# SPDX-License-Identifier: GPL-2.0
#
# stress.sh - bounded concurrency stress for the integration tests. In make
# check a stress runs STRESS_SECONDS (10 s); in make stress (kmods.stress=1
# on the guest's command line, KMODS_STRESS=1 here) 60 s, and at full scale.
# The harness fails the run on any splat (lockdep, KASAN, ...) and kmemleak
# scans at the end; each stress prints what it did.
#
#   . "$KMODS/tests/lib/stress.sh"
#   stress_restart
#   while stress_running; do ...; stress_op; done
#   stress_report "containers created and destroyed"

if [ -n "${KMODS_STRESS:-}" ]; then
	STRESS_SECONDS=60
else
	STRESS_SECONDS=10
fi
STRESS_START=$(cut -d. -f1 /proc/uptime)
# The counts live in files, one per worker: the stresses run in
# ktap_test_result's subshell, their workers in the background.
STRESS_OPS=/tmp/kmods-stress-ops

# stress_running: true until STRESS_SECONDS have passed since the start (or
# since stress_restart).
stress_running() {
	[ $(($(cut -d. -f1 /proc/uptime) - STRESS_START)) -lt "$STRESS_SECONDS" ]
}

stress_restart() {
	rm -f $STRESS_OPS.*
	STRESS_START=$(cut -d. -f1 /proc/uptime)
}

# stress_op [WORKER]: one more operation done by WORKER (each background
# worker names itself, so that no two write one file).
stress_op() {
	f=$STRESS_OPS.${1:-main}
	n=0
	[ -s "$f" ] && n=$(cat "$f")
	echo $((n + 1)) >"$f"
}

# stress_report WHAT: "N WHAT in S s", as a KTAP diagnostic line.
stress_report() {
	total=$(cat $STRESS_OPS.* 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
	ktap_print_msg "$total $* in $(($(cut -d. -f1 /proc/uptime) - STRESS_START)) s"
}

# stress_reload MODULE KO: one rmmod/insmod cycle of MODULE while nothing
# holds it; the reload stresses below run it in a loop.
stress_reload() {
	rmmod "$1" && insmod "$2"
}

# stress_refused MODULE: rmmod MODULE fails because it is in use, with the
# kernel's errno for that (EAGAIN, "Resource temporarily unavailable", from
# busybox's O_NONBLOCK delete_module(); EBUSY "in use" from kmod's).
stress_refused() {
	if out=$(rmmod "$1" 2>&1); then
		echo "# rmmod $1 succeeded while it was in use"
		return 1
	fi
	echo "$out" | grep -q -E 'temporarily unavailable|in use|busy' ||
		{ echo "# $out"; return 1; }
}
