#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# harness.sh MODE - boot the test kernel in QEMU with the project's modules and
# judge the run. MODE is check (tests), run (demos) or bench (benchmarks).
#
# Environment (set by the Makefile): KERNEL (test or debian), KDIR, KMODS_BUILD
# (where the modules were collected, under ko/), MODULE (modules to load),
# EXTRA_TESTS (a directory of KTAP scripts for the guest), TESTS (globs of
# module/script names: only those scripts run), STRESS=1 (the stress and
# fault-injection tests at full length), TIMEOUT (seconds
# before a silent guest counts as hung), GUEST_SHELL=1 (interactive shell at
# the end of a run), ACCEL (tcg or kvm; default: kvm only where a probe has
# shown that it boots this kernel).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=$1
: "${KDIR:?KDIR must name the kernel build tree}"
read -r -a modules <<<"${MODULE:?MODULE must list the modules}"
# The bindings layout check goes first: if it fails, nothing after it that
# reads kernel structures from Rust can be trusted. Then the KUnit suites of
# the support the modules share (rust/common/), whichever modules are tested.
[ "$mode" = check ] && modules=(layout_check kmods_common "${modules[@]}")
kernel=${KERNEL:-test}
build=${KMODS_BUILD:-$KMODS_ROOT/build}
logs="$KMODS_ROOT/build/logs"
mkdir -p "$logs"
stamp=$(date +%Y%m%d-%H%M%S)
[ "$kernel" = test ] || stamp="$kernel-$stamp"
console="$logs/$mode-$stamp.console.log"
results="$logs/$mode-$stamp.results.log"
initrd="$build/initramfs-$mode.cpio.gz"
case $kernel in
test) bzimage="$KDIR/arch/x86/boot/bzImage" ;;
debian) bzimage=$("$KMODS_ROOT/scripts/debian.sh" vmlinuz) ;;
*) die "unknown KERNEL '$kernel'" ;;
esac
[ -f "$bzimage" ] || die "$bzimage not found: the $kernel kernel is not built or fetched"

case $mode in
# On a 2-core machine of CI's kind whose kernel build took 32 min, a whole
# check of the test kernel was still in syslog_ns/stress, with taint_audit's
# scripts to come, when 1500 s cut it off.
check) timeout=${TIMEOUT:-2700} ;;
run)   timeout=${TIMEOUT:-1500} ;;
bench) timeout=${TIMEOUT:-1800} ;;
*) die "unknown mode '$mode'" ;;
esac

say "Packing the guest ($mode on the $kernel kernel: ${modules[*]})"
"$KMODS_ROOT/scripts/mkinitramfs.sh" "$initrd" "$KDIR" "$build/ko" "${EXTRA_TESTS:-}"

# qemu_cmd ACCEL CONSOLE_CHARDEV CMDLINE: the QEMU command line, console on
# ttyS0, the result port on ttyS1.
qemu_cmd() {
	local accel=$1 con=$2 cmdline=$3
	echo qemu-system-x86_64 -accel "$accel" -smp 2 -m 1024 \
		-nodefaults -display none -no-reboot \
		-kernel "$bzimage" -initrd "$initrd" -append "'$cmdline'" \
		-chardev "$con" -serial chardev:con \
		-chardev "file,id=results,path=$results" -serial chardev:results
}

# KVM hangs after "Booting from ROM" on some of these machines: use it only
# where a short boot with it has been seen to finish. The verdict is cached
# per host kernel and QEMU version.
pick_accel() {
	if [ -n "${ACCEL:-}" ]; then
		echo "$ACCEL"
		return
	fi
	[ -w /dev/kvm ] || { echo tcg; return; }
	local verdict="$KMODS_CACHE/kvm-probe-$(uname -r)-$(qemu-system-x86_64 --version | head -n1 | tr -cd '0-9.')"
	if [ ! -f "$verdict" ]; then
		info "probing KVM (once per machine)"
		local probe_log
		probe_log=$(mktemp)
		if timeout 30 qemu-system-x86_64 -accel kvm -smp 1 -m 512 -nodefaults \
			-display none -no-reboot -kernel "$bzimage" \
			-append "console=ttyS0 panic=-1 rdinit=/bin/false" \
			-serial "file:$probe_log" </dev/null >/dev/null 2>&1 &&
			grep -q 'Kernel panic' "$probe_log"; then
			echo kvm >"$verdict"
		else
			echo tcg >"$verdict"
		fi
		rm -f "$probe_log"
	fi
	cat "$verdict"
}

