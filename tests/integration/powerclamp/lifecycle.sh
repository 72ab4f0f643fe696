#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp: CPU hotplug while clamping stops and restarts the CPU's thread
# (ten cycles, no warning: the harness fails the run on any splat); unloading
# while clamping is clean; parameters given to insmod are checked too.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/powerclamp.sh"

ko=$KMODS_MODULES_DIR/production/powerclamp.ko
cpu1=/sys/devices/system/cpu/cpu1/online

has_thread() {
	pc_threads | grep -q " kidle_inject/$1\$"
}

not_running() {
	! has_thread "$1"
}

# cycle N: N offline/online rounds of CPU 1.
cycle() {
	i=0
	while [ "$i" -lt "$1" ]; do
		echo 0 >$cpu1 || return 1
		has_thread 1 && { echo "kidle_inject/1 outlived its CPU"; return 1; }
		echo 1 >$cpu1 || return 1
		has_thread 1 || { echo "no kidle_inject/1 after online"; return 1; }
		i=$((i + 1))
	done
}

ktap_print_header
ktap_set_plan 11

pc_set 30
ktap_test_result "clamping at 30 % runs kidle_inject/1" has_thread 1
echo 0 >$cpu1
ktap_test_result "CPU 1 offline: its thread is gone" not_running 1
ktap_test_result "CPU 0 keeps its thread" has_thread 0
echo 1 >$cpu1
ktap_test_result "CPU 1 online again: kidle_inject/1 is back" has_thread 1
ktap_test_result "ten more offline/online cycles while clamping" cycle 10
ktap_test_result "the session is still clamping at 30 % on every CPU" \
	grep -q "^state=clamping target=30 .* threads=2\$" $PC_DEBUG/status

ktap_test_result "rmmod while clamping" rmmod powerclamp
ktap_test_result "leaves no kidle_inject thread" test "$(pc_thread_count)" -eq 0

ktap_expect_errno "insmod with duration=5 is refused" "Invalid argument" \
	insmod "$ko" duration=5
insmod "$ko" duration=12 max_idle=70 cpumask=1
ktap_test_result "insmod with duration=12 max_idle=70 cpumask=1 applies them" \
	test "$(cat $PC_PARAMS/duration $PC_PARAMS/max_idle $PC_PARAMS/cpumask \
		"$(pc_cdev)/max_state" | tr '\n' ' ')" = "12 70 1 70 "
# Back to the defaults for the tests that follow.
rmmod powerclamp
insmod "$ko"
ktap_test_result "reloaded with the defaults" \
	grep -q "^state=off target=0 max_idle=50 duration_ms=24 window_size=2 " $PC_DEBUG/status
ktap_finished
