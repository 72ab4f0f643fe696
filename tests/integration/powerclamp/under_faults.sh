#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp under systematic fault injection (tests/lib/fault.sh): every
# allocation of every entry point fails once, in turn. A failed cur_state
# write (it starts a kidle_inject thread per CPU) leaves the clamp idle with
# no thread; a failed parameter write leaves every parameter, max_state and
# the session as they were, while clamping too; debugfs reads fail cleanly.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/powerclamp.sh"
. "$KMODS/tests/lib/fault.sh"

KO=$KMODS_MODULES_DIR/production/powerclamp.ko
STATE=/tmp/pc-fault.state

fault_require
ktap_print_header
ktap_set_plan 12
fault_setup

rmmod powerclamp
fault_insmod powerclamp "$KO"
insmod "$KO"
cdev=$(pc_cdev)
# The parameters, the cooling device's state and the session (status less
# what it measures: state, target and threads), saved after each call that
# succeeded and compared after each that failed, by fail-nth's shell.
cat >/tmp/pc-fault-snapshot <<EOF
grep -H . $PC_PARAMS/* $cdev/cur_state $cdev/max_state
sed -n 's/^\\(state=[a-z]* target=[0-9]*\\) .* \\(threads=[0-9]*\\)\$/\\1 \\2/p' $PC_DEBUG/status
EOF
SAVE="sh /tmp/pc-fault-snapshot >$STATE"
SAME="sh /tmp/pc-fault-snapshot | cmp -s - $STATE"
sh -c "$SAVE"
fault_call "cur_state 30 (starting the session)" --check "$SAME" --undo "$SAVE" \
	write "$cdev/cur_state" 30
ktap_test_result "clamping at 30 % with a thread per CPU" \
	grep -q "^state=clamping target=30 .* threads=2\$" $PC_DEBUG/status
for kv in duration=12 window_size=4 max_idle=70 cpumask=1 cpumask=3; do
	fault_call "parameter $kv while clamping" --check "$SAME" --undo "$SAVE" \
		write "$PC_PARAMS/${kv%%=*}" "${kv#*=}"
done
fault_call "cur_state 0 (ending the session)" --check "$SAME" --undo "$SAVE" \
	write "$cdev/cur_state" 0
fault_call "read debugfs status" read $PC_DEBUG/status
fault_call "read debugfs cpus" read $PC_DEBUG/cpus
ktap_test_result "no kidle_inject thread is left" test "$(pc_thread_count)" -eq 0

fault_restore
fault_report powerclamp
rmmod powerclamp
insmod "$KO"
ktap_finished
