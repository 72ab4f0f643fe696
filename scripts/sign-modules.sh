#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sign-modules.sh KDIR KBUILD_OUT DEST MODULE... - collect the built modules
# as DEST/<module>.ko (unsigned, as Kbuild left them) and DEST/signed/<module>.ko,
# signed with the key the test kernel generated at build time
# (certs/signing_key.pem), which that kernel trusts. The taint tests need both.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$1 kbuild_out=$2 dest=$3
shift 3
key="$kdir/certs/signing_key.pem"
cert="$kdir/certs/signing_key.x509"
[ -f "$key" ] || die "$key not found: KDIR must be a kernel built with CONFIG_MODULE_SIG=y and its own key"
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$kdir/.config")
rm -rf "$dest"
mkdir -p "$dest/signed"
for m in "$@"; do
	src="$kbuild_out/rust/$m/$m.ko"
	[ -f "$src" ] || die "$src was not built"
	cp "$src" "$dest/$m.ko"
	cp "$src" "$dest/signed/$m.ko"
	"$kdir/scripts/sign-file" "$hash" "$key" "$cert" "$dest/signed/$m.ko"
done
