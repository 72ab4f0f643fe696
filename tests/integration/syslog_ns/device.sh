#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns through /dev/kmsg_ns, the way an operator uses it: two containers
# (user, mount and network namespaces) with the device bind-mounted over
# their /dev/kmsg, Debian's util-linux dmesg inside them, isolation both ways,
# the /dev/kmsg semantics dmesg relies on, privileges, bad input, nesting,
# the exported API, tracepoints and teardown.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

TRACING=/sys/kernel/tracing

# first_record CT: the first record a fresh open of CT's /dev/kmsg reads.
first_record() {
	sns_ct "$1" dd if=/dev/kmsg bs=2048 count=1 2>/dev/null
}

# first_record_is CT PATTERN: that record matches PATTERN.
first_record_is() {
	first_record "$1" | grep -q -E "$2"
}

# put CT RECORD: write RECORD to CT's /dev/kmsg.
put() {
	sns_ct "$1" sh -c "echo '$2' >/dev/kmsg"
}

# write_fails CT ERRNO_TEXT: stdin, written in one write() to CT's
# /dev/kmsg, fails with ERRNO_TEXT.
write_fails() {
	out=$(sns_ct "$1" dd of=/dev/kmsg bs=4096 2>&1) && { echo "# accepted"; return 1; }
	echo "$out" | grep -q "$2" || { echo "# $out"; return 1; }
}
echo 1 >$TRACING/events/syslog_ns/enable
# As a host that runs containers would: syslog(2), where dmesg falls back to
# when it cannot read /dev/kmsg, is not for unprivileged readers.
restrict=$(cat /proc/sys/kernel/dmesg_restrict)
echo 1 >/proc/sys/kernel/dmesg_restrict
echo >$TRACING/trace

ktap_print_header
ktap_set_plan 58

sns_ct_start a && sns_ct_start b && sns_ct_start c

# Creation.
ktap_test_result "container a creates its log" sns_ct a syslog-ns-ctl --create
ktap_test_result "container b creates its log (64 KiB)" sns_ct b syslog-ns-ctl --create --size 65536
ktap_expect_errno "a second log for a is EEXIST" "EEXIST" sns_ct a syslog-ns-ctl --create
ktap_expect_errno "the host cannot create one: it has the kernel's (EEXIST)" "EEXIST" \
	syslog-ns-ctl --create
ktap_expect_errno "unprivileged create in c is EPERM" "EPERM" sns_ct_unpriv c syslog-ns-ctl --create
ktap_expect_errno "a size below 4096 is EINVAL" "EINVAL" sns_ct c syslog-ns-ctl --create --size 100
ktap_expect_errno "a size above 16 MiB is EINVAL" "EINVAL" sns_ct c syslog-ns-ctl --create --size 33554432
ida=$(sns_ct_id a)
idb=$(sns_ct_id b)
ktap_test_result "debugfs lists both logs, b with 65536 bytes" \
	sh -c "sns_logs() { tail -n +2 $SNS_DEBUGFS/logs; }; sns_logs | grep -q '^$ida 0 131072 ' &&
		sns_logs | grep -q '^$idb 0 65536 '"
ktap_test_result "trace event syslog_ns_created for a and b" \
	sh -c "grep -q 'syslog_ns_created: id=$ida owner=0 size=131072' $TRACING/trace &&
		grep -q 'syslog_ns_created: id=$idb owner=0 size=65536' $TRACING/trace"

# Each writes to its own /dev/kmsg (the device, bind-mounted).
put a '<5>hello from container a'
put b '<4>hello from container b'
ktap_test_result "dmesg in a shows a's record" sns_shown a 'hello from container a'
ktap_test_result "dmesg in a shows nothing of b's" sns_hidden a 'container b'
ktap_test_result "dmesg in a shows nothing of the host's" sns_hidden a 'Linux version'
ktap_test_result "dmesg in b shows b's record" sns_shown b 'hello from container b'
ktap_test_result "dmesg in b shows nothing of a's" sns_hidden b 'container a'
ktap_test_result "the host's dmesg shows neither" sh -c "! dmesg | grep -q 'hello from container'"
ktap_test_result "a host task on /dev/kmsg_ns reads the kernel's own log" \
	sh -c "syslog-ns-ctl | grep -q 'Linux version'"
