#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns flood benchmark: with mirror=1, a container writes flat out
# (syslog_ns_printk() on 2 CPUs at once, every record below its log's
# console level, so each one asks to be mirrored). Printed: how fast it
# wrote, how many of its records reached the host's log against the
# mirror_burst limit, and which records its own log kept (the newest).

. "$KMODS/tests/lib/syslog_ns.sh"

N=${SNS_BENCH_RECORDS:-50000}
BENCH=/sys/kernel/debug/syslog_ns_probe/bench
KO=$KMODS_MODULES_DIR/syslog_ns.ko

now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}

field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

reload() {
	for _ in $(seq 50); do
		rmmod syslog_ns 2>/dev/null && break
		sleep 0.1
	done
	insmod "$KO" "$@"
}

reload mirror=1
insmod "$KMODS_MODULES_DIR/syslog_ns_probe.ko"
sns_ct_start flood
sns_ct flood syslog-ns-ctl --create >/dev/null
# Console level 8: even KERN_DEBUG records are below it, so all are mirrorable.
sns_ct flood syslog-ns-ctl -n 8
id=$(sns_ct_id flood)
dmesg -c >/dev/null

t0=$(now_us)
sns_ct flood sh -c "echo 'ns 2 $N' >$BENCH"
t1=$(now_us)
r=$(cat $BENCH)
written=$(field records "$r")
mirrored=$(dmesg | grep -c "syslog_ns\[$id\]: bench:")
info=$(sns_ct flood syslog-ns-ctl --info)
first=$(echo "$info" | sed -n 's/^first_seq=//p')
next=$(echo "$info" | sed -n 's/^next_seq=//p')
newest=$(sns_ct flood dmesg | tail -n 1)

echo "syslog_ns flood: mirror=1, mirror_burst=10 per 5 s, a container writing $N records per CPU on 2 CPUs"
awk -v w="$written" -v us="$((t1 - t0))" -v m="$mirrored" -v f="$first" -v n="$next" 'BEGIN {
	s = us / 1e6
	printf "  container wrote %d records in %.2f s (%.0f records/s)\n", w, s, w / s
	printf "  host log received %d mirrored records (limit: 10 per 5 s, at most %d in %.2f s)\n",
		m, 10 * (int(s / 5) + 1), s
	printf "  ratio mirrored/written %.6f; host records per second %.1f (limit 2.0)\n", m / w, m / s
	printf "  the container log keeps records %d..%d (%d, the newest), the rest overwritten\n",
		f, n - 1, n - f
}'
echo "  its newest record: $newest"

sns_ct_stop flood
rmmod syslog_ns_probe
reload
