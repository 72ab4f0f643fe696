#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns and netfilter: an nft log rule in a container's network namespace
# writes to that container's log, in nf_log_syslog's format, and to no other
# log; and nothing is taken from the host: nf_log_syslog still loads, in
# either order, and log rules of every nftables family (ip, ip6, inet, arp,
# bridge, netdev) still log on the host, line for line as without syslog_ns.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

KO=$KMODS_MODULES_DIR/production/syslog_ns.ko
# iproute2's, not busybox's applet (which has no bridge or veth).
IP=/usr/bin/ip

# log_rule CT PREFIX: an inet table in CT that logs outgoing ICMP and ICMPv6
# echo requests at level warn.
log_rule() {
	sns_ct "$1" nft add table inet t &&
		sns_ct "$1" nft add chain inet t out '{ type filter hook output priority 0; }' &&
		sns_ct "$1" nft add rule inet t out icmp type echo-request log prefix "\"$2 \"" level warn &&
		sns_ct "$1" nft add rule inet t out icmpv6 type echo-request log prefix "\"$2 \"" level warn
}

# ping_once CT [ADDRESS]: one echo request inside CT.
ping_once() {
	sns_ct "$1" ping -c 1 -W 1 "${2:-127.0.0.1}" >/dev/null 2>&1
	return 0
}

loaded() {
	grep -q "^$1 " /proc/modules
}

# The host's test network: bridge br0 (192.0.2.1, TEST-NET-1) with port vh,
# whose veth peer vp (192.0.2.2) is in a network namespace of its own. A
# ping from the host to the peer passes every family's hook.
# Run directly, not in $(...) (it sets PEER, and its sleeper would hold the
# substitution's pipe open).
PEER=
net_up() {
	$UNSHARE --net sh -c 'touch /tmp/sns-peer.ready; exec sleep 100000' >/dev/null 2>&1 &
	PEER=$!
	for _ in $(seq 50); do
		[ -e /tmp/sns-peer.ready ] && break
		sleep 0.1
	done
	# No IPv6 on them: its multicast chatter would reach the hooks at
	# random moments.
	$IP link set lo up &&
		$IP link add br0 type bridge &&
		$IP link add vh type veth peer name vp &&
		echo 1 >/proc/sys/net/ipv6/conf/br0/disable_ipv6 &&
		echo 1 >/proc/sys/net/ipv6/conf/vh/disable_ipv6 &&
		$IP link set vh master br0 &&
		$IP link set vp netns "$PEER" &&
		$IP addr add 192.0.2.1/24 dev br0 &&
		$IP link set br0 up && $IP link set vh up &&
		$NSENTER --target "$PEER" --net sh -c \
			'echo 1 >/proc/sys/net/ipv6/conf/vp/disable_ipv6 &&
			/usr/bin/ip addr add 192.0.2.2/24 dev vp && /usr/bin/ip link set vp up &&
			/usr/bin/ip link set lo up'
}

net_down() {
	$IP link del vh 2>/dev/null
	$IP link del br0 2>/dev/null
	kill "$PEER" 2>/dev/null
	wait "$PEER" 2>/dev/null
	rm -f /tmp/sns-peer.ready
}

FAMILIES="ip ip6 inet arp bridge netdev"

# host_rule FAMILY HOOK MATCH: a log rule prefixed h-FAMILY: on the host, on
# HOOK (with its device, for netdev), for packets that MATCH.
host_rule() {
	nft add table "$1" h &&
		nft add chain "$1" h c "{ type filter hook $2 priority 0; }" &&
		nft add rule "$1" h c $3 log prefix "\"h-$1: \""
}

# host_rules: one log rule per family on the host, each for a packet that a
# ping from the host to the peer sends once.
host_rules() {
	host_rule ip output "icmp type echo-request" &&
		host_rule ip6 output "icmpv6 type echo-request" &&
		host_rule inet output "icmp type echo-request" &&
		host_rule arp output "arp operation request" &&
		host_rule bridge input "icmp type echo-reply" &&
		host_rule netdev "ingress device vh" "arp operation reply"
}

# host_lines OUT: traffic through every hook, then each family's first line
# in the host's log, with what differs between two runs (ID=, SEQ=, times)
# masked, to OUT.FAMILY.
host_lines() {
	dmesg -c >/dev/null
	# ARP first: flush the neighbours on both sides, so that the host's
	# request goes out, the peer's reply comes back, and no probe of an
	# older entry of the peer's crosses them.
	$IP neigh flush dev br0
	$NSENTER --target "$PEER" --net /usr/bin/ip neigh flush dev vp
	ping -c 1 -W 2 192.0.2.2 >/dev/null 2>&1
	ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
	ping -c 1 -W 1 ::1 >/dev/null 2>&1
	# An entry the flush could not take (in use) sends its request from
	# the neighbour timer up to 5 s later (DELAY, then PROBE): the same line.
	for _ in $(seq 80); do
		dmesg | grep -q "h-arp: .*OUT=br0" && break
		sleep 0.1
	done
	for f in $FAMILIES; do
		dmesg | grep -m 1 -o "h-$f: .*" | sed -E 's/ (ID|SEQ)=[0-9]+/ \1=N/g' >"$1.$f"
	done
}

