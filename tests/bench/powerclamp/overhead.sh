#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp benchmark: the cost of the module at 0 %. Over 5 s each, with
# the module unloaded and then loaded at cur_state 0: context switches and
# interrupts (/proc/stat), kidle_inject threads, and the work a busy loop
# gets done. Target: no thread and no wake-up at 0 %, ratios of 1.00.

. "$KMODS/tests/lib/powerclamp.sh"

ko=$KMODS_MODULES_DIR/production/powerclamp.ko

# sample: "<ctxt> <intr> <loops>" over 5 s, with one counting loop per CPU.
sample() {
	c0=$(awk '/^ctxt/ { print $2 }' /proc/stat)
	i0=$(awk '/^intr/ { print $2 }' /proc/stat)
	rm -f /tmp/loops.*
	for cpu in $(pc_online_cpus); do
		taskset -c "$cpu" sh -c 'n=0; trap "echo \$n >/tmp/loops.$$; exit" TERM
			while :; do n=$((n + 1)); done' &
	done
	sleep 5
	c1=$(awk '/^ctxt/ { print $2 }' /proc/stat)
	i1=$(awk '/^intr/ { print $2 }' /proc/stat)
	kill $(jobs -p) 2>/dev/null
	wait
	echo "$((c1 - c0)) $((i1 - i0)) $(cat /tmp/loops.* | awk '{ s += $1 } END { print s }')"
}

rmmod powerclamp
read -r ctxt_off intr_off loops_off <<EOT
$(sample)
EOT
insmod "$ko"
read -r ctxt_on intr_on loops_on <<EOT
$(sample)
EOT
threads=$(pc_thread_count)

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}
echo "# powerclamp overhead at 0 %, 5 s per run, a counting loop per CPU"
printf '%-22s %-10s %-10s %s\n' metric unloaded "loaded@0" ratio
printf '%-22s %-10s %-10s %s\n' context_switches "$ctxt_off" "$ctxt_on" "$(ratio "$ctxt_on" "$ctxt_off")"
printf '%-22s %-10s %-10s %s\n' interrupts "$intr_off" "$intr_on" "$(ratio "$intr_on" "$intr_off")"
printf '%-22s %-10s %-10s %s\n' loop_iterations "$loops_off" "$loops_on" "$(ratio "$loops_on" "$loops_off")"
printf '%-22s %-10s %-10s\n' kidle_inject_threads - "$threads"
