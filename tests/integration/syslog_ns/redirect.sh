#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns with no bind mount: in two containers (user, mount and network
# namespaces) that have a log, the kernel's own interfaces, syslog(2)
# (util-linux dmesg's -S, -c, -C, -n, and klogctl for every action, LTP
# syslog11's and syslog12's cases among them), /proc/kmsg and /dev/kmsg,
# serve the container's log; on the host, and in a container without a log,
# they are the kernel's. The OOM killer's report of a kill in a container's
# memory cgroup reaches that container's log.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

CG=/sys/fs/cgroup
OOM_CG=$CG/sns-oom

# klog CT ARGS...: klogctl in container CT (stderr says what came back).
klog() {
	ct=$1
	shift
	sns_ct "$ct" klogctl "$@"
}

# returns EXPECTED CMD...: CMD's klogctl says it returned EXPECTED.
returns() {
	want=$1
	shift
	out=$("$@" 2>&1 >/dev/null)
	echo "$out" | grep -q "returned $want\$" && return 0
	echo "# $out"
	return 1
}

# host_log_has PATTERN: the host's log (syslog(2) on the host) has it.
host_log_has() {
	klogctl read-all --len 1048576 2>/dev/null | grep -q -E "$1"
}

host_log_lacks() {
	! host_log_has "$1"
}

create_logs() {
	sns_ct a syslog-ns-ctl --create --size 32768 && sns_ct b syslog-ns-ctl --create --size 65536
}

ktap_print_header
ktap_set_plan 82

restrict=$(cat /proc/sys/kernel/dmesg_restrict)
echo 1 >/proc/sys/kernel/dmesg_restrict

ktap_test_result "the module redirects (no warning at load)" \
	sh -c "! $DMESG | grep -q 'cannot be redirected'"
for fn in do_syslog kmsg_open kmsg_read kmsg_poll kmsg_release devkmsg_open; do
	n=$(grep -c "^$fn\$" /sys/kernel/tracing/available_filter_functions)
	[ "$n" = 1 ] || echo "# $fn is $n functions"
done
ktap_test_result "each redirected function is one function of the kernel" \
	sh -c 'for fn in do_syslog kmsg_open kmsg_read kmsg_poll kmsg_release devkmsg_open; do
		test "$(grep -c "^$fn\$" /sys/kernel/tracing/available_filter_functions)" = 1 || exit 1
	done'

# A memory cgroup for the OOM kill, mounted before the containers' mount
# namespaces are made (they do not receive later mounts).
mkdir -p $CG
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +memory >$CG/cgroup.subtree_control
mkdir -p $OOM_CG
echo 16777216 >$OOM_CG/memory.max
echo 0 >$OOM_CG/memory.swap.max 2>/dev/null

sns_ct_start_plain a
sns_ct_start_plain b
sns_ct_start_plain c
ktap_test_result "containers a and b create their logs (32 and 64 KiB)" create_logs

# /dev/kmsg, opened by the kernel's own path.
sns_ct a sh -c "echo '<6>redirect: hello from a' >/dev/kmsg"
sns_ct b sh -c "echo '<6>redirect: hello from b' >/dev/kmsg"
echo "<6>redirect: hello from the host" >/dev/kmsg
ktap_test_result "dmesg in a shows a's record" sns_shown a 'hello from a'
ktap_test_result "... and neither b's nor the host's" \
	sh -c "! $NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net dmesg | grep -q -E 'hello from (b|the host)'"
ktap_test_result "dmesg in b shows b's record only" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-b) --user --mount --net dmesg >/tmp/sns-rd-b &&
		grep -q 'hello from b' /tmp/sns-rd-b && ! grep -q -E 'hello from (a|the host)' /tmp/sns-rd-b"
ktap_test_result "the host's dmesg shows the host's record" sh -c "$DMESG | grep -q 'hello from the host'"
ktap_test_result "... and no container's" sh -c "! $DMESG | grep -q -E 'hello from (a|b)\$'"
ktap_expect_errno "c, without a log, gets the kernel's answer: dmesg_restrict=1, no CAP_SYSLOG on the host" \
	"Operation not permitted" sns_ct c dmesg
