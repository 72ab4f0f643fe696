#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# powerclamp benchmark: target against achieved idle from 10 to 50 %, with a
# busy loop on every CPU (pc_accuracy_row in tests/lib/powerclamp.sh).
# Target: within 1 point.

. "$KMODS/tests/lib/powerclamp.sh"

pc_hogs_start
pc_accuracy_header
for target in 10 20 30 40 50; do
	pc_accuracy_row "$target" 1
done
pc_set 0
pc_hogs_stop
