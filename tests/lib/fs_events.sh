# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the fs_events tests, demo and benchmarks.

FSE_CONFIG=/sys/kernel/config/fs_events

# fse_watch NAME PATH [ATTR=VALUE...]: create a watch and configure it.
fse_watch() {
	name=$1 path=$2
	shift 2
	mkdir "$FSE_CONFIG/$name" || return 1
	echo "$path" >"$FSE_CONFIG/$name/path" || return 1
	for kv in "$@"; do
		echo "${kv#*=}" >"$FSE_CONFIG/$name/${kv%%=*}" || return 1
	done
}

# fse_tmpfs DIR OPTIONS: mount a small tmpfs at DIR.
fse_tmpfs() {
	mkdir -p "$1" && mount -t tmpfs -o "$2" tmpfs "$1"
}

# fse_monitor_start LOG [ARGS...]: the monitor in the background, JSON lines
# into LOG; returns once it has joined the events group. FSE_MONITOR is its pid.
fse_monitor_start() {
	log=$1
	shift
	rm -f /tmp/fse-ready
	fs-events-monitor --json --ready-file /tmp/fse-ready "$@" >"$log" 2>&1 &
	FSE_MONITOR=$!
	i=0
	while [ ! -e /tmp/fse-ready ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -e /tmp/fse-ready ]
}

fse_monitor_stop() {
	kill "$FSE_MONITOR" 2>/dev/null
	wait "$FSE_MONITOR" 2>/dev/null
	return 0
}

# fse_count LOG TYPE [WATCH]: how many events of TYPE (for WATCH) LOG holds.
fse_count() {
	if [ -n "${3:-}" ]; then
		grep "\"type\":\"$2\"" "$1" | grep -c "\"watch\":\"$3\""
	else
		grep -c "\"type\":\"$2\"" "$1"
	fi
}

# fse_wait LOG TYPE N [WATCH]: wait up to 5 s for N events of TYPE.
fse_wait() {
	i=0
	while [ "$(fse_count "$1" "$2" "${4:-}")" -lt "$3" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(fse_count "$1" "$2" "${4:-}")" -ge "$3" ]
}

# fse_expect_count LOG TYPE N [WATCH]: exactly N events of TYPE.
fse_expect_count() {
	got=$(fse_count "$1" "$2" "${4:-}")
	[ "$got" -eq "$3" ] || { echo "$got $2 events, expected $3"; grep . "$1"; return 1; }
}
