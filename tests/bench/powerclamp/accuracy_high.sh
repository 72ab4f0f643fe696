#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp benchmark: target against achieved idle above 50 %, max_idle
# raised to 75 for it. Target: within 2 points.

. "$KMODS/tests/lib/powerclamp.sh"

echo 75 >$PC_PARAMS/max_idle
pc_hogs_start
pc_accuracy_header
for target in 60 75; do
	pc_accuracy_row "$target" 2
done
pc_set 0
echo 50 >$PC_PARAMS/max_idle
pc_hogs_stop
