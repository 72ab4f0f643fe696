#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns benchmark: records per second and nanoseconds per record of
# syslog_ns_printk() into a container's log against printk() of the same text
# into the host's log (both at KERN_DEBUG, so no console prints either), on 1
# and on 2 CPUs at once, with the ratios; then how fast readers drain a log
# through /dev/kmsg_ns.

. "$KMODS/tests/lib/syslog_ns.sh"

N=${SNS_BENCH_RECORDS:-50000}

# A 16 MiB log is over the default max_size.
sns_reload max_size=16777216
insmod "$KMODS_MODULES_DIR/syslog_ns_probe.ko"
sns_ct_start bench
sns_ct bench syslog-ns-ctl --create --size 16777216 >/dev/null

# best MODE CPUS: the fastest of three runs (TCG timings are noisy), as
# "records ns failed"; the namespace runs write from inside the container.
best() {
	bmin=
	for _ in 1 2 3; do
		if [ "$1" = ns ]; then
			sns_ct bench sh -c "echo 'ns $2 $N' >$SNS_BENCH"
		else
			echo "printk $2 $N" >$SNS_BENCH
		fi
		r=$(cat $SNS_BENCH)
		t=$(sns_field ns "$r")
		if [ -z "$bmin" ] || [ "$t" -lt "$bmin" ]; then
			bmin=$t
			bres="$(sns_field records "$r") $t $(sns_field failed "$r")"
		fi
	done
	echo "$bres"
}

echo "syslog_ns write path: $N records per CPU of the same 53-byte text, given as '%s', best of 3"
for cpus in 1 2; do
	host=$(best printk $cpus)
	ns=$(best ns $cpus)
	echo "$cpus $host $ns" | awk '{
		c = $1; n = $2; pt = $3; m = $5; st = $6; f = $7
		pr = n / (pt / 1e9); sr = m / (st / 1e9)
		printf "  %d CPU(s): printk %.0f records/s (%.0f ns/record); syslog_ns_printk %.0f records/s (%.0f ns/record), %d dropped\n",
			c, pr, pt / n * c, sr, st / m * c, f
		printf "  %d CPU(s): ratio syslog_ns/printk %.2fx (target >= 2)\n", c, sr / pr
	}'
done

# Readers: the log now holds what fits of the last run; drain it whole.
records=$(sns_ct bench syslog-ns-ctl --info | awk -F= '/^first_seq/ { f = $2 } /^next_seq/ { n = $2 } END { print n - f }')
for reader in "syslog-ns-ctl" "dmesg"; do
	t0=$(sns_now_us)
	sns_ct bench $reader >/dev/null
	t1=$(sns_now_us)
	awk -v r="$records" -v us="$((t1 - t0))" -v who="$reader" 'BEGIN {
		printf "reader %s: %d records in %.3f s, %.0f records/s\n", who, r, us / 1e6, r / (us / 1e6)
	}'
done

sns_ct_stop bench
rmmod syslog_ns_probe
sns_reload
