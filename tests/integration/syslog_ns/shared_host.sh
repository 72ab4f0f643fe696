#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns on a shared host: each actor of the threat model in
# Documentation/syslog_ns.rst tries each operation. Whoever has no log of
# their own gets exactly what /dev/kmsg gives them (the same command on both
# devices, the same result); nobody reaches more than their own log; the
# logs of one host uid are limited together, however nested; what a bad case
# is refused leaves every stored record in place.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

USER_UID=4242

# AS_USER CMD...: CMD as host uid 4242, with no capabilities at all. (A
# command, not a function, so that "AS_USER ... &" gives $! of CMD itself.)
AS_USER="/usr/bin/setpriv --reuid=$USER_UID --regid=$USER_UID --clear-groups --inh-caps=-all --bounding-set=-all"
as_user() {
	$AS_USER "$@"
}

# AS_USERNS CMD...: CMD as root of a new user namespace of uid 4242 (an
# unprivileged user's `unshare -U -r`), with a mount namespace to bind the
# device in when it wants to.
AS_USERNS="$AS_USER $UNSHARE --user --map-root-user --mount"
as_userns() {
	$AS_USERNS "$@"
}

# outcome CMD...: "ok" or the error CMD printed, device paths removed, so
# that the same command on two devices can be compared.
outcome() {
	if out=$("$@" 2>&1); then
		echo ok
	else
		echo "$out" | sed 's#/dev/kmsg_ns#DEV#g; s#/dev/kmsg#DEV#g' | tail -n 1
	fi
}

# same_as_kmsg WHO CMD: CMD (a shell command with DEV for the device) run by
# WHO (a function) has the same outcome on /dev/kmsg_ns as on /dev/kmsg.
same_as_kmsg() {
	who=$1 cmd=$2
	want=$(outcome $who sh -c "$(echo "$cmd" | sed 's#DEV#/dev/kmsg#g')")
	got=$(outcome $who sh -c "$(echo "$cmd" | sed 's#DEV#/dev/kmsg_ns#g')")
	[ "$want" = "$got" ] && return 0
	echo "# /dev/kmsg: $want"
	echo "# /dev/kmsg_ns: $got"
	return 1
}

# host_has TEXT: the host's log has a line with TEXT.
host_has() {
	dmesg | grep -q -F "$1"
}

# records ID: the record count of log ID in the debugfs listing.
records() {
	sns_logs | awk -v id="$1" '$1 == id { print $4 }'
}

# ctl_errno WHO ERRNO ARGS...: syslog-ns-ctl ARGS run by WHO fails with ERRNO.
ctl_errno() {
	who=$1 want=$2
	shift 2
	if out=$($who syslog-ns-ctl "$@" 2>&1); then
		echo "# succeeded, expected $want"
		return 1
	fi
	echo "$out" | grep -q "$want" && return 0
	echo "# $out"
	return 1
}

ktap_print_header
ktap_set_plan 38

restrict=$(cat /proc/sys/kernel/dmesg_restrict)

# --- A host user without capabilities: exactly /dev/kmsg.
ktap_test_result "host user: a write is refused as /dev/kmsg refuses it" \
	same_as_kmsg as_user "echo '<0>spoofed by 4242' >DEV"
ktap_test_result "... and nothing reached the host's log" sh -c "! dmesg | grep -q 'spoofed by 4242'"
ktap_expect_errno "host user: the write is EACCES" "Permission denied" \
	as_user sh -c "echo '<0>spoofed by 4242' >/dev/kmsg_ns"
echo 1 >/proc/sys/kernel/dmesg_restrict
ktap_test_result "host user, dmesg_restrict=1: a read is refused as /dev/kmsg refuses it" \
	same_as_kmsg as_user "dd bs=4096 count=1 <DEV >/dev/null"
ktap_expect_errno "... with EPERM" "Operation not permitted" \
	as_user sh -c "dd bs=4096 count=1 </dev/kmsg_ns"
