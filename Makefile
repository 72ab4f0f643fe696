# SPDX-License-Identifier: GPL-2.0
#
# Entry points. Kbuild rules live in Kbuild and rust/*/Kbuild; the work of
# setting up, booting and judging lives in scripts/.
#
#   make              build every module, without tests (and the test kernel, if needed)
#   make run          boot the test kernel with every module loaded and run each demo
#   make check        every test in QEMU, ending in "N passed, N failed"
#   make bench        the benchmarks
#   make help         everything else

VARIANT ?= debug
# KERNEL: the kernel to build for and boot. "test" is the project's own debug
# kernel; "debian" is Debian's stock kernel as shipped (scripts/debian.sh),
# built for in a trixie root with that kernel's own toolchain.
KERNEL ?= test
ifeq ($(filter test debian,$(KERNEL)),)
$(error KERNEL: no such kernel '$(KERNEL)' (test or debian))
endif
ALL_MODULES := $(patsubst rust/%/Kbuild,%,$(wildcard rust/*/Kbuild))
MODULE ?= $(ALL_MODULES)
ifneq ($(filter-out $(ALL_MODULES),$(MODULE)),)
$(error MODULE: no such module '$(filter-out $(ALL_MODULES),$(MODULE))' (modules: $(ALL_MODULES)))
endif
# Test-only modules (fixtures and checks), always built alongside.
TEST_MODULES := $(patsubst tests/modules/%/Kbuild,%,$(wildcard tests/modules/*/Kbuild))
# <module>_probe calls <module>'s API and its Kbuild builds it only with that
# module (tests/modules/syslog_ns_probe/Kbuild): not expected otherwise.
TEST_MODULES := $(filter-out $(addsuffix _probe,$(filter-out $(MODULE),$(ALL_MODULES))),$(TEST_MODULES))

# Everything downloaded or built outside the repository (scripts/lib.sh).
KMODS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/rust-kmods
export KMODS_CACHE
export PATH := /usr/lib/llvm-19/bin:$(PATH):$(HOME)/.cargo/bin

ifeq ($(KERNEL),debian)
# Debian's headers exist only in the trixie root; KDIR is their path there,
# and the kernel build runs there (IN_ROOT) with the kernel's rustc and bindgen.
DEBIAN_ENV := $(shell bash -c '. scripts/lib.sh && echo $$DEBIAN_KERNEL_RELEASE $$DEBIAN_ROOT')
KDIR := /usr/src/linux-headers-$(word 1,$(DEBIAN_ENV))
KDIR_ON_HOST = $(word 2,$(DEBIAN_ENV))$(KDIR)
IN_ROOT := scripts/debian.sh run
# The headers hold no .c files: syslog_ns takes nf_log_syslog.c from the
# cached linux-source of the same release (scripts/nf-log-derive.sh).
KSRC ?= $(shell bash -c '. scripts/lib.sh && kernel_src')
KERNEL_DEP := debian-kernel
KMODS_BUILD := $(CURDIR)/build/debian
else
KMODS_BUILD := $(CURDIR)/build
ifeq ($(origin KDIR),undefined)
# KDIR: a Rust-enabled kernel build tree. Unless given, the project's own test
# kernel, built (once) by scripts/build-kernel.sh.
KDIR = $(shell scripts/build-kernel.sh --dir $(VARIANT))
KERNEL_DEP := kernel
endif
endif
KDIR_ON_HOST ?= $(KDIR)
BUILD := $(KMODS_BUILD)
# Production modules (what an operator loads) and the test build, which also
# carries the KUnit suites (see Kbuild).
MODULES_OUT := $(BUILD)/modules
KUNIT_MODULES_OUT := $(BUILD)/modules-kunit