accel=$(pick_accel)
cmdline="console=ttyS0 panic=-1 oops=panic kmods.mode=$mode"
cmdline+=" kmods.modules=$(IFS=,; echo "${modules[*]}")"
[ -n "${SCRIPT_TIMEOUT:-}" ] && cmdline+=" kmods.timeout=$SCRIPT_TIMEOUT"
[ -n "${TESTS:-}" ] && cmdline+=" kmods.tests=$(echo $TESTS | tr ' ' ,)"
[ -n "${STRESS:-}" ] && cmdline+=" kmods.stress=1"
# The kernel's own built-in KUnit suites would taint it N at boot, before
# tests/production can show that a production module does not, and in the
# demos: none runs (in check, the guest's init lets every suite run again
# before it loads the test builds).
cmdline+=" kunit.filter_glob=kmods_no_builtin_suite"
[ "$mode" = check ] && [ "$kernel" = test ] && cmdline+=" kmemleak=on"

if [ "$mode" = run ] && [ -n "${GUEST_SHELL:-}" ] && [ -t 0 ]; then
	say "Booting ($accel); the guest shell follows the demos"
	eval "$(qemu_cmd "$accel" "stdio,id=con,mux=on,signal=off,logfile=$console" \
		"$cmdline kmods.shell=1") -mon chardev=con"
	timeout=0
fi

# boot_guest: run the guest until it powers off or $timeout passes. A guest
# whose /init has written nothing to the result port $boot_timeout s in hung
# in the kernel's own boot, before anything of the project's ran (seen once in
# ~25 boots of Debian's kernel under TCG, in its HPET set-up): that boot's
# console is kept beside the log and the guest boots once more.
boot_timeout=180
boot_guest() {
	local attempt pid
	for attempt in 1 2; do
		: >"$results"
		start=$SECONDS
		eval "exec timeout $timeout $(qemu_cmd "$accel" "file,id=con,path=$console" "$cmdline")" \
			</dev/null >"$logs/$mode-$stamp.qemu.log" 2>&1 &
		pid=$!
		while kill -0 "$pid" 2>/dev/null; do
			if [ "$attempt" -eq 1 ] && [ ! -s "$results" ] &&
				[ $((SECONDS - start)) -ge "$boot_timeout" ]; then
				kill "$pid"
				wait "$pid" || true
				mv "$console" "$console.hung-boot"
				info "no word from /init after $boot_timeout s: the kernel hung while booting" \
					"(console: $console.hung-boot); booting again"
				continue 2
			fi
			sleep 2
		done
		wait "$pid"
		return
	done
}

rc=0
if [ "$timeout" -ne 0 ]; then
	say "Booting the $kernel kernel ($accel, timeout ${timeout} s)"
	boot_guest || rc=$?
	info "guest ran for $((SECONDS - start)) s"
fi
timed_out=0
if [ "$rc" -eq 124 ]; then
	timed_out=$timeout
elif [ "$rc" -ne 0 ]; then
	cat "$logs/$mode-$stamp.qemu.log" >&2
fi

expect=()
if [ "$mode" = check ]; then
	for m in "${modules[@]}"; do
		dir="$KMODS_ROOT/rust/$m"
		[ -d "$dir" ] || dir="$KMODS_ROOT/tests/modules/$m"
		for s in $(grep -rhoE '#\[kunit_tests\(\w+\)\]' "$dir" |
			sed -E 's/.*\((\w+)\).*/\1/'); do
			# Debian's kernel has no KUnit: its suites cannot run there.
			if [ "$kernel" = test ]; then
				expect+=(--expect-suite "$s")
			else
				expect+=(--not-applicable-suite "$s")
			fi
		done
	done
fi

# The kernel's KTAP parser comes from the source tree; an O= build links it.
ksrc=$(kernel_src)
[ -n "$ksrc" ] || ksrc=$(readlink -f "$KDIR/source")
python3 "$KMODS_ROOT/scripts/report.py" --mode "$mode" --results "$results" \
	--console "$console" --ksrc "$ksrc" --timed-out "$timed_out" "${expect[@]}"