# same_lines FAMILY: the line of FAMILY is there and as without syslog_ns.
same_lines() {
	[ -s "/tmp/sns-ref.$1" ] || { echo "# no h-$1 line without syslog_ns"; return 1; }
	[ -s "/tmp/sns-with.$1" ] || { echo "# no h-$1 line with syslog_ns"; return 1; }
	cmp -s "/tmp/sns-ref.$1" "/tmp/sns-with.$1" && return 0
	echo "# without: $(cat "/tmp/sns-ref.$1")"
	echo "# with:    $(cat "/tmp/sns-with.$1")"
	return 1
}

ktap_print_header
ktap_set_plan 28

# Order 1: syslog_ns (loaded at boot) before nf_log_syslog.
rmmod nf_log_syslog 2>/dev/null
ktap_test_result "nf_log_syslog is not loaded yet" sh -c "! grep -q '^nf_log_syslog ' /proc/modules"
sns_ct_start a && sns_ct_start b && sns_ct_start c
sns_ct a syslog-ns-ctl --create
sns_ct b syslog-ns-ctl --create

ktap_test_result "a log rule in container a (nf_log_syslog loads for it)" log_rule a "ct-a:"
ktap_test_result "nf_log_syslog loaded after syslog_ns" loaded nf_log_syslog
ktap_test_result "a log rule in container b" log_rule b "ct-b:"
ktap_test_result "net.netfilter.nf_log.2 in a container is nf_log_syslog's, as without syslog_ns" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net cat /proc/sys/net/netfilter/nf_log/2 | grep -q -x nf_log_ipv4"
dmesg -c >/dev/null
ping_once a
ping_once a ::1
ping_once b
ktap_test_result "a's packet is in a's log, in nf_log_syslog's format" \
	sns_shown a 'ct-a: IN= OUT=lo SRC=127\.0\.0\.1 DST=127\.0\.0\.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=[0-9]+ (DF )?PROTO=ICMP TYPE=8 CODE=0 ID=[0-9]+ SEQ=[0-9]+$'
ktap_test_result "... at the rule's level, warn (4)" \
	sh -c "$NSENTER --target $(cat /tmp/sns-ct-a) --user --mount --net $DMESG -r | grep -q '^<4>.*ct-a: '"
ktap_test_result "a's IPv6 packet too" \
	sns_shown a 'ct-a: IN= OUT=lo SRC=0000:0000:0000:0000:0000:0000:0000:0001 DST=0000:0000:0000:0000:0000:0000:0000:0001 .*PROTO=ICMPv6 TYPE=128 CODE=0'
ktap_test_result "a's log has nothing of b's" sns_hidden a 'ct-b:'
ktap_test_result "b's packet is in b's log" sns_shown b 'ct-b: .*PROTO=ICMP TYPE=8'
ktap_test_result "b's log has nothing of a's" sns_hidden b 'ct-a:'
ktap_test_result "the host's log has neither" sh -c "! dmesg | grep -q -E 'ct-(a|b):'"
log_rule c "ct-c:"
ping_once c
ktap_test_result "a container without a log: dropped, as nf_log_syslog does (nf_log_all_netns=0)" \
	sh -c "! dmesg | grep -q 'ct-c:'"
echo 1 >/proc/sys/net/netfilter/nf_log_all_netns
ping_once c
ktap_test_result "... and with nf_log_all_netns=1, in the host's log as without syslog_ns" \
	sh -c "dmesg | grep -q 'ct-c: IN= OUT=lo SRC=127\.0\.0\.1'"
ping_once a
ktap_test_result "... while a's lines still go to a's log only" \
	sh -c "! dmesg | grep -q 'ct-a:'"
echo 0 >/proc/sys/net/netfilter/nf_log_all_netns

# Every family on the host, with syslog_ns loaded.
net_up >/tmp/sns-net.log 2>&1
ktap_test_result "the host's test network" sh -c "cat /tmp/sns-net.log; $IP link show br0 | grep -q UP"
ktap_test_result "a log rule in each family on the host: $FAMILIES" host_rules
host_lines /tmp/sns-with

# The same without syslog_ns: unloading it is allowed while rules exist,
# since they hold nf_log_syslog, not syslog_ns.
ktap_test_result "rmmod syslog_ns while log rules exist" rmmod syslog_ns
host_lines /tmp/sns-ref
for f in $FAMILIES; do
	echo "# without syslog_ns: $(cat "/tmp/sns-ref.$f")"
done
for f in $FAMILIES; do
	ktap_test_result "host $f log rule: the same line with syslog_ns loaded as without" same_lines "$f"
done

# Order 2: nf_log_syslog before syslog_ns.
ktap_test_result "insmod syslog_ns with nf_log_syslog loaded" insmod "$KO"
host_lines /tmp/sns-with
all_same() {
	for f in $FAMILIES; do
		same_lines "$f" || return 1
	done
}
ktap_test_result "every family still logs on the host, as without syslog_ns" all_same
# The device is new: bind it over a's /dev/kmsg again.
sns_ct a sh -c 'umount /dev/kmsg && mount --bind /dev/kmsg_ns /dev/kmsg'
sns_ct a syslog-ns-ctl --create
ping_once a
ktap_test_result "a's lines go to its log again" sns_shown a 'ct-a: IN= OUT=lo SRC=127\.0\.0\.1'
ktap_test_result "... and not the host's" sh -c "! dmesg | grep -q 'ct-a:'"

nft delete table ip h
nft delete table ip6 h
nft delete table inet h
nft delete table arp h
nft delete table bridge h
nft delete table netdev h
net_down
for ct in a b c; do
	sns_ct "$ct" nft delete table inet t
	sns_ct_stop "$ct"
done

ktap_finished