# A host user without capabilities (uid 4242), and the same user's own
# user namespace without a log: the kernel's answers, the module loaded.
AS_USER="/usr/bin/setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all --bounding-set=-all"
ktap_expect_errno "host user: syslog(2) READ_ALL is the kernel's EPERM (dmesg_restrict=1)" EPERM \
	$AS_USER klogctl read-all --len 4096
ktap_expect_errno "host user: /proc/kmsg is the kernel's (0400 root: EACCES)" "Permission denied" \
	$AS_USER cat /proc/kmsg
ktap_expect_errno "host user: /dev/kmsg for reading is the kernel's EPERM" "Operation not permitted" \
	$AS_USER dd if=/dev/kmsg bs=4096 count=1
ktap_expect_errno "host user's own user namespace, no log: syslog(2) is the kernel's EPERM" EPERM \
	$AS_USER $UNSHARE --user --map-root-user klogctl size-buffer
ktap_test_result "dmesg --json in a" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net dmesg --json | grep -q '\"msg\": \"redirect: hello from a\"'"

# syslog(2) through dmesg -S.
ktap_test_result "dmesg -S (syslog(2)) in a shows a's record" sns_shown a 'hello from a' -S
ktap_test_result "... and not the host's" sns_hidden a 'hello from the host' -S
ktap_test_result "dmesg -S on the host is the host's" \
	sh -c "$DMESG -S | grep -q 'hello from the host' && ! $DMESG -S | grep -q 'hello from a'"

# syslog(2)'s actions, each by klogctl.
ktap_test_result "size-buffer in a is a's ring (32768)" returns 32768 klog a size-buffer
ktap_test_result "size-buffer in b is b's (65536)" returns 65536 klog b size-buffer
host_size=$(klogctl size-buffer 2>&1 | sed -n 's/.*returned //p')
ktap_test_result "size-buffer on the host is the kernel's ($host_size)" \
	test "$host_size" != 32768 -a "$host_size" != 65536
ktap_test_result "read-all in a has a's record, in syslog format" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net klogctl read-all --len 65536 2>/dev/null |
		grep -q -E '^<14>\\[ *[0-9]+\\.[0-9]{6}\\].* redirect: hello from a\$'"
ktap_test_result "the host's read-all has not" host_log_lacks 'hello from a'
unread=$(klog a size-unread 2>&1 | sed -n 's/.*returned //p')
ktap_test_result "size-unread in a counts a's unread bytes ($unread)" test "${unread:-0}" -gt 0
ktap_test_result "read in a takes them" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net klogctl read --len 65536 2>/dev/null | grep -q 'hello from a'"
ktap_test_result "... and size-unread is 0 after" returns 0 klog a size-unread
sns_ct a sh -c "echo '<6>redirect: second from a' >/dev/kmsg"
ktap_test_result "a read of 5 bytes takes part of the next record" \
	sh -c "test \"\$($NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net klogctl read --len 5 2>/dev/null)\" = '<14>['"
ktap_test_result "... and the next read the rest" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net klogctl read --len 4096 2>/dev/null | grep -q -E '^ *[0-9]+\\.[0-9]{6}\\].* second from a\$'"

# LTP syslog11: every valid action returns 0.
ktap_test_result "syslog11's cases in a: close, open, read and read-all of 0, console-level 1 and 7, off, on" \
	sh -c "for args in close open 'read --len 0' 'read-all --len 0' 'console-level --len 1' \
			'console-level --len 7' console-off console-on; do
		$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net klogctl \$args 2>&1 | grep -q 'returned 0\$' || exit 1
	done"
# LTP syslog12: the errors.
ktap_expect_errno "action 100 is EINVAL" EINVAL klog a --number 100
ktap_expect_errno "read with a null buffer is EINVAL" EINVAL klog a read --null
ktap_expect_errno "read-all of -1 bytes is EINVAL" EINVAL klog a read-all --len -1
ktap_expect_errno "console-level -1 is EINVAL" EINVAL klog a console-level --len -1
ktap_expect_errno "console-level 9 is EINVAL" EINVAL klog a console-level --len 9
ktap_expect_errno "read without CAP_SYSLOG is EPERM, len 0 or not" EPERM \
	sns_ct_unpriv a klogctl read --len 0
