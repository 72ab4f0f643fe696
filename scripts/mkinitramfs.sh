#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT MODULES_DIR [EXTRA_TESTS_DIR] - pack the guest.
#
# A static busybox, tests/guest/init, the project's modules (and their signed
# copies), tests/, and the Debian programs the tests declare they need
# (tests/guest/programs plus each tests/*/<module>/programs file), copied with
# their shared libraries.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$1 modules_dir=$2 extra=${3:-}
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
mkdir -p "$stage/kmods/tests"
for d in lib integration demo bench; do
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

programs=$(cat "$KMODS_ROOT"/tests/guest/programs "$KMODS_ROOT"/tests/*/*/programs 2>/dev/null |
	sed 's/#.*//' | tr -s ' \n' '\n' | sort -u)
for p in $programs; do
	copy_program "$p"
done

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out"
