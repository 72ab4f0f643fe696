# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the syslog_ns tests, demo and benchmarks: containers made of a
# user, a mount and a network namespace, each with /dev/kmsg_ns bind-mounted
# over its /dev/kmsg, as an operator would set one up.

SNS_DEBUGFS=/sys/kernel/debug/syslog_ns

# sns_ct_start NAME: start container NAME (a sleeper holds its namespaces);
# its pid goes to /tmp/sns-ct-NAME.
sns_ct_start() {
	rm -f "/tmp/sns-ct-$1.ready"
	unshare --user --map-root-user --mount --net --propagation private \
		sh -c "mount --bind /dev/kmsg_ns /dev/kmsg && ip link set lo up &&
			touch /tmp/sns-ct-$1.ready && exec sleep 100000" &
	echo $! >"/tmp/sns-ct-$1"
	for _ in $(seq 50); do
		[ -e "/tmp/sns-ct-$1.ready" ] && return 0
		sleep 0.1
	done
	echo "# container $1 did not start"
	return 1
}

# sns_ct NAME CMD...: run CMD as root of container NAME.
sns_ct() {
	ct=$1
	shift
	nsenter --target "$(cat "/tmp/sns-ct-$ct")" --user --mount --net "$@"
}

# sns_ct_unpriv NAME CMD...: run CMD in container NAME without capabilities.
sns_ct_unpriv() {
	ct=$1
	shift
	sns_ct "$ct" setpriv --bounding-set=-all --inh-caps=-all "$@"
}

# sns_ct_stop NAME: end container NAME; its user namespace goes away.
sns_ct_stop() {
	pid=$(cat "/tmp/sns-ct-$1")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "/tmp/sns-ct-$1" "/tmp/sns-ct-$1.ready"
}

# sns_ct_id NAME: the id (ns_id) of container NAME's log, from its INFO ioctl.
sns_ct_id() {
	sns_ct "$1" syslog-ns-ctl --info | sed -n 's/^id=//p'
}

# sns_logs: the debugfs listing without its header.
sns_logs() {
	tail -n +2 "$SNS_DEBUGFS/logs"
}

# sns_wait_gone ID: wait (up to 5 s) for log ID to leave the listing; the
# collector looks once a second.
sns_wait_gone() {
	for _ in $(seq 50); do
		sns_logs | grep -q "^$1 " || return 0
		sleep 0.1
	done
	return 1
}
