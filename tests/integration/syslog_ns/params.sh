#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syslog_ns' module parameters, each tried by reloading the module: bad values
# refused at insmod, the per-owner limit, automatic creation, mirroring into
# the host's log and capturing printk() of a namespace's tasks. The module is
# left loaded with its defaults.

. "$KMODS/tests/lib/ktap.sh"
. "$KMODS/tests/lib/syslog_ns.sh"

KO=$KMODS_MODULES_DIR/production/syslog_ns.ko

ktap_print_header
ktap_set_plan 14

ktap_expect_errno "default_size=1 is refused" "Invalid argument" sns_reload default_size=1
ktap_test_result "... with a message naming it" sh -c "dmesg | tail -n 5 | grep -q 'default_size=1 is outside'"
ktap_expect_errno "max_per_owner=0 is refused" "Invalid argument" insmod "$KO" max_per_owner=0
ktap_test_result "max_per_owner=2 loads" insmod "$KO" max_per_owner=2

sns_ct_start a && sns_ct_start b && sns_ct_start c
ktap_test_result "the owner's first log" sns_ct a syslog-ns-ctl --create
ktap_test_result "the owner's second log" sns_ct b syslog-ns-ctl --create
ktap_expect_errno "a third for the same owner is EDQUOT" "EDQUOT" sns_ct c syslog-ns-ctl --create
sns_ct_stop a
sns_ct_stop b
sns_ct_stop c

ktap_test_result "auto_create=1 and mirror=1 load" sns_reload auto_create=1 mirror=1 default_size=8192
sns_ct_start a
ktap_test_result "auto_create: a container's first open gives it a log" sns_shown a 'log created, 8192 bytes'
sns_ct a sh -c "echo '<6>mirror me' >/dev/kmsg"
id=$(sns_ct_id a)
ktap_test_result "mirror: the host's log has it, with its provenance" \
	sh -c "dmesg | grep -q 'syslog_ns\[$id\]: mirror me'"
sns_ct a syslog-ns-ctl -n 3
sns_ct a sh -c "echo '<6>not below the console level' >/dev/kmsg"
ktap_test_result "mirror: only records below the log's console level" \
	sh -c "! dmesg | grep -q 'not below the console level'"
sns_ct_stop a

ktap_test_result "capture_console=1 loads" sns_reload capture_console=1
sns_ct_start a
sns_ct a syslog-ns-ctl --create
# A task of the container that printk()s: through the host's /dev/kmsg,
# which this container (no mount namespace of its own) still sees.
$NSENTER --target "$(cat /tmp/sns-ct-a)" --user sh -c "echo '<4>printed by a task inside' >/dev/kmsg"
ktap_test_result "capture: the task's printk() is in its namespace's log" sns_shown a 'printed by a task inside'
sns_ct_stop a
ktap_test_result "defaults again" sns_reload

ktap_finished
