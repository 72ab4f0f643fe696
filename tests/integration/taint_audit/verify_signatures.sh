#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit: the module signing story end to end, with taint_probe, a module
# with one trace event. Loaded signed with the test kernel's key it carries O;
# unsigned or signed with an untrusted key, OE, and its tracepoints still work
# (the point of the Linux 3.15 change from F to E); force-loaded, FOE, and the
# kernel refuses its trace events; under module.sig_enforce=1 an unsigned
# module is refused. taint_audit must report each case as the kernel saw it.
#
# A forced load taints the kernel for good and turns lockdep off, and
# sig_enforce cannot be turned off again, so those cases come last.
# The name sorts last among taint_audit's scripts, and taint_audit is the last
# module: no script runs after it (Documentation/testing.rst).

. "$KMODS/tests/lib/ktap.sh"

report=/sys/kernel/debug/taint_audit/modules
tracing=/sys/kernel/tracing
ko=$KMODS_MODULES_DIR

# matches TEXT PATTERN: whether TEXT matches the grep PATTERN.
matches() {
	echo "$1" | grep -q -- "$2" || { echo "$1"; return 1; }
}

last_load() {
	grep 'event=load module=taint_probe ' "$report" | tail -n1
}

# fired: enable the event, fire it once, and look for it in the trace buffer.
fired() {
	echo >"$tracing/trace"
	echo 1 >"$tracing/events/taint_probe/enable" &&
		echo x >/sys/kernel/debug/taint_probe/fire &&
		echo 0 >"$tracing/events/taint_probe/enable" &&
		grep -q 'taint_probe_fired: count=1' "$tracing/trace"
}

# loads_with CASE FILE TAINT SIGNATURE: three results for a normal load.
loads_with() {
	case=$1 file=$2 taint=$3 signature=$4
	if ! out=$(insmod "$file" 2>&1); then
		echo "# $out"
		ktap_test_fail "$case: loads"
		ktap_test_skip "$case: audited"
		ktap_test_skip "$case: trace event fires"
		return
	fi
	ktap_test_result "$case: loads with taint $taint" \
		grep -qx "$taint" /sys/module/taint_probe/taint
	ktap_test_result "$case: audited as taints=$taint signature=$signature" \
		matches "$(last_load)" "taints=$taint signature=$signature tracepoints=accepted"
	ktap_test_result "$case: trace event fires" fired
	rmmod taint_probe
}

ktap_print_header
ktap_set_plan 17

# A distribution kernel's signing key is not at hand (sign-modules.sh makes
# no signed/ copies then): those cases are skipped, saying so.
no_key="the kernel's signing key is not at hand (a distribution kernel)"
if [ -f "$ko/signed/taint_probe.ko" ]; then
	loads_with "signed with the kernel's key" "$ko/signed/taint_probe.ko" O verified
else
	ktap_test_skip "signed with the kernel's key: loads: $no_key"
	ktap_test_skip "signed with the kernel's key: audited: $no_key"
	ktap_test_skip "signed with the kernel's key: trace event fires: $no_key"
fi
loads_with "unsigned" "$ko/taint_probe.ko" OE none
loads_with "signed with an untrusted key" "$ko/other-key/taint_probe.ko" OE none

# Forced: busybox insmod has no -f; kmod's does (it picks its personality
# from the name it is called by).
ln -sf /usr/bin/kmod /tmp/insmod
ktap_expect_errno "altered version magic: refused without force" "format" \
	insmod "$ko/bad-vermagic/taint_probe.ko"
if out=$(/tmp/insmod -f "$ko/bad-vermagic/taint_probe.ko" 2>&1); then
	ktap_test_result "forced: loads with taint FOE" \
		grep -qx FOE /sys/module/taint_probe/taint
	ktap_test_result "forced: audited as tracepoints=refused" \
		matches "$(last_load)" "taints=FOE signature=none tracepoints=refused"
	ktap_test_result "forced: the kernel created no trace events for it" \
		test ! -e "$tracing/events/taint_probe"
	ktap_test_result "forced: the kernel said why" \
		matches "$(dmesg)" "taint_probe: module has bad taint, not creating trace events"
	rmmod taint_probe
else
	echo "# $out"
	ktap_test_fail "forced: loads with taint FOE"
	ktap_test_skip "forced: audited"
	ktap_test_skip "forced: no trace events"
	ktap_test_skip "forced: the kernel said why"
fi

echo 1 >/sys/module/module/parameters/sig_enforce
records=$(grep -c 'module=taint_probe ' "$report")
ktap_expect_errno "sig_enforce=1: an unsigned module is refused" "Key was rejected" \
	insmod "$ko/taint_probe.ko"
ktap_test_result "sig_enforce=1: the refused load left no audit record" \
	test "$(grep -c 'module=taint_probe ' "$report")" -eq "$records"
if [ -f "$ko/signed/taint_probe.ko" ]; then
	ktap_test_result "sig_enforce=1: the signed module still loads" \
		sh -c "insmod $ko/signed/taint_probe.ko && rmmod taint_probe"
else
	ktap_test_skip "sig_enforce=1: the signed module still loads: $no_key"
fi

ktap_finished
