#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events under systematic fault injection (tests/lib/fault.sh): every
# allocation of every entry point fails once, in turn. A failed configfs
# mkdir leaves no watch (none in the registry either: stats counts none); a
# failed attribute write leaves every attribute as it was; the get-state
# dump and fs_event_notify() (from fs_events_probe's init) fail cleanly.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fs_events.sh"
. "$KMODS/tests/lib/fault.sh"

KO=$KMODS_MODULES_DIR/production/fs_events.ko
PROBE=$KMODS_MODULES_DIR/production/fs_events_probe.ko
W=$FSE_CONFIG/fault
STATE=/tmp/fse-fault.state
# Every attribute of the watch, saved after each write that succeeded and
# compared after each that failed.
SAVE="cd $W && grep -H . path space_lower space_upper inodes_lower inodes_upper interval_ms events >$STATE"
SAME="cd $W && grep -H . path space_lower space_upper inodes_lower inodes_upper interval_ms events | cmp -s - $STATE"

fault_require
ktap_print_header
ktap_set_plan 14
fault_setup

rmmod fs_events
# The kernel's Rust configfs abstraction (rust/kernel/configfs.rs in 7.3)
# unregisters a subsystem whose registration failed, and that oopses on its
# NULL dentry: configfs_register_subsystem() is spared until it is fixed.
fault_spare configfs_register_subsystem
fault_insmod fs_events "$KO"
fault_unfilter
insmod "$KO"
fse_tmpfs /tmp/fse/fault size=1M

fault_call "configfs mkdir of a watch" \
	--check "[ ! -e $W ] && grep -q '^watches=0 ' $FSE_CONFIG/stats" --undo "rmdir $W" \
	mkdir "$W"
mkdir "$W"
sh -c "$SAVE"
for kv in path=/tmp/fse/fault space_upper=20% space_lower=10% inodes_upper=50 \
	inodes_lower=40 interval_ms=250 events=error,space,unmount; do
	fault_call "write $kv" --check "$SAME" --undo "$SAVE" \
		write "$W/${kv%%=*}" "${kv#*=}"
done
ktap_test_result "every attribute holds its last value" \
	sh -c "[ \"\$(cat $W/path)\" = /tmp/fse/fault ] && [ \$(cat $W/interval_ms) = 250 ] &&
		[ \"\$(cat $W/events)\" = 'space error unmount' ]"
fault_call "read state" read "$W/state"
fault_call "read stats" read "$FSE_CONFIG/stats"
fault_call "the get-state dump" --errno ENOMEM --errno ENOBUFS fs-events-dump
fault_insmod fs_events_probe "$PROBE" path=/tmp/fse/fault code=7 message=fault
rmdir "$W"
umount /tmp/fse/fault
fault_restore
fault_report fs_events
ktap_finished
