#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Production builds (make) carry no KUnit suite: loading one runs no test and
# does not taint the kernel N (TEST), as a test build would. The guest's init
# runs this before any module is loaded, with every KUnit suite allowed to
# run, so a suite left in a production module would show here.

. "$KMODS/tests/lib/ktap.sh"

TAINT_TEST=17
kunit_dir=/sys/kernel/debug/kunit

# taint_test: 1 if the kernel is tainted N, else 0.
taint_test() {
	echo $(($(cat /proc/sys/kernel/tainted) >> TAINT_TEST & 1))
}

# layout_check (the bindings layout check) and kmods_common (the shared
# support's KUnit suites) are test modules, not products.
products=
for m in $KMODS_MODULES; do
	case $m in
	layout_check | kmods_common) ;;
	*) products="$products $m" ;;
	esac
done
set -- $products

ktap_print_header
ktap_set_plan $((1 + 3 * $#))
ktap_test_result "the kernel is not tainted N before any module loads" \
	test "$(taint_test)" -eq 0
for m; do
	ktap_test_result "production $m.ko loads" \
		insmod "$KMODS_MODULES_DIR/production/$m.ko"
	ktap_test_result "loading production $m.ko leaves the kernel untainted N" \
		test "$(taint_test)" -eq 0
	ktap_test_result "production $m.ko ran no KUnit suite" \
		test -z "$(ls $kunit_dir 2>/dev/null)"
	rmmod "$m"
done
ktap_finished
