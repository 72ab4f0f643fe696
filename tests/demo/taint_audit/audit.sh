#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit demo: load a signed in-tree module and show what the audit saw.

report=/sys/kernel/debug/taint_audit/modules
event=/sys/kernel/tracing/events/taint_audit/taint_audit_module
victim_ko=$(find "/lib/modules/$(uname -r)" -name "nf_log_syslog.ko*" | head -n1)

echo "taint_audit is loaded; its own taint: $(cat /sys/module/taint_audit/taint)"
echo "kernel taint: $(cat /proc/sys/kernel/tainted)"
echo
echo "\$ insmod nf_log_syslog.ko && rmmod nf_log_syslog   (signed by the test kernel's key)"
echo 1 >"$event/enable"
insmod "$victim_ko" && rmmod nf_log_syslog
echo 0 >"$event/enable"
echo
echo "\$ cat $report"
cat "$report"
echo
echo "\$ grep taint_audit_module /sys/kernel/tracing/trace"
grep taint_audit_module /sys/kernel/tracing/trace
