#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns under concurrency (tests/lib/stress.sh). First, containers are
# created and destroyed (50 over the long run, up to 5 alive at once; 6
# and 3 in make check) while, in each, a writer floods its /dev/kmsg, util-linux
# dmesg -w follows it and a LOG rule logs the pings a third process sends
# (each paced, so that 2 emulated CPUs can run them all at once);
# every log goes away with its container. Then rmmod/insmod in a loop: refused
# while a container's reader holds the module, clean once it is gone.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"
. "$KMODS/tests/lib/stress.sh"

KO=$KMODS_MODULES_DIR/production/syslog_ns.ko
if [ -n "${KMODS_STRESS:-}" ]; then
	CONTAINERS=50
	ALIVE=5
else
	CONTAINERS=6
	ALIVE=3
fi

# The container: its own log, a writer, a follower, a LOG rule and a pinger,
# until it is killed (its whole session).
cat >/tmp/sns-stress-ct <<'EOF'
mount --bind /dev/kmsg_ns /dev/kmsg && ip link set lo up || exit 1
syslog-ns-ctl --create && syslog-ns-ctl -n 1 || exit 1
nft -f - <<RULES || exit 1
table inet stress {
	chain out {
		type filter hook output priority 0;
		icmp type echo-request log prefix "stress-log: "
	}
}
RULES
touch "/tmp/sns-stress-$1.ready"
n=0
while :; do
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		echo "<6>stress $1 $n" >/dev/kmsg
		n=$((n + 1))
	done
	sleep 0.5
done &
/usr/bin/dmesg -w >/dev/null &
while :; do
	ping -c 1 -W 1 127.0.0.1 >/dev/null
	sleep 1
done &
wait
EOF

# start_ct I: container I in a session of its own, whose id (the session's
# leader) goes to /tmp/sns-stress-I.
start_ct() {
	rm -f "/tmp/sns-stress-$1.ready"
	setsid $UNSHARE --user --map-root-user --mount --net --propagation private \
		sh /tmp/sns-stress-ct "$1" >/dev/null 2>&1 &
	echo $! >"/tmp/sns-stress-$1"
	sns_wait_ready "/tmp/sns-stress-$1.ready" "container $1"
}

stop_ct() {
	kill -KILL "-$(cat "/tmp/sns-stress-$1")" 2>/dev/null
	rm -f "/tmp/sns-stress-$1" "/tmp/sns-stress-$1.ready"
}

# churn: CONTAINERS containers, ALIVE at most at once, each living about
# STRESS_SECONDS * ALIVE / CONTAINERS seconds.
churn() {
	life_ms=$((STRESS_SECONDS * 1000 * ALIVE / CONTAINERS))
	i=0
	records=0
	while [ $i -lt $CONTAINERS ]; do
		start_ct $i || return 1
		if [ $i -ge $ALIVE ]; then
			old=$((i - ALIVE))
			records=$((records + $(sns_logs | awk '{ n += $4 } END { print n + 0 }')))
			stop_ct $old
		fi
		usleep $((life_ms * 1000 / ALIVE))
		i=$((i + 1))
		stress_op
	done
	old=$((i - ALIVE))
	while [ $old -lt $i ]; do
		[ $old -ge 0 ] && stop_ct $old
		old=$((old + 1))
	done
	ktap_print_msg "logs held about $records records when their containers went"
}

# logs_gone: no container's log is left (the collector looks once a second).
logs_gone() {
	for _ in $(seq 100); do
		[ -z "$(sns_logs)" ] && return 0
		sleep 0.1
	done
	sns_logs | sed 's/^/# left: /'
	return 1
}

# reload_while_used: rmmod refused while a container's follower holds the
# module, then rmmod and insmod once it has gone; until the time is up.
reload_while_used() {
	while stress_running; do
		sns_ct_start r >/dev/null 2>&1 || return 1
		sns_ct r syslog-ns-ctl --create || { sns_ct_stop r; return 1; }
		sns_ct_bg r /dev/null /usr/bin/dmesg -w
		held=0
		for _ in $(seq 100); do
			[ "$(cat /sys/module/syslog_ns/refcnt)" -gt 0 ] && { held=1; break; }
			sleep 0.05
		done
		status=0
		[ $held = 1 ] || { echo "# dmesg -w did not open the log"; status=1; }
		[ $status = 0 ] && { stress_refused syslog_ns || status=1; }
		sns_ct_stop r
		kill "$SNS_BG" 2>/dev/null
		wait "$SNS_BG" 2>/dev/null
		[ $status = 0 ] || return 1
		sns_reload || return 1
		stress_op
	done
}

ktap_print_header
ktap_set_plan 3
modprobe nf_log_syslog

stress_restart
ktap_test_result "$CONTAINERS containers with writers, followers and LOG rules, created and destroyed" churn
stress_report "containers created and destroyed, $ALIVE at most at once"
ktap_test_result "every container's log went with it" logs_gone

stress_restart
ktap_test_result "rmmod is refused while a container reads, clean after" reload_while_used
stress_report "rmmod/insmod cycles with a container reading in between"
ktap_finished
