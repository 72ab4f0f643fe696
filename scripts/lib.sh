# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - paths and helpers shared by every script in scripts/.
#
# Everything the project downloads or builds lives under $KMODS_CACHE, outside
# the repository, so a clean clone stays clean and a second run reuses it.

KMODS_CACHE=${KMODS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rust-kmods}
KMODS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The kernel series the modules are written against.
KERNEL_SERIES=7.3
# bindgen >= 0.71.1 is what 7.3 asks for; this one is the version verified here.
BINDGEN_VERSION=0.73.2

LLVM_BIN=/usr/lib/llvm-19/bin
# Debian's rustc-web ships the library source the kernel compiles `core` from;
# the rustup toolchain first in PATH has none and a different version.
RUSTC=${RUSTC:-/usr/bin/rustc}
BINDGEN=${BINDGEN:-$KMODS_CACHE/tools/bin/bindgen}
export PATH="$LLVM_BIN:$PATH:$HOME/.cargo/bin"
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}

say()  { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# kernel_src: the Linux tree to build from, KSRC if given, else the unpacked
# Debian linux-source package in the cache. Prints nothing if there is none.
kernel_src() {
	if [ -n "${KSRC:-}" ]; then
		echo "$KSRC"
		return
	fi
	local d
	d="$KMODS_CACHE/src/linux-source-$KERNEL_SERIES"
	if [ -f "$d/Makefile" ]; then
		echo "$d"
	fi
}

# kernel_version SRC: "7.3.4" from a tree's top-level Makefile.
kernel_version() {
	awk -F' = ' '/^VERSION =/{v=$2} /^PATCHLEVEL =/{p=$2} /^SUBLEVEL =/{s=$2}
		END{print v"."p"."s}' "$1/Makefile"
}

# kmake: the kernel's make with the toolchain every object must share.
kmake() {
	make LLVM=1 RUSTC="$RUSTC" BINDGEN="$BINDGEN" "$@"
}

# Debian's stock kernel (scripts/debian.sh): the release its packages are
# named after and the suites they come from. Debian keeps only the newest
# 7.3.x in trixie-backports; when it moves on, this is the line to change.
DEBIAN_KERNEL_RELEASE=7.3.4+deb13-amd64
DEBIAN_SUITE=trixie
DEBIAN_ROOT=$KMODS_CACHE/debian/$DEBIAN_SUITE-root

# The Debian mirror this machine already uses, read from its apt sources.
debian_mirror() {
	local uri
	uri=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list 2>/dev/null | grep -v security |
		grep -o -E 'https?://[^ ]+/debian/?' | head -n1)
	echo "${uri%/}"
}
