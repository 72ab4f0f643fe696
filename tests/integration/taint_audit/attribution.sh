#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit: attribution of kernel-wide taint flags. Writing a mask to
# /proc/sys/kernel/tainted calls add_taint() for each bit (proc_taint()), so
# an operator's "echo 64" sets U, attributed to proc_taint() in the writing
# shell; a second write keeps the first cause. A real kernel warning
# (taint_probe's "warn" file) sets W, attributed to __warn(). Where the
# compiler inlined add_taint() into them the caller reads "proc_taint" or
# "__warn", otherwise "proc_taint+0x4b/0x90": both are accepted. GCC (Debian's
# kernel) moves __warn()'s body into "__warn.cold", which counts as __warn.

. "$KMODS/tests/lib/ktap.sh"

taints=/sys/kernel/debug/taint_audit/taints
event=/sys/kernel/tracing/events/taint_audit/taint_audit_taint
trace=/sys/kernel/tracing/trace
user=64 # TAINT_USER, letter U

matches() {
	echo "$1" | grep -q -- "$2" || { echo "$1"; return 1; }
}

# site FUNCTION: a caller field naming FUNCTION, with or without an offset.
site() {
	echo "caller=$1\(+0x[0-9a-f]*/0x[0-9a-f]*\)\?\( \[.*\]\)\?\$"
}

ktap_print_header
ktap_set_plan 9

ktap_test_result "flags set before the audit are reported as such" \
	matches "$(cat $taints)" "^flag=O bit=12 calls=[0-9]* origin=before_audit"
ktap_test_result "U is not set yet" \
	sh -c "! grep -q '^flag=U' $taints"

echo 1 >"$event/enable"
echo >"$trace"
echo $user >/proc/sys/kernel/tainted
echo 0 >"$event/enable"

line=$(grep '^flag=U ' $taints)
ktap_test_result "U is attributed to proc_taint() in the writing shell" \
	matches "$line" "^flag=U bit=6 calls=[0-9]* time_ns=[0-9]* pid=$$ comm=sh $(site proc_taint)"
ktap_test_result "the attribution reached the trace event" \
	matches "$(cat $trace)" "taint_audit_taint: flag=6 caller=proc_taint"

echo $user >/proc/sys/kernel/tainted
ktap_test_result "a second write keeps the first cause" \
	test "$(grep '^flag=U ' $taints | sed 's/.* time_ns=/time_ns=/')" = \
	"$(echo "$line" | sed 's/.* time_ns=/time_ns=/')"
ktap_test_result "the kernel-wide taint in the header includes U" \
	matches "$(head -n1 $taints)" "kernel_taint=[A-Z]*U"
insmod "$KMODS_MODULES_DIR/taint_probe.ko"
ktap_expect_splat_begin "taint_audit/attribution: a WARN on purpose, to set W"
echo x >/sys/kernel/debug/taint_probe/warn
ktap_expect_splat_end
rmmod taint_probe
ktap_test_result "a kernel warning's W is attributed to __warn() in the writing shell" \
	matches "$(grep '^flag=W ' $taints)" "^flag=W bit=9 calls=[0-9]* time_ns=[0-9]* pid=$$ comm=sh $(site '__warn\(\.cold\)\?')"
ktap_test_result "every probed call was seen (the header's probe_misses)" \
	matches "$(head -n1 $taints)" " probe_misses=0\$"

ktap_expect_errno "the taints file refuses writes (EINVAL for root)" "Invalid argument" \
	sh -c "echo x >$taints"

ktap_finished
