#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# taint_audit demo: the module signing story. One module with a trace event
# (taint_probe) is loaded signed with the kernel's key, unsigned, signed with
# an untrusted key, and force-loaded; after each, its trace event is fired.
# Last, with signatures enforced, the unsigned one is refused. Then
# taint-report explains the result.

ko=$KMODS_MODULES_DIR
tracing=/sys/kernel/tracing

try() {
	label=$1
	shift
	echo "\$ $* ($label)"
	if "$@"; then
		printf '  /sys/module/taint_probe/taint: %s; ' "$(cat /sys/module/taint_probe/taint)"
		if [ -d "$tracing/events/taint_probe" ]; then
			echo 1 >"$tracing/events/taint_probe/enable"
			echo x >/sys/kernel/debug/taint_probe/fire
			echo 0 >"$tracing/events/taint_probe/enable"
			echo "trace event fired: $(grep -c taint_probe_fired "$tracing/trace")"
		else
			echo "no trace events: $(dmesg | grep -o 'taint_probe: module has bad taint.*' | tail -n1)"
		fi
		echo >"$tracing/trace"
		rmmod taint_probe
	fi
	echo
}

ln -sf /usr/bin/kmod /tmp/insmod
if [ -f "$ko/signed/taint_probe.ko" ]; then
	try "signed with the test kernel's key" insmod "$ko/signed/taint_probe.ko"
else
	echo "(no copy signed with the kernel's key: a distribution kernel's key is not at hand)"
	echo
fi
try "unsigned" insmod "$ko/taint_probe.ko"
try "signed with an untrusted key" insmod "$ko/other-key/taint_probe.ko"
try "altered version magic, forced" /tmp/insmod -f "$ko/bad-vermagic/taint_probe.ko"

echo 1 >/sys/module/module/parameters/sig_enforce
echo "\$ echo 1 >/sys/module/module/parameters/sig_enforce"
try "unsigned, signatures enforced" insmod "$ko/taint_probe.ko" 2>&1 | sed 's/^insmod: /  insmod: /'

echo "\$ taint-report"
taint-report