ktap_expect_errno "read-all without CAP_SYSLOG, dmesg_restrict=1: EPERM" EPERM \
	sns_ct_unpriv a klogctl read-all --len 4096
echo 0 >/proc/sys/kernel/dmesg_restrict
ktap_test_result "read-all without CAP_SYSLOG, dmesg_restrict=0: allowed, as on the host" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net setpriv --bounding-set=-all --inh-caps=-all \
		klogctl read-all --len 4096 2>/dev/null | grep -q 'from a'"
ktap_expect_errno "... but not clear" EPERM sns_ct_unpriv a klogctl clear
echo 1 >/proc/sys/kernel/dmesg_restrict

# dmesg's modes on the log.
printk_before=$(cat /proc/sys/kernel/printk)
ktap_test_result "dmesg -n 1 in a" sns_ct a dmesg -n 1
ktap_test_result "... sets a's console level, not the host's" \
	sh -c "awk -v id=\$($NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net syslog-ns-ctl --info | sed -n 's/^id=//p') \
		'\$1 == id && \$8 == 1 { found = 1 } END { exit !found }' $SNS_DEBUGFS/logs &&
		test \"\$(cat /proc/sys/kernel/printk)\" = \"$printk_before\""
ktap_test_result "dmesg -c in a prints a's records" sns_shown a 'hello from a' -c
ktap_test_result "... and clears a's log: dmesg shows nothing" \
	sh -c "test -z \"\$($NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net dmesg 2>&1)\""
ktap_test_result "... b's and the host's are whole" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-b) --user --mount --net dmesg | grep -q 'hello from b' &&
		$DMESG | grep -q 'hello from the host'"
sns_ct b sh -c "echo '<6>redirect: for read-clear' >/dev/kmsg"
ktap_test_result "read-clear in b returns b's records" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-b) --user --mount --net klogctl read-clear --len 65536 2>/dev/null | grep -q 'for read-clear'"
ktap_test_result "... and read-all after it has none of them" \
	sh -c "! $NSENTER --target $(cat /tmp/sns-ct-b) --user --mount --net klogctl read-all --len 65536 2>/dev/null | grep -q 'for read-clear'"
ktap_test_result "dmesg -C in b clears b's log" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-b) --user --mount --net dmesg -C &&
		test -z \"\$($NSENTER --target $(cat /tmp/sns-ct-b) --user --mount --net dmesg 2>&1)\""
ktap_test_result "... and the host's still has its record" host_log_has 'hello from the host'

# /proc/kmsg and dmesg -w, readers that wait: in a, in b and on the host.
# The three in containers hold the module; the host's does not.
refs=$(sns_refs)
sns_ct_bg a /tmp/sns-rd-proc cat /proc/kmsg
proc_reader=$SNS_BG
sns_ct_bg b /tmp/sns-rd-proc-b cat /proc/kmsg
proc_reader_b=$SNS_BG
sns_ct_bg b /tmp/sns-rd-follow dmesg -w
follower=$SNS_BG
cat /proc/kmsg >/tmp/sns-rd-proc-host &
proc_reader_host=$!
sns_wait_refs $((refs + 3))
sleep 1
ktap_expect_errno "rmmod is refused while a container reads /proc/kmsg" "unavailable" rmmod syslog_ns
sns_ct a sh -c "echo '<5>redirect: for the proc reader' >/dev/kmsg"
sns_ct b sh -c "echo '<5>redirect: for the follower' >/dev/kmsg"
echo "<5>redirect: the host again" >/dev/kmsg
sleep 1
kill "$proc_reader" "$proc_reader_b" "$follower" "$proc_reader_host"
wait "$proc_reader" "$proc_reader_b" "$follower" "$proc_reader_host" 2>/dev/null
ktap_test_result "cat /proc/kmsg in a got a's record, in syslog format" \
	grep -q -E '^<13>\[ *[0-9]+\.[0-9]{6}\].* redirect: for the proc reader$' /tmp/sns-rd-proc
ktap_test_result "... and nothing of b's or the host's" \
	sh -c "! grep -q -E 'for the follower|the host again' /tmp/sns-rd-proc"
