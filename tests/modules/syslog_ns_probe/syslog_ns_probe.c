// SPDX-License-Identifier: GPL-2.0
/*
 * syslog_ns_probe.c - a C module that writes through syslog_ns' exported
 * syslog_ns_printk(), for the tests and the benchmark.
 *
 * /sys/kernel/debug/syslog_ns_probe/printk: a write of TEXT logs
 * "TEXT (N bytes)" at KERN_NOTICE to the log of the writer's user
 * namespace, through a format (the benchmark takes the "%s" path that
 * stores without formatting); the write fails with syslog_ns_printk()'s
 * error.
 *
 * /sys/kernel/debug/syslog_ns_probe/bench: a write of "ns|printk CPUS COUNT"
 * starts a kernel thread on each of the first CPUS CPUs, which write COUNT
 * records each of the same text, as "%s", either with syslog_ns_printk() to
 * the writer's namespace or with printk() to the host's log, both at
 * KERN_DEBUG so that no console prints them; a read gives the last run's
 * figures.
 */

/* pr_debug() is printk(KERN_DEBUG) then, not compiled out. */
#define DEBUG

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include <syslog_ns.h>

#define BENCH_MAX_CPUS 8

static struct dentry *probe_dir;
static DEFINE_MUTEX(bench_lock);
static char bench_result[160];

struct bench_run {
	struct user_namespace *ns;	/* NULL: printk */
	unsigned int count;
	atomic_t ready, failed;
	struct completion go, done[BENCH_MAX_CPUS];
};

static int bench_thread(void *data)
{
	struct bench_run *run = data;
	unsigned int cpu = raw_smp_processor_id(), i;
	char text[64];
	int failed = 0;

	/* Both sides get the same finished text: what is measured is the store. */
	scnprintf(text, sizeof(text), "bench: a record from cpu %u of the syslog_ns benchmark", cpu);
	atomic_inc(&run->ready);
	wait_for_completion(&run->go);
	for (i = 0; i < run->count; i++) {
		if (run->ns) {
			if (syslog_ns_printk(run->ns, KERN_DEBUG "%s", text) < 0)
				failed++;
		} else {
			pr_debug("%s\n", text);
		}
	}
	atomic_add(failed, &run->failed);
	complete(&run->done[cpu]);
	return 0;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct task_struct *threads[BENCH_MAX_CPUS];
	unsigned int cpus, count, cpu;
	struct bench_run *run;
	char buf[64], mode[8];
	u64 start, ns;
	ssize_t ret = len;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%7s %u %u", mode, &cpus, &count) != 3 ||
	    (strcmp(mode, "ns") && strcmp(mode, "printk")) ||
	    !cpus || cpus > min_t(unsigned int, num_online_cpus(), BENCH_MAX_CPUS) ||
	    !count)
		return -EINVAL;
	run = kzalloc_obj(*run);
	if (!run)
		return -ENOMEM;
	run->ns = strcmp(mode, "ns") ? NULL : get_user_ns(current_user_ns());
	run->count = count;
	init_completion(&run->go);
	mutex_lock(&bench_lock);
	for (cpu = 0; cpu < cpus; cpu++) {
		init_completion(&run->done[cpu]);
		threads[cpu] = kthread_run_on_cpu(bench_thread, run, cpu, "sns_bench/%u");
		if (IS_ERR(threads[cpu])) {
			ret = PTR_ERR(threads[cpu]);
			cpus = cpu;
			break;
		}
	}
	while (atomic_read(&run->ready) < cpus)
		schedule_timeout_uninterruptible(1);
	start = ktime_get_ns();
	complete_all(&run->go);
	for (cpu = 0; cpu < cpus; cpu++)
		wait_for_completion(&run->done[cpu]);
	ns = ktime_get_ns() - start;
	if (ret > 0)
		scnprintf(bench_result, sizeof(bench_result),
			  "mode=%s cpus=%u records=%llu ns=%llu failed=%d\n",
			  mode, cpus, (u64)cpus * count, ns, atomic_read(&run->failed));
	mutex_unlock(&bench_lock);
	if (run->ns)
		put_user_ns(run->ns);
	kfree(run);
	return ret;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_result,
				      strlen(bench_result));
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.read = bench_read,
	.write = bench_write,
};

static ssize_t printk_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char *text;
	int ret;

	text = memdup_user_nul(ubuf, len);
	if (IS_ERR(text))
		return PTR_ERR(text);
	strim(text);
	ret = syslog_ns_printk(current_user_ns(), KERN_NOTICE "%s (%zu bytes)", text,
			       strlen(text));
	kfree(text);
	return ret < 0 ? ret : len;
}

static const struct file_operations printk_fops = {
	.owner = THIS_MODULE,
	.write = printk_write,
};

static int __init syslog_ns_probe_init(void)
{
	probe_dir = debugfs_create_dir("syslog_ns_probe", NULL);
	debugfs_create_file("printk", 0200, probe_dir, NULL, &printk_fops);
	debugfs_create_file("bench", 0600, probe_dir, NULL, &bench_fops);
	return 0;
}

static void __exit syslog_ns_probe_exit(void)
{
	debugfs_remove(probe_dir);
}

module_init(syslog_ns_probe_init);
module_exit(syslog_ns_probe_exit);
MODULE_DESCRIPTION("Writes through syslog_ns_printk() for syslog_ns' tests and benchmark");
MODULE_LICENSE("GPL");
