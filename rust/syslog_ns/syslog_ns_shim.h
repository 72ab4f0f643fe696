/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C side of syslog_ns: what Rust cannot call or define (see
 * syslog_ns_shim.c), and the Rust functions the C side calls.
 */
#ifndef _SYSLOG_NS_SHIM_H
#define _SYSLOG_NS_SHIM_H

#include <linux/types.h>

struct file;
struct file_operations;
struct inode;
struct poll_table_struct;
struct user_namespace;
struct syslog_ns_waiters;

void syslog_ns_preempt_disable(void);
void syslog_ns_preempt_enable(void);
u64 syslog_ns_clock(void);
u32 syslog_ns_caller_id(void);

struct user_namespace *syslog_ns_current_user_ns(void);
struct user_namespace *syslog_ns_get_user_ns(struct user_namespace *ns);
void syslog_ns_put_user_ns(struct user_namespace *ns);
bool syslog_ns_user_ns_active(struct user_namespace *ns);
u64 syslog_ns_user_ns_id(struct user_namespace *ns);
u32 syslog_ns_user_ns_owner(struct user_namespace *ns);
struct user_namespace *syslog_ns_user_ns_parent(struct user_namespace *ns);
u32 syslog_ns_user_ns_quota_uid(struct user_namespace *ns);
bool syslog_ns_may_write(struct user_namespace *ns);
size_t syslog_ns_current_comm(char *buf, size_t len);

void *syslog_ns_alloc_accounted(size_t bytes);
void syslog_ns_free_accounted(void *ptr);

struct syslog_ns_waiters *syslog_ns_waiters_new(void);
void syslog_ns_waiters_free(struct syslog_ns_waiters *w);
void syslog_ns_wake(struct syslog_ns_waiters *w);
int syslog_ns_wait(struct syslog_ns_waiters *w, bool (*ready)(const void *arg),
		   const void *arg);
void syslog_ns_poll_wait(struct file *file, struct syslog_ns_waiters *w,
			 struct poll_table_struct *pt);

const struct file_operations *syslog_ns_find_host_kmsg(void);
void syslog_ns_forget_host_kmsg(void);
int syslog_ns_host_kmsg_permission(struct file *file);
int syslog_ns_open_host(const struct file_operations *table,
			const struct file_operations *host,
			struct inode *inode, struct file *file);

void syslog_ns_collector_start(void);
void syslog_ns_collector_stop(void);

int syslog_ns_console_capture_start(bool console, bool oom);
void syslog_ns_console_capture_stop(void);

void syslog_ns_host_printk(unsigned int level, u64 id, const char *text,
			   size_t len);

int syslog_ns_text_init(void);
void syslog_ns_text_exit(void);
char *syslog_ns_text_get(void);
void syslog_ns_text_put(void);

/*
 * The flags of the module's ftrace redirects (syslog_ns_netfilter.c,
 * syslog_ns_redirect.c): the callback may set the instruction pointer,
 * ftrace guards it against recursion (and runs it with preemption
 * disabled), and without ftrace's argument access it needs the registers.
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#define SYSLOG_NS_FTRACE_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION)
#else
#define SYSLOG_NS_FTRACE_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION | \
				 FTRACE_OPS_FL_SAVE_REGS)
#endif

int syslog_ns_redirect_register(const struct file_operations *host_kmsg,
				const struct file_operations *kmsg_ns);
void syslog_ns_redirect_unregister(void);
void syslog_ns_redirect_done(void);
void syslog_ns_settings_open(void);
void syslog_ns_settings_close(void);
bool syslog_ns_dmesg_restrict(void);
bool syslog_ns_printk_time(void);
struct user_namespace *syslog_ns_task_user_ns(int nr);

/* Rust. */
int syslog_ns_store(struct user_namespace *ns, bool to_host, unsigned int level,
		    unsigned int facility, const char *text, size_t len);
bool syslog_ns_has_log(struct user_namespace *ns);
void syslog_ns_collect(void);
void syslog_ns_console(const char *text, size_t len);
bool syslog_ns_oom_text(const char *text, size_t len);
int syslog_ns_do_syslog(int type, char __user *buf, int len, int source);
int syslog_ns_proc_kmsg_open(struct inode *inode, struct file *file);
int syslog_ns_proc_kmsg_release(struct inode *inode, struct file *file);
ssize_t syslog_ns_proc_kmsg_read(struct file *file, char __user *buf, size_t count,
				 loff_t *ppos);
__poll_t syslog_ns_proc_kmsg_poll(struct file *file, struct poll_table_struct *wait);

#endif /* _SYSLOG_NS_SHIM_H */
