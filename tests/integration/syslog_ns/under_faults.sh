#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns under systematic fault injection (tests/lib/fault.sh): every
# allocation of every entry point fails once, in turn. A call that fails
# returns ENOMEM and leaves the log as it was (its INFO, records and clear
# point included); the call then succeeds. Entry points: insmod, log
# creation, /dev/kmsg_ns open with read and write, each ioctl, syslog(2),
# /proc/kmsg and /dev/kmsg redirected, the debugfs listing, and the two
# producers that run in the task's context: a
# container's printk() (capture_console) and its netfilter LOG lines.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"
. "$KMODS/tests/lib/fault.sh"

KO=$KMODS_MODULES_DIR/production/syslog_ns.ko
STATE=/tmp/sns-fault.state
# What the container's log looks like through INFO: syslog-ns-ctl --info,
# run in the container. Saved after every call that succeeded (--undo),
# compared after every call that failed (--check).
SAVE="syslog-ns-ctl --info >$STATE"
SAME="syslog-ns-ctl --info | cmp -s - $STATE"
PORT=5555

fault_require
ktap_print_header
ktap_set_plan 23
fault_setup

sns_wait_unloaded() {
	for _ in $(seq 50); do
		grep -q '^syslog_ns ' /proc/modules || return 0
		rmmod syslog_ns 2>/dev/null
		sleep 0.1
	done
	return 1
}

sns_wait_unloaded
if [ -n "$KMODS_STRESS" ]; then
	fault_insmod syslog_ns "$KO"
	ktap_test_skip "insmod syslog_ns, the ftrace registrations (make stress failed every allocation above)"
else
	# Each of the redirects' hundred-odd ftrace allocations would cost an
	# insmod and rmmod, each waiting for RCU-tasks under TCG: make check
	# fails the rest of the init with redirect=0, then each allocation under
	# register_ftrace_function(), both redirects'; make stress fails all.
	fault_insmod syslog_ns "$KO" redirect=0
	sns_wait_unloaded
	FAULT_UNDER=register_ftrace_function fault_insmod syslog_ns "$KO"
fi
sns_reload capture_console=1
logs_before=$(sns_logs | wc -l)

# Log creation, each attempt in a user namespace of its own: a failed create
# leaves no log behind (the listing has its length again once the collector
# has freed the logs of the attempts' ended namespaces).
cat >/tmp/sns-fault-no-new-log <<EOF
for _ in \$(seq 30); do
	[ \$(tail -n +2 $SNS_DEBUGFS/logs | wc -l) -eq $logs_before ] && exit 0
	sleep 0.1
done
exit 1
EOF
fault_call "SYSLOG_NS_IOC_CREATE" --fresh-userns --check "sh /tmp/sns-fault-no-new-log" \
	syslog-ns /dev/kmsg_ns create --access ioctl

sns_ct_start a
sns_ct a syslog-ns-ctl --create >/dev/null
sns_ct a sh -c "echo '<6>fault: first record' >/dev/kmsg"
sns_ct a sh -c "$SAVE"

# fail-nth runs as the container's root: the opens and calls of a container
# that has a log.
FAULT_IN="sns_ct a"
fault_call "open and read (O_NONBLOCK)" --check "$SAME" --undo "$SAVE" read /dev/kmsg --nonblock
fault_call "open and write a record" --check "$SAME" --undo "$SAVE" write /dev/kmsg "<6>fault: written"
fault_call "SYSLOG_NS_IOC_INFO" --check "$SAME" --undo "$SAVE" syslog-ns /dev/kmsg info --access ioctl
fault_call "SYSLOG_NS_IOC_SIZE_UNREAD" --check "$SAME" --undo "$SAVE" syslog-ns /dev/kmsg size-unread --access ioctl
fault_call "SYSLOG_NS_IOC_SIZE_BUFFER" --check "$SAME" --undo "$SAVE" syslog-ns /dev/kmsg size-buffer --access ioctl
fault_call "SYSLOG_NS_IOC_CONSOLE_LEVEL" --check "$SAME" --undo "$SAVE" syslog-ns /dev/kmsg console-level --value 3 --access ioctl
ktap_test_result "the log has every record written" \
	sns_shown a 'fault: written'
fault_call "SYSLOG_NS_IOC_READ_CLEAR" --check "$SAME" --undo "$SAVE" syslog-ns /dev/kmsg read-clear --access read
sns_ct a sh -c "echo '<6>fault: after the clear' >/dev/kmsg && $SAVE"
fault_call "SYSLOG_NS_IOC_CLEAR" --check "$SAME" --undo "$SAVE" syslog-ns /dev/kmsg clear --access read
ktap_test_result "the clear point moved past the records" sns_hidden a 'fault: written'

# The kernel's own interfaces, redirected to the container's log: syslog(2),
# /proc/kmsg, and /dev/kmsg itself (seen with only the user namespace
# entered, not the bind mount).
fault_call "syslog(2) READ_ALL" --check "$SAME" --undo "$SAVE" syslog 3 --len 65536
fault_call "syslog(2) SIZE_UNREAD" --check "$SAME" --undo "$SAVE" syslog 9
fault_call "/proc/kmsg open and read (O_NONBLOCK)" --check "$SAME" --undo "$SAVE" \
	read /proc/kmsg --nonblock
FAULT_IN="$NSENTER --target $(cat /tmp/sns-ct-a) --user"
fault_call "/dev/kmsg open and read (O_NONBLOCK)" --check "$SAME" --undo "$SAVE" \
	read /dev/kmsg --nonblock
FAULT_IN="sns_ct a"

# A task of the container that printk()s (capture_console=1), through the
# host's /dev/kmsg, which it sees with only its user namespace entered.
FAULT_IN="$NSENTER --target $(cat /tmp/sns-ct-a) --user"
fault_call "a container task's printk()" --check "$SAME" --undo "$SAVE" \
	write /dev/kmsg "<4>fault: printed"
FAULT_IN="sns_ct a"
ktap_test_result "the printk() is in the container's log" sns_shown a 'fault: printed'

# A LOG rule in the container's network namespace: a datagram the
# container sends passes it in the sender's context.
modprobe nf_log_syslog
sns_ct a nft -f - <<EOF
table inet fault {
	chain out {
		type filter hook output priority 0;
		udp dport $PORT log prefix "fault-log: "
	}
}
EOF
fault_call "a netfilter LOG line" --check "$SAME" --undo "$SAVE" --errno ENOBUFS udp-send 127.0.0.1:$PORT "x"
ktap_test_result "the LOG line is in the container's log" sns_shown a "fault-log: .*DPT=$PORT"

FAULT_IN=
fault_call "the debugfs listing" read $SNS_DEBUGFS/logs
sns_ct_stop a
fault_restore
fault_report syslog_ns
ktap_test_result "defaults again" sns_reload
ktap_finished
