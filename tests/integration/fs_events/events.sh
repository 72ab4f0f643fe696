#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events end to end, as a monitoring daemon sees it through
# fs-events-monitor: space and inode thresholds on tmpfs (one event a
# crossing), ext4 errors from trigger_fs_error, read-only and read-write
# remounts, unmount, fs_event_notify() from another module, the state dump,
# loss shown as a gap and as a lost event, and the trace events.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fs_events.sh"

LOG=/tmp/fse-events.log
T=/sys/kernel/tracing

ktap_print_header
ktap_set_plan 30

echo 1 >$T/events/fs_events/enable
echo >$T/trace

# tmpfs of 256 blocks and 64 inodes.
fse_tmpfs /tmp/fse/small size=1M,nr_inodes=64
ktap_test_result "monitor subscribed" fse_monitor_start "$LOG"
ktap_test_result "watch on tmpfs: low below 30 %, ok again at 50 %, 50 ms polls" \
	fse_watch small /tmp/fse/small space_upper=50% space_lower=30% \
	inodes_upper=40 inodes_lower=20 interval_ms=50

dd if=/dev/zero of=/tmp/fse/small/fill bs=4k count=200 2>/dev/null
ktap_test_result "filled below lower: space-low" fse_wait "$LOG" space-low 1
dd if=/dev/zero of=/tmp/fse/small/more bs=4k count=10 2>/dev/null
sleep 0.5
ktap_test_result "more writes while low: no repeat" fse_expect_count "$LOG" space-low 1
rm /tmp/fse/small/more
sleep 0.3
ktap_test_result "freed a little, still below upper: no recovery yet" fse_expect_count "$LOG" space-ok 0
rm /tmp/fse/small/fill
ktap_test_result "freed above upper: space-ok" fse_wait "$LOG" space-ok 1
sleep 0.3
one_of_each() {
	fse_expect_count "$LOG" space-low 1 && fse_expect_count "$LOG" space-ok 1
}
ktap_test_result "exactly one of each" one_of_each
ktap_test_result "space-low carries free and total blocks" \
	sh -c "grep '\"type\":\"space-low\"' $LOG | grep -q '\"blocks_total\":256,.*\"inodes_total\":64'"

i=0
while [ $i -lt 50 ]; do : >/tmp/fse/small/f$i; i=$((i + 1)); done
ktap_test_result "50 files: inodes-low" fse_wait "$LOG" inodes-low 1
rm /tmp/fse/small/f*
ktap_test_result "removed: inodes-ok" fse_wait "$LOG" inodes-ok 1

# ext4 on a loop device, errors=continue so that every error is reported.
truncate -s 16M /tmp/fse/ext4.img
mkfs.ext4 -q -F /tmp/fse/ext4.img >/dev/null 2>&1
mkdir -p /tmp/fse/ext4
ktap_test_result "ext4 mounted on a loop device" mount -o loop,errors=continue /tmp/fse/ext4.img /tmp/fse/ext4
dev=$(ls /sys/fs/ext4 | grep loop | head -n 1)
ktap_test_result "watch on ext4" fse_watch disk /tmp/fse/ext4 interval_ms=50
ktap_test_result "a second watch on the same filesystem" fse_watch disk2 /tmp/fse/ext4 events=error
echo "fs_events test" >/sys/fs/ext4/$dev/trigger_fs_error
ktap_test_result "trigger_fs_error: error event" fse_wait "$LOG" error 1 disk
ktap_test_result "the second watch has it too" fse_wait "$LOG" error 1 disk2
rmdir "$FSE_CONFIG/disk2"
ktap_test_result "the error is EUCLEAN (117), class corruption, count 1, about no inode" \
	sh -c "grep '\"type\":\"error\"' $LOG | grep '\"error\":117,' | grep '\"error_class\":\"corruption\"' |
		grep '\"error_count\":1,' | grep -v -q '\"inode\":'"
echo "fs_events test" >/sys/fs/ext4/$dev/trigger_fs_error
ktap_test_result "a second error: count 2" fse_wait "$LOG" error 2 disk
mount -o remount,ro /tmp/fse/ext4
ktap_test_result "remount read-only: read-only event" fse_wait "$LOG" read-only 1 disk
mount -o remount,rw /tmp/fse/ext4
ktap_test_result "remount read-write: read-write event" fse_wait "$LOG" read-write 1 disk

insmod "$KMODS_MODULES_DIR/fs_events_probe.ko" path=/tmp/fse/ext4 code=7 message=hello
ktap_test_result "fs_event_notify() from another module: report event" fse_wait "$LOG" report 1 disk
ktap_test_result "the report carries code, message and origin" \
	sh -c "grep '\"type\":\"report\"' $LOG | grep '\"code\":7,' | grep '\"message\":\"hello\"' |
		grep -q '\"origin\":\"fs_events_probe\"'"
rmmod fs_events_probe
long=$(printf '%0300d' 0)
ktap_expect_errno "fs_event_notify() refuses a message over 255 bytes" "Invalid argument" \
	insmod "$KMODS_MODULES_DIR/fs_events_probe.ko" path=/tmp/fse/ext4 message=$long

# dump_lists_watches: the get-state dump has the tmpfs watch mounted and the
# ext4 watch with its two errors.
dump_lists_watches() {
	fs-events-monitor --dump-only --json >/tmp/fse-dump.log 2>&1 &&
		grep '"watch":"small"' /tmp/fse-dump.log | grep -q '"mounted":true' &&
		grep '"watch":"disk"' /tmp/fse-dump.log | grep -q '"error_count":2' ||
		{ cat /tmp/fse-dump.log; return 1; }
}
ktap_test_result "state dump lists both watches" dump_lists_watches

ktap_test_result "umount works while watched" umount /tmp/fse/ext4
ktap_test_result "unmount event" fse_wait "$LOG" unmount 1 disk
ktap_test_result "the watch let go: not armed" grep -q "armed=0" "$FSE_CONFIG/disk/state"

# Loss: a listener that stops reading with a tiny buffer misses events; when
# it reads again it sees the gap, and the module reports the loss.
fse_monitor_stop
fse_monitor_start "$LOG" --rcvbuf 1
kill -STOP "$FSE_MONITOR"
insmod "$KMODS_MODULES_DIR/fs_events_probe.ko" path=/tmp/fse/small code=1 count=200
rmmod fs_events_probe
kill -CONT "$FSE_MONITOR"
insmod "$KMODS_MODULES_DIR/fs_events_probe.ko" path=/tmp/fse/small code=2
rmmod fs_events_probe
ktap_test_result "the listener saw the gap" grep -q '"gap"' "$LOG"
ktap_test_result "after an overrun: a lost event" fse_wait "$LOG" lost 1 small
ktap_test_result "the module counted the drops" \
	sh -c "cat $FSE_CONFIG/stats; ! grep -q 'dropped=0' $FSE_CONFIG/stats"
fse_monitor_stop

echo 0 >$T/events/fs_events/enable
ktap_test_result "trace events: fs_events_emit and fs_events_poll fired" \
	sh -c "grep -q 'fs_events_emit: watch=.* type=space-low' $T/trace && grep -q 'fs_events_poll:' $T/trace"

rmdir "$FSE_CONFIG/small" "$FSE_CONFIG/disk"
umount /tmp/fse/small
ktap_finished
