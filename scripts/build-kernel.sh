#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - configure and build the Rust-enabled test kernel.
#
#   build-kernel.sh [--dir] [VARIANT]
#
# VARIANT is "debug" (the default: base + lockdep, KASAN, fault injection,
# kmemleak) or "base". The build lives in $KMODS_CACHE/kernel/<version>-<variant>-
# <hash>, where the hash covers the config fragments and the toolchain, so an
# unchanged configuration is built once and reused. Prints the build directory
# (the KDIR for out-of-tree modules) on stdout. --dir prints it without building.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

only_dir=
if [ "${1:-}" = --dir ]; then
	only_dir=1
	shift
fi
variant=${1:-${VARIANT:-debug}}
case $variant in
base)  fragments=(tests/config/base.config) ;;
debug) fragments=(tests/config/base.config tests/config/debug.config) ;;
*) die "unknown kernel variant '$variant' (base or debug)" ;;
esac

src=$(kernel_src)
# The Makefile asks for the directory before setup has fetched the source.
[ -n "$src" ] || [ -z "$only_dir" ] || exit 0
[ -n "$src" ] || die "no kernel source: run scripts/setup.sh, or set KSRC= to a Linux $KERNEL_SERIES tree"
kver=$(kernel_version "$src")
case $kver in
"$KERNEL_SERIES".*) ;;
*) die "KSRC=$src is Linux $kver; the modules are written against $KERNEL_SERIES" ;;
esac

key=$(cd "$KMODS_ROOT" && {
	echo "$src $kver"
	cat "${fragments[@]}"
	"$RUSTC" --version
	"$BINDGEN" --version 2>/dev/null || echo "no bindgen"
	clang --version | head -n1
} | sha256sum | cut -c1-12)
out="$KMODS_CACHE/kernel/$kver-$variant-$key"

if [ -n "$only_dir" ]; then
	echo "$out"
	exit 0
fi

if [ -f "$out/.kmods-built" ] && [ -f "$out/arch/x86/boot/bzImage" ]; then
	info "test kernel: $out (cached)"
	echo "$out"
	exit 0
fi

# check_fragments: every line of every fragment must be in the final .config.
check_fragments() {
	local f line name missing=()
	for f in "${fragments[@]}"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				grep -qxF "$line" "$out/.config" || missing+=("$line")
				;;
			"# CONFIG_"*" is not set")
				name=${line#\# }
				name=${name%% *}
				grep -q "^$name=" "$out/.config" && missing+=("$line")
				;;
			esac
		done <"$KMODS_ROOT/$f"
	done
	if [ ${#missing[@]} -gt 0 ]; then
		printf '    %s\n' "${missing[@]}" >&2
		die "these options did not survive olddefconfig (a dependency is missing or the name changed in $kver); see $out/.config"
	fi
}

say "Building the $variant test kernel $kver in $out"
mkdir -p "$out"
rm -f "$out/.kmods-built"
log="$out/kmods-build.log"
cd "$KMODS_ROOT"
{
	kmake -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}"
	kmake -C "$src" O="$out" olddefconfig
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuring the kernel failed; full log: $log"; }
check_fragments
info "configured; building bzImage and modules (10 to 13 minutes on 2 cores; log: $log)"
start=$SECONDS
if ! kmake -C "$src" O="$out" -j"$(nproc)" bzImage modules >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | tail -n 20 >&2
	die "the kernel build failed; full log: $log"
fi
touch "$out/.kmods-built"
info "built in $((SECONDS - start)) s"
# Older builds of this variant are superseded: a configuration change or a
# new toolchain never goes back to them.
for old in "$KMODS_CACHE/kernel/$kver-$variant-"*; do
	[ "$old" = "$out" ] || rm -rf "$old"
done
echo "$out"
