// SPDX-License-Identifier: GPL-2.0
/*
 * fs_events_probe.c - a C module that reports events through fs_events'
 * exported fs_event_notify(), for the tests and the benchmark.
 *
 * insmod fs_events_probe.ko path=/mnt code=7 message=hello [count=N]
 * reports N events on the filesystem mounted at path, logs how many watches
 * took them and how long that took, and stays loaded; a failed call fails
 * the insmod with its errno.
 */

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/path.h>

#include <fs_events.h>

static char *path;
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "A mount point; its filesystem gets the reports");

static unsigned int code;
module_param(code, uint, 0444);
MODULE_PARM_DESC(code, "The event code to report");

static char *message;
module_param(message, charp, 0444);
MODULE_PARM_DESC(message, "The text to report (none if unset)");

static unsigned int count = 1;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "How many reports to make");

static int __init fs_events_probe_init(void)
{
	struct path p;
	unsigned int i;
	u64 start, ns;
	int ret = 0;

	if (!path)
		return -EINVAL;
	ret = kern_path(path, LOOKUP_FOLLOW, &p);
	if (ret)
		return ret;
	start = ktime_get_ns();
	for (i = 0; i < count; i++) {
		ret = fs_event_notify(p.dentry->d_sb, code, message);
		if (ret < 0)
			break;
	}
	ns = ktime_get_ns() - start;
	path_put(&p);
	if (ret < 0)
		return ret;
	pr_info("fs_events_probe: %u reports, %d watches each, %llu ns\n",
		count, ret, ns);
	return 0;
}

static void __exit fs_events_probe_exit(void)
{
}

module_init(fs_events_probe_init);
module_exit(fs_events_probe_exit);
MODULE_DESCRIPTION("Reports events through fs_event_notify() for fs_events' tests");
MODULE_LICENSE("GPL");