# The toolchain the kernel was built with: the project's for its test kernel,
# the system's (rustc and bindgen on PATH) for any other. A kernel built with
# clang gets LLVM=1, one built with GCC does not.
ifeq ($(KERNEL_DEP),kernel)
RUSTC ?= /usr/bin/rustc
BINDGEN ?= $(KMODS_CACHE)/tools/bin/bindgen
else
RUSTC ?= rustc
BINDGEN ?= bindgen
endif
KERNEL_LLVM = $(if $(filter y,$(shell sed -n 's/^CONFIG_CC_IS_CLANG=//p' $(KDIR_ON_HOST)/.config 2>/dev/null)),LLVM=1)
KBUILD = $(IN_ROOT) $(MAKE) $(if $(IN_ROOT),-j$(shell nproc)) -C $(KDIR) M=$(CURDIR) $(KERNEL_LLVM) \
	RUSTC=$(RUSTC) BINDGEN=$(BINDGEN) KMODS_MODULES="$(MODULE)" \
	KMODS_TEST_MODULES="$(TEST_MODULES)" $(if $(KSRC),KSRC=$(KSRC))

# Userspace programs (samples/*), built for the guest.
SAMPLES := $(patsubst samples/%/Cargo.toml,%,$(wildcard samples/*/Cargo.toml))
export CARGO_TARGET_DIR := $(CURDIR)/build/cargo
CARGO ?= cargo

# The harness reads these from the environment.
export VARIANT KERNEL KMODS_BUILD MODULE TEST_MODULES SAMPLES KDIR EXTRA_TESTS LTP TESTS STRESS TIMEOUT SCRIPT_TIMEOUT GUEST_SHELL

.PHONY: all modules modules-kunit kernel debian-kernel setup install dkms-check sign sign-kunit samples samples-test run check bench stress clean \
	help fmt fmtcheck clippy checkpatch ynlcheck lint

all: modules

setup:
	@scripts/setup.sh

kernel: setup
	@scripts/build-kernel.sh $(VARIANT) >/dev/null

debian-kernel: setup
	@scripts/debian.sh setup

modules: $(KERNEL_DEP)
	@mkdir -p $(MODULES_OUT)
	$(KBUILD) MO=$(MODULES_OUT) modules

modules-kunit: $(KERNEL_DEP)
	@mkdir -p $(KUNIT_MODULES_OUT)
	$(KBUILD) MO=$(KUNIT_MODULES_OUT) KMODS_KUNIT=y modules

# build/ko/<module>.ko as built (unsigned), plus the signed/, other-key/ and
# bad-vermagic/ variants the signing tests load (scripts/sign-modules.sh), and
# production/<module>.ko. "sign" collects the production build for run and
# bench; "sign-kunit" the test build for check. A kernel without KUnit
# (Debian's) is checked with the production build.
CHECK_BUILD := $(if $(IN_ROOT),sign,sign-kunit)
sign: modules
	@$(IN_ROOT) scripts/sign-modules.sh $(KDIR) $(MODULES_OUT) $(MODULES_OUT) $(BUILD)/ko \
		$(MODULE) $(TEST_MODULES)
sign-kunit: modules modules-kunit
	@$(IN_ROOT) scripts/sign-modules.sh $(KDIR) $(KUNIT_MODULES_OUT) $(MODULES_OUT) $(BUILD)/ko \
		$(MODULE) $(TEST_MODULES)

samples:
	$(CARGO) build --release --locked --quiet --manifest-path samples/Cargo.toml

samples-test:
	$(CARGO) test --locked --manifest-path samples/Cargo.toml

run: sign samples
	@scripts/harness.sh run

check: $(CHECK_BUILD) samples
	@scripts/harness.sh check

bench: sign samples
	@scripts/harness.sh bench

# The stress and fault-injection tests at full length (make check runs them
# short): every allocation point of each insmod, 60 s a stress, 50
# containers. Under TCG that is most of an hour, so the guest gets longer.
stress: $(CHECK_BUILD) samples
	@STRESS=1 TESTS="$${TESTS:-*/stress */under_faults}" TIMEOUT=$${TIMEOUT:-5400} \
		SCRIPT_TIMEOUT=$${SCRIPT_TIMEOUT:-2400} scripts/harness.sh check

fmt:
	@scripts/lint.sh fmt
	$(CARGO) fmt --all --manifest-path samples/Cargo.toml
fmtcheck:
	@scripts/lint.sh fmtcheck
	$(CARGO) fmt --all --check --manifest-path samples/Cargo.toml
	$(CARGO) clippy --locked --quiet --manifest-path samples/Cargo.toml -- -D warnings
# Linted as the test build, so the KUnit suites are linted too.
clippy: $(KERNEL_DEP)
	@mkdir -p $(BUILD)/clippy
	$(KBUILD) MO=$(BUILD)/clippy KMODS_KUNIT=y CLIPPY=1 CLIPPY_DRIVER=/usr/bin/clippy-driver \
		modules 2>&1 | tee $(BUILD)/clippy.log
	@! grep -q -E '^(warning|error)' $(BUILD)/clippy.log
checkpatch:
	@scripts/lint.sh checkpatch
ynlcheck:
	@scripts/uapi-gen.sh --check
	@scripts/ynl-gen.sh --check
lint: ynlcheck fmtcheck checkpatch clippy

clean:
	rm -rf $(BUILD)

# The production modules into /lib/modules/<release>/updates of the kernel
# KDIR names, like any out-of-tree module (INSTALL_MOD_PATH= to stage them).
# DKMS (dkms.conf) builds them the same way and installs them itself.
# Kbuild signs them with the kernel's own key when that is at hand (the test
# kernel's); a distribution's is not, so they are installed unsigned, to be
# signed with a Machine Owner Key (Documentation/testing.rst).
SIGNING_KEY = $(KDIR_ON_HOST)/$(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' $(KDIR_ON_HOST)/.config)
install: TEST_MODULES :=
install: modules
	$(KBUILD) MO=$(MODULES_OUT) INSTALL_MOD_DIR=updates \
		$(if $(wildcard $(SIGNING_KEY)),,CONFIG_MODULE_SIG_ALL=) modules_install

# The DKMS build of dkms.conf in the trixie root, against Debian's headers,
# compared with "make KERNEL=debian" (scripts/dkms-check.sh).
dkms-check:
	@$(MAKE) --no-print-directory KERNEL=debian modules
	@scripts/debian.sh run scripts/dkms-check.sh $(CURDIR)/build/debian/modules

help:
	@echo 'Targets:'
	@echo '  make [modules]       build the modules under rust/, without their KUnit suites'
	@echo '                      (builds the test kernel once)'
	@echo '  make modules-kunit   the test build, with the KUnit suites (build/modules-kunit)'
	@echo '  make run             boot QEMU with every module loaded and run each module demo'
	@echo '  make run GUEST_SHELL=1   ... then leave an interactive shell in the guest'
	@echo '  make check           run every KUnit suite and integration test in QEMU'
	@echo '  make check MODULE=x  only module x'
	@echo '  make check EXTRA_TESTS=dir   also run the KTAP scripts in dir inside the guest'
	@echo '  make check LTP=dir           also run LTP'"'"'s kmsg01, syslog11, syslog12 (an LTP build) in a container'
	@echo '  make check TESTS="syslog_ns/fault no_test_taint"   only the scripts these globs name'
	@echo '  make bench           run the benchmarks'
	@echo '  make check KERNEL=debian   the tests on Debian'"'"'s stock kernel (also make KERNEL=debian, run)'
	@echo '  make dkms-check      DKMS builds the same modules for Debian'"'"'s kernel'
	@echo '  make install KDIR=<headers>   build and install into /lib/modules/<release>/updates'
	@echo '  make stress          the stress and fault-injection tests at full length'
	@echo '  make sign            collect build/ko/*.ko and their signing variants'
	@echo '  make lint            generated netlink code up to date, rustfmt --check, checkpatch.pl,'
	@echo '                      CLIPPY=1 build, cargo clippy'
	@echo '  make samples         build the userspace programs in samples/'
	@echo '  make samples-test    cargo test for them'
	@echo '  make setup | kernel  install the toolchain | build the test kernel'
	@echo '  make clean           remove build/'
	@echo 'Variables: KERNEL=test|debian KDIR=<kernel build> KSRC=<linux tree> VARIANT=debug|base TIMEOUT=<s> SCRIPT_TIMEOUT=<s>'
