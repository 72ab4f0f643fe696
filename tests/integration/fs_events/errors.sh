#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events error detail with LTP fanotify22's triggers on a real ext4: a
# directory corrupted with debugfs -w (an invalid mode; an entry naming inode
# 1) gives error events with EUCLEAN (EFSCORRUPTED), class corruption and the
# inode the filesystem reported, with its generation as debugfs reads it; a
# remount,abort gives a shutdown event with ESHUTDOWN and no inode, counted
# as an error and not also sent as an error event. A watch whose events leave
# errors out counts them all the same, and the fs_events_fs_error trace event
# sees every report.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fs_events.sh"

LOG=/tmp/fse-errors.log
T=/sys/kernel/tracing
IMG=/tmp/fse/errors.img
MNT=/tmp/fse/errors

# event_has TYPE WATCH PATTERN...: some event of TYPE for WATCH in LOG has
# every PATTERN (fixed strings of its JSON line).
event_has() {
	lines=$(grep "\"type\":\"$1\"" "$LOG" | grep "\"watch\":\"$2\"")
	shift 2
	for p in "$@"; do
		lines=$(echo "$lines" | grep -F -- "$p") || {
			echo "no event with $p:"
			sed 's/^/  /' "$LOG"
			return 1
		}
	done
}

# generation INODE: the inode's i_generation, as debugfs reads it from IMG.
generation() {
	debugfs -R "stat <$1>" "$IMG" 2>/dev/null | sed -n 's/.*Generation: *\([0-9]*\).*/\1/p'
}

ktap_print_header
ktap_set_plan 22

# fanotify22's tree: internal_dir/bad_dir, then corrupted while unmounted.
mkdir -p "$MNT"
truncate -s 16M "$IMG"
mkfs.ext4 -q -F "$IMG" >/dev/null 2>&1
mount -o loop "$IMG" "$MNT"
mkdir -p "$MNT/internal_dir/bad_dir"
bad_dir=$(stat -c %i "$MNT/internal_dir/bad_dir")
base_dir=$(stat -c %i "$MNT/internal_dir")
umount "$MNT"
ktap_test_result "debugfs -w: bad_dir gets an invalid mode" \
	debugfs -w -R "sif internal_dir/bad_dir mode 0xff" "$IMG"
ktap_test_result "debugfs -w: internal_dir gets an entry naming inode 1" \
	debugfs -w -R "ln <1> internal_dir/bad_link" "$IMG"
bad_dir_gen=$(generation "$bad_dir")
base_dir_gen=$(generation "$base_dir")
echo "# bad_dir: inode $bad_dir generation $bad_dir_gen; internal_dir: inode $base_dir generation $base_dir_gen"

# errors=continue: an error leaves the filesystem as it is, so the abort
# after it is still reported (ext4 reports nothing once it is read-only).
ktap_test_result "the corrupted ext4 mounts" mount -o loop,errors=continue "$IMG" "$MNT"
echo 1 >$T/events/fs_events/fs_events_fs_error/enable
echo >$T/trace
ktap_test_result "monitor subscribed" fse_monitor_start "$LOG"
ktap_test_result "watch on the corrupted ext4" fse_watch errs "$MNT"
ktap_test_result "a watch of space only on it" fse_watch quiet "$MNT" events=space

ktap_expect_errno "lookup of bad_dir fails with EUCLEAN" "Structure needs cleaning" \
	ls "$MNT/internal_dir/bad_dir"
ktap_test_result "an error event" fse_wait "$LOG" error 1 errs
ktap_test_result "EUCLEAN (117), class corruption, about bad_dir and its generation" \
	event_has error errs '"error":117,' '"error_class":"corruption"' '"error_count":1,' \
	"\"inode\":$bad_dir," "\"generation\":$bad_dir_gen,"

ktap_expect_errno "lookup of bad_link fails with EUCLEAN" "Structure needs cleaning" \
	cat "$MNT/internal_dir/bad_link"
ktap_test_result "a second error event" fse_wait "$LOG" error 2 errs
ktap_test_result "EUCLEAN (117), class corruption, about the directory holding the entry" \
	event_has error errs '"error":117,' '"error_class":"corruption"' '"error_count":2,' \
	"\"inode\":$base_dir," "\"generation\":$base_dir_gen,"

ktap_test_result "remount,abort" mount -o remount,abort "$MNT"
ktap_test_result "a shutdown event" fse_wait "$LOG" shutdown 1 errs
ktap_test_result "ESHUTDOWN (108), class shutdown, counted as the third error" \
	event_has shutdown errs '"error":108,' '"error_class":"shutdown"' '"error_count":3,'
ktap_test_result "the shutdown is about no inode" \
	sh -c "! grep '\"type\":\"shutdown\"' $LOG | grep -q '\"inode\":'"
sleep 0.3
ktap_test_result "the shutdown is not also an error event" fse_expect_count "$LOG" error 2 errs
ktap_test_result "the watch of space only sent none, and counted all three" \
	sh -c "! grep -q '\"watch\":\"quiet\"' $LOG && grep -q ' errors=3 ' $FSE_CONFIG/quiet/state"

dump_counts_three() {
	fs-events-monitor --dump-only --json >/tmp/fse-dump.log 2>&1 &&
		grep '"watch":"errs"' /tmp/fse-dump.log | grep -q '"error_count":3' ||
		{ cat /tmp/fse-dump.log; return 1; }
}
ktap_test_result "the state dump has the three errors" dump_counts_three

echo 0 >$T/events/fs_events/fs_events_fs_error/enable
ktap_test_result "trace: fs_events_fs_error for each report, with the inode" \
	sh -c "grep -q 'fs_events_fs_error: .*error=117 class=corruption has_inode=1 ino=$bad_dir generation=$bad_dir_gen' $T/trace &&
		grep -q 'fs_events_fs_error: .*error=108 class=shutdown has_inode=0 ino=0' $T/trace"

ktap_test_result "the aborted filesystem unmounts" umount "$MNT"
ktap_test_result "unmount event" fse_wait "$LOG" unmount 1 errs
fse_monitor_stop
echo "# the monitor's error events:"
grep -E '"type":"(error|shutdown)"' "$LOG" | sed 's/^/# /'

rmdir "$FSE_CONFIG/errs" "$FSE_CONFIG/quiet"
rm -f "$IMG"
ktap_finished
