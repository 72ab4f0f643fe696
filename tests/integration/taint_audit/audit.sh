#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit: the audit log and its trace event, driven as an operator would.
# The victim is tunnel4, an in-tree module the kernel's build signed with
# its own key (the test kernel's, or Debian's) (not nf_log_syslog: syslog_ns holds its logger
# slots while loaded).

. "$KMODS/tests/lib/ktap.sh"

report=/sys/kernel/debug/taint_audit/modules
event=/sys/kernel/tracing/events/taint_audit/taint_audit_module
trace=/sys/kernel/tracing/trace
victim=tunnel4
victim_ko=$(find "/lib/modules/$(uname -r)" -name "$victim.ko*" | head -n1)

ktap_print_header
ktap_set_plan 8

ktap_test_result "taint_audit itself loaded unsigned and out of tree (OE)" \
	grep -qx OE /sys/module/taint_audit/taint
ktap_test_result "its trace event exists although the module carries E" \
	test -d "$event"
ktap_test_result "the report starts with its header" \
	sh -c "head -n1 $report | grep -q '^# taint_audit records=[0-9]* dropped=0 kernel_taint='"

echo 1 >"$event/enable"
echo >"$trace"
insmod "$victim_ko"
rmmod "$victim"
echo 0 >"$event/enable"

ktap_test_result "a signed in-tree module is recorded as verified and untainted" \
	grep -q "event=load module=$victim taints=- signature=verified tracepoints=accepted" "$report"
ktap_test_result "the loading process is named" \
	grep -q "event=load module=$victim .* comm=insmod\$" "$report"
ktap_test_result "the unload is recorded" \
	grep -q "event=unload module=$victim .* comm=rmmod\$" "$report"
ktap_test_result "both reached the trace event" \
	sh -c "grep -q 'module=$victim event=load .*signature=verified' $trace &&
	       grep -q 'module=$victim event=unload' $trace"
ktap_expect_errno "the report refuses writes (EINVAL for root)" "Invalid argument" \
	sh -c "echo x >$report"

ktap_finished
