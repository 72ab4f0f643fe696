#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp benchmark: target against achieved idle from 10 to 90 %, with a
# busy loop on every CPU (pc_accuracy_row in tests/lib/powerclamp.sh),
# max_idle raised to 90 for it. Targets: within 1 point from 10 to 50 %,
# within 2 above.

. "$KMODS/tests/lib/powerclamp.sh"

echo 90 >$PC_PARAMS/max_idle
pc_hogs_start
pc_accuracy_header
for target in 10 20 30 40 50 60 70 80 90; do
	if [ "$target" -le 50 ]; then
		pc_accuracy_row "$target" 1
	else
		pc_accuracy_row "$target" 2
	fi
done
pc_set 0
echo 50 >$PC_PARAMS/max_idle
pc_hogs_stop