ktap_test_result "dmesg -r in a gives the level written: <5>" sns_shown a '^<5>\[ *[0-9.]+\] hello from container a' -r
ktap_test_result "the record format is /dev/kmsg's: 6,0,USEC,-,caller=T<pid>;text" \
	first_record_is a '^6,0,[0-9]+,-,caller=T[0-9]+;syslog_ns: log created, 131072 bytes$'

# dmesg -w blocks and wakes; dmesg -W starts at the end (SEEK_END).
sns_ct_bg a /tmp/sns-w.log dmesg -w
w=$SNS_BG
sns_ct_bg a /tmp/sns-W.log dmesg -W
W=$SNS_BG
sleep 1
put a '<6>followed line'
sleep 1
kill $w $W
wait $w $W
ktap_test_result "dmesg -w shows old records, then the new one when it comes" \
	sh -c "grep -q 'hello from container a' /tmp/sns-w.log && grep -q 'followed line' /tmp/sns-w.log"
ktap_test_result "dmesg -W shows only the new one" \
	sh -c "grep -q 'followed line' /tmp/sns-W.log && ! grep -q 'hello from' /tmp/sns-W.log"

# Bad writes: each refused with its errno, nothing stored lost.
before=$(sns_ct a syslog-ns-ctl --info | sed -n 's/^next_seq=//p')
printf 'no prefix' >/tmp/sns-bad1
printf '<192>too high' >/tmp/sns-bad2
printf '<5>' >/tmp/sns-bad3
printf '<5>bin\001ary' >/tmp/sns-bad4
(printf '<5>'; head -c 1100 /dev/zero | tr '\0' x) >/tmp/sns-bad5
(printf '<5>'; head -c 1024 /dev/zero | tr '\0' y) >/tmp/sns-good1024
ktap_test_result "a write without <N> is EINVAL" write_fails a "Invalid argument" </tmp/sns-bad1
ktap_test_result "a priority past 191 is EINVAL" write_fails a "Invalid argument" </tmp/sns-bad2
ktap_test_result "an empty text is EINVAL" write_fails a "Invalid argument" </tmp/sns-bad3
ktap_test_result "binary text is EINVAL" write_fails a "Invalid argument" </tmp/sns-bad4
ktap_test_result "a text over 1024 bytes is EMSGSIZE" write_fails a "Message too long" </tmp/sns-bad5
ktap_expect_errno "an unknown ioctl (TCGETS) is ENOTTY" "Inappropriate ioctl" sns_ct a stty -F /dev/kmsg
after=$(sns_ct a syslog-ns-ctl --info | sed -n 's/^next_seq=//p')
ktap_test_result "no bad write stored or lost anything" test "$before" = "$after"
ktap_test_result "a 1024-byte text is stored whole" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net dd of=/dev/kmsg bs=2048 </tmp/sns-good1024 2>/dev/null"
ktap_test_result "... and read back whole" sns_shown a 'y{1024}'

# Privileges inside a container.
ktap_expect_errno "unprivileged dmesg in a cannot read (EPERM)" "Operation not permitted" \
	sns_ct_unpriv a dmesg
ktap_expect_errno "unprivileged clear in a is EPERM" "EPERM" sns_ct_unpriv a syslog-ns-ctl --clear
ktap_test_result "an unprivileged write in a is stored" \
	sns_ct_unpriv a sh -c "echo '<6>unprivileged line' >/dev/kmsg"
ktap_test_result "... and shown" sns_shown a 'unprivileged line'

# Clear keeps the records for SEEK_SET readers; dmesg starts after it.
ktap_test_result "clear in a" sns_ct a syslog-ns-ctl --clear
ktap_test_result "dmesg after a clear shows nothing (syslog(2), its fallback, is the log's too)" \
	sh -c "test -z \"\$($NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net dmesg 2>&1)\""
ktap_test_result "... and nothing from before it" sns_hidden a 'hello from'
ktap_test_result "SEEK_SET (a fresh open) still reads the records from before" \
	first_record_is a 'log created'
