#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp in the kernel's thermal control loop: the thermal_model test
# module registers a zone whose temperature follows a model of the CPUs
# (tests/modules/thermal_model), with a passive trip at 70 °C bound to the
# powerclamp cooling device and the step_wise governor. Under a busy loop on
# every CPU the temperature rises past the trip, the governor raises
# cur_state, the temperature settles in a band above the trip; when the load
# stops the governor brings cur_state back to 0 and every thread exits.
# thermal-watch (samples/) follows it all on the thermal netlink events; the
# kernel's thermal trace events and powerclamp_adjust trace it. The script
# prints the loop's table: time, temperature, cur_state, idle share.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/powerclamp.sh"

trip=70000
# step_wise raises the clamp one step per poll while the temperature rises
# past the trip and releases it below the trip's 2 °C hysteresis; the
# temperature holds around the trip (Documentation/powerclamp.rst). Band:
# from 1 °C below the hysteresis (a poll can catch the fall that releases the
# clamp) to 5 °C above the trip.
band=5000
tracing=/sys/kernel/tracing
watch_log=/tmp/thermal-watch.log

zone_dir=
watcher=
cleanup() {
	pc_hogs_stop
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	for e in thermal/thermal_temperature thermal/cdev_update powerclamp/powerclamp_adjust; do
		echo 0 >"$tracing/events/$e/enable" 2>/dev/null
	done
	rmmod thermal_model 2>/dev/null
	pc_set 0
}
trap 'cleanup; exit 143' TERM

# row SECONDS: one line of the table after SECONDS of measuring: the zone's
# temperature (m°C), cur_state and the mean idle share of the CPUs. Under
# load a row takes longer than SECONDS: the shell competes with the busy
# loops.
row() {
	pc_stat >/tmp/tl_before
	sleep "$1"
	pc_stat >/tmp/tl_after
	idle=$(pc_idle_between /tmp/tl_before /tmp/tl_after | awk '$1 == "all" { print $2 }')
	t=$(elapsed)
	echo "$t $(cat "$zone_dir/temp") $(cat "$(pc_cdev)/cur_state") $idle" >>/tmp/tl_table
	echo "# $(tail -n 1 /tmp/tl_table)"
}

# elapsed: whole seconds since $start.
elapsed() {
	awk -v start="$start" '{ printf "%d", $1 - start }' /proc/uptime
}

ktap_print_header
ktap_set_plan 13

insmod "$KMODS_MODULES_DIR/thermal_model.ko"
for d in /sys/class/thermal/thermal_zone*; do
	[ "$(cat "$d/type" 2>/dev/null)" = cpu-model ] && zone_dir=$d
done
ktap_test_result "thermal_model registers the cpu-model zone" test -n "$zone_dir"
zone=${zone_dir##*thermal_zone}
bound=$(readlink -f "$zone_dir/cdev0")
ktap_test_result "its passive trip at $trip m°C is bound to powerclamp, policy step_wise" \
	test "$(cat "$zone_dir/trip_point_0_type")" = passive -a \
	"$(cat "$zone_dir/trip_point_0_temp")" = "$trip" -a \
	"$(cat "$zone_dir/policy")" = step_wise -a \
	"$bound" = "$(readlink -f "$(pc_cdev)")"

rm -f /tmp/thermal-watch.ready /tmp/tl_table
thermal-watch --zone "$zone" --ready-file /tmp/thermal-watch.ready >"$watch_log" 2>&1 &
watcher=$!
i=0
while [ ! -e /tmp/thermal-watch.ready ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
echo >"$tracing/trace"
for e in thermal/thermal_temperature thermal/cdev_update powerclamp/powerclamp_adjust; do
	echo 1 >"$tracing/events/$e/enable"
done

start=$(awk '{ print $1 }' /proc/uptime)
echo "# t_s temp_mC cur_state idle_pct"
row 1
pc_hogs_start
while [ "$(elapsed)" -lt 45 ]; do row 1; done
# The rows sample the zone every several seconds under load, while it holds
# within a degree or two of the trip: thermal-watch has every crossing.
ktap_test_result "under load the temperature passed the trip and the governor clamped" \
	sh -c "grep -q '\"event\":\"trip-up\"' $watch_log &&
		awk '\$3 > 0 { found = 1 } END { exit !found }' /tmp/tl_table"
# From 25 s on: settled in the band, clamped.
awk '$1 >= 25' /tmp/tl_table >/tmp/tl_settled
ktap_test_result "the temperature settled from 3000 m°C below to $band m°C above the trip" \
	awk -v lo="$((trip - 3000))" -v hi="$((trip + band))" \
	'$2 < lo || $2 > hi { bad = 1 } END { exit bad }' /tmp/tl_settled
ktap_test_result "the governor held a clamp while settled (mean cur_state 2-50)" \
	awk '{ sum += $3; n++ } END { exit !(n && sum / n >= 2 && sum / n <= 50) }' /tmp/tl_settled
state=$(cat "$(pc_cdev)/cur_state")
threads=$(pc_thread_count)
[ "$state" -gt 0 ] && expected=$(pc_online_cpus | wc -l) || expected=0
ktap_test_result "threads follow cur_state $state: $threads kidle_inject" \
	test "$threads" -eq "$expected"

pc_hogs_stop
while [ "$(elapsed)" -lt 75 ]; do
	row 1
	[ "$(cat "$(pc_cdev)/cur_state")" = 0 ] && [ "$(pc_thread_count)" = 0 ] && break
done
ktap_test_result "without load the governor brings cur_state back to 0" \
	test "$(cat "$(pc_cdev)/cur_state")" -eq 0
ktap_test_result "and every kidle_inject thread exits" test "$(pc_thread_count)" -eq 0

for e in thermal/thermal_temperature thermal/cdev_update powerclamp/powerclamp_adjust; do
	echo 0 >"$tracing/events/$e/enable"
done
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
watcher=
ktap_test_result "thermal-watch saw the trip crossed up, then down" \
	sh -c "grep -q '\"event\":\"trip-up\"' $watch_log && grep -q '\"event\":\"trip-down\"' $watch_log"
ktap_test_result "and the governor's cooling states, up and back to 0" \
	sh -c "grep '\"event\":\"cdev-state\"' $watch_log | grep -q '\"state\":[1-9]' &&
		grep '\"event\":\"cdev-state\"' $watch_log | tail -n 1 | grep -q '\"state\":0'"
samples=$(grep -c '"event":"temperature"' "$watch_log")
ktap_test_result "and the zone's temperature samples ($samples)" test "$samples" -gt 100
grep -E '"event":"(trip-up|trip-down|cdev-state)"' "$watch_log" | head -n 8 | sed 's/^/# thermal-watch: /'

grep -m 3 'thermal_temperature:' "$tracing/trace" | sed 's/^/# trace: /'
grep -m 3 'cdev_update:.*type=powerclamp' "$tracing/trace" | sed 's/^/# trace: /'
grep -m 3 'powerclamp_adjust:' "$tracing/trace" | sed 's/^/# trace: /'
ktap_test_result "the trace shows the loop: zone temperature, cdev updates, powerclamp_adjust" \
	sh -c "grep -q 'thermal_temperature: thermal_zone=cpu-model' $tracing/trace &&
		grep -q 'cdev_update: type=powerclamp' $tracing/trace &&
		grep -q 'powerclamp_adjust:' $tracing/trace"

rmmod thermal_model
ktap_test_result "thermal_model unloads; powerclamp stays idle" \
	test "$(cat "$(pc_cdev)/cur_state")" -eq 0 -a "$(pc_thread_count)" -eq 0
ktap_finished
