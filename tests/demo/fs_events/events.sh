#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events demo: a monitoring daemon's view while a tmpfs fills and empties
# and an ext4 filesystem hits an error, goes read-only and is unmounted.

. "$KMODS/tests/lib/fs_events.sh"

run() {
	echo "\$ $*"
	"$@"
}

# seen TYPE WATCH: wait (up to 5 s) until the monitor has printed an event
# of TYPE for WATCH, so that every event the demo causes is in its output
# before the monitor is stopped.
seen() {
	for _ in $(seq 100); do
		grep -E "type=$1( |$)" /tmp/demo/monitor.log | grep -qE "watch=$2( |$)" && return 0
		sleep 0.05
	done
	echo "# no $1 event for $2"
}

fse_tmpfs /tmp/demo/data size=2M
truncate -s 16M /tmp/demo/ext4.img
mkfs.ext4 -q -F /tmp/demo/ext4.img >/dev/null 2>&1
mkdir -p /tmp/demo/disk
mount -o loop,errors=continue /tmp/demo/ext4.img /tmp/demo/disk

rm -f /tmp/fse-ready
fs-events-monitor --dump --ready-file /tmp/fse-ready >/tmp/demo/monitor.log 2>&1 &
monitor=$!
while [ ! -e /tmp/fse-ready ]; do sleep 0.05; done

run mkdir /sys/kernel/config/fs_events/data
run sh -c 'echo 50% >/sys/kernel/config/fs_events/data/space_upper'
run sh -c 'echo 25% >/sys/kernel/config/fs_events/data/space_lower'
run sh -c 'echo 100 >/sys/kernel/config/fs_events/data/interval_ms'
run sh -c 'echo /tmp/demo/data >/sys/kernel/config/fs_events/data/path'
run mkdir /sys/kernel/config/fs_events/disk
run sh -c 'echo /tmp/demo/disk >/sys/kernel/config/fs_events/disk/path'
sleep 0.3
run dd if=/dev/zero of=/tmp/demo/data/big bs=64k count=28 2>/dev/null
seen space-low data
run rm /tmp/demo/data/big
seen space-ok data
dev=$(ls /sys/fs/ext4 | grep loop | head -n 1)
run sh -c "echo 'demo error' >/sys/fs/ext4/$dev/trigger_fs_error"
seen error disk
run mount -o remount,ro /tmp/demo/disk
seen read-only disk
run umount /tmp/demo/disk
seen unmount disk
run cat /sys/kernel/config/fs_events/data/state
run cat /sys/kernel/config/fs_events/stats
kill $monitor
wait $monitor 2>/dev/null
echo "--- fs-events-monitor --dump printed:"
cat /tmp/demo/monitor.log
rmdir /sys/kernel/config/fs_events/data /sys/kernel/config/fs_events/disk
umount /tmp/demo/data
