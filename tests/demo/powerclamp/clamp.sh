#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp demo: a busy loop on every CPU, then the cooling device set to
# 30 % idle; mpstat shows the idle share before and after, and debugfs what
# each CPU's controller did to get there.

. "$KMODS/tests/lib/powerclamp.sh"

cdev=$(pc_cdev)
pc_hogs_start
echo "A busy loop on every CPU; $cdev is of type $(cat "$cdev/type")," \
	"max_state $(cat "$cdev/max_state")."
echo
echo "\$ mpstat -P ALL 3 1      # before"
mpstat -P ALL 3 1 | grep '^Average'
echo
echo "\$ echo 30 > $cdev/cur_state"
pc_set 30
sleep 4
echo "\$ mpstat -P ALL 6 1      # clamped"
mpstat -P ALL 6 1 | grep '^Average'
echo
echo "\$ cat $PC_DEBUG/status"
cat $PC_DEBUG/status
echo "\$ cat $PC_DEBUG/cpus"
cat $PC_DEBUG/cpus
echo
echo "\$ echo 0 > $cdev/cur_state"
pc_set 0
echo "kidle_inject threads left: $(pc_thread_count)"
pc_hogs_stop
