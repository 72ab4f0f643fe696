// SPDX-License-Identifier: GPL-2.0-only
/*
 * syslog_ns: the kernel's own log interfaces, syslog(2), /proc/kmsg and
 * /dev/kmsg, serve a task whose user namespace (or an ancestor below the
 * initial one) has a log from that log, with no bind mount. Every other
 * task, the host's first, runs the kernel's own code, untouched.
 *
 * The mechanism is livepatch's: an ftrace callback with
 * FTRACE_OPS_FL_IPMODIFY on the entry of a kernel function that, for a call
 * to redirect, sets the instruction pointer to a function of this module
 * with the same prototype, which returns to the kernel function's caller.
 *
 *   do_syslog()      syslog(2) (source SYSLOG_FROM_READER) of a task with a
 *                    log goes to syslog_ns_do_syslog(). /proc/kmsg's own
 *                    calls (SYSLOG_FROM_PROC) are left alone: a /proc/kmsg
 *                    file is served by the log it was opened on, below.
 *   kmsg_open()      /proc/kmsg opened by a task with a log goes to
 *                    syslog_ns_proc_kmsg_open(), which binds the file to the
 *                    log (file->private_data, which kmsg.c does not use).
 *   kmsg_read(), kmsg_poll(), kmsg_release()
 *                    a file so bound goes to syslog_ns_proc_kmsg_*(); a file
 *                    the kernel opened (private_data NULL) stays the
 *                    kernel's, whoever reads it, as the open decided.
 *   devkmsg_open()   /dev/kmsg opened by a task with a log becomes a file of
 *                    /dev/kmsg_ns (its operations, as misc_open() does).
 *
 * A redirected call holds a reference on this module: taken by the
 * callback, where try_module_get() fails once unloading has begun (and the
 * call then stays the kernel's), and given back at the end of the call, or,
 * for an open, at the file's release. So rmmod is refused (EWOULDBLOCK)
 * while a container's task is in syslog(2) or has /proc/kmsg or /dev/kmsg
 * open, and once it runs, after unregistering, synchronize_rcu_tasks()
 * waits for the last instructions of a call that gave its reference back.
 *
 * The functions are found by name, as livepatch finds them: do_syslog() and
 * /proc/kmsg's static functions are not exported. Each name is one function
 * in the kernel (tests/integration/syslog_ns/redirect.sh checks the running
 * kernel's available_filter_functions); devkmsg_open() is found exactly, as
 * the open of /dev/kmsg's file operations.
 *
 * This part is C because the API is: ftrace callbacks read the traced
 * function's arguments and set its instruction pointer with static inlines
 * on struct ftrace_regs, must be notrace, and replace_fops() and fops_get()
 * are macros. The replacements but devkmsg_open's are Rust (exports.rs).
 */

#include <linux/file.h>
#include <linux/ftrace.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/syslog.h>
#include <linux/user_namespace.h>

#include "syslog_ns_shim.h"

#if defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) || defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS)

/* /dev/kmsg_ns's file operations, which devkmsg_open() hands files to. */
static const struct file_operations *syslog_ns_kmsg_ns_fops;

/*
 * Whether the current task's call is to be redirected: it is a task's,
 * whose user namespace has a log, and the module is not going away (the
 * reference this takes is the call's).
 */
static bool notrace syslog_ns_take_call(void)
{
	/* The host's tasks first: their calls cost one comparison. */
	if (current_user_ns() == &init_user_ns || !in_task())
		return false;
	return syslog_ns_has_log(current_user_ns()) && try_module_get(THIS_MODULE);
}

/*
 * Whether the file that is argument @arg of the call is a /proc/kmsg file
 * syslog_ns_proc_kmsg_open() bound to a log; the file holds a module
 * reference until its release.
 */
static bool notrace syslog_ns_bound(struct ftrace_regs *fregs, unsigned int arg)
{
	struct file *file = (struct file *)ftrace_regs_get_argument(fregs, arg);

	return file->private_data;
}

/*
 * /dev/kmsg opened by a task with a log: the file becomes /dev/kmsg_ns's, as
 * misc_open() makes a misc device's, whose open serves the task's log. The
 * file's reference on the module is fops_get()'s; the call's is given back.
 */
static int syslog_ns_devkmsg_open(struct inode *inode, struct file *file)
{
	const struct file_operations *fops = fops_get(syslog_ns_kmsg_ns_fops);
	int ret = -ENODEV;

	if (fops) {
		replace_fops(file, fops);
		ret = fops->open(inode, file);
	}
	module_put(THIS_MODULE);
	return ret;
}

