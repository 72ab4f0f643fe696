#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns redirect benchmark: what the redirect of the kernel's log
# interfaces costs the host's own tasks, which it never redirects. The
# host's open, read and close of /dev/kmsg, and its syslog(2) SIZE_BUFFER
# and READ_ALL of 4 KiB (kmsg-check bench), timed with syslog_ns unloaded
# (the baseline) and loaded (redirect=1), alternately, five rounds each in
# the same run; printed per call: the medians, their ratio, and the spread
# of each side's rounds ((max - min) / median), which is the noise the ratio
# is to be read against.

. "$KMODS/tests/lib/syslog_ns.sh"

ITERATIONS=${SNS_BENCH_ITERATIONS:-20000}

# field NAME LINE: NAME=value's value in LINE.
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# stats A B C D E: "median spread" of five numbers.
stats() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		printf "%d %.3f\n", v[3], (v[5] - v[1]) / v[3] }'
}

ROUNDS="1 2 3 4 5"
for round in $ROUNDS; do
	rmmod syslog_ns 2>/dev/null
	eval "off_$round=\"\$(kmsg-check bench --iterations $ITERATIONS)\""
	insmod "$KMODS_MODULES_DIR/production/syslog_ns.ko"
	eval "on_$round=\"\$(kmsg-check bench --iterations $ITERATIONS)\""
done

echo "syslog_ns redirect: the host's log paths, $ITERATIONS calls, 5 rounds (ns per call)"
for name in devkmsg_open_read_ns syslog_size_buffer_ns syslog_read_all_4k_ns; do
	off=$(for r in $ROUNDS; do eval "field $name \"\$off_$r\""; done)
	on=$(for r in $ROUNDS; do eval "field $name \"\$on_$r\""; done)
	# shellcheck disable=SC2086
	set -- $(stats $off) $(stats $on)
	awk -v n="$name" -v a="$1" -v sa="$2" -v b="$3" -v sb="$4" 'BEGIN {
		printf "  %-24s unloaded %8d (spread %.3f)  loaded %8d (spread %.3f)  ratio %.3f\n",
			n, a, sa, b, sb, b / a
	}'
done
