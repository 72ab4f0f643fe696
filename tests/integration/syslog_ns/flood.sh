#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns flood control: writes through /dev/kmsg_ns are rate-limited per
# opener as devkmsg_write() limits them (the excess is dropped and reported
# in one record), and mirroring into the host's log is rate-limited per log
# (the excess is reported there once the limit lets records through again),
# while the container's own log keeps every record, the newest included. The
# module is reloaded with short intervals, and left with its defaults.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

# flood CT COUNT TAG LEVEL: COUNT records "TAG N" through one open of CT's
# /dev/kmsg, as fast as the shell goes.
flood() {
	sns_ct "$1" sh -c 'i=0; while [ $i -lt $1 ]; do echo "<$3>$2 $i"; i=$((i + 1)); done >/dev/kmsg' \
		sh "$2" "$3" "$4"
}

ktap_print_header
ktap_set_plan 12

# Per opener, as /dev/kmsg: 10 records, then the rest of the interval dropped.
ktap_test_result "syslog_ns with write_interval_ms=60000" sns_reload write_interval_ms=60000
sns_ct_start a
sns_ct a syslog-ns-ctl --create
ktap_test_result "a flood of 100 writes through one open succeeds, as on /dev/kmsg" flood a 100 wflood 6
ktap_test_result "the first 10 are stored" sns_shown a 'wflood 9$'
ktap_test_result "the rest is not" sns_hidden a 'wflood 10$'
ktap_test_result "at release, a record says how many were dropped" \
	sns_shown a 'sh: 90 output lines suppressed due to ratelimiting'
ktap_test_result "a new open has its own limit" flood a 1 fresh 6
ktap_test_result "... and is stored" sns_shown a 'fresh 0$'
sns_ct_stop a

ktap_test_result "write_burst=0: no limit, as printk.devkmsg=on" \
	sns_reload write_burst=0 mirror=1 mirror_burst=10 mirror_interval_ms=3000
sns_ct_start a
sns_ct a syslog-ns-ctl --create
id=$(sns_ct_id a)
dmesg -c >/dev/null
flood a 300 mflood 3
mirrored=$(dmesg | grep -c "syslog_ns\[$id\]: mflood")
echo "# 300 records written at level 3; $mirrored mirrored into the host's log (mirror_burst=10)"
ktap_test_result "mirror: at most mirror_burst records reach the host's log" \
	test "$mirrored" -ge 1 -a "$mirrored" -le 10
ktap_test_result "... while the container's log has all of them, the newest too" \
	sh -c "test \$($NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net $DMESG | grep -c 'mflood') = 300"
sleep 3
sns_ct a sh -c "echo '<3>after the interval' >/dev/kmsg"
ktap_test_result "after the interval, the host's log says how many were not mirrored" \
	sh -c "dmesg | grep -q 'syslog_ns\[$id\]: $((300 - mirrored)) records not mirrored (rate limit)'"
ktap_test_result "... then mirrors again" sh -c "dmesg | grep -q 'syslog_ns\[$id\]: after the interval'"
sns_ct_stop a
sns_reload

ktap_finished
