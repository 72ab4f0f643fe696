#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp demo: a busy loop on every CPU, then the cooling device set to
# 30 % idle; mpstat shows the idle share before and after, and debugfs what
# each CPU's controller did to get there, its `achieved` over the same span
# as mpstat's.

. "$KMODS/tests/lib/powerclamp.sh"

cdev=$(pc_cdev)
pc_hogs_start
echo "A busy loop on every CPU; $cdev is of type $(cat "$cdev/type")," \
	"max_state $(cat "$cdev/max_state")."
echo
echo "\$ mpstat -P ALL 3 1      # before"
mpstat -P ALL 3 1 | grep '^Average'
echo
echo "\$ echo 30 > $cdev/cur_state; mpstat -P ALL 8 1      # clamped"
pc_set 30
mpstat -P ALL 8 1 | grep '^Average'
echo
echo "\$ cat $PC_DEBUG/status"
cat $PC_DEBUG/status
echo "\$ cat $PC_DEBUG/cpus      # achieved: /proc/stat since the target was set, as mpstat above"
cat $PC_DEBUG/cpus
echo
echo "\$ echo 0 > $cdev/cur_state"
pc_set 0
echo "kidle_inject threads left: $(pc_thread_count)"
pc_hogs_stop
