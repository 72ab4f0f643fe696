#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-rust-metadata.sh [--source SRC] [--build DIR] HEADERS - give a
# distribution kernel's headers what building a Rust module needs.
#
# Debian's linux-headers packages carry include/generated/rustc_cfg and the
# Rust symbols in Module.symvers, but not the compiled crates a module links
# against (rust/*.rmeta, the proc-macro libraries) nor scripts/target.json.
# This rebuilds them from linux-source of the same version, configured with
# the headers' own .config, and installs them into HEADERS:
#
#   HEADERS/rust/*.rmeta, HEADERS/rust/*.so, HEADERS/rust/kernel/generated_*.rs
#   (the architecture's asm the kernel crate's macros include into a module),
#   HEADERS/scripts/target.json
#
# Run it on the Debian system (or the trixie root of scripts/debian.sh) that
# has the headers, linux-source-X.Y unpacked at SRC (default
# /usr/src/linux-source-X.Y), and the kernel's own toolchain: the rustc,
# bindgen and gcc whose versions the headers' .config records. It refuses
# anything else, because Rust symbol names carry a hash of the compiler build:
# metadata from another rustc gives modules with unresolved symbols.
#
# The installed files belong to no package; remove them with
#   rm -r HEADERS/rust HEADERS/scripts/target.json

set -euo pipefail

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
info() { printf '    %s\n' "$*" >&2; }

src= build=
while [ $# -gt 1 ]; do
	case $1 in
	--source) src=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
[ $# -eq 1 ] || die "usage: $0 [--source SRC] [--build DIR] HEADERS"
headers=${1%/}
config="$headers/.config"
[ -f "$config" ] && [ -f "$headers/Module.symvers" ] ||
	die "$headers is not a kernel headers tree (no .config or Module.symvers)"

# config_value NAME: a string option of the headers' .config, unquoted.
config_value() {
	sed -n "s/^CONFIG_$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$config"
}
[ "$(config_value RUST)" = y ] || die "$headers: the kernel was built without CONFIG_RUST"

stamp="$headers/rust/.rust-kmods-metadata"
# The configuration, the compiler and this script: a change to any redoes it.
want_stamp="$(cat "$config" "$0" | sha256sum | cut -d' ' -f1) $(config_value RUSTC_VERSION_TEXT)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] &&
	[ -f "$headers/scripts/target.json" ]; then
	info "Rust metadata: already in $headers"
	exit 0
fi

# The kernel's own toolchain, by the versions its .config records.
cc=$(config_value CC_VERSION_TEXT | cut -d' ' -f1)
command -v "$cc" >/dev/null || die "$cc, the kernel's C compiler, is not installed"
[ "$(rustc --version)" = "$(config_value RUSTC_VERSION_TEXT)" ] ||
	die "rustc is '$(rustc --version)'; the kernel was built with '$(config_value RUSTC_VERSION_TEXT)'"
[ "$(bindgen --version 2>/dev/null)" = "$(config_value BINDGEN_VERSION_TEXT)" ] ||
	die "bindgen is '$(bindgen --version 2>/dev/null)'; the kernel was built with '$(config_value BINDGEN_VERSION_TEXT)'"
[ -n "$(rustc --print sysroot)" ] && [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/core" ] ||
	die "the Rust library source is missing (Debian: apt install rust-src)"

release=$(sed -n 's/^override KERNELRELEASE = //p' "$headers/.kernelvariables" 2>/dev/null)
[ -n "$release" ] || release=$(basename "$headers" | sed 's/^linux-headers-//')
series=$(echo "$release" | cut -d. -f1,2)
upstream=$(echo "$release" | sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+).*/\1/')
src=${src:-/usr/src/linux-source-$series}
[ -f "$src/Makefile" ] || die "no kernel source at $src (Debian: apt install linux-source-$series, then unpack /usr/src/linux-source-$series.tar.xz)"
src_version=$(awk -F' = ' '/^VERSION =/{v=$2} /^PATCHLEVEL =/{p=$2} /^SUBLEVEL =/{s=$2}
	END{print v"."p"."s}' "$src/Makefile")
[ "$src_version" = "$upstream" ] || die "$src is Linux $src_version; the headers are $release"

build=${build:-$(mktemp -d)}
mkdir -p "$build"
kmake() {
	make -C "$src" O="$build" ARCH=x86 CC="$cc" HOSTCC="$cc" RUSTC=rustc BINDGEN=bindgen "$@"
}

info "configuring $src with the headers' .config"
cp "$config" "$build/.config"
kmake -s olddefconfig >/dev/null
if ! cmp -s "$config" "$build/.config"; then
	diff "$config" "$build/.config" | head -n 20 >&2
	die "the source and toolchain do not reproduce the headers' configuration (above)"
fi

info "building the Rust crates ($release, $(rustc --version | cut -d' ' -f1,2); about 2 min)"
kmake -s -j"$(nproc)" prepare >"$build/prepare.log" 2>&1 ||
	{ tail -n 30 "$build/prepare.log" >&2; die "make prepare failed (log: $build/prepare.log)"; }

# Every crate hash the kernel's exported Rust symbols carry must come out of
# this build: otherwise the compiler is not the kernel's.
crate_hashes() {
	grep -o -E 'Cs[0-9A-Za-z]+_[0-9]+[a-z_]+' | sort -u
}
missing=$(comm -23 <(crate_hashes <"$headers/Module.symvers") \
	<(nm --defined-only "$build"/rust/*.o | crate_hashes))
[ -z "$missing" ] || die "crate hashes in Module.symvers that this build does not give: $missing"

rm -rf "$headers/rust"
mkdir -p "$headers/rust"
mkdir -p "$headers/rust/kernel"
cp "$build"/rust/*.rmeta "$build"/rust/*.so "$headers/rust/"
cp "$build"/rust/kernel/generated_*.rs "$headers/rust/kernel/"
cp "$build/scripts/target.json" "$headers/scripts/target.json"
echo "$want_stamp" >"$stamp"
info "Rust metadata installed in $headers"
