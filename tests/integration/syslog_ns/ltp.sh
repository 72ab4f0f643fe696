#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# LTP's own tests of the kernel log, kmsg01 (/dev/kmsg), syslog11 and
# syslog12 (syslog(2)), when "make check LTP=dir" packed them: inside a
# container that has a log and no bind mount, where they run on its log, and
# on the host, where they run on the kernel's. LTP is not packaged in
# Debian, so without LTP= they are skipped; redirect.sh checks their cases
# with the project's own programs either way.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

LTP_DIR=/kmods/ltp
TESTS_LTP="kmsg01 syslog11 syslog12"

ktap_print_header
ktap_set_plan 6

if [ ! -d "$LTP_DIR" ]; then
	for t in $TESTS_LTP; do
		ktap_test_skip "LTP $t in a container with a log (no LTP=dir given)"
		ktap_test_skip "LTP $t on the host (no LTP=dir given)"
	done
	ktap_finished
fi

# ltp WHERE TEST: runs TEST (in the container, or on the host), its result
# lines in the log. It passes with no TFAIL, TBROK or TCONF (exit status
# bits 1, 2 and 32). TWARN (4) is allowed: in a container, LTP's library
# warns that it cannot lower its oom_score_adj, which takes CAP_SYS_RESOURCE
# in the initial user namespace.
ltp() {
	where=$1 t=$2
	if [ "$where" = host ]; then
		out=$(cd /tmp && "$LTP_DIR/$t" 2>&1)
	else
		out=$(in_ct sh -c "cd /tmp && $LTP_DIR/$t" 2>&1)
	fi
	rc=$?
	echo "$out" | grep -E 'TPASS|TFAIL|TBROK|TCONF|TWARN|passed|failed|broken|skipped|warnings' |
		sed 's/^/# /' | head -n 40
	[ $((rc & 35)) -eq 0 ]
}

# The container: a user namespace mapping host ids 0..65535 to themselves,
# so that syslog12 finds "nobody" (65534) mapped; its root has its
# capabilities only in the container.
sns_userns_start "0 0 65536"
ct=$SNS_USERNS
in_ct() {
	$NSENTER --target "$ct" --user -S 0 -G 0 "$@"
}

restrict=$(cat /proc/sys/kernel/dmesg_restrict)
echo 1 >/proc/sys/kernel/dmesg_restrict
in_ct syslog-ns-ctl --create >/dev/null
for t in $TESTS_LTP; do
	ktap_test_result "LTP $t in a container with a log" ltp ct "$t"
	ktap_test_result "LTP $t on the host" ltp host "$t"
done
kill "$ct"
wait "$ct" 2>/dev/null
echo "$restrict" >/proc/sys/kernel/dmesg_restrict
ktap_finished
