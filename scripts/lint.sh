#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh fmt|fmtcheck|checkpatch - host-side checks of the project's sources.
#
#   fmt         rustfmt every .rs with the kernel's .rustfmt.toml
#   fmtcheck    the same, failing on any difference
#   checkpatch  the kernel's scripts/checkpatch.pl on every C file and header
#
# The CLIPPY=1 build is the Makefile's "clippy" target.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(kernel_src)
[ -n "$src" ] || die "no kernel source: run scripts/setup.sh"
cd "$KMODS_ROOT"
# Crate roots only: rustfmt follows their `mod` items itself.
mapfile -t rs < <(git ls-files --cached --others --exclude-standard 'rust/*.rs' 'tests/modules/*.rs' | xargs grep -l '^module! {')
# Without the YNL generator's output, checked against its spec instead.
mapfile -t c < <(git ls-files --cached --others --exclude-standard 'rust/*.[ch]' 'tests/modules/*.[ch]' |
	xargs grep -L '^/\* YNL-GEN ')
# Debian's rustfmt-web, the same release as the rustc that builds the modules.
rustfmt=/usr/bin/rustfmt

case ${1:-} in
fmt)
	"$rustfmt" --config-path "$src/.rustfmt.toml" "${rs[@]}"
	;;
fmtcheck)
	"$rustfmt" --check --config-path "$src/.rustfmt.toml" "${rs[@]}" ||
		die "rustfmt would change the files above: run 'make fmt'"
	info "rustfmt: ${#rs[@]} files clean"
	;;
checkpatch)
	[ ${#c[@]} -eq 0 ] && exit 0
	# EXPORT_SYMBOL: a shim exports Rust-defined functions, away from
	# their definitions.
	"$src/scripts/checkpatch.pl" --no-tree --quiet --show-types \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,EXPORT_SYMBOL -f "${c[@]}" ||
		die "checkpatch.pl found problems in the C files above"
	info "checkpatch: ${#c[@]} files clean"
	;;
*)
	die "usage: $0 fmt|fmtcheck|checkpatch"
	;;
esac
