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
# and, for what the kernel's generator has no mode for, this script writes
#   rust/<module>/<module>_names.h          each enum's names as { value, "name" }
#                                           pairs, for the trace events'
#                                           __print_symbolic()
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
	enum_names "$m" "$spec" >"$out/${m}_names.h"
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

# enum_names MODULE SPEC: <module>_names.h, with the uapi header's constant
# for each entry, named as ynl_gen_c.py names it.
enum_names() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import sys
import yaml

module, path = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(path))
family = spec["name"]


def c_upper(name):
    return name.upper().replace("-", "_")


guard = f"_{c_upper(module)}_NAMES_H"
print("/* SPDX-License-Identifier: GPL-2.0 */")
print("/* Do not edit directly, auto-generated from: */")
print(f"/*\tDocumentation/netlink/specs/{module}.yaml */")
print("/* YNL-GEN names header, by scripts/ynl-gen.sh */")
print()
print(f"#ifndef {guard}")
print(f"#define {guard}")
print()
print(f"#include \"include/uapi/{module}.h\"")
for d in spec.get("definitions", []):
    if d.get("type") != "enum":
        continue
    prefix = d.get("name-prefix", f"{family}-{d['name']}-")
    entries = [e["name"] if isinstance(e, dict) else e for e in d["entries"]]
    print()
    print(f"/* enum {c_upper(family).lower()}_{c_upper(d['name']).lower()} as {{ value, \"name\" }} pairs. */")
    print(f"#define {c_upper(prefix)}NAMES \\")
    lines = [f"\t{{ {c_upper(prefix + e)}, \"{e}\" }}" for e in entries]
    print(", \\\n".join(lines))
    print()
    print("/* For a trace header: the values of the names above in its format. */")
    print(f"#define {c_upper(prefix)}TRACE_ENUMS \\")
    lines = [f"\tTRACE_DEFINE_ENUM({c_upper(prefix + e)})" for e in entries]
    print("; \\\n".join(lines))
print()
print(f"#endif /* {guard} */")
PY
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
	for f in include/uapi/$m.h ${m}_nl.h ${m}_nl.c ${m}_names.h uapi.rs; do
		if ! cmp -s "$scratch/out/$m/$f" "$dir/$f"; then
			say "rust/$m/$f is not what $(basename "$spec") generates"
			status=1
		fi
	done
done
[ $status -eq 0 ] || die "generated netlink code is stale: run 'scripts/ynl-gen.sh'"
[ -n "$check" ] && info "ynl-gen: generated code matches the specs"
exit 0
