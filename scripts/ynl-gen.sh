#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-gen.sh [--check] - generate each module's netlink code from its YNL spec.
#
# Documentation/netlink/specs/<module>.yaml is the one source of truth of a
# module's netlink ABI. From it, the kernel's own generator
# (tools/net/ynl/pyynl/ynl_gen_c.py in the 7.3 tree) writes
#   rust/<module>/include/uapi/<module>.h   the uapi header
#   rust/<module>/<module>_nl.[ch]          policies, ops and groups for the module
# and bindgen turns the uapi header into
#   rust/<module>/uapi.rs                   the constants the module and its
#                                           userspace program both use
# The results are committed, as the kernel commits its generated netlink code;
# --check regenerates into a scratch directory and fails on any difference.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(kernel_src)
[ -n "$src" ] || die "no kernel source: run scripts/setup.sh"
check=
[ "${1:-}" = --check ] && check=1

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The generator finds the schema next to the spec's directory and names the
# spec by its path below a directory holding MAINTAINERS: give it a small tree.
mkdir -p "$scratch/tree/Documentation/netlink/specs" "$scratch/out"
touch "$scratch/tree/MAINTAINERS"
ln -s "$src"/Documentation/netlink/*.yaml "$scratch/tree/Documentation/netlink/"

generate() { # module spec outdir
	local m=$1 spec=$2 out=$3 gen="$src/tools/net/ynl/pyynl/ynl_gen_c.py"
	cp "$spec" "$scratch/tree/Documentation/netlink/specs/"
	spec="$scratch/tree/Documentation/netlink/specs/$(basename "$spec")"
	mkdir -p "$out/include/uapi"
	/usr/bin/python3 "$gen" --mode uapi --header --spec "$spec" -o "$out/include/uapi/$m.h"
	/usr/bin/python3 "$gen" --mode kernel --header --spec "$spec" -o "$out/${m}_nl.h"
	/usr/bin/python3 "$gen" --mode kernel --source --spec "$spec" -o "$out/${m}_nl.c"
	{
		echo "// SPDX-License-Identifier: GPL-2.0"
		echo
		echo "//! The constants of \`include/uapi/$m.h\`, for the module and its userspace"
		echo "//! program alike. Generated from Documentation/netlink/specs/$m.yaml by"
		echo "//! scripts/ynl-gen.sh: do not edit."
		echo
		"$BINDGEN" "$out/include/uapi/$m.h" --use-core --ctypes-prefix core::ffi \
			--no-layout-tests --no-prepend-enum-name --no-doc-comments \
			--raw-line '#![allow(dead_code, non_camel_case_types)]' |
			grep -v '^/\* automatically generated'
	} >"$out/uapi.rs"
	/usr/bin/rustfmt --edition 2021 --config-path "$src/.rustfmt.toml" "$out/uapi.rs"
}

status=0
for spec in "$KMODS_ROOT"/Documentation/netlink/specs/*.yaml; do
	m=$(basename "$spec" .yaml)
	dir="$KMODS_ROOT/rust/$m"
	[ -d "$dir" ] || die "$spec: no module rust/$m"
	if [ -z "$check" ]; then
		generate "$m" "$spec" "$dir"
		info "ynl-gen: rust/$m from $(basename "$spec")"
		continue
	fi
	generate "$m" "$spec" "$scratch/out/$m"
	for f in include/uapi/$m.h ${m}_nl.h ${m}_nl.c uapi.rs; do
		if ! cmp -s "$scratch/out/$m/$f" "$dir/$f"; then
			say "rust/$m/$f is not what $(basename "$spec") generates"
			status=1
		fi
	done
done
[ $status -eq 0 ] || die "generated netlink code is stale: run 'scripts/ynl-gen.sh'"
[ -n "$check" ] && info "ynl-gen: generated code matches the specs"
exit 0
