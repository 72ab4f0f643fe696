#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit under concurrency (tests/lib/stress.sh): rmmod/insmod in a loop
# while its two debugfs files are read, another module (taint_probe) is
# loaded and unloaded, which its notifier records, and U is written to
# /proc/sys/kernel/tainted, which its probes attribute. debugfs does not pin
# the module (removal waits for the readers), so each rmmod succeeds; reads
# and writes in between fail cleanly. Afterwards the module records again.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/stress.sh"

KO=$KMODS_MODULES_DIR/production/taint_audit.ko
PROBE=$KMODS_MODULES_DIR/taint_probe.ko
DEBUGFS=/sys/kernel/debug/taint_audit
STOP=/tmp/ta-stress-stop

readers() {
	while [ ! -e $STOP ]; do
		cat $DEBUGFS/modules $DEBUGFS/taints >/dev/null 2>&1
	done
}

loader() {
	n=0
	while [ ! -e $STOP ]; do
		insmod "$PROBE" && rmmod taint_probe && n=$((n + 1))
		echo 64 >/proc/sys/kernel/tainted
	done
	echo $n >/tmp/ta-stress-loads
}

reload_while_used() {
	rm -f $STOP
	readers &
	readers_pid=$!
	loader &
	loader_pid=$!
	status=0
	while stress_running; do
		rmmod taint_audit && insmod "$KO" || { status=1; break; }
		stress_op
	done
	touch $STOP
	wait $readers_pid $loader_pid
	ktap_print_msg "taint_probe loaded and unloaded $(cat /tmp/ta-stress-loads) times meanwhile"
	return $status
}

# records_again: one more load of taint_probe is recorded, load and unload.
records_again() {
	insmod "$PROBE" && rmmod taint_probe &&
		grep ' event=load module=taint_probe ' $DEBUGFS/modules | grep -q . &&
		grep -q ' event=unload module=taint_probe ' $DEBUGFS/modules
}

ktap_print_header
ktap_set_plan 2
stress_restart
ktap_test_result "rmmod/insmod while debugfs is read, modules load and U is written" \
	reload_while_used
stress_report "rmmod/insmod cycles"
ktap_test_result "the module records loads again" records_again
ktap_finished
