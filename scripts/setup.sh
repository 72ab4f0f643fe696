#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh - install what building and testing the modules needs, idempotently.
#
# Debian packages (toolchain, kernel build dependencies, QEMU, busybox),
# bindgen from crates.io at a pinned version, and the Linux 7.3 source from
# Debian's linux-source-7.3 package, fetched without touching the machine's apt
# sources. Each step is skipped when its result is already there.
#
# Set KSRC=/path/to/linux to use another 7.3 tree instead of the package.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
	# Toolchain: rustc 1.96 with the library source the kernel builds core from.
	rustc-web rust-web-src rust-web-clippy rustfmt-web cargo-web
	clang-19 lld-19 llvm-19 libclang-19-dev
	# Kernel build dependencies (openssl signs modules).
	make flex bison bc libelf-dev libssl-dev openssl cpio kmod xz-utils python3
	# The kernel's netlink code generator (scripts/ynl-gen.sh).
	python3-yaml python3-jsonschema
	# The guest: an emulator and a static busybox for the initramfs.
	qemu-system-x86 busybox-static
	# The trixie root Debian's stock kernel is built for in (scripts/debian.sh).
	mmdebstrap
	# Guest programs the integration tests drive (copied with their libraries).
	util-linux nftables iproute2 sysstat e2fsprogs
)

apt_updated=
apt_update_once() {
	[ -n "$apt_updated" ] && return
	info "apt-get update"
	apt-get update -qq || die "apt-get update failed; the Debian mirror must be reachable"
	apt_updated=1
}

install_packages() {
	local missing=() p
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		info "Debian packages: all ${#APT_PACKAGES[@]} present"
		return
	fi
	say "Installing Debian packages: ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || die "installing packages needs root: run 'sudo $0' once"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

install_bindgen() {
	if [ -x "$BINDGEN" ] && "$BINDGEN" --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
		info "bindgen $BINDGEN_VERSION: present"
		return
	fi
	say "Building bindgen-cli $BINDGEN_VERSION from crates.io (about 2 minutes)"
	command -v cargo >/dev/null || die "cargo is needed to build bindgen-cli"
	cargo install --quiet --locked bindgen-cli --version "$BINDGEN_VERSION" \
		--root "$KMODS_CACHE/tools" ||
		die "cargo install bindgen-cli $BINDGEN_VERSION failed"
}

fetch_kernel_source() {
	if [ -n "${KSRC:-}" ]; then
		[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
		info "kernel source: KSRC=$KSRC ($(kernel_version "$KSRC"))"
		return
	fi
	if [ -n "$(kernel_src)" ]; then
		info "kernel source: $(kernel_src) ($(kernel_version "$(kernel_src)"))"
		return
	fi
	local pkg=linux-source-$KERNEL_SERIES work mirror
	work="$KMODS_CACHE/src/.fetch"
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*; set KSRC= to a Linux $KERNEL_SERIES tree"
	say "Fetching $pkg from trixie-backports (167 MB)"
	rm -rf "$work"
	mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
	echo "deb $mirror trixie-backports main" >"$work/sources.list"
	local o=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
	apt-get "${o[@]}" update -qq ||
		die "could not read trixie-backports from $mirror; set KSRC= to a Linux $KERNEL_SERIES tree"
	(cd "$work" && apt-get "${o[@]}" download "$pkg" >/dev/null 2>&1) || die "$(cat <<MSG
Debian no longer offers $pkg in trixie-backports (it keeps only the newest
series). The modules need Linux $KERNEL_SERIES. Unpack any Linux $KERNEL_SERIES.x tree and
run again with KSRC=/path/to/linux-$KERNEL_SERIES, or point KDIR= at a kernel
already built with CONFIG_RUST=y.
MSG
)"
	info "unpacking $(basename "$work"/"$pkg"_*.deb)"
	dpkg -x "$work"/"$pkg"_*.deb "$work/x"
	tar -C "$work" -xf "$work/x/usr/src/$pkg.tar.xz"
	mv "$work/$pkg" "$KMODS_CACHE/src/$pkg"
	rm -rf "$work"
	info "kernel source: $(kernel_src) ($(kernel_version "$(kernel_src)"))"
}

check_rust() {
	local src
	src=$(kernel_src)
	# rustavailable writes nothing into the tree when O= points elsewhere.
	local tmp
	tmp=$(mktemp -d)
	if ! kmake -s -C "$src" O="$tmp" rustavailable >"$tmp/log" 2>&1; then
		cat "$tmp/log" >&2
		rm -rf "$tmp"
		die "the kernel does not accept this Rust toolchain (see above)"
	fi
	rm -rf "$tmp"
	info "toolchain: $("$RUSTC" --version), $("$BINDGEN" --version), clang $(clang --version | sed -n 's/.*version \([0-9.]*\).*/\1/p;q')"
}

mkdir -p "$KMODS_CACHE/src" "$KMODS_CACHE/tools"
say "Setting up in $KMODS_CACHE"
install_packages
# The source's download alongside bindgen's build: one waits on the network,
# the other on the CPU.
fetch_kernel_source &
fetch=$!
install_bindgen
wait "$fetch" || die "fetching the kernel source failed (above)"
check_rust
say "Setup complete"
