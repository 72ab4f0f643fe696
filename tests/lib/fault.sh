# SPDX-License-Identifier: GPL-2.0
#
# fault.sh - systematic fault injection for the integration tests, after the
# kernel's Documentation/fault-injection/fault-injection.rst.
#
# fail-nth (samples/fail-nth) runs one call of an entry point with
# /proc/thread-self/fail-nth = 1, 2, 3, ... until the call completes: every
# allocation the call makes (slab and page) fails once. After each failure
# --check must succeed (the state is as before); after each success --undo
# puts it back. kmemleak's scan at the end of the run (tests/guest/init) finds
# what a failure path leaked, and the harness fails on any splat.
#
#   . "$KMODS/tests/lib/fault.sh"
#   fault_setup
#   fault_call "configfs mkdir of a watch" --undo "rmdir $dir" mkdir "$dir"
#   fault_insmod fs_events "$KMODS_MODULES_DIR/production/fs_events.ko"
#   fault_report fs_events
#   fault_restore

FAULT_ENTRY_POINTS=0
FAULT_POINTS=0

# fault_setup: let failslab and fail_page_alloc fail what fail-nth asks,
# sleeping allocations and single pages included, without a report per
# failure (each would be a stack dump on the console).
fault_setup() {
	for attr in failslab fail_page_alloc; do
		echo N >/sys/kernel/debug/$attr/ignore-gfp-wait
		echo 0 >/sys/kernel/debug/$attr/verbose
	done
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
}

# fault_restore: the kernel's defaults again.
fault_restore() {
	for attr in failslab fail_page_alloc; do
		echo Y >/sys/kernel/debug/$attr/ignore-gfp-wait
		echo 2 >/sys/kernel/debug/$attr/verbose
	done
	echo 1 >/sys/kernel/debug/fail_page_alloc/min-order
}

# fault_spare FUNCTION: no allocation made under FUNCTION (a kernel function
# in /proc/kallsyms) fails, until fault_spare_none. For a kernel function
# whose own failure path is broken, so that a test can go on past it; each
# use says why.
fault_spare() {
	range=$(sort /proc/kallsyms | awk -v fn="$1" '
		found { print start, "0x" $1; exit }
		$3 == fn { start = "0x" $1; found = 1 }')
	[ -n "$range" ] || { echo "# fault_spare: no $1 in /proc/kallsyms"; return 1; }
	for attr in failslab fail_page_alloc; do
		echo "${range#* }" >/sys/kernel/debug/$attr/reject-end
		echo "${range% *}" >/sys/kernel/debug/$attr/reject-start
	done
}

fault_spare_none() {
	for attr in failslab fail_page_alloc; do
		echo 0 >/sys/kernel/debug/$attr/reject-start
		echo 0 >/sys/kernel/debug/$attr/reject-end
	done
}

# fault_call DESCRIPTION FAIL_NTH_ARGS...: one KTAP result; passes when
# fail-nth does (every injected failure returned an allowed errno, the checks
# held, and the call then succeeded). Counts the call and its points. With
# FAULT_IN set, fail-nth runs under that command (nsenter into a container).
fault_call() {
	desc=$1
	shift
	if out=$($FAULT_IN /usr/bin/fail-nth "$@" 2>&1); then
		summary=$(echo "$out" | grep '^fail-nth: ')
		injected=$(echo "$summary" | sed -n 's/.* injected=\([0-9]*\).*/\1/p')
		FAULT_ENTRY_POINTS=$((FAULT_ENTRY_POINTS + 1))
		FAULT_POINTS=$((FAULT_POINTS + ${injected:-0}))
		ktap_test_pass "$desc (${summary#fail-nth: })"
	else
		echo "$out" | sed 's/^/# /'
		ktap_test_fail "$desc"
	fi
}

# fault_insmod MODULE KO [PARAM...]: fault_call for loading KO, MODULE not
# loaded before: a failed load leaves no trace of it. In make check only the
# last FAULT_INSMOD_LAST points are tried (the module's own init comes last;
# the loader's several hundred before it are the kernel's), all of them in
# make stress. Where the kernel itself cannot allocate a trace event field
# of the module, event_define_fields() warns (once): that warning is the
# kernel's, not counted.
FAULT_INSMOD_LAST=40
fault_insmod() {
	module=$1 ko=$2
	shift 2
	last="--last $FAULT_INSMOD_LAST"
	[ -n "$KMODS_STRESS" ] && last=
	ktap_expect_splat_only 'event_define_fields' \
		"$module: the kernel's event_define_fields() on an injected failure"
	fault_call "insmod $module" $last \
		--check "! grep -q '^$module ' /proc/modules" --undo "rmmod $module" \
		insmod "$ko" "$@"
	ktap_expect_splat_end
}

# fault_report MODULE: the totals, as a KTAP diagnostic line.
fault_report() {
	ktap_print_msg "$1: $FAULT_ENTRY_POINTS entry point calls, $FAULT_POINTS failure points injected"
}
