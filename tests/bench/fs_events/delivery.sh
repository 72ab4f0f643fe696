#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events benchmarks: events per second to one listener with no loss,
# detection latency against the poll interval, and the poller's CPU cost
# per watch per second.

. "$KMODS/tests/lib/fs_events.sh"

fse_tmpfs /tmp/bench/fs size=4M

# 1. Throughput: fs_event_notify() in a loop to one listener with a 32 MiB
# receive buffer; the listener counts events, gaps and lost events.
mkdir -p /tmp/bench
fse_watch rate /tmp/bench/fs events=report
for n in 10000 50000; do
	rm -f /tmp/fse-ready
	fs-events-monitor --summary --rcvbuf 33554432 --count $n --idle-timeout 10 \
		--ready-file /tmp/fse-ready >/tmp/bench/rate.out 2>&1 &
	mon=$!
	while [ ! -e /tmp/fse-ready ]; do sleep 0.05; done
	dmesg -c >/dev/null
	insmod "$KMODS_MODULES_DIR/fs_events_probe.ko" path=/tmp/bench/fs code=1 count=$n
	rmmod fs_events_probe
	wait $mon
	kernel_ns=$(dmesg | sed -n 's/.*fs_events_probe: .* \([0-9]*\) ns$/\1/p' | tail -n 1)
	echo "throughput: $n events: listener $(cat /tmp/bench/rate.out);" \
		"producer $((n * 1000 / (kernel_ns / 1000000 + 1))) per second"
done
rmdir "$FSE_CONFIG/rate"

# 2. Latency: time from the write that crosses the threshold to the event's
# timestamp, against the poll interval.

# now_us: CLOCK_REALTIME in microseconds (busybox date has no %N).
now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}
for interval in 1000 250 50; do
	fse_watch lat /tmp/bench/fs space_lower=50% interval_ms=$interval events=space
	sleep 0.3
	fse_monitor_start /tmp/bench/lat.log
	total=0
	worst=0
	for i in 1 2 3 4 5; do
		sleep 0.$((i * 13 % 10))
		t0=$(now_us)
		dd if=/dev/zero of=/tmp/bench/fs/fill bs=64k count=40 2>/dev/null
		fse_wait /tmp/bench/lat.log space-low $i
		ts=$(grep '"type":"space-low"' /tmp/bench/lat.log | tail -n 1 | sed 's/.*"timestamp_ns":\([0-9]*\).*/\1/')
		ms=$(((ts / 1000 - t0) / 1000))
		total=$((total + ms))
		[ $ms -gt $worst ] && worst=$ms
		rm /tmp/bench/fs/fill
		sleep 0.$((interval / 100 % 10 + 1))
		sleep $((interval / 1000))
	done
	fse_monitor_stop
	rmdir "$FSE_CONFIG/lat"
	echo "latency: interval ${interval} ms: mean $((total / 5)) ms, worst $worst ms," \
		"mean/interval $(awk "BEGIN { printf \"%.2f\", $total / 5 / $interval }")"
done

# 3. CPU cost: 64 watches polled every 100 ms for 5 s; the poller thread's
# CPU time (utime + stime, in clock ticks) per watch per second.
poller=
for p in /proc/[0-9]*; do
	[ "$(cat "$p/comm" 2>/dev/null)" = fs_events_poll ] && poller=${p#/proc/}
done
ticks() {
	awk '{ print $14 + $15 }' "/proc/$poller/stat"
}
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
for watches in 0 64; do
	i=0
	while [ $i -lt $watches ]; do
		fse_watch "c$i" /tmp/bench/fs space_lower=10% interval_ms=100
		i=$((i + 1))
	done
	sleep 1
	before=$(ticks)
	sleep 5
	after=$(ticks)
	us=$(((after - before) * 1000000 / hz))
	if [ $watches -gt 0 ]; then
		echo "cpu: $watches watches at 100 ms: poller ${us} us of CPU in 5 s," \
			"$((us / 5 / watches)) us per watch per second ($((us / 5 / watches / 10)) us per poll)"
	else
		echo "cpu: no watches: poller ${us} us of CPU in 5 s"
	fi
	for d in "$FSE_CONFIG"/c*; do [ -d "$d" ] && rmdir "$d"; done
done
umount /tmp/bench/fs