/* The redirected functions; all but devkmsg_open are found by name. */
enum syslog_ns_target {
	SYSLOG_NS_DO_SYSLOG,
	SYSLOG_NS_KMSG_OPEN,
	SYSLOG_NS_KMSG_READ,
	SYSLOG_NS_KMSG_POLL,
	SYSLOG_NS_KMSG_RELEASE,
	SYSLOG_NS_DEVKMSG_OPEN,
	SYSLOG_NS_TARGETS,
};

static const char *const syslog_ns_target_name[SYSLOG_NS_TARGETS] = {
	[SYSLOG_NS_DO_SYSLOG]		= "do_syslog",
	[SYSLOG_NS_KMSG_OPEN]		= "kmsg_open",
	[SYSLOG_NS_KMSG_READ]		= "kmsg_read",
	[SYSLOG_NS_KMSG_POLL]		= "kmsg_poll",
	[SYSLOG_NS_KMSG_RELEASE]	= "kmsg_release",
	[SYSLOG_NS_DEVKMSG_OPEN]	= "devkmsg_open",
};

/*
 * The ftrace location of each, learnt at its first call: one ftrace_ops
 * serves all six (one trampoline, and one RCU-tasks wait to remove it), and
 * the callback tells them apart by the location it is called for, whose
 * name it looks up once.
 */
static unsigned long syslog_ns_target_ip[SYSLOG_NS_TARGETS];

struct syslog_ns_symbol {
	char name[KSYM_SYMBOL_LEN];
};
static DEFINE_PER_CPU(struct syslog_ns_symbol, syslog_ns_symbol);

static int notrace syslog_ns_target_of(unsigned long ip)
{
	struct syslog_ns_symbol *symbol;
	int i, target = -1;

	for (i = 0; i < SYSLOG_NS_TARGETS; i++)
		if (READ_ONCE(syslog_ns_target_ip[i]) == ip)
			return i;
	symbol = get_cpu_ptr(&syslog_ns_symbol);
	sprint_symbol_no_offset(symbol->name, ip);
	for (i = 0; i < SYSLOG_NS_TARGETS; i++) {
		if (!strcmp(symbol->name, syslog_ns_target_name[i])) {
			WRITE_ONCE(syslog_ns_target_ip[i], ip);
			target = i;
			break;
		}
	}
	put_cpu_ptr(&syslog_ns_symbol);
	return target;
}

/*
 * The redirect, the way livepatch replaces a function: for a call to
 * redirect, the instruction pointer is set to the replacement, which has
 * the function's prototype and returns to its caller. Any other call runs
 * the kernel's function, untouched.
 */
static void notrace syslog_ns_hook(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	void *to = NULL;

	switch (syslog_ns_target_of(ip)) {
	case SYSLOG_NS_DO_SYSLOG:
		/* do_syslog(type, buf, len, source) */
		if ((int)ftrace_regs_get_argument(fregs, 3) == SYSLOG_FROM_READER &&
		    syslog_ns_take_call())
			to = syslog_ns_do_syslog;
		break;
	case SYSLOG_NS_KMSG_OPEN:
		if (syslog_ns_take_call())
			to = syslog_ns_proc_kmsg_open;
		break;
	case SYSLOG_NS_KMSG_READ:
		/* kmsg_read(file, buf, count, ppos) */
		if (syslog_ns_bound(fregs, 0))
			to = syslog_ns_proc_kmsg_read;
		break;
	case SYSLOG_NS_KMSG_POLL:
		/* kmsg_poll(file, wait) */
		if (syslog_ns_bound(fregs, 0))
			to = syslog_ns_proc_kmsg_poll;
		break;
	case SYSLOG_NS_KMSG_RELEASE:
		/* kmsg_release(inode, file) */
		if (syslog_ns_bound(fregs, 1))
			to = syslog_ns_proc_kmsg_release;
		break;
	case SYSLOG_NS_DEVKMSG_OPEN:
		if (syslog_ns_take_call())
			to = syslog_ns_devkmsg_open;
		break;
	}
	if (to)
		ftrace_regs_set_instruction_pointer(fregs, (unsigned long)to);
}

static struct ftrace_ops syslog_ns_ops = {
	.func	= syslog_ns_hook,
	.flags	= SYSLOG_NS_FTRACE_FLAGS,
};

static int syslog_ns_filter(const struct file_operations *host_kmsg)
{
	/* ftrace_set_filter() parses the name in place. */
	char name[32];
	int i, ret;

	for (i = 0; i < SYSLOG_NS_TARGETS; i++) {
		if (i == SYSLOG_NS_DEVKMSG_OPEN) {
			ret = host_kmsg && host_kmsg->open ?
				ftrace_set_filter_ip(&syslog_ns_ops,
						     (unsigned long)host_kmsg->open, 0, 0) :
				-ENODEV;
		} else {
			strscpy(name, syslog_ns_target_name[i]);
			ret = ftrace_set_filter(&syslog_ns_ops, name, strlen(name), 0);
		}
		if (ret) {
			pr_warn("syslog_ns: %s cannot be redirected (%d)\n",
				syslog_ns_target_name[i], ret);
			return ret;
		}
	}
	return 0;
}

