#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns' netfilter logger: an nft log rule in a container's network
# namespace writes to that container's log, in nf_log_syslog's format, and to
# no other log; the logger is bound per network namespace the standard way.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

# log_rule CT PREFIX: an inet table in CT that logs outgoing ICMP echo
# requests at level warn.
log_rule() {
	sns_ct "$1" nft add table inet t &&
		sns_ct "$1" nft add chain inet t out '{ type filter hook output priority 0; }' &&
		sns_ct "$1" nft add rule inet t out icmp type echo-request log prefix "\"$2 \"" level warn
}

# ping_once CT: one echo request to 127.0.0.1 inside CT.
ping_once() {
	sns_ct "$1" ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
	return 0
}

ktap_print_header
ktap_set_plan 13

sns_ct_start a && sns_ct_start b && sns_ct_start c
sns_ct a syslog-ns-ctl --create
sns_ct b syslog-ns-ctl --create

ktap_test_result "net.netfilter.nf_log.2 (IPv4) is syslog_ns in a container" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net cat /proc/sys/net/netfilter/nf_log/2 | grep -q -x syslog_ns"
ktap_test_result "net.netfilter.nf_log.10 (IPv6) is syslog_ns in a container" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net cat /proc/sys/net/netfilter/nf_log/10 | grep -q -x syslog_ns"
ktap_test_result "and on the host" grep -q -x syslog_ns /proc/sys/net/netfilter/nf_log/2
ktap_test_result "a log rule in container a" log_rule a "ct-a:"
ktap_test_result "a log rule in container b" log_rule b "ct-b:"
ping_once a
ping_once b
ktap_test_result "a's packet is in a's log, in nf_log_syslog's format" \
	sns_shown a 'ct-a: IN= OUT=lo SRC=127\.0\.0\.1 DST=127\.0\.0\.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=[0-9]+ (DF )?PROTO=ICMP TYPE=8 CODE=0 ID=[0-9]+ SEQ=[0-9]+$'
ktap_test_result "... at the rule's level, warn (4)" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net $DMESG -r | grep -q '^<4>.*ct-a: '"
ktap_test_result "a's log has nothing of b's" sns_hidden a 'ct-b:'
ktap_test_result "b's packet is in b's log" sns_shown b 'ct-b: .*PROTO=ICMP TYPE=8'
ktap_test_result "b's log has nothing of a's" sns_hidden b 'ct-a:'
ktap_test_result "the host's log has neither" sh -c "! dmesg | grep -q -E 'ct-(a|b):'"
log_rule c "ct-c:"
ping_once c
ktap_test_result "a container without a log cannot write to the host's (nf_log_all_netns=0)" \
	sh -c "! dmesg | grep -q 'ct-c:'"
ktap_expect_errno "rmmod is refused while log rules use the logger" "in use\\|temporarily unavailable" rmmod syslog_ns
# Rules pin the module until their network namespace's cleanup: delete them.
sns_ct a nft delete table inet t
sns_ct b nft delete table inet t
sns_ct c nft delete table inet t
sns_ct_stop a
sns_ct_stop b
sns_ct_stop c

ktap_finished
