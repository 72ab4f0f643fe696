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
#   fault_require
#   ktap_print_header ...
#   fault_setup
#   fault_call "configfs mkdir of a watch" --undo "rmdir $dir" mkdir "$dir"
#   fault_insmod fs_events "$KMODS_MODULES_DIR/production/fs_events.ko"
#   fault_report fs_events
#   fault_restore

FAULT_ENTRY_POINTS=0
FAULT_POINTS=0

# fault_config IGNORE_GFP_WAIT VERBOSE MIN_ORDER: failslab's and
# fail_page_alloc's debugfs settings.
fault_config() {
	for attr in failslab fail_page_alloc; do
		echo "$1" >/sys/kernel/debug/$attr/ignore-gfp-wait
		echo "$2" >/sys/kernel/debug/$attr/verbose
	done
	echo "$3" >/sys/kernel/debug/fail_page_alloc/min-order
}

# fault_require: skip the whole script on a kernel without fault injection
# (a distribution's).
fault_require() {
	[ -d /sys/kernel/debug/failslab ] && [ -d /sys/kernel/debug/fail_page_alloc ] &&
		[ -e /proc/thread-self/fail-nth ] && return
	ktap_skip_all "this kernel has no fault injection" \
		"(CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)"
}

# fault_setup: let failslab and fail_page_alloc fail what fail-nth asks,
# sleeping allocations and single pages included, without a report per
# failure (each would be a stack dump on the console).
fault_setup() {
	fault_config N 0 0
}

# fault_restore: the kernel's defaults again.
fault_restore() {
	fault_config Y 2 1
}

# fault_range FUNCTION: "START END" of a kernel function, from
# /proc/kallsyms (its start and the next symbol's).
fault_range() {
	sort /proc/kallsyms | awk -v fn="$1" '
		found { print start, "0x" $1; exit }
		$3 == fn { start = "0x" $1; found = 1 }'
}

# fault_filter KIND FUNCTION: only allocations made under FUNCTION (KIND
# require) or none made under it (KIND reject) may fail, and only those
# count as points, until fault_unfilter. The stack trace filter looks 32
# frames up from each allocation.
fault_filter() {
	range=$(fault_range "$2")
	[ -n "$range" ] || { echo "# fault_filter: no $2 in /proc/kallsyms"; return 1; }
	for attr in failslab fail_page_alloc; do
		echo "${range#* }" >/sys/kernel/debug/$attr/$1-end
		echo "${range% *}" >/sys/kernel/debug/$attr/$1-start
	done
}

# fault_spare FUNCTION: fault_filter reject, for a kernel function whose own
# failure path is broken, so that a test can go on past it; each use says
# why.
fault_spare() {
	fault_filter reject "$1"
}

# fault_unfilter [KIND]: no filter of KIND (both kinds if none is given).
fault_unfilter() {
	for kind in ${1:-require reject}; do
		end=0
		[ "$kind" = require ] && end=0xffffffffffffffff
		for attr in failslab fail_page_alloc; do
			echo 0 >/sys/kernel/debug/$attr/$kind-start
			echo $end >/sys/kernel/debug/$attr/$kind-end
		done
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
# allocations made under do_one_initcall(), the module's own init and what
# it calls, fail (the loader's several hundred others are the kernel's); in
# make stress every one. FAULT_UNDER=FUNCTION narrows make check's to those
# made under FUNCTION (a kernel function the init calls). Where the kernel
# itself cannot allocate a trace event field of the module,
# event_define_fields() warns (once): that warning is the kernel's, not
# counted.
fault_insmod() {
	module=$1 ko=$2
	shift 2
	[ -n "$KMODS_STRESS" ] || fault_filter require "${FAULT_UNDER:-do_one_initcall}" || return 1
	ktap_expect_splat_only 'event_define_fields' \
		"$module: the kernel's event_define_fields() on an injected failure"
	fault_call "insmod $module${*:+ $*}${FAULT_UNDER:+ (under $FAULT_UNDER)}" \
		--check "! grep -q '^$module ' /proc/modules" --undo "rmmod $module" \
		insmod "$ko" "$@"
	ktap_expect_splat_end
	fault_unfilter require
}

# fault_report MODULE: the totals, as a KTAP diagnostic line.
fault_report() {
	ktap_print_msg "$1: $FAULT_ENTRY_POINTS entry point calls, $FAULT_POINTS failure points injected"
}
