#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sign-modules.sh KDIR KBUILD_OUT PRODUCTION_OUT DEST MODULE... - collect the
# modules built in KBUILD_OUT in DEST with the variants the signing tests need,
# and the production build from PRODUCTION_OUT (the same directory unless this
# is the test build):
#
#   DEST/<m>.ko               unsigned, as Kbuild left it
#   DEST/signed/<m>.ko        signed with the test kernel's own key
#                             (certs/signing_key.pem, generated at build time);
#                             not made for a kernel whose key is not at hand
#                             (a distribution's)
#   DEST/other-key/<m>.ko     signed with a throwaway key the kernel does not trust
#   DEST/bad-vermagic/<m>.ko  unsigned, its version magic altered: loads only
#                             when forced (insmod -f), which taints F
#   DEST/production/<m>.ko    the production build (no KUnit suites), unsigned

set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$1 kbuild_out=$2 production_out=$3 dest=$4
shift 4
key="$kdir/certs/signing_key.pem"
cert="$kdir/certs/signing_key.x509"
[ -x "$kdir/scripts/sign-file" ] || die "$kdir/scripts/sign-file not found: KDIR must be a kernel built with CONFIG_MODULE_SIG=y"
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$kdir/.config")

other="$KMODS_CACHE/other-key"
if [ ! -f "$other/key.pem" ]; then
	mkdir -p "$other"
	openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 \
		-subj "/CN=rust-kmods untrusted test key/" -outform PEM \
		-keyout "$other/key.pem" -out "$other/cert.pem" 2>/dev/null ||
		die "openssl could not make the untrusted test key"
fi

rm -rf "$dest"
mkdir -p "$dest/other-key" "$dest/bad-vermagic" "$dest/production"
# built_ko OUT M: where Kbuild left M.ko under OUT.
built_ko() {
	local ko="$1/rust/$2/$2.ko"
	[ -f "$ko" ] || ko="$1/tests/modules/$2/$2.ko"
	[ -f "$ko" ] || die "$2.ko was not built in $1"
	echo "$ko"
}
# conditional_test_module M: a test module whose Kbuild builds it only
# alongside the module whose API it calls (syslog_ns_probe).
conditional_test_module() {
	grep -q 'KMODS_MODULES' "$KMODS_ROOT/tests/modules/$1/Kbuild" 2>/dev/null
}
for m in "$@"; do
	if conditional_test_module "$m" && [ ! -f "$kbuild_out/tests/modules/$m/$m.ko" ]; then
		info "sign-modules: $m not built (the module it calls is not in this build)"
		continue
	fi
	src=$(built_ko "$kbuild_out" "$m")
	cp "$(built_ko "$production_out" "$m")" "$dest/production/$m.ko"
	cp "$src" "$dest/$m.ko"
	if [ -f "$key" ]; then
		mkdir -p "$dest/signed"
		cp "$src" "$dest/signed/$m.ko"
		"$kdir/scripts/sign-file" "$hash" "$key" "$cert" "$dest/signed/$m.ko"
	fi
	cp "$src" "$dest/other-key/$m.ko"
	"$kdir/scripts/sign-file" "$hash" "$other/key.pem" "$other/cert.pem" "$dest/other-key/$m.ko"
	# Same length, so the ELF layout is untouched: "vermagic=7.3.4 " -> "vermagic=0.0.0 ".
	python3 - "$src" "$dest/bad-vermagic/$m.ko" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
new, n = re.subn(rb'vermagic=[0-9]+\.[0-9]+\.[0-9]+',
                 lambda m: b'vermagic=' + re.sub(rb'[0-9]', b'0', m.group(0)[9:]), data, count=1)
if n != 1:
    sys.exit(f'{sys.argv[1]}: no vermagic found')
open(sys.argv[2], 'wb').write(new)
PY
done
