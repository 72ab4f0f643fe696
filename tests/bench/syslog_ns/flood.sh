#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns flood benchmark: with mirror=1, a container writes flat out
# (syslog_ns_printk() on 2 CPUs at once, every record below its log's
# console level, so each one asks to be mirrored), first with the limit out
# of the way (mirror_burst=1000000, the baseline), then with the default of
# 10 per 5 s for 11 s. Printed: how fast it wrote, how many of its records
# reached the host's log against the limit, which records its own log kept
# (the newest), whether a host line written before the flood survived it, and
# the rate into the host's log against the baseline's.

. "$KMODS/tests/lib/syslog_ns.sh"

N=${SNS_BENCH_RECORDS:-50000}

# run BURST SECONDS: with mirror=1 mirror_burst=BURST, a container writes
# rounds of N records per CPU until SECONDS have passed; prints what it
# wrote, what the host's log received and what the container's log kept, and
# sets WROTE and MIRRORED.
run() {
	burst=$1 seconds=$2
	sns_reload mirror=1 mirror_burst="$burst"
	insmod "$KMODS_MODULES_DIR/syslog_ns_probe.ko"
	sns_ct_start flood
	sns_ct flood syslog-ns-ctl --create >/dev/null
	# Console level 8: even KERN_DEBUG records are below it, all mirrorable.
	sns_ct flood syslog-ns-ctl -n 8
	id=$(sns_ct_id flood)
	dmesg -c >/dev/null
	echo "<6>syslog_ns bench: the host's line before the flood" >/dev/kmsg
	WROTE=0
	t0=$(sns_now_us)
	while :; do
		sns_ct flood sh -c "echo 'ns 2 $N' >$SNS_BENCH"
		WROTE=$((WROTE + $(sns_field records "$(cat $SNS_BENCH)")))
		t1=$(sns_now_us)
		[ $((t1 - t0)) -ge $((seconds * 1000000)) ] && break
	done
	MIRRORED=$(dmesg | grep -c "syslog_ns\[$id\]: bench:")
	if dmesg | grep -q "the host's line before the flood"; then
		kept=yes
	else
		kept="no, overwritten"
	fi
	unmirrored=$(dmesg | sed -n "s/.*syslog_ns\[$id\]: \([0-9]*\) records not mirrored.*/\1/p" |
		awk '{ n += $1 } END { print n + 0 }')
	info=$(sns_ct flood syslog-ns-ctl --info)
	first=$(echo "$info" | sed -n 's/^first_seq=//p')
	next=$(echo "$info" | sed -n 's/^next_seq=//p')
	newest=$(sns_ct flood dmesg | tail -n 1 | sed 's/^\[[^]]*\] //')
	awk -v b="$burst" -v w="$WROTE" -v us="$((t1 - t0))" -v m="$MIRRORED" -v u="$unmirrored" \
		-v f="$first" -v n="$next" -v k="$kept" 'BEGIN {
		s = us / 1e6
		printf "  mirror_burst=%d per 5 s: wrote %d records in %.2f s (%.0f/s)\n", b, w, s, w / s
		if (u == 0)
			printf "  ... mirrored all %d (%.0f/s); the host log holds the last %d of them\n",
				w, w / s, m
		else
			printf "  ... mirrored %d (%.1f/s; limit %d in %.2f s), %d reported not mirrored\n",
				m, m / s, b * (int(s / 5) + 1), s, u
		printf "  ... the host line written before the flood is still in its log: %s\n", k
		printf "  ... the container log keeps records %d..%d, the newest %d\n", f, n - 1, n - f
	}'
	echo "  ... its newest record: $newest"
	sns_ct_stop flood
	rmmod syslog_ns_probe
}

echo "syslog_ns flood: mirror=1, a container writing flat out (syslog_ns_printk(), $N records per CPU per round, 2 CPUs)"
run 1000000 1
base_rate=$(awk -v w="$WROTE" -v us="$((t1 - t0))" 'BEGIN { print w / (us / 1e6) }')
run 10 11
awk -v b="$base_rate" -v m="$MIRRORED" -v us="$((t1 - t0))" 'BEGIN {
	r = m / (us / 1e6)
	printf "  records/s into the host log: %.1f limited, %.0f unlimited: ratio %.6f\n", r, b, r / b
}'
sns_reload
