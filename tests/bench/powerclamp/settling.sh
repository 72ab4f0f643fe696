#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp benchmark: settling after a step. With a busy loop on every CPU
# the target steps 10 -> 40 -> 20; the powerclamp_adjust trace event gives
# each CPU's achieved idle per control window. Settled: the first window of
# three in a row within 2 points of the new target. Target: within 3 windows.
#
# Nothing the bench does forks or changes tracing from just before a step to
# the end of its first windows: a process that exits leaves RCU callbacks on
# its CPU, and enabling a trace event waits for RCU grace periods, either of
# which keeps the tick running through the next injections. They would show
# as a disturbance the bench caused, not as the controller's step response.

. "$KMODS/tests/lib/powerclamp.sh"

events=/sys/kernel/tracing/events/powerclamp
trace=/sys/kernel/tracing/trace

cur_state=$(pc_cdev)/cur_state
echo >$trace
echo 1 >$events/powerclamp_adjust/enable
pc_hogs_start
pc_set 10
sleep 4
echo "# powerclamp settling: duration $(cat $PC_PARAMS/duration) ms," \
	"window_size $(cat $PC_PARAMS/window_size)"
printf '%-9s %-4s %-16s %-10s %s\n' step cpu settled_windows settled_ms \
	"achieved % in windows 1-6"
for step in "10 40" "40 20"; do
	set -- $step
	echo >$trace
	sleep 1
	read -r start _ </proc/uptime
	echo "$2" >"$cur_state"
	sleep 5
	# Lines: "... <ts>: powerclamp_adjust: cpu=N target_bp=T achieved_bp=A ..."
	awk -v t="$(($2 * 100))" -v start="$start" -v step="$1->$2" '
	/powerclamp_adjust:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^cpu=/) cpu = substr($i, 5)
			if ($i ~ /^target_bp=/) target = substr($i, 11)
			if ($i ~ /^achieved_bp=/) a = substr($i, 13)
			if ($i ~ /:$/ && $i ~ /^[0-9.]+:$/) ts = substr($i, 1, length($i) - 1)
		}
		if (target != t) next
		if (++w[cpu] <= 6) seq[cpu] = seq[cpu] sprintf(" %.2f", a / 100)
		if (done[cpu]) next
		n[cpu]++
		d = a - t; if (d < 0) d = -d
		if (d <= 200) { run[cpu]++; if (run[cpu] == 1) { first[cpu] = n[cpu]; when[cpu] = ts } }
		else run[cpu] = 0
		if (run[cpu] == 3) done[cpu] = 1
		seen[cpu] = 1
	}
	END {
		for (c in seen)
			if (done[c])
				printf "%-9s %-4s %-16s %-10d%s\n", step, c, first[c], (when[c] - start) * 1000, seq[c]
			else
				printf "%-9s %-4s %-16s %-10s%s\n", step, c, "not settled", "-", seq[c]
	}' $trace
done
echo 0 >$events/powerclamp_adjust/enable
pc_set 0
pc_hogs_stop
