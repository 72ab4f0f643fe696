#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fs_events in containers: two containers (own user, mount and network
# namespaces; tests/lib/containers.sh) and the host each create a watch on a
# tmpfs of their own mount namespace and run fs-events-monitor in their own
# network namespace. Each sees its own watch's events and dump and nothing of
# the others'; in configfs a container can neither read nor change the
# others' watches (EACCES), a container task without CAP_SYS_ADMIN can read
# but not change or create its container's (EPERM), an unprivileged host user
# gets configfs's own answers (EACCES: attributes are 0660, the directory
# 0755), the host's root manages every watch. Then the per-owner quota (EDQUOT) and the load-time checks of
# the parameters.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fs_events.sh"
. "$KMODS/tests/lib/containers.sh"

KO=$KMODS_MODULES_DIR/production/fs_events.ko
AS_USER="/usr/bin/setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all --bounding-set=-all"
T=/tmp/fsc

ktap_print_header
ktap_set_plan 39

# Each container mounts a 1 MiB tmpfs at the same path, $T/ct: one name,
# three filesystems. B also has $T/bonly, a mount only its namespace has.
mkdir -p $T/ct $T/bonly
fse_tmpfs $T/host size=1M
# The helpers that start background processes run outside ktap_test_result,
# whose $(...) would wait for them; the results are checked after.
ctr_start a "mount -t tmpfs -o size=1M tmpfs $T/ct"
ktap_test_result "container a started" test -e "${CTR_PREFIX}a.ready"
ctr_start b "mount -t tmpfs -o size=1M tmpfs $T/ct && mount -t tmpfs -o size=1M tmpfs $T/bonly"
ktap_test_result "container b started" test -e "${CTR_PREFIX}b.ready"

# monitor WHERE: fs-events-monitor in container WHERE (or on the host for
# "host"), JSON lines into $T-WHERE.log; its pid goes to MON_WHERE.
monitor() {
	rm -f "$T-$1.ready"
	if [ "$1" = host ]; then
		fs-events-monitor --json --ready-file "$T-$1.ready" >"$T-$1.log" 2>&1 &
		pid=$!
	else
		ctr_bg "$1" "$T-$1.log" fs-events-monitor --json --ready-file "$T-$1.ready"
		pid=$CTR_BG
	fi
	eval "MON_$1=$pid"
	ctr_wait_ready "$T-$1.ready" "the monitor of $1"
}
monitor a && monitor b && monitor host
ktap_test_result "monitors subscribed in a, b and the host" \
	test -e $T-a.ready -a -e $T-b.ready -a -e $T-host.ready

# watch WHERE NAME: the watch NAME on WHERE's tmpfs, from WHERE.
watch() {
	if [ "$2" = h ]; then
		fse_watch h $T/host space_lower=50% interval_ms=50
	else
		ctr_run "$1" sh -c ". $KMODS/tests/lib/fs_events.sh &&
			fse_watch $2 $T/ct space_lower=50% interval_ms=50"
	fi
}
ktap_test_result "container a's root creates watch a on its tmpfs" watch a a
ktap_test_result "container b's root creates watch b on its tmpfs, same path" watch b b
ktap_test_result "the host creates watch h" watch host h
ktap_test_result "a and b watch different filesystems" \
	sh -c "[ \"\$(sed 's/.* dev=\([^ ]*\).*/\1/' $FSE_CONFIG/a/state)\" != \
		\"\$(sed 's/.* dev=\([^ ]*\).*/\1/' $FSE_CONFIG/b/state)\" ]"

# fill WHERE: fill WHERE's tmpfs past the threshold.
fill() {
	if [ "$1" = host ]; then
		dd if=/dev/zero of=$T/host/fill bs=64k count=12 2>/dev/null
	else
		ctr_run "$1" dd if=/dev/zero of=$T/ct/fill bs=64k count=12 2>/dev/null
	fi
}
fill a
ktap_test_result "a's monitor sees a's space-low" fse_wait $T-a.log space-low 1 a
fill b
ktap_test_result "b's monitor sees b's space-low" fse_wait $T-b.log space-low 1 b
fill host
ktap_test_result "the host's monitor sees h's space-low" fse_wait $T-host.log space-low 1 h
sleep 0.3
# only WHERE NAME: WHERE's monitor printed events of watch NAME only.
only() {
	others=$(grep '"type"' "$T-$1.log" | grep -v "\"watch\":\"$2\"")
	[ -z "$others" ] || { echo "# $1 saw: $others"; return 1; }
}
ktap_test_result "a's monitor saw no event of b or h" only a a
ktap_test_result "b's monitor saw no event of a or h" only b b
ktap_test_result "the host's monitor saw no event of a or b" only host h

# dump WHERE NAME: WHERE's get-state dump lists NAME and nothing else.
dump() {
	if [ "$1" = host ]; then
		fs-events-monitor --dump-only --json >$T-dump.log 2>&1
	else
		ctr_run "$1" fs-events-monitor --dump-only --json >$T-dump.log 2>&1
	fi
	grep "\"watch\":\"$2\"" $T-dump.log | grep -q '"space_low":true' &&
		[ "$(grep -c '"watch":' $T-dump.log)" -eq 1 ] ||
		{ sed 's/^/# /' $T-dump.log; return 1; }
}
ktap_test_result "a's dump lists a only" dump a a
ktap_test_result "b's dump lists b only" dump b b
ktap_test_result "the host's dump lists h only" dump host h

