# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh - KTAP output for integration scripts, after the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh (same names, same exit codes).
#
#   . "$KMODS/tests/lib/ktap.sh"
#   ktap_print_header
#   ktap_set_plan 2
#   ktap_test_result "reads its own log" test "$a" = "$b"
#   ktap_test_skip "needs IPv6"
#   ktap_finished

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KTAP_TESTNO=1
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0

ktap_print_header() {
	echo "KTAP version 1"
}

ktap_set_plan() {
	echo "1..$1"
}

ktap_print_msg() {
	echo "# $*"
}

ktap_test_pass() {
	echo "ok $KTAP_TESTNO $*"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_fail() {
	echo "not ok $KTAP_TESTNO $*"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_skip() {
	echo "ok $KTAP_TESTNO $* # SKIP"
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

# ktap_skip_all REASON: the whole script cannot run on this kernel (it lacks
# what the script needs): one skipped result saying why, and exit KSFT_SKIP.
# Call it before ktap_print_header.
ktap_skip_all() {
	ktap_print_header
	ktap_set_plan 1
	echo "ok 1 $(basename "$0" .sh) # SKIP $*"
	exit $KSFT_SKIP
}

# ktap_test_result DESCRIPTION CMD...: pass when CMD succeeds; its output
# becomes diagnostic lines.
ktap_test_result() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		ktap_test_pass "$desc"
	else
		[ -n "$out" ] && echo "$out" | sed 's/^/# /'
		ktap_test_fail "$desc"
	fi
}

# ktap_expect_errno DESCRIPTION ERRNO_TEXT CMD...: pass when CMD fails and
# its error message names ERRNO_TEXT (e.g. "Invalid argument").
ktap_expect_errno() {
	desc=$1 want=$2
	shift 2
	if out=$("$@" 2>&1); then
		echo "$out" | head -n 5 | sed 's/^/# /'
		echo "# succeeded, expected: $want"
		ktap_test_fail "$desc"
	elif echo "$out" | grep -q "$want"; then
		ktap_test_pass "$desc"
	else
		echo "$out" | sed 's/^/# /'
		echo "# expected: $want"
		ktap_test_fail "$desc"
	fi
}

# ktap_expect_splat_begin REASON / ktap_expect_splat_end: a kernel splat
# between the two is deliberate (the test checks what it did), so the harness
# does not count it against the run. The markers go through /dev/kmsg, so the
# console log has them in order with the kernel's own messages.
ktap_expect_splat_begin() {
	echo "kmods: expect-splat begin $*" >/dev/kmsg
}

# ktap_expect_splat_only REGEX REASON: the same, but only splat lines that
# also match REGEX (an extended regex without spaces) are excused.
ktap_expect_splat_only() {
	regex=$1
	shift
	echo "kmods: expect-splat begin only=$regex $*" >/dev/kmsg
}

ktap_expect_splat_end() {
	echo "kmods: expect-splat end" >/dev/kmsg
}

ktap_finished() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL skip:$KTAP_CNT_SKIP"
	[ "$KTAP_CNT_FAIL" -eq 0 ] || exit "$KSFT_FAIL"
	exit "$KSFT_PASS"
}
