#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns redirect benchmark: what the redirect of the kernel's log
# interfaces costs the host's own tasks, which it never redirects. The
# host's open, read and close of /dev/kmsg, and its syslog(2) SIZE_BUFFER
# and READ_ALL of 4 KiB (kmsg-check bench), timed with syslog_ns unloaded
# (the baseline) and loaded (redirect=1), alternately, three rounds each in
# the same run; printed per call, with the loaded/unloaded ratio of the
# medians.

. "$KMODS/tests/lib/syslog_ns.sh"

ITERATIONS=${SNS_BENCH_ITERATIONS:-20000}

# field NAME LINE: NAME=value's value in LINE.
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# median A B C
median() {
	printf '%s\n' "$@" | sort -n | sed -n 2p
}

for round in 1 2 3; do
	rmmod syslog_ns 2>/dev/null
	eval "off_$round=\"\$(kmsg-check bench --iterations $ITERATIONS)\""
	insmod "$KMODS_MODULES_DIR/production/syslog_ns.ko"
	eval "on_$round=\"\$(kmsg-check bench --iterations $ITERATIONS)\""
done

echo "syslog_ns redirect: the host's log paths, $ITERATIONS calls, median of 3 (ns per call)"
for name in devkmsg_open_read_ns syslog_size_buffer_ns syslog_read_all_4k_ns; do
	off=$(median "$(field $name "$off_1")" "$(field $name "$off_2")" "$(field $name "$off_3")")
	on=$(median "$(field $name "$on_1")" "$(field $name "$on_2")" "$(field $name "$on_3")")
	awk -v n="$name" -v a="$off" -v b="$on" 'BEGIN {
		printf "  %-24s unloaded %8d  loaded %8d  ratio %.3f\n", n, a, b, b / a
	}'
done
