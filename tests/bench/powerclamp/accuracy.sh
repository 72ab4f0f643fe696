#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp benchmark: target against achieved idle, with a busy loop on
# every CPU. Achieved is the mean over CPUs of /proc/stat's idle share over
# 8 s after 4 s of settling; spread is max - min over CPUs; mpstat is the
# same interval read by sysstat. Targets: within 1 point from 10 to 50 %,
# within 2 up to max_idle (raised to 75 here).

. "$KMODS/tests/lib/powerclamp.sh"

echo 75 >$PC_PARAMS/max_idle
pc_hogs_start
echo "# powerclamp accuracy: duration $(cat $PC_PARAMS/duration) ms," \
	"window_size $(cat $PC_PARAMS/window_size), $(pc_online_cpus | wc -l) CPUs busy"
printf '%-7s %-9s %-7s %-7s %-7s %s\n' target achieved error spread mpstat verdict
for target in 10 20 30 40 50 60 75; do
	pc_set "$target"
	sleep 4
	mpstat 8 1 >/tmp/mpstat &
	m=$(pc_measure 8)
	wait $!
	all=$(echo "$m" | awk '$1 == "all" { print $2 }')
	spread=$(echo "$m" | awk '$1 == "spread" { print $2 }')
	mp=$(awk '/^Average:/ { print $NF }' /tmp/mpstat)
	tol=1
	[ "$target" -gt 50 ] && tol=2
	verdict=ok
	pc_within "$all" "$target" "$tol" || verdict="off by more than $tol"
	printf '%-7s %-9s %+-7.2f %-7s %-7s %s\n' "$target" "$all" \
		"$(awk -v a="$all" -v t="$target" 'BEGIN { print a - t }')" \
		"$spread" "$mp" "$verdict"
done
pc_set 0
echo 50 >$PC_PARAMS/max_idle
pc_hogs_stop
