#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp: the cooling device and the run-time parameters, and every bad
# input refused with its errno while the previous state is kept.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/powerclamp.sh"

cdev=$(pc_cdev)
nr_cpus=$(pc_online_cpus | wc -l)
# The hex mask of every CPU, as the parameter shows it (2 vCPUs: "3").
all_cpus=$(printf '%x' $(((1 << nr_cpus) - 1)))

# write VALUE FILE
write() {
	sh -c "echo '$1' >'$2'"
}

# write_refused VALUE FILE ERRNO_TEXT: the write fails with ERRNO_TEXT and
# FILE reads as before.
write_refused() {
	before=$(cat "$2")
	if out=$(write "$1" "$2" 2>&1); then
		echo "accepted"
		return 1
	fi
	echo "$out" | grep -q "$3" || { echo "$out, expected $3"; return 1; }
	after=$(cat "$2")
	[ "$before" = "$after" ] || { echo "changed from $before to $after"; return 1; }
}

refused() {
	ktap_test_result "$1" write_refused "$2" "$3" "$4"
}

ktap_print_header
ktap_set_plan 32

ktap_test_result "a cooling device of type powerclamp exists" test -n "$cdev"
ktap_test_result "max_state is max_idle (50)" test "$(cat "$cdev/max_state")" = 50
ktap_test_result "cur_state starts at 0" test "$(cat "$cdev/cur_state")" = 0
ktap_test_result "parameters have their defaults" test \
	"$(cat $PC_PARAMS/duration $PC_PARAMS/window_size $PC_PARAMS/max_idle $PC_PARAMS/cpumask | tr '\n' ' ')" \
	= "24 2 50 $all_cpus "

write 20 "$cdev/cur_state"
ktap_test_result "cur_state 20 starts clamping" \
	grep -q "^state=clamping target=20 " $PC_DEBUG/status

refused "cur_state above max_state" 51 "$cdev/cur_state" "Invalid argument"
refused "negative cur_state" -1 "$cdev/cur_state" "Invalid argument"
refused "cur_state garbage" abc "$cdev/cur_state" "Invalid argument"
refused "empty cur_state" "" "$cdev/cur_state" "Invalid argument"
ktap_test_result "the session is unchanged: target 20, every thread running" \
	sh -c "grep -q '^state=clamping target=20 .* threads=$nr_cpus\$' $PC_DEBUG/status &&
	       test \$(cat $cdev/cur_state) = 20"

refused "duration below 6 ms" 5 $PC_PARAMS/duration "Invalid argument"
refused "duration above 25 ms" 26 $PC_PARAMS/duration "Invalid argument"
refused "negative duration" -1 $PC_PARAMS/duration "Invalid argument"
refused "duration garbage" 12ms $PC_PARAMS/duration "Invalid argument"
refused "window_size below 2" 1 $PC_PARAMS/window_size "Invalid argument"
refused "window_size above 10" 11 $PC_PARAMS/window_size "Invalid argument"
refused "max_idle 0" 0 $PC_PARAMS/max_idle "Invalid argument"
refused "max_idle above 90" 91 $PC_PARAMS/max_idle "Invalid argument"
refused "max_idle below the current target" 10 $PC_PARAMS/max_idle "Device or resource busy"
refused "empty cpumask" "" $PC_PARAMS/cpumask "Invalid argument"
refused "cpumask without a CPU" 0 $PC_PARAMS/cpumask "Invalid argument"
refused "cpumask that is not hex" zz $PC_PARAMS/cpumask "Invalid argument"
refused "cpumask naming a CPU this machine cannot have" \
	"$(printf '%x' $((1 << nr_cpus)))" $PC_PARAMS/cpumask "Invalid argument"
refused "cpumask group over 32 bits" 100000000 $PC_PARAMS/cpumask "Invalid argument"
ktap_test_result "every parameter kept its value" test \
	"$(cat $PC_PARAMS/duration $PC_PARAMS/window_size $PC_PARAMS/max_idle $PC_PARAMS/cpumask | tr '\n' ' ')" \
	= "24 2 50 $all_cpus "

write 12 $PC_PARAMS/duration
write 4 $PC_PARAMS/window_size
ktap_test_result "duration and window_size change while clamping" \
	grep -q "duration_ms=12 window_size=4 " $PC_DEBUG/status
write 24 $PC_PARAMS/duration
write 2 $PC_PARAMS/window_size

write 70 $PC_PARAMS/max_idle
ktap_test_result "max_idle 70 raises max_state to 70" test "$(cat "$cdev/max_state")" = 70
write 70 "$cdev/cur_state"
ktap_test_result "and cur_state 70 is accepted" test "$(cat "$cdev/cur_state")" = 70
write 20 "$cdev/cur_state"
write 50 $PC_PARAMS/max_idle
ktap_test_result "max_idle back to 50" test "$(cat "$cdev/max_state")" = 50

write 1 $PC_PARAMS/cpumask
ktap_test_result "cpumask 1 while clamping leaves only kidle_inject/0" \
	test "$(pc_threads | awk '{ print $2 }')" = kidle_inject/0
write "$all_cpus" $PC_PARAMS/cpumask
ktap_test_result "cpumask $all_cpus gives every CPU its thread back" \
	test "$(pc_thread_count)" -eq "$nr_cpus"

write 0 "$cdev/cur_state"
ktap_test_result "cur_state 0 ends the session" \
	grep -q "^state=off target=0 .* threads=0\$" $PC_DEBUG/status
ktap_finished