ktap_test_result "cat /proc/kmsg in b at once got b's record only" \
	sh -c "grep -q 'for the follower' /tmp/sns-rd-proc-b && ! grep -q -E 'proc reader|the host again' /tmp/sns-rd-proc-b"
ktap_test_result "cat /proc/kmsg on the host got the host's record only" \
	sh -c "grep -q 'the host again' /tmp/sns-rd-proc-host && ! grep -q -E 'proc reader|for the follower' /tmp/sns-rd-proc-host"
ktap_test_result "dmesg -w in b followed b's log only" \
	sh -c "grep -q 'for the follower' /tmp/sns-rd-follow && ! grep -q -E 'proc reader|the host again' /tmp/sns-rd-follow"
ktap_expect_errno "a /proc/kmsg opened without CAP_SYSLOG is EPERM" "Operation not permitted" \
	sns_ct_unpriv a timeout 5 cat /proc/kmsg

# LTP kmsg01's cases (samples/kmsg-check), in a container with a log and
# on the host; SEEK_DATA after syslog(2)'s CLEAR among them.
for case in inject nonblock block small-buffer readers overwrite seek-set seek-end seek-data; do
	ktap_test_result "kmsg01's $case case in a" sns_ct a kmsg-check case $case
	ktap_test_result "... and on the host" kmsg-check case $case
done

# The OOM killer's report reaches the victim's container.
# The report has a stack dump, which is no splat: no WARNING or BUG.
out=$(sns_ct a sh -c "echo \$\$ >$OOM_CG/cgroup.procs && exec dd if=/dev/zero of=/dev/null bs=67108864 count=1" 2>&1)
echo "# the allocation: $out" | head -n 3
echo "# $OOM_CG/memory.events: $(tr '\n' ' ' <$OOM_CG/memory.events)"
sleep 1
ktap_test_result "a's log has the kernel's 'Killed process' line of the kill" \
	sns_shown a 'Memory cgroup out of memory: Killed process [0-9]+ \(dd\)'
ktap_test_result "... and its oom-kill:constraint line" \
	sns_shown a 'oom-kill:constraint=CONSTRAINT_MEMCG,.*task=dd,pid=[0-9]+'
ktap_test_result "b's log has neither" sns_hidden b 'out of memory|oom-kill'
ktap_test_result "the host's log has them, as ever" \
	sh -c "$DMESG | grep -q 'Memory cgroup out of memory: Killed process'"
rmdir $OOM_CG 2>/dev/null

# A reader blocked in syslog(2) holds the module; its end lets it go.
# Take what is unread first (a read of nothing would wait).
if klog a size-unread 2>&1 | grep -q -v 'returned 0$'; then
	sns_ct a klogctl read --len 1048576 >/dev/null 2>&1
fi
refs=$(sns_refs)
sns_ct_bg a /dev/null klogctl read --len 4096
blocked=$SNS_BG
sns_wait_refs $((refs + 1))
ktap_test_result "a container's read blocks in syslog(2) when nothing is unread" kill -0 "$blocked"
ktap_expect_errno "rmmod is refused while it waits" "unavailable" rmmod syslog_ns
kill "$blocked"
wait "$blocked" 2>/dev/null
sns_ct_stop a
sns_ct_stop b
sns_ct_stop c

# redirect=0: the kernel's interfaces are the kernel's, log or not.
ktap_test_result "once every reader is gone, rmmod; syslog_ns with redirect=0" sns_reload redirect=0
sns_ct_start_plain d
sns_ct d syslog-ns-ctl --create >/dev/null
ktap_expect_errno "redirect=0: syslog(2) in a container with a log is the kernel's (EPERM)" EPERM \
	klog d size-buffer
ktap_expect_errno "... and so is /dev/kmsg" "Operation not permitted" sns_ct d dmesg
ktap_test_result "... while /dev/kmsg_ns serves its log" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-d) --user --mount --net dd if=/dev/kmsg_ns bs=2048 count=1 2>/dev/null | grep -q 'log created'"
sns_ct_stop d
ktap_test_result "syslog_ns again as the other tests load it" sns_reload

echo "$restrict" >/proc/sys/kernel/dmesg_restrict
ktap_finished
