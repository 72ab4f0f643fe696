# SPDX-License-Identifier: GPL-2.0
#
# powerclamp.sh - helpers for powerclamp's tests, demo and benchmarks.
#
#   . "$KMODS/tests/lib/powerclamp.sh"
#   pc_hogs_start            # a busy loop pinned on every online CPU
#   pc_set 25                # the cooling device's cur_state
#   pc_measure 4             # per-CPU idle % from /proc/stat over 4 s
#   pc_hogs_stop

PC_PARAMS=/sys/module/powerclamp/parameters
PC_DEBUG=/sys/kernel/debug/powerclamp
PC_HOGS=

# pc_cdev: the sysfs directory of the powerclamp cooling device.
pc_cdev() {
	for d in /sys/class/thermal/cooling_device*; do
		[ "$(cat "$d/type" 2>/dev/null)" = powerclamp ] && echo "$d" && return 0
	done
	return 1
}

pc_set() {
	echo "$1" >"$(pc_cdev)/cur_state"
}

pc_online_cpus() {
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${c##*cpu}
		[ -f "$c/online" ] && [ "$(cat "$c/online")" = 0 ] && continue
		echo "$n"
	done
}

pc_hogs_start() {
	for cpu in $(pc_online_cpus); do
		taskset -c "$cpu" sh -c 'while :; do :; done' &
		PC_HOGS="$PC_HOGS $!"
	done
}

pc_hogs_stop() {
	# shellcheck disable=SC2086 # a list of PIDs
	[ -n "$PC_HOGS" ] && kill $PC_HOGS 2>/dev/null && wait $PC_HOGS 2>/dev/null
	PC_HOGS=
}

# pc_threads: "<pid> <comm>" of every kidle_inject thread.
pc_threads() {
	for d in /proc/[0-9]*; do
		read -r comm <"$d/comm" 2>/dev/null || continue
		case $comm in kidle_inject/*) echo "${d#/proc/} $comm" ;; esac
	done
}

# pc_thread_count
pc_thread_count() {
	pc_threads | wc -l
}

# pc_stat: the per-CPU lines of /proc/stat, read with shell builtins: a
# process that exits inside a measurement leaves RCU work that keeps the
# tick running through injected idle, which then counts as system time.
pc_stat() {
	while read -r line; do
		case $line in cpu[0-9]*) echo "$line" ;; esac
	done </proc/stat
}

# pc_idle_between BEFORE AFTER: "cpuN <idle %>" per CPU, then "all <mean>"
# and "spread <max - min>", from two pc_stat snapshots. Idle counts idle and
# iowait, of every field's total.
pc_idle_between() {
	awk '
	NR == FNR { for (i = 2; i <= NF; i++) b[$1, i] = $i; next }
	{
		total = 0
		for (i = 2; i <= NF; i++) total += $i - b[$1, i]
		idle = ($5 - b[$1, 5]) + ($6 - b[$1, 6])
		pct = total > 0 ? 100 * idle / total : 0
		printf "%s %.2f\n", $1, pct
		sum += pct; n++
		if (n == 1 || pct > max) max = pct
		if (n == 1 || pct < min) min = pct
	}
	END { printf "all %.2f\nspread %.2f\n", sum / n, max - min }
	' "$1" "$2"
}

# pc_measure SECONDS: pc_idle_between over the next SECONDS.
pc_measure() {
	pc_stat >/tmp/pc_before
	sleep "$1"
	pc_stat >/tmp/pc_after
	pc_idle_between /tmp/pc_before /tmp/pc_after
}

# pc_achieved_agrees SINCE: each clamped CPU's debugfs `achieved` against
# the idle share /proc/stat shows from the pc_stat snapshot SINCE (taken as
# the target was set) to now, within 1 point; prints both per CPU.
pc_achieved_agrees() {
	pc_stat >/tmp/pc_now
	pc_idle_between "$1" /tmp/pc_now >/tmp/pc_span
	awk '
	NR == FNR { if ($1 ~ /^cpu[0-9]/) stat[substr($1, 4)] = $2; next }
	$2 == "thread=running" {
		cpu = substr($1, 5)
		achieved = substr($4, 10)
		d = achieved - stat[cpu]; if (d < 0) d = -d
		printf "# cpu%s: debugfs achieved %s, /proc/stat %s\n", cpu, achieved, stat[cpu]
		n++
		if (d > 1) bad = 1
	}
	END { exit bad || !n }' /tmp/pc_span "$PC_DEBUG/cpus"
}

# pc_within VALUE TARGET TOLERANCE: |VALUE - TARGET| <= TOLERANCE.
pc_within() {
	awk -v v="$1" -v t="$2" -v tol="$3" \
		'BEGIN { d = v - t; if (d < 0) d = -d; exit !(d <= tol) }'
}

# pc_accuracy_header and pc_accuracy_row TARGET TOLERANCE: a row of the
# accuracy benchmark: /proc/stat over 8 s after 4 s of settling (mean over
# CPUs, spread max - min), then mpstat over the next 8 s.
pc_accuracy_header() {
	echo "# powerclamp accuracy: duration $(cat $PC_PARAMS/duration) ms," \
		"window_size $(cat $PC_PARAMS/window_size), $(pc_online_cpus | wc -l) CPUs busy"
	printf '%-7s %-9s %-7s %-7s %-7s %s\n' target achieved error spread mpstat verdict
}

pc_accuracy_row() {
	pc_set "$1"
	sleep 4
	pc_measure 8 >/tmp/measured
	mpstat 8 1 >/tmp/mpstat
	all=$(awk '$1 == "all" { print $2 }' /tmp/measured)
	spread=$(awk '$1 == "spread" { print $2 }' /tmp/measured)
	mp=$(awk '/^Average:/ { print $NF }' /tmp/mpstat)
	verdict=ok
	pc_within "$all" "$1" "$2" || verdict="off by more than $2"
	printf '%-7s %-9s %+-7.2f %-7s %-7s %s\n' "$1" "$all" \
		"$(awk -v a="$all" -v t="$1" 'BEGIN { print a - t }')" \
		"$spread" "$mp" "$verdict"
}
