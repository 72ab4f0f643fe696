#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debian.sh - Debian's stock kernel, to build for and to boot.
#
#   debian.sh setup      make (or reuse) everything below, idempotently
#   debian.sh fetch      only what is downloaded and unpacked (the root, the
#                        kernel), no compiling: CI runs it alongside the test
#                        kernel's build
#   debian.sh run CMD... run CMD in the trixie root, in the current directory
#   debian.sh vmlinuz    print the path of Debian's kernel image
#   debian.sh modules    print the directory holding lib/modules/<release>
#
# The kernel ($DEBIAN_KERNEL_RELEASE, scripts/lib.sh) was built on trixie with
# trixie's rustc, bindgen and gcc-14, and a Rust module must be built with
# that very rustc (symbol names carry a hash of the compiler build), which
# needs trixie's glibc. So the build runs in a trixie root made with mmdebstrap
# from Debian's packages and kept in the cache, holding that toolchain, the
# kernel's headers, and the Rust metadata the headers lack
# (scripts/debian-rust-metadata.sh, from the cached linux-source of the same
# version). The repository and the cache appear in the root at the same paths
# as outside, so every path means the same thing in both.
#
# For the guest, Debian's vmlinuz and modules are unpacked from its
# linux-binary and linux-modules packages, as shipped.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

# What the root holds. Changing the list rebuilds the root.
ROOT_PACKAGES=(
	# The kernel's toolchain (see its .config): rustc 1.85.1, bindgen 0.71.1,
	# gcc-14, GNU binutils, pahole for module BTF.
	rustc rust-src rustfmt bindgen gcc-14 binutils dwarves
	make flex bison bc libelf-dev libssl-dev openssl python3 cpio kmod xz-utils
	# Out-of-tree modules the way an operator installs them.
	dkms
	"linux-headers-$DEBIAN_KERNEL_RELEASE"
)
kernel_dir="$KMODS_CACHE/debian/$DEBIAN_KERNEL_RELEASE"
root_stamp="$DEBIAN_ROOT/.rust-kmods-root"

# run CMD...: CMD in the root, with the repository and the cache bound at
# their own paths, /proc and /dev, in a private mount namespace (the mounts
# vanish with it). make's jobserver and flags stay outside: the root cannot
# reach the host's jobserver.
run() {
	[ -f "$root_stamp" ] || die "no Debian root: run scripts/debian.sh setup (or make KERNEL=debian)"
	unshare --mount --propagation private -- bash -c '
		set -e
		root=$1 cwd=$2 repo=$3 cache=$4
		shift 4
		for d in "$repo" "$cache"; do
			mkdir -p "$root$d"
			mount --bind "$d" "$root$d"
		done
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -C "$cwd" \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"
	' debian-root "$DEBIAN_ROOT" "$PWD" "$KMODS_ROOT" "$KMODS_CACHE" "$@"
}

make_root() {
	local want have=
	want=$(printf '%s\n' "$DEBIAN_SUITE" "${ROOT_PACKAGES[@]}" | sha256sum | cut -c1-12)
	[ -f "$root_stamp" ] && have=$(cat "$root_stamp")
	if [ "$have" = "$want" ]; then
		info "Debian root: $DEBIAN_ROOT"
		return
	fi
	local mirror
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*"
	command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run scripts/setup.sh"
	[ "$(id -u)" -eq 0 ] || die "making the Debian root needs root (mmdebstrap, chroot)"
	say "Making a $DEBIAN_SUITE root with the kernel's toolchain and headers (about 1 min)"
	rm -rf "$DEBIAN_ROOT.new"
	mmdebstrap --quiet --mode=root --variant=apt \
		--aptopt='APT::Install-Recommends "false"' \
		--include="$(IFS=,; echo "${ROOT_PACKAGES[*]}")" \
		"$DEBIAN_SUITE" "$DEBIAN_ROOT.new" \
		"deb $mirror $DEBIAN_SUITE main" "deb $mirror $DEBIAN_SUITE-backports main" ||
		die "mmdebstrap failed; if linux-headers-$DEBIAN_KERNEL_RELEASE is gone from $DEBIAN_SUITE-backports, Debian has moved to a newer 7.3.x: update DEBIAN_KERNEL_RELEASE in scripts/lib.sh"
	echo "$want" >"$DEBIAN_ROOT.new/.rust-kmods-root"
	rm -rf "$DEBIAN_ROOT"
	mv "$DEBIAN_ROOT.new" "$DEBIAN_ROOT"
}