echo 0 >/proc/sys/kernel/dmesg_restrict
ktap_test_result "host user, dmesg_restrict=0: a read is allowed as /dev/kmsg allows it" \
	same_as_kmsg as_user "dd bs=4096 count=1 <DEV >/dev/null"
ktap_test_result "host user: a read-write open as /dev/kmsg" \
	same_as_kmsg as_user "exec 5<>DEV"
ktap_test_result "host user: CREATE for the initial namespace is EPERM" \
	ctl_errno as_user EPERM --create
for op in --clear "-n 3" --info; do
	# shellcheck disable=SC2086
	ktap_test_result "host user: $op on the host's log is ENOTTY, as on /dev/kmsg" \
		ctl_errno as_user ENOTTY $op
done
ktap_expect_errno "host user: debugfs listing is refused" "Permission denied" \
	as_user cat "$SNS_DEBUGFS/logs"

# --- Host root: still exactly /dev/kmsg, and CREATE has nothing to create.
ktap_test_result "host root: a write goes to the host's log" \
	sh -c "echo '<6>host root line' >/dev/kmsg_ns && dmesg | grep -q 'host root line'"
ktap_test_result "host root: CREATE is EEXIST (the host's log is the kernel's)" \
	ctl_errno "" EEXIST --create

# --- A container of uid 4242 without a log: the same as the host user.
ktap_test_result "container root without a log: a write is refused as /dev/kmsg refuses it" \
	same_as_kmsg as_userns "echo '<0>spoofed by a container' >DEV"
ktap_test_result "... and nothing reached the host's log" \
	sh -c "! dmesg | grep -q 'spoofed by a container'"
echo 1 >/proc/sys/kernel/dmesg_restrict
ktap_test_result "container root without a log, dmesg_restrict=1: a read as /dev/kmsg" \
	same_as_kmsg as_userns "dd bs=4096 count=1 <DEV >/dev/null"
echo 0 >/proc/sys/kernel/dmesg_restrict

# --- A container of uid 4242 with a log: its own log and nothing else.
# With dmesg_restrict=1, as documented: dmesg falls back to syslog(2), which
# is the host's log and, unrestricted, anybody's.
echo 1 >/proc/sys/kernel/dmesg_restrict
rm -f /tmp/sns-u.ready
$AS_USERNS sh -c "mount --bind /dev/kmsg_ns /dev/kmsg && syslog-ns-ctl --create --size 8192 &&
	touch /tmp/sns-u.ready && exec sleep 100000" &
ct_pid=$!
for _ in $(seq 50); do
	[ -e /tmp/sns-u.ready ] && break
	sleep 0.1
done
in_ct() {
	$NSENTER --target "$ct_pid" --user --mount "$@"
}
in_ct_nocaps() {
	in_ct setpriv --bounding-set=-all --inh-caps=-all "$@"
}
id=$(in_ct syslog-ns-ctl --info | sed -n 's/^id=//p')
ktap_test_result "an unprivileged user's container made its own log" test -n "$id"
ktap_test_result "... owned by host uid $USER_UID" \
	sh -c "tail -n +2 $SNS_DEBUGFS/logs | awk '\$1 == \"$id\" { exit \$2 != $USER_UID }'"
ktap_test_result "its root writes to its log" \
	in_ct sh -c "echo '<3>own line' >/dev/kmsg"
ct_shows() {
	in_ct $DMESG | grep -q "$1"
}
ktap_test_result "... which its dmesg shows" ct_shows 'own line'
ktap_test_result "... and the host's log does not" sh -c "! dmesg | grep -q 'own line'"
before=$(records "$id")
ktap_expect_errno "its root without CAP_SYSLOG cannot read (EPERM)" "Operation not permitted" \
	in_ct_nocaps $DMESG
ktap_test_result "its root without CAP_SYSLOG: clear is EPERM" \
	ctl_errno in_ct_nocaps EPERM --clear
