#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events under concurrency (tests/lib/stress.sh). Watches are created,
# reconfigured and removed while the filesystems they watch are remounted
# read-only and back, unmounted and mounted again, and the state is dumped
# over and over. Every dump must list each of the watches that exist
# throughout: the dump spans several messages, and the watches removed
# between two of them come before those (a dump that resumed by position
# would skip some). Then rmmod/insmod in a loop: refused while a watch
# exists, clean once it is gone.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fs_events.sh"
. "$KMODS/tests/lib/stress.sh"

KO=$KMODS_MODULES_DIR/production/fs_events.ko
KEPT=120
EARLY=60

mkdir -p /tmp/fse/s0 /tmp/fse/s1
fse_tmpfs /tmp/fse/s0 size=1M
fse_tmpfs /tmp/fse/s1 size=1M

# Early watches (removed while dumps run) interleaved with kept ones, so that
# each early one is ahead of kept ones in the registry.
setup_watches() {
	i=0
	while [ $i -lt $EARLY ] || [ $i -lt $KEPT ]; do
		[ $i -lt $EARLY ] && { mkdir "$FSE_CONFIG/e-$i" || return 1; }
		[ $i -lt $KEPT ] && { mkdir "$FSE_CONFIG/k-$i" || return 1; }
		i=$((i + 1))
	done
}

# churn: remove the early watches one by one, each time making a watch at
# the end, arming it on one of the tmpfs mounts, reconfiguring it and
# removing it; until the time is up. Writes to a watch whose mount is gone
# may fail (ENOENT, EINVAL): that is what the remounts are for.
churn() {
	i=0
	while stress_running; do
		[ $i -lt $EARLY ] && rmdir "$FSE_CONFIG/e-$i"
		w=$FSE_CONFIG/c-$i
		mkdir "$w" || return 1
		echo /tmp/fse/s$((i % 2)) >"$w/path" 2>/dev/null
		echo 10 >"$w/interval_ms"
		echo 90% >"$w/space_upper"
		echo 50% >"$w/space_lower" 2>/dev/null
		echo error,space,readonly,unmount >"$w/events"
		cat "$w/state" >/dev/null
		rmdir "$w" || return 1
		i=$((i + 1))
		stress_op churn
	done
}

# unmount DIR: umount, retried while a path lookup of the churn (a write
# to a watch's path) holds the mount for a moment (EBUSY).
unmount() {
	for _ in $(seq 20); do
		umount "$1" 2>/dev/null && return 0
		usleep 10000
	done
	umount "$1"
}

remount() {
	i=0
	while stress_running; do
		m=/tmp/fse/s$((i % 2))
		mount -o remount,ro "$m" && mount -o remount,rw "$m" &&
			unmount "$m" && mount -t tmpfs -o size=1M tmpfs "$m" || return 1
		i=$((i + 1))
		stress_op remount
	done
}

# dumps: dump the state until the time is up; each dump lists every kept
# watch.
dumps() {
	n=0
	while stress_running; do
		fs-events-monitor --dump-only --json >/tmp/fse-stress-dump 2>&1 || {
			cat /tmp/fse-stress-dump
			return 1
		}
		kept=$(grep -c '"watch":"k-' /tmp/fse-stress-dump)
		[ "$kept" -eq $KEPT ] || {
			echo "# dump $n listed $kept of the $KEPT kept watches"
			return 1
		}
		n=$((n + 1))
	done
	ktap_print_msg "$n dumps, each with all $KEPT kept watches"
}

concurrently() {
	churn &
	churn_pid=$!
	remount &
	remount_pid=$!
	dumps
	dumps_status=$?
	wait $churn_pid || { echo "# the churn failed"; return 1; }
	wait $remount_pid || { echo "# the remounts failed"; return 1; }
	return $dumps_status
}

cleanup() {
	for w in "$FSE_CONFIG"/*/; do
		[ -d "$w" ] && rmdir "$w"
	done
	grep -q '^watches=0 ' "$FSE_CONFIG/stats"
}

reload_while_used() {
	while stress_running; do
		mkdir "$FSE_CONFIG/held" || return 1
		stress_refused fs_events || return 1
		rmdir "$FSE_CONFIG/held" || return 1
		stress_reload fs_events "$KO" || return 1
		stress_op
	done
}

ktap_print_header
ktap_set_plan 4
ktap_test_result "$EARLY early and $KEPT kept watches" setup_watches
stress_restart
ktap_test_result "watches churned, mounts remounted and unmounted, state dumped, at once" \
	concurrently
stress_report "watches churned and remount cycles"
ktap_test_result "every watch removed, the registry empty" cleanup
stress_restart
ktap_test_result "rmmod is refused while a watch exists, clean after" reload_while_used
stress_report "rmmod/insmod cycles with a watch made and removed in between"
umount /tmp/fse/s0 /tmp/fse/s1
ktap_finished
