# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the syslog_ns tests, demo and benchmarks: containers made of a
# user, a mount and a network namespace, each with /dev/kmsg_ns bind-mounted
# over its /dev/kmsg, as an operator would set one up.

SNS_DEBUGFS=/sys/kernel/debug/syslog_ns

CTR_PREFIX=/tmp/sns-ct-
. "$KMODS/tests/lib/containers.sh"
DMESG=/usr/bin/dmesg

# sns_ct_start NAME: start container NAME (tests/lib/containers.sh) with
# /dev/kmsg_ns over its /dev/kmsg; its pid goes to /tmp/sns-ct-NAME.
sns_ct_start() {
	ctr_start "$1" "mount --bind /dev/kmsg_ns /dev/kmsg"
}

# sns_ct_start_plain NAME: as sns_ct_start, without the bind mount: the
# container's /dev/kmsg, /proc/kmsg and syslog(2) are the kernel's own, which
# the module redirects once the container has a log.
sns_ct_start_plain() {
	ctr_start "$1"
}

# sns_userns_start MAP: a user namespace only, held by a sleeper, whose uid
# and gid maps are MAP ("first-inside first-outside count"), written by the
# host's root; the sleeper's pid goes to SNS_USERNS.
sns_userns_start() {
	$UNSHARE --user sleep 100000 &
	SNS_USERNS=$!
	for _ in $(seq 50); do
		[ "$(readlink /proc/$SNS_USERNS/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
		sleep 0.1
	done
	echo "$1" >/proc/$SNS_USERNS/uid_map
	echo "$1" >/proc/$SNS_USERNS/gid_map
}

# sns_wait_ready FILE WHAT: wait (up to 10 s) for FILE, which WHAT creates
# once it has started.
sns_wait_ready() {
	ctr_wait_ready "$@"
}

# sns_ct NAME CMD...: run CMD as root of container NAME.
sns_ct() {
	ctr_run "$@"
}

# sns_ct_bg NAME OUT CMD...: run CMD in container NAME in the background,
# output to OUT; SNS_BG is its pid.
sns_ct_bg() {
	ctr_bg "$@"
	SNS_BG=$CTR_BG
}

# sns_refs: how many references hold the syslog_ns module.
sns_refs() {
	cat /sys/module/syslog_ns/refcnt
}

# sns_wait_refs N: wait, 10 s at most, until N references hold syslog_ns. A
# reader started in the background holds the module once it has opened its
# log or entered its wait, which no fixed sleep promises under load.
sns_wait_refs() {
	i=0
	while [ "$(sns_refs)" -lt "$1" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(sns_refs)" -ge "$1" ] ||
		echo "# syslog_ns: $(sns_refs) references after 10 s, $1 expected"
}

# sns_shown NAME PATTERN [DMESG_ARGS...]: util-linux dmesg in container NAME
# shows a line matching PATTERN (extended regex); what it showed otherwise.
sns_shown() {
	ct=$1 pattern=$2
	shift 2
	out=$(sns_ct "$ct" dmesg "$@" 2>&1)
	echo "$out" | grep -q -E "$pattern" && return 0
	echo "$out" | tail -n 8 | sed 's/^/# dmesg: /'
	return 1
}

# sns_hidden NAME PATTERN [DMESG_ARGS...]: it shows no such line.
sns_hidden() {
	ct=$1 pattern=$2
	shift 2
	out=$(sns_ct "$ct" dmesg "$@" 2>&1)
	echo "$out" | grep -q -E "$pattern" || return 0
	echo "$out" | grep -E "$pattern" | head -n 3 | sed 's/^/# dmesg: /'
	return 1
}

# sns_ct_unpriv NAME CMD...: run CMD in container NAME without capabilities.
sns_ct_unpriv() {
	ctr_unpriv "$@"
}

# sns_ct_stop NAME: end container NAME; its user namespace goes away.
sns_ct_stop() {
	ctr_stop "$1"
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

# sns_reload [PARAM=VALUE...]: syslog_ns again, with these parameters, as
# the production build (its KUnit suites ran at the first load). Files and
# network namespaces of ended containers may hold it for a moment.
sns_reload() {
	for _ in $(seq 50); do
		rmmod syslog_ns 2>/dev/null && break
		sleep 0.1
	done
	insmod "$KMODS_MODULES_DIR/production/syslog_ns.ko" "$@"
}

# The benchmarks' probe: /sys/kernel/debug/syslog_ns_probe/bench.
SNS_BENCH=/sys/kernel/debug/syslog_ns_probe/bench

# sns_now_us: CLOCK_REALTIME in microseconds (busybox date has no %N).
sns_now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}

# sns_field NAME RESULT: the value of NAME=... in a probe bench result line.
sns_field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
