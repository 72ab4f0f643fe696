#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp under concurrency (tests/lib/stress.sh). cur_state and every
# run-time parameter change while CPU 1 goes offline and online; the clamp
# ends with a thread per online CPU or none, as its state says. Then
# rmmod/insmod in a loop while a writer keeps setting cur_state: the module
# does not pin itself while clamping (unloading stops the session), so each
# rmmod succeeds and the writes in between fail cleanly.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/powerclamp.sh"
. "$KMODS/tests/lib/stress.sh"

KO=$KMODS_MODULES_DIR/production/powerclamp.ko
cpu1=/sys/devices/system/cpu/cpu1/online

hotplug() {
	i=0
	while stress_running; do
		echo 0 >$cpu1 && echo 1 >$cpu1 || return 1
		stress_op hotplug
	done
}

# settings: cur_state and the parameters, each write valid.
settings() {
	i=0
	cdev=$(pc_cdev)
	while stress_running; do
		echo $((i * 7 % 50)) >"$cdev/cur_state" || return 1
		echo $((6 + i % 20)) >$PC_PARAMS/duration || return 1
		echo $((2 + i % 9)) >$PC_PARAMS/window_size || return 1
		echo $((50 + i % 41)) >$PC_PARAMS/max_idle || return 1
		echo $((1 + i % 3)) >$PC_PARAMS/cpumask || return 1
		i=$((i + 1))
		stress_op
	done
}

concurrently() {
	hotplug &
	hotplug_pid=$!
	settings
	settings_status=$?
	wait $hotplug_pid || { echo "# hotplug failed"; return 1; }
	return $settings_status
}

# consistent: after the storm, the state the status reports and the threads
# that run agree.
consistent() {
	echo 1 >$cpu1
	pc_set 0
	echo 3 >$PC_PARAMS/cpumask
	pc_set 30
	sleep 0.5
	grep -q "^state=clamping target=30 .* threads=2\$" $PC_DEBUG/status &&
		[ "$(pc_thread_count)" -eq 2 ] || { cat $PC_DEBUG/status; pc_threads; return 1; }
	pc_set 0
	sleep 0.5
	[ "$(pc_thread_count)" -eq 0 ] || { pc_threads; return 1; }
}

# reload_while_used: a writer sets cur_state over and over while the module
# is unloaded and loaded again.
reload_while_used() {
	(
		while [ ! -e /tmp/pc-stress-stop ]; do
			cdev=$(pc_cdev) && echo 20 >"$cdev/cur_state" 2>/dev/null
		done
	) &
	writer=$!
	rm -f /tmp/pc-stress-stop
	status=0
	while stress_running; do
		rmmod powerclamp || { status=1; break; }
		[ "$(pc_thread_count)" -eq 0 ] || { echo "# threads outlived the module"; status=1; break; }
		insmod "$KO" || { status=1; break; }
		stress_op
	done
	touch /tmp/pc-stress-stop
	wait $writer
	rm -f /tmp/pc-stress-stop
	pc_set 0
	return $status
}

ktap_print_header
ktap_set_plan 3
stress_restart
ktap_test_result "cur_state and parameters changed while CPU 1 goes off and on line" concurrently
stress_report "hotplug cycles and rounds of five settings"
ktap_test_result "then the clamp runs a thread per CPU at 30 % and none at 0" consistent
# The defaults again, for the tests that follow.
rmmod powerclamp
insmod "$KO"
stress_restart
ktap_test_result "rmmod/insmod while cur_state is being set" reload_while_used
stress_report "rmmod/insmod cycles with a writer setting cur_state"
ktap_finished
