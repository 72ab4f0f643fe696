# SPDX-License-Identifier: GPL-2.0
#
# Containers for the tests, demos and benchmarks: a user namespace whose
# root is the caller's uid (unshare --map-root-user), a mount namespace (a
# copy of the caller's: mounts made later on the host are not in it) and a
# network namespace with its loopback up. A sleeper holds the namespaces; its
# pid goes to ${CTR_PREFIX}NAME. Run by the host's root, so the container's
# root is uid 0 on the host without any capability there.

# busybox's shell runs its own applet for a bare command name even when PATH
# finds another program first: util-linux is named by path.
NSENTER=/usr/bin/nsenter
UNSHARE=/usr/bin/unshare

# Where the sleepers' pids go; a library may choose its own prefix.
CTR_PREFIX=${CTR_PREFIX:-/tmp/ct-}

# ctr_start NAME [SETUP]: start container NAME; the shell commands SETUP
# (mounts, say) run in it first.
ctr_start() {
	rm -f "$CTR_PREFIX$1.ready"
	$UNSHARE --user --map-root-user --mount --net --propagation private \
		sh -c "${2:-:} && ip link set lo up && touch $CTR_PREFIX$1.ready && exec sleep 100000" &
	echo $! >"$CTR_PREFIX$1"
	ctr_wait_ready "$CTR_PREFIX$1.ready" "container $1"
}

# ctr_wait_ready FILE WHAT: wait (up to 10 s) for FILE, which WHAT creates
# once it has started.
ctr_wait_ready() {
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "# $2 did not start"
	return 1
}

# ctr_run NAME CMD...: run CMD as root of container NAME.
ctr_run() {
	ct=$1
	shift
	$NSENTER --target "$(cat "$CTR_PREFIX$ct")" --user --mount --net "$@"
}

# ctr_bg NAME OUT CMD...: run CMD in container NAME in the background, output
# to OUT; CTR_BG is its pid (nsenter execs CMD, so the pid is CMD's).
ctr_bg() {
	ct=$1 out=$2
	shift 2
	$NSENTER --target "$(cat "$CTR_PREFIX$ct")" --user --mount --net "$@" >"$out" 2>&1 &
	CTR_BG=$!
}

# ctr_unpriv NAME CMD...: run CMD in container NAME without capabilities.
ctr_unpriv() {
	ct=$1
	shift
	ctr_run "$ct" setpriv --bounding-set=-all --inh-caps=-all "$@"
}

# ctr_stop NAME: end container NAME; its namespaces go away.
ctr_stop() {
	pid=$(cat "$CTR_PREFIX$1")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$CTR_PREFIX$1" "$CTR_PREFIX$1.ready"
}