ktap_test_result "its root without CAP_SYSLOG: console level is EPERM" \
	ctl_errno in_ct_nocaps EPERM -n 3
ktap_test_result "its root without CAP_SYSLOG: INFO is allowed" in_ct_nocaps syslog-ns-ctl --info
ktap_test_result "a second CREATE is EEXIST" ctl_errno in_ct EEXIST --create
ktap_test_result "a size over max_size is EINVAL" ctl_errno in_ct EINVAL --create --size 16777216
ktap_test_result "no refused operation stored or lost a record" test "$before" = "$(records "$id")"
kill "$ct_pid"
wait "$ct_pid" 2>/dev/null
sns_wait_gone "$id"

# --- A container user: a non-root uid inside a container with a log.
# The container maps two uids, 0 and 1, to host uids 200000 and 200001.
sns_userns_start "0 200000 2"
cu=$SNS_USERNS
cu_root() {
	$NSENTER --target "$cu" --user -S 0 -G 0 "$@"
}
cu_user() {
	$NSENTER --target "$cu" --user -S 1 -G 1 "$@"
}
cu_root syslog-ns-ctl --create --size 8192 >/dev/null
cu_id=$(cu_root syslog-ns-ctl --info | sed -n 's/^id=//p')
cu_before=$(records "$cu_id")
ktap_expect_errno "container user: a write to its container's log is EACCES" "Permission denied" \
	cu_user sh -c "echo '<6>from uid 1' >/dev/kmsg_ns"
ktap_expect_errno "container user: a read is EPERM" "Operation not permitted" \
	cu_user sh -c "dd bs=4096 count=1 </dev/kmsg_ns"
ktap_test_result "container user: clear is EPERM" ctl_errno cu_user EPERM --clear
ktap_test_result "container user: INFO is allowed" cu_user syslog-ns-ctl --info
ktap_test_result "... and nothing it tried changed the log" test "$cu_before" = "$(records "$cu_id")"
kill "$cu"
wait "$cu" 2>/dev/null

# --- An unprivileged user making logs until refused, nested: one quota.
# Each level is a new user namespace of the one above, all owned by uid
# 4242; each makes a log and goes one deeper, until CREATE is refused.
cat >/tmp/sns-nest.sh <<'EOF'
depth=$1
syslog-ns-ctl --create --size 4096 >/dev/null 2>/tmp/sns-nest.err || {
	echo "$depth" >/tmp/sns-nest.refused
	exit 0
}
[ "$depth" -ge 40 ] && exit 1
exec /usr/bin/unshare --user --map-root-user sh /tmp/sns-nest.sh $((depth + 1))
EOF
rm -f /tmp/sns-nest.refused
as_user $UNSHARE --user --map-root-user sh /tmp/sns-nest.sh 1
max=16 # max_per_owner's default
ktap_test_result "nested namespaces of one uid: refused at depth $((max + 1))" \
	sh -c "test \"\$(cat /tmp/sns-nest.refused 2>/dev/null)\" = $((max + 1))"
ktap_test_result "... with EDQUOT" grep -q EDQUOT /tmp/sns-nest.err
# Sibling namespaces of the same uid count against the same quota.
sleep 2
$AS_USERNS sh -c 'syslog-ns-ctl --create --size 4096 && exec sleep 100000' >/dev/null 2>&1 &
sib=$!
sleep 1
ktap_test_result "the chain's logs went with it; a sibling of the same uid gets one" \
	sh -c "tail -n +2 $SNS_DEBUGFS/logs | awk '\$2 == $USER_UID' | grep -q ."
kill "$sib"
wait "$sib" 2>/dev/null

# --- The host sees every log; nobody else can list them.
ktap_test_result "host root: the debugfs listing" test -r "$SNS_DEBUGFS/logs"

echo "$restrict" >/proc/sys/kernel/dmesg_restrict
ktap_finished