put a '<3>after the clear'
ktap_test_result "read-clear (-c) prints what came since" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net syslog-ns-ctl -c | grep -q 'after the clear'"
ktap_test_result "... and clears it" sns_hidden a 'after the clear'
ktap_test_result "console level 4 is accepted" sns_ct a syslog-ns-ctl -n 4
ktap_expect_errno "console level 9 is EINVAL" "EINVAL" sns_ct a syslog-ns-ctl -n 9
ktap_expect_errno "console level 0 is EINVAL" "EINVAL" sns_ct a syslog-ns-ctl -n 0
ktap_expect_errno "unprivileged console level is EPERM" "EPERM" sns_ct_unpriv a syslog-ns-ctl -n 2
ktap_test_result "info shows console level 4 and the 131072-byte buffer" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net syslog-ns-ctl --info |
		grep -q -x 'console_level=4' && $NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net \
		syslog-ns-ctl --info | grep -q -x 'size=131072'"

# Overrun: a reader whose records were overwritten gets EPIPE once, then
# goes on from the oldest.
ktap_test_result "EPIPE after an overrun, then the oldest record" \
	sns_ct b sh -c '
		exec 5</dev/kmsg
		dd bs=2048 count=1 <&5 >/dev/null 2>&1 || exit 1
		i=0
		while [ $i -lt 1500 ]; do echo "<6>filler record $i to wrap the ring" >/dev/kmsg; i=$((i + 1)); done
		dd bs=2048 count=1 <&5 2>&1 | grep -q "Broken pipe" || exit 1
		dd bs=2048 count=1 <&5 2>/dev/null | grep -q "filler record"'

# Nesting: a child user namespace without a log writes to a's.
ktap_test_result "a nested user namespace without a log writes to its parent's" \
	sns_ct a $UNSHARE --user --map-root-user sh -c "echo '<6>from the nested one' >/dev/kmsg"
ktap_test_result "... which shows it" sns_shown a 'from the nested one'
ktap_test_result "a nested one with its own log sees only its own" \
	sns_ct a $UNSHARE --user --map-root-user sh -c "syslog-ns-ctl --create &&
		echo '<6>nested own' >/dev/kmsg && $DMESG | grep -q 'nested own' &&
		! $DMESG | grep -q 'from the nested one'"
ktap_test_result "... and its parent does not see it" sns_hidden a 'nested own'

# The exported API, from a C module, lands in the caller's log.
insmod "$KMODS_MODULES_DIR/syslog_ns_probe.ko"
ktap_test_result "syslog_ns_printk() from a module writes to the caller's log" \
	sns_ct b sh -c 'echo probe says hello >/sys/kernel/debug/syslog_ns_probe/printk'
ktap_test_result "... formatted (a per-CPU buffer), at the level it gave, KERN_NOTICE" sns_shown b '^<5>.*probe says hello \(16 bytes\)$' -r
ktap_test_result "syslog_ns_printk() for the host goes to printk" \
	sh -c "echo host probe line >/sys/kernel/debug/syslog_ns_probe/printk && dmesg | grep -q 'host probe line'"
ktap_test_result "... and not to a container" sns_hidden b 'host probe line'
rmmod syslog_ns_probe

# Teardown: when the last task of a container goes, its log goes.
readers() {
	sns_logs | awk -v id="$1" '$1 == id { print $7 }'
}
sns_ct_bg a /dev/null dmesg -w
w=$SNS_BG
sleep 1
ktap_test_result "debugfs counts a's reader while dmesg -w runs" test "$(readers "$ida")" = 1
kill $w
wait $w
sns_ct_stop a
sns_ct_stop b
ktap_test_result "a's log is freed when its container ends" sns_wait_gone "$ida"
ktap_test_result "b's log is freed when its container ends" sns_wait_gone "$idb"
ktap_test_result "trace event syslog_ns_destroyed for a and b" \
	sh -c "grep -q 'syslog_ns_destroyed: id=$ida ' $TRACING/trace && grep -q 'syslog_ns_destroyed: id=$idb ' $TRACING/trace"
sns_ct_stop c
ktap_test_result "no log is left" test -z "$(sns_logs)"
echo 0 >$TRACING/events/syslog_ns/enable
echo "$restrict" >/proc/sys/kernel/dmesg_restrict

ktap_finished
