#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh REFERENCE_MO - install the tree with DKMS the way an operator
# does, for Debian's kernel, and check that DKMS builds the same modules as
# REFERENCE_MO (the output of "make KERNEL=debian modules").
#
# Runs inside the trixie root of scripts/debian.sh (make dkms-check), as root:
# dkms add, build and install against /lib/modules/<release>/build, then
# compare each module's metadata and the kernel symbols it needs, and remove
# the package again. "Same" is not byte for byte: DKMS builds in its own
# directory, whose path ends up in the debug information, and signs.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

ref=$1
release=$DEBIAN_KERNEL_RELEASE
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$KMODS_ROOT/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$KMODS_ROOT/dkms.conf")
src=/usr/src/$name-$version
modules=$(cd "$KMODS_ROOT/rust" && ls -d */Kbuild | cut -d/ -f1)

# syslog_ns takes nf_log_syslog.c from /usr/src/linux-source-X.Y(.tar.xz),
# Debian's linux-source package (scripts/nf-log-derive.sh): the operator has
# it for debian-rust-metadata.sh already. Here it is the cached tree.
series=${release%%.*}.$(echo "$release" | cut -d. -f2)
kernel_source=/usr/src/linux-source-$series
cleanup() {
	dkms remove "$name/$version" --all >/dev/null 2>&1 || true
	rm -rf "$src"
	[ ! -L "$kernel_source" ] || rm -f "$kernel_source"
}
cleanup
trap cleanup EXIT

say "DKMS: $name/$version for $release"
mkdir -p "$src"
[ -e "$kernel_source" ] || ln -s "$(kernel_src)" "$kernel_source"
tar -C "$KMODS_ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
# As an operator's shell would: nothing of the project's make in the
# environment.
dkms() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /usr/sbin/dkms "$@"
}
dkms add "$name/$version" >/dev/null
dkms build "$name/$version" -k "$release" >/tmp/dkms-build.log 2>&1 ||
	{ cat /tmp/dkms-build.log "/var/lib/dkms/$name/$version/build/make.log" >&2 || true; die "dkms build failed"; }
dkms install "$name/$version" -k "$release" >/tmp/dkms-install.log 2>&1 ||
	{ cat /tmp/dkms-install.log >&2; die "dkms install failed"; }
dkms status "$name/$version" -k "$release"

# facts KO: what must be the same whoever built KO.
facts() {
	for field in name vermagic license depends srcversion description parm; do
		modinfo -F "$field" "$1" | sed "s/^/$field: /"
	done
	nm -u "$1" | sort
}

tmp=$(mktemp -d)
failed=0
for m in $modules; do
	installed=$(ls "/lib/modules/$release/updates/dkms/$m.ko"* 2>/dev/null | head -n1)
	[ -n "$installed" ] || { info "$m: DKMS installed no $m.ko in /lib/modules/$release/updates/dkms"; failed=1; continue; }
	xz -dcf "$installed" >"$tmp/$m.ko"
	if diff -u <(facts "$ref/rust/$m/$m.ko") <(facts "$tmp/$m.ko") >"$tmp/$m.diff"; then
		info "$m: same module as make KERNEL=debian ($(nm -u "$tmp/$m.ko" | wc -l) kernel symbols; signer: $(modinfo -F signer "$tmp/$m.ko" || true))"
	else
		cat "$tmp/$m.diff" >&2
		failed=1
	fi
done
rm -rf "$tmp"
[ "$failed" -eq 0 ] || die "DKMS did not build the same modules"
say "DKMS built and installed the same $(echo $modules | wc -w) modules"
