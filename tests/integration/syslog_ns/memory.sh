#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns and memory cgroups (v2): a log is charged to the memory cgroup of
# the task that creates it, uncharged when it goes, and a log larger than
# what the cgroup has left is refused with ENOMEM, without the cgroup's OOM
# killer and without touching what the container already logged. The module
# is reloaded with max_size=16777216 for the large logs, and left loaded with
# its defaults.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

# The container's sleeper lives in sns/ct; what the tests run in it, creating
# logs, in sns/op, which nothing else charges, so that its memory.current
# moves by what they leave behind.
CG=/sys/fs/cgroup
SNS_CG=$CG/sns
OP_CG=$SNS_CG/op
SIZE=4194304

# in_cg CMD...: CMD as a member of sns/op.
in_cg() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$OP_CG" "$@"
}

# ct_start: a container (user and mount namespaces) in sns/ct, its sleeper's
# pid in CT (started directly: $! of a function run in the background would
# be a subshell's).
ct_start() {
	rm -f /tmp/sns-mem.ready
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$SNS_CG/ct" \
		$UNSHARE --user --map-root-user --mount sh -c \
		'mount --bind /dev/kmsg_ns /dev/kmsg; touch /tmp/sns-mem.ready; exec sleep 100000' &
	CT=$!
	for _ in $(seq 50); do
		[ -e /tmp/sns-mem.ready ] && return 0
		sleep 0.1
	done
	return 1
}

ct_stop() {
	kill "$CT"
	wait "$CT" 2>/dev/null
}

# in_ct CMD...: CMD as the container's root, charged to sns/op.
in_ct() {
	in_cg $NSENTER --target "$CT" --user --mount "$@"
}

current() {
	cat "$OP_CG/memory.current"
}

# settle: wait for freed objects (RCU) to be uncharged.
settle() {
	sleep 1
}

ktap_print_header
ktap_set_plan 12

mkdir -p $CG
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +memory >$CG/cgroup.subtree_control
mkdir -p $SNS_CG
echo +memory >$SNS_CG/cgroup.subtree_control
mkdir -p "$SNS_CG/ct" "$OP_CG"
ktap_test_result "memory cgroups for the containers" test -e "$OP_CG/memory.max"
ktap_test_result "syslog_ns with max_size=16777216" sns_reload max_size=16777216

# Charged to the creator's cgroup, and uncharged when the log goes.
ct_start
settle
base=$(current)
in_ct syslog-ns-ctl --create --size $SIZE >/dev/null
settle
grown=$(($(current) - base))
echo "# memory.current grew by $grown bytes for a log of $SIZE bytes (ring and descriptors: $((SIZE * 3 / 2)))"
# Within 512 KiB: the tools' own kernel objects (freed after an RCU grace
# period, their slab pages) move the count a little.
ktap_test_result "creating a log charges its ring and descriptors to the creator's cgroup" \
	test "$grown" -ge $((SIZE * 3 / 2 - 524288)) -a "$grown" -le $((SIZE * 3 / 2 + 524288))
id=$(in_ct syslog-ns-ctl --info | sed -n 's/^id=//p')
ct_stop
sns_wait_gone "$id"
settle
left=$(($(current) - base))
echo "# after the log went: $left bytes more than before it"
ktap_test_result "the log's memory is uncharged when it goes" test "$left" -le 524288

# Refused over the cgroup's limit; nothing else harmed.
ct_start
in_ct syslog-ns-ctl --create --size 65536 >/dev/null
in_ct sh -c "echo '<5>kept through the refusal' >/dev/kmsg"
before=$(in_ct syslog-ns-ctl --info | sed -n 's/^next_seq=//p')
settle
# Room for the tools and a small log, not for a 16 MiB one (24 MiB).
echo $(($(current) + 8388608)) >"$OP_CG/memory.max"
oom_before=$(sed -n 's/^oom_kill //p' "$OP_CG/memory.events")
nested_create() {
	in_ct $UNSHARE --user --map-root-user syslog-ns-ctl --create --size "$1" 2>&1
}
refused=$(nested_create 16777216)
echo "# $refused"
ktap_test_result "a nested log larger than the cgroup has left is ENOMEM" \
	sh -c 'echo "$0" | grep -q ENOMEM' "$refused"
ktap_test_result "... without the cgroup's OOM killer" \
	test "$(sed -n 's/^oom_kill //p' "$OP_CG/memory.events")" = "$oom_before"
ktap_test_result "... the container's tasks live on" kill -0 "$CT"
ktap_test_result "... its log keeps every record" \
	test "$(in_ct syslog-ns-ctl --info | sed -n 's/^next_seq=//p')" = "$before"
ktap_test_result "... which its dmesg shows" sh -c "$NSENTER --target $CT --user --mount $DMESG | grep -q 'kept through the refusal'"
ktap_test_result "a log within the limit still fits" nested_create 65536
echo max >"$OP_CG/memory.max"
ct_stop

# The host uid's quota counts the whole chain: 16 is max_per_owner.
ktap_test_result "the container's logs went with it" sh -c "sleep 2; ! tail -n +2 $SNS_DEBUGFS/logs | grep -q ."
ktap_test_result "syslog_ns back to its defaults" sns_reload
rmdir "$SNS_CG/ct" "$OP_CG" "$SNS_CG" 2>/dev/null

ktap_finished