/*
 * Starts redirecting: every function, or none. @host_kmsg is /dev/kmsg's
 * file operations (syslog_ns_find_host_kmsg()), @kmsg_ns /dev/kmsg_ns's.
 * Returns 0, -EOPNOTSUPP without ftrace's argument access, -EINVAL if a
 * function is not found (renamed, inlined), -ENODEV without /dev/kmsg, or
 * -EBUSY if another IPMODIFY user (a livepatch) has one of the functions.
 * Sleeps; at load, as the module's last step, since a bound file must not
 * outlive a failed load.
 */
int syslog_ns_redirect_register(const struct file_operations *host_kmsg,
				const struct file_operations *kmsg_ns)
{
	int ret;

	syslog_ns_kmsg_ns_fops = kmsg_ns;
	ret = syslog_ns_filter(host_kmsg);
	if (!ret)
		ret = register_ftrace_function(&syslog_ns_ops);
	if (ret)
		ftrace_free_filter(&syslog_ns_ops);
	return ret;
}

/*
 * Stops redirecting; at unload, which begins only once no redirected call
 * or bound file holds the module. Once unregister_ftrace_function() returns
 * no call is redirected; synchronize_rcu_tasks() waits for the last
 * instructions of a replacement that gave its module reference back.
 * Sleeps.
 */
void syslog_ns_redirect_unregister(void)
{
	unregister_ftrace_function(&syslog_ns_ops);
	ftrace_free_filter(&syslog_ns_ops);
	synchronize_rcu_tasks();
}

#else
int syslog_ns_redirect_register(const struct file_operations *host_kmsg,
				const struct file_operations *kmsg_ns)
{
	return -EOPNOTSUPP;
}

void syslog_ns_redirect_unregister(void)
{
}
#endif

/* Gives back the module reference of a redirected call or bound file. */
void syslog_ns_redirect_done(void)
{
	module_put(THIS_MODULE);
}

/*
 * A host setting the redirected syslog(2) applies as the host does, read
 * from its file: the variables behind them are not exported.
 */
static struct file *syslog_ns_dmesg_restrict_file;
static struct file *syslog_ns_printk_time_file;

static int syslog_ns_read_setting(struct file *file, int fallback)
{
	char buf[4] = {};
	loff_t pos = 0;

	if (!file || kernel_read(file, buf, sizeof(buf) - 1, &pos) <= 0)
		return fallback;
	return buf[0] == '1' || buf[0] == 'Y';
}

/* kernel.dmesg_restrict; restricted if it cannot be read. */
bool syslog_ns_dmesg_restrict(void)
{
	return syslog_ns_read_setting(syslog_ns_dmesg_restrict_file, 1);
}

/* printk.time: whether syslog(2) lines carry their timestamp. */
bool syslog_ns_printk_time(void)
{
	return syslog_ns_read_setting(syslog_ns_printk_time_file,
				      IS_ENABLED(CONFIG_PRINTK_TIME));
}

static struct file *syslog_ns_open_setting(const char *path)
{
	struct file *file = filp_open(path, O_RDONLY, 0);

	return IS_ERR(file) ? NULL : file;
}

/* At load; a setting that cannot be opened takes its fallback. Sleeps. */
void syslog_ns_settings_open(void)
{
	syslog_ns_dmesg_restrict_file = syslog_ns_open_setting("/proc/sys/kernel/dmesg_restrict");
	syslog_ns_printk_time_file = syslog_ns_open_setting("/sys/module/printk/parameters/time");
}

void syslog_ns_settings_close(void)
{
	if (syslog_ns_dmesg_restrict_file)
		fput(syslog_ns_dmesg_restrict_file);
	if (syslog_ns_printk_time_file)
		fput(syslog_ns_printk_time_file);
	syslog_ns_dmesg_restrict_file = NULL;
	syslog_ns_printk_time_file = NULL;
}

/*
 * The user namespace of task @nr (a pid in the initial pid namespace, as
 * the OOM killer's report gives it), referenced, or NULL. Any context.
 */
struct user_namespace *syslog_ns_task_user_ns(int nr)
{
	struct user_namespace *ns = NULL;
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, &init_pid_ns), PIDTYPE_PID);
	if (task)
		ns = get_user_ns(__task_cred(task)->user_ns);
	rcu_read_unlock();
	return ns;
}