install_metadata() {
	local src
	src=$(kernel_src)
	[ -n "$src" ] || die "no kernel source: run scripts/setup.sh"
	run "$KMODS_ROOT/scripts/debian-rust-metadata.sh" --source "$src" \
		--build "$kernel_dir/rust-build" "/usr/src/linux-headers-$DEBIAN_KERNEL_RELEASE"
}

# The kernel image and modules, as Debian ships them, with a modules.dep for
# modprobe in the guest.
unpack_kernel() {
	if [ -f "$kernel_dir/vmlinuz" ] &&
		[ -f "$kernel_dir/modules/lib/modules/$DEBIAN_KERNEL_RELEASE/modules.dep" ]; then
		info "Debian kernel: $kernel_dir"
		return
	fi
	say "Fetching Debian's $DEBIAN_KERNEL_RELEASE kernel image and modules"
	local debs="$kernel_dir/debs"
	rm -rf "$debs" "$kernel_dir/modules"
	mkdir -p "$debs"
	# mmdebstrap leaves the root without package lists.
	run apt-get update -q=2 || die "apt-get update in the Debian root failed"
	(cd "$debs" && run apt-get download -q=2 -o APT::Sandbox::User=root "linux-binary-$DEBIAN_KERNEL_RELEASE" \
		"linux-modules-$DEBIAN_KERNEL_RELEASE") || die "apt-get download of the kernel failed"
	for deb in "$debs"/*.deb; do
		dpkg -x "$deb" "$kernel_dir/modules"
	done
	local tree="$kernel_dir/modules/usr/lib/modules/$DEBIAN_KERNEL_RELEASE"
	[ -d "$tree" ] || tree="$kernel_dir/modules/lib/modules/$DEBIAN_KERNEL_RELEASE"
	[ -f "$tree/vmlinuz" ] || die "no vmlinuz in Debian's linux-binary package"
	if [ ! -e "$kernel_dir/modules/lib/modules/$DEBIAN_KERNEL_RELEASE" ]; then
		mkdir -p "$kernel_dir/modules/lib/modules"
		ln -s "../../usr/lib/modules/$DEBIAN_KERNEL_RELEASE" \
			"$kernel_dir/modules/lib/modules/$DEBIAN_KERNEL_RELEASE"
	fi
	# The package holding these came into the root with the headers.
	cp "$DEBIAN_ROOT/usr/lib/modules/$DEBIAN_KERNEL_RELEASE"/modules.{order,builtin,builtin.modinfo} "$tree/"
	depmod -b "$kernel_dir/modules" "$DEBIAN_KERNEL_RELEASE"
	cp "$tree/vmlinuz" "$kernel_dir/vmlinuz.new"
	mv "$kernel_dir/vmlinuz.new" "$kernel_dir/vmlinuz"
	rm -rf "$debs"
}

case ${1:-} in
setup)
	mkdir -p "$kernel_dir"
	make_root
	unpack_kernel
	install_metadata
	;;
fetch)
	mkdir -p "$kernel_dir"
	make_root
	unpack_kernel
	;;
run)
	shift
	run "$@"
	;;
vmlinuz) echo "$kernel_dir/vmlinuz" ;;
modules) echo "$kernel_dir/modules" ;;
*) die "usage: $0 setup | fetch | run CMD... | vmlinuz | modules" ;;
esac
