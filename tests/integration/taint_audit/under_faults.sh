#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit under systematic fault injection (tests/lib/fault.sh): every
# allocation of every entry point fails once, in turn: its load, the reads
# of its two debugfs files, and the two producers, a module load (the
# notifier records it: taint_probe's load) and a write to
# /proc/sys/kernel/tainted (the probes attribute it). A failed load of
# another module leaves no record of a load that did not happen.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/fault.sh"

KO=$KMODS_MODULES_DIR/production/taint_audit.ko
PROBE=$KMODS_MODULES_DIR/production/taint_probe.ko
DEBUGFS=/sys/kernel/debug/taint_audit

fault_require
ktap_print_header
ktap_set_plan 7
fault_setup

rmmod taint_audit
fault_insmod taint_audit "$KO"
insmod "$KO"
fault_call "read debugfs modules" read $DEBUGFS/modules
fault_call "read debugfs taints" read $DEBUGFS/taints
records=$(grep -c ' module=taint_probe ' $DEBUGFS/modules)
fault_insmod taint_probe "$PROBE"
ktap_test_result "each load of taint_probe that happened is recorded, with its unload" \
	sh -c "[ \$(grep ' event=load module=taint_probe ' $DEBUGFS/modules | wc -l) -eq \
		\$(grep ' event=unload module=taint_probe ' $DEBUGFS/modules | wc -l) ] &&
		[ \$(grep -c ' module=taint_probe ' $DEBUGFS/modules) -gt $records ]"
# U (64) is set by the attribution test already: the same write again.
fault_call "write /proc/sys/kernel/tainted" write /proc/sys/kernel/tainted 64
ktap_test_result "the attribution of U is intact" grep -q '^flag=U bit=6 ' $DEBUGFS/taints

fault_restore
fault_report taint_audit
ktap_finished
