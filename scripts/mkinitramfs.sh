#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT KDIR MODULES_DIR [EXTRA_TESTS_DIR] - pack the guest.
#
# A static busybox, tests/guest/init, the project's modules (and their signed
# copies), the test kernel's own modules (signed by modules_install), tests/, and the Debian programs the tests declare they need
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
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

cp -r "$modules_dir"/. "$stage/lib/modules/kmods/"
if [ -s "$kdir/modules.order" ]; then
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

# The project's own userspace programs (samples/), built by "make samples".
for sample in ${SAMPLES:-}; do
	bin="${CARGO_TARGET_DIR:-$KMODS_ROOT/build/cargo}/release/$sample"
	[ -x "$bin" ] || die "$bin is missing: run make samples"
	PATH="$(dirname "$bin"):$PATH" copy_program "$sample"
done

programs=$(find "$KMODS_ROOT/tests" -name programs -type f -exec cat {} + |
	sed 's/#.*//' | tr -s ' \n' '\n' | sort -u)
for p in $programs; do
	copy_program "$p"
done

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out"