# ct_refused WHERE ERRNO_TEXT CMD: CMD run in container WHERE fails with
# ERRNO_TEXT.
ct_refused() {
	where=$1 text=$2
	shift 2
	if out=$(ctr_run "$where" sh -c "$*" 2>&1); then
		echo "# accepted: $out"
		return 1
	fi
	echo "$out" | grep -q "$text" || { echo "# $out, expected $text"; return 1; }
}
ktap_test_result "a reading b's path: EACCES" ct_refused a "Permission denied" "cat $FSE_CONFIG/b/path"
ktap_test_result "a reading b's state: EACCES" ct_refused a "Permission denied" "cat $FSE_CONFIG/b/state"
ktap_test_result "a reading the host's watch: EACCES" ct_refused a "Permission denied" "cat $FSE_CONFIG/h/path"
ktap_test_result "a writing b's interval_ms: EACCES" ct_refused a "Permission denied" "echo 100 >$FSE_CONFIG/b/interval_ms"
ktap_test_result "a writing b's path: EACCES" ct_refused a "Permission denied" "echo $T/ct >$FSE_CONFIG/b/path"
ktap_test_result "b's watch unchanged" sh -c "[ \$(cat $FSE_CONFIG/b/interval_ms) = 50 ] && grep -q armed=1 $FSE_CONFIG/b/state"
ktap_test_result "a reads and changes its own watch" \
	ctr_run a sh -c "grep -q armed=1 $FSE_CONFIG/a/state && echo 60 >$FSE_CONFIG/a/interval_ms"
ktap_test_result "a mount only b's namespace has is no mount for a: EINVAL" \
	ct_refused a "Invalid argument" "echo $T/bonly >$FSE_CONFIG/a/path"

# A task of container a without capabilities.
ktap_test_result "a without CAP_SYS_ADMIN reads a's watch" \
	ctr_unpriv a cat $FSE_CONFIG/a/path
ktap_test_result "a without CAP_SYS_ADMIN writing a's interval_ms: EPERM" \
	ct_refused a "Operation not permitted" \
	"/usr/bin/setpriv --bounding-set=-all --inh-caps=-all sh -c 'echo 100 >$FSE_CONFIG/a/interval_ms'"
ktap_test_result "a without CAP_SYS_ADMIN creating a watch: EPERM" \
	ct_refused a "Operation not permitted" \
	"/usr/bin/setpriv --bounding-set=-all --inh-caps=-all mkdir $FSE_CONFIG/a2"

# An unprivileged user of the host: configfs's modes decide, as ever.
ktap_expect_errno "host user reading the host's watch: EACCES (configfs's mode, 0660)" \
	"Permission denied" $AS_USER cat $FSE_CONFIG/h/path
ktap_expect_errno "host user creating a watch: EACCES (configfs's mode)" "Permission denied" \
	$AS_USER mkdir $FSE_CONFIG/u
ktap_expect_errno "host user writing h: EACCES (configfs's mode)" "Permission denied" \
	$AS_USER sh -c "echo 100 >$FSE_CONFIG/h/interval_ms"

# The host's root manages every watch.
ktap_test_result "host root reads a's and b's watches" \
	sh -c "cat $FSE_CONFIG/a/path $FSE_CONFIG/b/state >/dev/null"
ktap_test_result "host root changes a's watch" sh -c "echo 70 >$FSE_CONFIG/a/interval_ms"

kill "$MON_a" "$MON_b" "$MON_host" 2>/dev/null
wait "$MON_a" "$MON_b" "$MON_host" 2>/dev/null
ctr_run a rmdir $FSE_CONFIG/a
ctr_run b rmdir $FSE_CONFIG/b
rmdir $FSE_CONFIG/h
ktap_test_result "every watch removed" grep -q "watches=0" $FSE_CONFIG/stats

# The quota: both containers' user namespaces belong to the host's uid 0,
# which max_per_owner=2 allows two watches in all; the host's own watches
# count only against max_watches.
reload() {
	for _ in $(seq 50); do
		[ -d /sys/module/fs_events ] || break
		rmmod fs_events 2>/dev/null && break
		sleep 0.1
	done
	insmod "$KO" "$@"
}
ktap_expect_errno "max_watches=0 is refused at load" "Invalid argument" reload max_watches=0
ktap_expect_errno "max_per_owner above max_watches is refused at load" "Invalid argument" \
	reload max_watches=8 max_per_owner=9
ktap_test_result "loaded with max_watches=4 max_per_owner=2" reload max_watches=4 max_per_owner=2
quota() {
	ctr_run a mkdir $FSE_CONFIG/q1 && ctr_run b mkdir $FSE_CONFIG/q2 || return 1
	ctr_run a mkdir $FSE_CONFIG/q3 2>$T-err && { echo "# a third watch accepted"; return 1; }
	grep -q "Disk quota exceeded" $T-err || { sed 's/^/# /' $T-err; return 1; }
}
ktap_test_result "two containers of one host uid: the third watch is EDQUOT" quota
total() {
	mkdir $FSE_CONFIG/h1 && mkdir $FSE_CONFIG/h2 || return 1
	mkdir $FSE_CONFIG/h3 2>$T-err && { echo "# a fifth watch accepted"; return 1; }
	grep -q "No space left" $T-err || { sed 's/^/# /' $T-err; return 1; }
}
ktap_test_result "the host adds two more, the fifth in all is ENOSPC" total
rmdir $FSE_CONFIG/q1 $FSE_CONFIG/q2 $FSE_CONFIG/h1 $FSE_CONFIG/h2
ktap_test_result "reloaded with the defaults" reload

ctr_stop a
ctr_stop b
umount $T/host
ktap_finished
