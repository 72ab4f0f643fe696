#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events at node scale: the poller's CPU cost per poll and its wake-ups
# with 1 watch and with 1000 (each on its own tmpfs), and the latency from
# the write that crosses a threshold to its event with 1 watch and with 1000.
# The watch whose latency is measured polls every 100 ms, as with 1 watch;
# the 999 others every second, a node's mounts watched in the background.
# Both sides are measured in this run; the ratios are what to compare.

. "$KMODS/tests/lib/fs_events.sh"

N=1000
INTERVAL=100
BULK_INTERVAL=1000
SECS=10
B=/tmp/scale

poller=
for p in /proc/[0-9]*; do
	[ "$(cat "$p/comm" 2>/dev/null)" = fs_events_poll ] && poller=${p#/proc/}
done
# runtime_ns: the poller's CPU time in ns, from the scheduler's own
# accounting (CONFIG_SCHED_INFO): finer than the tick-sampled utime/stime,
# which miss a thread that runs for microseconds at a time.
runtime_ns() {
	awk '{ print $1 }' "/proc/$poller/schedstat"
}
# wakeups: the poller's voluntary context switches, one per sleep.
wakeups() {
	awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$poller/status"
}
# polls: fs_events_poll trace events since the buffer was last cleared, read
# or lost to overwrite: one per statfs poll, however many the poller managed.
TR=/sys/kernel/tracing
polls() {
	cat $TR/per_cpu/cpu*/stats | awk '/^entries:/ || /^overrun:/ { n += $2 } END { print n }'
}
now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}

# watches_from FIRST LAST MS: a 1 MiB tmpfs and a watch on it for each i,
# with a lower threshold at 50 % and MS ms polls.
watches_from() {
	i=$1
	while [ "$i" -le "$2" ]; do
		fse_tmpfs "$B/m$i" size=1M &&
			fse_watch "s$i" "$B/m$i" space_lower=50% interval_ms="$3" events=space || return 1
		i=$((i + 1))
	done
}

# s1_late: how late watch s1's polls in the trace buffer ran, each against
# the interval the poll before it chose: its mean and worst, in ms (a poll
# within the slack is early, below 0). The trace names watches by id, which
# keeps growing across the benchmarks.
s1_late() {
	id=$(sed 's/^id=\([0-9]*\) .*/\1/' "$FSE_CONFIG/s1/state")
	awk -v id="$id" '$0 ~ "fs_events_poll: watch=" id " " {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^[0-9]+\.[0-9]+:$/)
				t = substr($i, 1, length($i) - 1) * 1000
			if ($i ~ /^next_ms=/)
				next_ms = substr($i, 9)
		}
		if (n++) {
			late = t - due
			total += late
			if (n == 2 || late > worst)
				worst = late
		}
		due = t + next_ms
	}
	END { printf "mean %.1f ms, worst %.1f ms over %d polls", (n > 1 ? total / (n - 1) : 0), worst, n }' $TR/trace
}

# cpu WATCHES DUE: the poller's CPU time, polls (DUE per second) and wake-ups
# over SECS seconds;
# CPU_US_PER_POLL is the CPU time per statfs poll (the trace event's own cost
# included, the same on both sides).
cpu() {
	sleep 2
	echo 1 >$TR/events/fs_events/fs_events_poll/enable
	echo >$TR/trace
	t0=$(runtime_ns) w0=$(wakeups)
	sleep $SECS
	t1=$(runtime_ns) w1=$(wakeups)
	polls=$(polls)
	echo 0 >$TR/events/fs_events/fs_events_poll/enable
	late=$(s1_late)
	us=$(((t1 - t0) / 1000))
	CPU_US_PER_POLL=$(awk "BEGIN { printf \"%.1f\", $us / ($polls > 0 ? $polls : 1) }")
	echo "cpu: $1 watches: poller ${us} us of CPU in $SECS s" \
		"($(awk "BEGIN { printf \"%.2f\", $us / $SECS / 1000 / $1 }") ms per watch per second," \
		"$CPU_US_PER_POLL us per poll), $(((w1 - w0) / SECS)) wake-ups per second" \
		"for $((polls / SECS)) polls per second ($2 due)"
	echo "late: $1 watches: s1's polls against their due time: $late"
}

# latency WATCHES: 5 crossings of watch s1's threshold; LAT_MEAN_MS.
latency() {
	fse_monitor_start $B/lat.log
	total=0 worst=0
	for i in 1 2 3 4 5; do
		sleep 0.$((i * 13 % 10))
		t0=$(now_us)
		dd if=/dev/zero of=$B/m1/fill bs=64k count=12 2>/dev/null
		fse_wait $B/lat.log space-low $i s1
		ts=$(grep '"type":"space-low"' $B/lat.log | tail -n 1 |
			sed 's/.*"timestamp_ns":\([0-9]*\).*/\1/')
		ms=$(((ts / 1000 - t0) / 1000))
		total=$((total + ms))
		[ $ms -gt $worst ] && worst=$ms
		rm $B/m1/fill
		fse_wait $B/lat.log space-ok $i s1
	done
	fse_monitor_stop
	LAT_MEAN_MS=$((total / 5))
	echo "latency: $1 watches, s1 at $INTERVAL ms: mean $LAT_MEAN_MS ms, worst $worst ms"
}

watches_from 1 1 $INTERVAL || { echo "# setting up 1 watch failed"; exit 1; }
cpu 1 $((1000 / INTERVAL))
one_cpu=$CPU_US_PER_POLL
latency 1
one_lat=$LAT_MEAN_MS

start=$(now_us)
watches_from 2 $N $BULK_INTERVAL || { echo "# setting up $N watches failed"; exit 1; }
echo "setup: $((N - 1)) tmpfs mounts and watches in $((($(now_us) - start) / 1000)) ms"
cpu $N $((1000 / INTERVAL + (N - 1) * 1000 / BULK_INTERVAL))
n_cpu=$CPU_US_PER_POLL
latency $N
n_lat=$LAT_MEAN_MS

echo "ratio: $N watches / 1 watch: CPU per poll" \
	"$(awk "BEGIN { printf \"%.2f\", $n_cpu / ($one_cpu > 0 ? $one_cpu : 1) }")," \
	"mean latency $(awk "BEGIN { printf \"%.2f\", $n_lat / ($one_lat > 0 ? $one_lat : 1) }")"

i=1
while [ $i -le $N ]; do
	rmdir "$FSE_CONFIG/s$i"
	umount "$B/m$i"
	i=$((i + 1))
done
