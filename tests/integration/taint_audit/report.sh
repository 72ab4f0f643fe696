#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint-report, the userspace tool, against the live kernel and taint_audit.
# Runs after attribution.sh, so U and W are set and attributed.

. "$KMODS/tests/lib/ktap.sh"

matches() {
	echo "$1" | grep -q -- "$2" || { echo "$1"; return 1; }
}

# exits_with STATUS CMD...: CMD exits with STATUS.
exits_with() {
	want=$1
	shift
	"$@" >/tmp/out 2>&1
	got=$?
	[ "$got" -eq "$want" ] || { cat /tmp/out; echo "exit $got, expected $want"; return 1; }
}

ktap_print_header
ktap_set_plan 9

text=$(taint-report)
ktap_test_result "the text report names the taint letters" \
	matches "$text" "^The kernel is tainted: [A-Z]*U[A-Z]* ("
ktap_test_result "it explains a flag in plain words" \
	matches "$text" "U  USER: a user or user application asked for it."
ktap_test_result "it gives U's first cause from the audit" \
	matches "$text" "First cause: proc_taint[^,]*, in sh (pid [0-9]*)"
ktap_test_result "it lists taint_audit as an unsigned out-of-tree module" \
	matches "$text" "taint_audit *OE *signature: none (inferred), tracepoints: accepted"
ktap_test_result "--json carries the same facts" \
	matches "$(taint-report --json | tr -d ' \n')" '"audit_loaded":true'
letters=$(taint-report --json | sed -n 's/^ *"letters": "\(.*\)",$/\1/p')
ktap_test_result "--allow with every set letter ($letters) exits 0" \
	exits_with 0 taint-report --allow "$letters"
ktap_test_result "--allow OEN exits 1" \
	exits_with 1 taint-report --allow OEN
ktap_test_result "and names what is not allowed" \
	matches "$(taint-report --allow OEN)" "^Not allowed: U W.$"
ktap_test_result "--allow with a letter that is no taint flag exits 2" \
	exits_with 2 taint-report --allow OZ

ktap_finished
