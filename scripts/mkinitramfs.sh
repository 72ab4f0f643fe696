#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT KDIR MODULES_DIR [EXTRA_TESTS_DIR] - pack the guest.
#
# A static busybox, tests/guest/init, the project's modules (and their signed
# copies), the kernel's own modules (the test kernel's, signed by
# modules_install; with KERNEL=debian, those of tests/guest/debian-modules from
# Debian's kernel, with kmod's modprobe), tests/, and the Debian programs the tests declare they need
# (tests/guest/programs plus each tests/*/<module>/programs file), copied with
# their shared libraries.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$1 kdir=$2 modules_dir=$3 extra=${4:-}
stage="$(dirname "$out")/initramfs"

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,etc,root,mnt}
mkdir -p "$stage/lib/modules/kmods" "$stage/kmods"

busybox=$(command -v busybox) || die "busybox is missing: run scripts/setup.sh"
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

install -m 0755 "$KMODS_ROOT/tests/guest/init" "$stage/init"
# nobody: LTP's syslog12 drops to it.
printf '%s\n' "root:x:0:0:root:/root:/bin/sh" "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh" \
	>"$stage/etc/passwd"
printf '%s\n' "root:x:0:" "nogroup:x:65534:" >"$stage/etc/group"

cp -r "$modules_dir"/. "$stage/lib/modules/kmods/"
if [ "${KERNEL:-test}" = debian ]; then
	: # after copy_program, below
elif [ -s "$kdir/modules.order" ]; then
	kmake -s -C "$kdir" modules_install INSTALL_MOD_PATH="$stage" INSTALL_MOD_STRIP=1 \
		>/dev/null || die "installing the test kernel's modules into the guest failed"
fi
mkdir -p "$stage/kmods/tests"
for d in lib production integration demo bench; do
	[ -d "$KMODS_ROOT/tests/$d" ] && cp -r "$KMODS_ROOT/tests/$d" "$stage/kmods/tests/"
done
if [ -n "$extra" ]; then
	[ -d "$extra" ] || die "EXTRA_TESTS=$extra is not a directory"
	cp -r "$extra" "$stage/kmods/extra"
fi

# copy_program NAME: a host program and every library it links against, at
# the same paths (the guest's dynamic loader finds them where ldd did).
copy_program() {
	local path lib
	path=$(command -v "$1") || die "guest program '$1' is not installed on the host (see scripts/setup.sh)"
	path=$(readlink -f "$path")
	install -D -m 0755 "$path" "$stage/usr/bin/$1"
	for lib in $(ldd "$path" 2>/dev/null | grep -o -E '/[^ ]+'); do
		[ -e "$stage$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
	done
}

# debian_modules: the modules of Debian's kernel the guest needs
# (tests/guest/debian-modules) and their dependencies, decompressed (the
# guest's kmod would hand the kernel the xz file first and log an ELF error
# for each), with a modules.dep for kmod's modprobe, which replaces busybox's
# so that the kernel's own requests for modules are served too.
debian_modules() {
	local tree rel=$DEBIAN_KERNEL_RELEASE files f
	tree=$("$KMODS_ROOT/scripts/debian.sh" modules)
	local from
	from=$(readlink -f "$tree/lib/modules/$rel")
	local to="$stage/lib/modules/$rel"
	local listed wanted on_demand
	listed=$(sed 's/#.*//' "$KMODS_ROOT/tests/guest/debian-modules" | xargs -n1)
	wanted=$(echo "$listed" | grep -v / | xargs)
	on_demand=$(echo "$listed" | grep / | sed "s,^,$from/," |
		xargs -I{} find {} -name '*.ko*' | sed 's,.*/,,; s,\.ko.*,,')
	# Each module listed, with everything it depends on.
	files=$(
		for m in $wanted $on_demand; do
			modprobe -d "$tree" -S "$rel" --show-depends "$m" |
				awk '$1 == "insmod" { print $2 }'
		done
	)
	local dst
	for f in $(printf '%s\n' $files | sort -u); do
		f=$(readlink -f "$f")
		dst="$to/${f#"$from"/}"
		mkdir -p "$(dirname "$dst")"
		xz -dcf "$f" >"${dst%.xz}"
	done
	cp "$from"/modules.{order,builtin,builtin.modinfo} "$to/"
	depmod -b "$stage" "$rel"
	copy_program kmod
	for tool in modprobe depmod lsmod modinfo; do
		ln -sf /usr/bin/kmod "$stage/sbin/$tool"
	done
	echo "$wanted" >"$stage/kmods/kernel-modules"
}
[ "${KERNEL:-test}" = debian ] && debian_modules

# The project's own userspace programs (samples/), built by "make samples".
for sample in ${SAMPLES:-}; do
	bin="${CARGO_TARGET_DIR:-$KMODS_ROOT/build/cargo}/release/$sample"
	[ -x "$bin" ] || die "$bin is missing: run make samples"
	PATH="$(dirname "$bin"):$PATH" copy_program "$sample"
done

# LTP's tests of the kernel log, from an LTP build an operator has (LTP=, an
# installed LTP or its testcases/bin), for tests/integration/syslog_ns/ltp.sh.
if [ -n "${LTP:-}" ]; then
	for t in kmsg01 syslog11 syslog12; do
		bin=$(find "$LTP" -name "$t" -type f -perm -u+x | head -n1)
		[ -n "$bin" ] || die "LTP=$LTP has no $t"
		PATH="$(dirname "$bin"):$PATH" copy_program "$t"
		mkdir -p "$stage/kmods/ltp"
		ln -sf "/usr/bin/$t" "$stage/kmods/ltp/$t"
	done
fi

programs=$(find "$KMODS_ROOT/tests" -name programs -type f -exec cat {} + |
	sed 's/#.*//' | tr -s ' \n' '\n' | sort -u)
for p in $programs; do
	copy_program "$p"
done

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out"
