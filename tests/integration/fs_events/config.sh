#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events configfs: defaults, every bad value refused with its errno and the
# old value kept, the watch limit (max_watches, 4096), and a watch that never pins its mount.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fs_events.sh"

W=$FSE_CONFIG/cfg
mkdir -p /tmp/fse/notmount
fse_tmpfs /tmp/fse/cfg size=1M

# refused ATTR VALUE ERRNO_TEXT: the write fails and ATTR reads as before.
refused() {
	before=$(cat "$W/$1")
	if out=$(sh -c "echo '$2' >'$W/$1'" 2>&1); then
		echo "# $1=$2 accepted"
		return 1
	fi
	echo "$out" | grep -q "$3" || { echo "# $out, expected $3"; return 1; }
	after=$(cat "$W/$1")
	[ "$before" = "$after" ] || { echo "# $1 changed from $before to $after"; return 1; }
}

ktap_print_header
ktap_set_plan 33

ktap_test_result "mkdir creates a watch" mkdir "$W"
ktap_test_result "defaults: no path, interval 1000 ms, every class, thresholds off" \
	sh -c "[ -z \"\$(cat $W/path)\" ] && [ \$(cat $W/interval_ms) = 1000 ] &&
		[ \"\$(cat $W/events)\" = 'space inodes error readonly unmount report' ] &&
		[ \$(cat $W/space_lower) = 0 ] && [ \$(cat $W/inodes_upper) = 0 ]"
ktap_test_result "path: a mount point is accepted" sh -c "echo /tmp/fse/cfg >$W/path"
ktap_test_result "state: armed on tmpfs" grep -q "armed=1 .*fs_type=tmpfs" "$W/state"
ktap_test_result "path: a nonexistent path is ENOENT" refused path /tmp/fse/nothing "No such file"
ktap_test_result "path: a directory that is not a mount is EINVAL" refused path /tmp/fse/notmount "Invalid argument"
ktap_test_result "path: a relative path is EINVAL" refused path tmp/fse/cfg "Invalid argument"
ktap_test_result "state: still armed on the old path" grep -q "armed=1" "$W/state"
ktap_test_result "space_upper 20% accepted" sh -c "echo 20% >$W/space_upper"
ktap_test_result "space_lower 10% accepted" sh -c "echo 10% >$W/space_lower"
ktap_test_result "space_lower above space_upper is EINVAL" refused space_lower 30% "Invalid argument"
ktap_test_result "space_upper below space_lower is EINVAL" refused space_upper 5% "Invalid argument"
ktap_test_result "space_lower in blocks against an upper in percent is EINVAL" refused space_lower 100 "Invalid argument"
ktap_test_result "space_lower 101% is EINVAL" refused space_lower 101% "Invalid argument"
ktap_test_result "space_lower non-numeric is EINVAL" refused space_lower ten "Invalid argument"
ktap_test_result "space_lower negative is EINVAL" refused space_lower -1 "Invalid argument"
ktap_test_result "space_lower empty is EINVAL" refused space_lower "" "Invalid argument"
ktap_test_result "inodes_lower 2^64 is EINVAL" refused inodes_lower 18446744073709551616 "Invalid argument"
ktap_test_result "inodes thresholds in counts accepted" sh -c "echo 50 >$W/inodes_upper && echo 40 >$W/inodes_lower && [ \$(cat $W/inodes_lower) = 40 ]"
ktap_test_result "interval_ms 0 is EINVAL" refused interval_ms 0 "Invalid argument"
ktap_test_result "interval_ms 9 is EINVAL" refused interval_ms 9 "Invalid argument"
ktap_test_result "interval_ms 3600001 is EINVAL" refused interval_ms 3600001 "Invalid argument"
ktap_test_result "interval_ms 1s is EINVAL" refused interval_ms 1s "Invalid argument"
ktap_test_result "interval_ms 250 accepted" sh -c "echo 250 >$W/interval_ms && [ \$(cat $W/interval_ms) = 250 ]"
ktap_test_result "events: an unknown class is EINVAL" refused events "space bogus" "Invalid argument"
ktap_test_result "events: empty is EINVAL" refused events "" "Invalid argument"
ktap_test_result "events: a subset is kept in order" sh -c "echo 'error,space' >$W/events && [ \"\$(cat $W/events)\" = 'space error' ]"
ktap_test_result "state is not writable" sh -c "! echo x >$W/state 2>/dev/null"
ktap_test_result "the watch does not pin the mount: umount works" umount /tmp/fse/cfg
ktap_test_result "rmdir removes the watch" rmdir "$W"

# The default max_watches: 4096 directories made by one mkdir.
many() {
	awk -v d="$FSE_CONFIG" 'BEGIN { for (i = 0; i < 4096; i++) print d "/w" i }' |
		xargs mkdir || return 1
	grep -q "watches=4096" "$FSE_CONFIG/stats"
}
clean_many() {
	rmdir "$FSE_CONFIG"/w* || return 1
	grep -q "watches=0" "$FSE_CONFIG/stats"
}
ktap_test_result "4096 watches can exist (max_watches)" many
ktap_expect_errno "the 4097th is refused with ENOSPC" "No space left" mkdir "$FSE_CONFIG/w4096"
ktap_test_result "all removed" clean_many

ktap_finished
