#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns demo: two containers, each with /dev/kmsg_ns bind-mounted over
# its /dev/kmsg; each writes to its log and has an nft log rule hit, and the
# real dmesg in each shows its own log and nothing of the other's or of the
# host's.

. "$KMODS/tests/lib/syslog_ns.sh"

run() {
	echo "\$ $*"
	"$@"
}

echo 1 >/proc/sys/kernel/dmesg_restrict
sns_ct_start web
sns_ct_start db
for ct in web db; do
	echo "--- container $ct: create its log, add an nft log rule, log a line, ping"
	run sns_ct $ct syslog-ns-ctl --create
	run sns_ct $ct nft add table inet filter
	run sns_ct $ct nft add chain inet filter out '{ type filter hook output priority 0; }'
	run sns_ct $ct nft add rule inet filter out icmp type echo-request log prefix "\"$ct-ping: \""
	run sns_ct $ct sh -c "echo '<6>$ct: service started' >/dev/kmsg"
	sns_ct $ct ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
done
for ct in web db; do
	echo "--- dmesg inside container $ct (util-linux, on /dev/kmsg_ns)"
	sns_ct $ct dmesg
done
echo "--- the host's view"
run cat $SNS_DEBUGFS/logs
echo "\$ dmesg | grep -c -E '(web|db)(-ping)?:'   # the host's own log"
dmesg | grep -c -E '(web|db)(-ping)?:'
for ct in web db; do
	sns_ct $ct nft delete table inet filter
	sns_ct_stop $ct
done
echo 0 >/proc/sys/kernel/dmesg_restrict
