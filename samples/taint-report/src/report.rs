// SPDX-License-Identifier: GPL-2.0

//! Gathering, decoding and wording the taint report.

use crate::abi::{
    self,
    TaintFlagInfo, //
};
use anyhow::{
    bail,
    Context,
    Result, //
};
use serde::Serialize;
use std::{
    collections::BTreeMap,
    fmt::Write,
    fs,
    io,
    path::Path, //
};

/// One set flag of the kernel-wide taint.
#[derive(Serialize)]
pub(crate) struct Flag {
    pub(crate) bit: u32,
    /// `None` for a bit this tool does not know (a newer kernel).
    pub(crate) letter: Option<char>,
    pub(crate) name: Option<&'static str>,
    pub(crate) meaning: Option<&'static str>,
    pub(crate) tracepoints_allowed: Option<bool>,
    pub(crate) support: Option<&'static str>,
    /// From taint_audit's `taints` file, when the module is loaded.
    pub(crate) first_cause: Option<FirstCause>,
}

/// Who first set a flag, as taint_audit saw it.
#[derive(Serialize, Clone, PartialEq, Debug)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub(crate) enum FirstCause {
    /// Set before taint_audit loaded: the first cause is not known.
    BeforeAudit { calls: u64 },
    /// Set while taint_audit watched.
    Attributed {
        calls: u64,
        time_ns: u64,
        pid: i64,
        comm: String,
        caller: String,
    },
}

/// A loaded module and what its taint says.
#[derive(Serialize)]
pub(crate) struct Module {
    pub(crate) name: String,
    pub(crate) taints: String,
    /// `verified`, `none`, or `unknown`.
    pub(crate) signature: &'static str,
    /// `audit` when taint_audit recorded the load, `inferred` from the E flag otherwise.
    pub(crate) signature_source: &'static str,
    pub(crate) tracepoints: &'static str,
    /// Letters this tool does not know.
    pub(crate) unknown_letters: String,
}

/// The whole report.
#[derive(Serialize)]
pub(crate) struct Report {
    pub(crate) kernel_taint: u64,
    pub(crate) letters: String,
    pub(crate) flags: Vec<Flag>,
    pub(crate) modules: Vec<Module>,
    /// Whether taint_audit's files were found.
    pub(crate) audit_loaded: bool,
    /// taint_audit's module records, as key/value maps, oldest first.
    pub(crate) audit_records: Vec<BTreeMap<String, String>>,
    /// Set letters (or `?<bit>` for unknown bits) outside `--allow`.
    pub(crate) disallowed: Vec<String>,
}

/// Letters from `--allow`, each a known taint letter.
pub(crate) fn parse_allowed(letters: &str) -> Result<Vec<char>> {
    letters
        .chars()
        .map(|c| match abi::flag_by_letter(c) {
            Some(_) => Ok(c),
            None => bail!("--allow: '{c}' is not a taint letter"),
        })
        .collect()
}

/// Letters of a mask in bit order, `?` for unknown bits.
pub(crate) fn letters_of(mask: u64) -> String {
    (0..64)
        .filter(|bit| mask & (1 << bit) != 0)
        .map(|bit| abi::flag_by_bit(bit).map_or('?', |f| f.letter))
        .collect()
}

/// Splits a record line into its fields, checking the keys against `keys`.
pub(crate) fn parse_record(line: &str, keys: &[&str]) -> Result<BTreeMap<String, String>> {
    let fields: Vec<&str> = line.split(' ').collect();
    if fields.len() != keys.len() {
        bail!(
            "record has {} fields, expected {}: {line}",
            fields.len(),
            keys.len()
        );
    }
    let mut record = BTreeMap::new();
    for (field, key) in fields.iter().zip(keys) {
        match field.split_once('=') {
            Some((k, v)) if k == *key => record.insert(k.to_string(), v.to_string()),
            _ => bail!("expected key '{key}', found '{field}' in: {line}"),
        };
    }
    Ok(record)
}

fn number<T: std::str::FromStr>(record: &BTreeMap<String, String>, key: &str) -> Result<T> {
    record
        .get(key)
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("'{key}' is not a number in an audit record"))
}

/// Parses taint_audit's `taints` file into first causes by bit.
pub(crate) fn parse_taints_file(text: &str) -> Result<BTreeMap<u32, FirstCause>> {
    let mut causes = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cause = if line.contains(" origin=") {
            let r = parse_record(line, &abi::TAINT_BEFORE_AUDIT_KEYS)?;
            (
                number(&r, "bit")?,
                FirstCause::BeforeAudit {
                    calls: number(&r, "calls")?,
                },
            )
        } else {
            let r = parse_record(line, &abi::TAINT_RECORD_KEYS)?;
            (
                number(&r, "bit")?,
                FirstCause::Attributed {
                    calls: number(&r, "calls")?,
                    time_ns: number(&r, "time_ns")?,
                    pid: number(&r, "pid")?,
                    comm: r["comm"].clone(),
                    caller: r["caller"].clone(),
                },
            )
        };
        causes.insert(cause.0, cause.1);
    }
    Ok(causes)
}

/// Parses taint_audit's `modules` file.
pub(crate) fn parse_modules_file(text: &str) -> Result<Vec<BTreeMap<String, String>>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| parse_record(l, &abi::MODULE_RECORD_KEYS))
        .collect()
}

/// Reads a file that may legitimately be absent.
fn read_optional(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

impl Report {
    /// Reads everything and decides which set flags are not allowed.
    pub(crate) fn gather(
        proc: &Path,
        sys: &Path,
        debugfs: &Path,
        allowed: Option<&[char]>,
    ) -> Result<Report> {
        let tainted_path = proc.join("sys/kernel/tainted");
        let kernel_taint: u64 = fs::read_to_string(&tainted_path)
            .with_context(|| format!("reading {}", tainted_path.display()))?
            .trim()
            .parse()
            .with_context(|| format!("{} is not a number", tainted_path.display()))?;

        let audit_dir = debugfs.join("taint_audit");
        let causes = match read_optional(&audit_dir.join("taints"))? {
            Some(text) => Some(parse_taints_file(&text)?),
            None => None,
        };
        let audit_records = match read_optional(&audit_dir.join("modules"))? {
            Some(text) => parse_modules_file(&text)?,
            None => Vec::new(),
        };

        let flags = (0..64u32)
            .filter(|bit| kernel_taint & (1 << bit) != 0)
            .map(|bit| {
                let info: Option<&TaintFlagInfo> = abi::flag_by_bit(bit);
                Flag {
                    bit,
                    letter: info.map(|f| f.letter),
                    name: info.map(|f| f.name),
                    meaning: info.map(|f| f.meaning),
                    tracepoints_allowed: info.map(|f| f.tracepoints_allowed),
                    support: info.map(|f| f.support),
                    first_cause: causes.as_ref().and_then(|c| c.get(&bit)).cloned(),
                }
            })
            .collect::<Vec<_>>();

        let modules = Self::modules(sys, &audit_records)?;

        let disallowed = match allowed {
            None => Vec::new(),
            Some(allowed) => flags
                .iter()
                .filter(|f| f.letter.is_none_or(|l| !allowed.contains(&l)))
                .map(|f| f.letter.map_or(format!("?{}", f.bit), String::from))
                .collect(),
        };

        Ok(Report {
            kernel_taint,
            letters: letters_of(kernel_taint),
            flags,
            modules,
            audit_loaded: causes.is_some(),
            audit_records,
            disallowed,
        })
    }

    /// Every loadable module in sysfs, with what its taint letters say.
    fn modules(sys: &Path, records: &[BTreeMap<String, String>]) -> Result<Vec<Module>> {
        let dir = sys.join("module");
        // The parameter exists only when the kernel checks module signatures;
        // then a module without E had a signature that verified.
        let signing = dir.join("module/parameters/sig_enforce").exists();
        let mut modules = Vec::new();
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            // Not every entry is a module: with CONFIG_MODULE_DECOMPRESS,
            // /sys/module/compression is a file.
            if !entry.file_type()?.is_dir() {
                continue;
            }
            // Built-in "modules" have no taint attribute; loadable ones do.
            let Some(taints) = read_optional(&entry.path().join("taint"))? else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let taints = taints.trim().to_string();
            let unknown_letters: String = taints
                .chars()
                .filter(|c| abi::flag_by_letter(*c).is_none())
                .collect();
            let last_load = records
                .iter()
                .rev()
                .find(|r| r["event"] == "load" && r["module"] == name);
            let (signature, signature_source) = match last_load {
                Some(r) if r["signature"] == "verified" => ("verified", "audit"),
                Some(_) => ("none", "audit"),
                None if taints.contains('E') => ("none", "inferred"),
                None if signing => ("verified", "inferred"),
                None => ("unknown", "inferred"),
            };
            let tracepoints = if taints
                .chars()
                .all(|c| abi::flag_by_letter(c).is_some_and(|f| f.tracepoints_allowed))
            {
                "accepted"
            } else {
                "refused"
            };
            modules.push(Module {
                name,
                taints,
                signature,
                signature_source,
                tracepoints,
                unknown_letters,
            });
        }
        modules.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(modules)
    }

    /// The report in plain words.
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        if self.kernel_taint == 0 {
            out.push_str("The kernel is not tainted.\n");
        } else {
            let _ = writeln!(
                out,
                "The kernel is tainted: {} ({}), {} flag(s).",
                self.letters,
                self.kernel_taint,
                self.flags.len()
            );
        }
        for flag in &self.flags {
            out.push('\n');
            match (flag.letter, flag.name, flag.meaning) {
                (Some(letter), Some(name), Some(meaning)) => {
                    let _ = writeln!(out, "  {letter}  {name}: {meaning}.");
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "  ?  bit {}: unknown to this tool (a newer kernel?); see \
                         Documentation/admin-guide/tainted-kernels.rst of the running kernel.",
                        flag.bit
                    );
                }
            }
            match flag.tracepoints_allowed {
                Some(true) => {
                    out.push_str("     Tracing: a module carrying it keeps its tracepoints.\n")
                }
                Some(false) => out.push_str(
                    "     Tracing: a module carrying it loses its tracepoints and trace events.\n",
                ),
                None => {}
            }
            if let Some(support) = flag.support {
                let _ = writeln!(out, "     Support: {support}.");
            }
            match &flag.first_cause {
                Some(FirstCause::BeforeAudit { calls }) => {
                    let _ = writeln!(
                        out,
                        "     First cause: set before taint_audit loaded ({calls} more add_taint calls since)."
                    );
                }
                Some(FirstCause::Attributed {
                    calls,
                    time_ns,
                    pid,
                    comm,
                    caller,
                }) => {
                    let _ = writeln!(
                        out,
                        "     First cause: {caller}, in {comm} (pid {pid}), at {}.{:06} s; added {calls} time(s).",
                        time_ns / 1_000_000_000,
                        time_ns % 1_000_000_000 / 1000
                    );
                }
                None if self.audit_loaded => {
                    out.push_str(
                        "     First cause: not seen (set while taint_audit was not watching).\n",
                    );
                }
                None => {
                    out.push_str("     First cause: unknown (load taint_audit to record it).\n")
                }
            }
        }

        let tainted: Vec<&Module> = self
            .modules
            .iter()
            .filter(|m| !m.taints.is_empty())
            .collect();
        let _ = writeln!(
            out,
            "\nModules: {} loaded, {} tainted.",
            self.modules.len(),
            tainted.len()
        );
        for m in tainted {
            let _ = writeln!(
                out,
                "  {:<20} {:<5} signature: {} ({}), tracepoints: {}{}",
                m.name,
                m.taints,
                m.signature,
                m.signature_source,
                m.tracepoints,
                if m.unknown_letters.is_empty() {
                    String::new()
                } else {
                    format!(", unknown letters: {}", m.unknown_letters)
                }
            );
        }

        if self.audit_loaded {
            let loads = self
                .audit_records
                .iter()
                .filter(|r| r["event"] == "load")
                .count();
            let _ = writeln!(
                out,
                "\nAudit: {} record(s), {} load(s), {} unload(s).",
                self.audit_records.len(),
                loads,
                self.audit_records.len() - loads
            );
            for r in &self.audit_records {
                let _ = writeln!(
                    out,
                    "  #{:<4} {:<6} {:<20} taints {:<5} signature {:<8} tracepoints {:<8} by {} (pid {})",
                    r["seq"],
                    r["event"],
                    r["module"],
                    r["taints"],
                    r["signature"],
                    r["tracepoints"],
                    r["comm"],
                    r["pid"]
                );
            }
        } else {
            out.push_str(
                "\nAudit: taint_audit is not loaded; modules are judged by their letters alone.\n",
            );
        }

        if !self.disallowed.is_empty() {
            let _ = writeln!(out, "\nNot allowed: {}.", self.disallowed.join(" "));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fake /proc, /sys and debugfs under a temporary directory.
    struct Tree(PathBuf);

    impl Tree {
        fn new(name: &str, tainted: u64) -> Tree {
            let root =
                std::env::temp_dir().join(format!("taint-report-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            fs::create_dir_all(root.join("proc/sys/kernel")).unwrap();
            fs::create_dir_all(root.join("sys/module")).unwrap();
            fs::create_dir_all(root.join("debug")).unwrap();
            fs::write(root.join("proc/sys/kernel/tainted"), format!("{tainted}\n")).unwrap();
            Tree(root)
        }

        fn module(&self, name: &str, taint: &str) {
            let dir = self.0.join("sys/module").join(name);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("taint"), format!("{taint}\n")).unwrap();
        }

        fn audit(&self, modules: &str, taints: &str) {
            let dir = self.0.join("debug/taint_audit");
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("modules"), modules).unwrap();
            fs::write(dir.join("taints"), taints).unwrap();
        }

        fn report(&self, allowed: Option<&[char]>) -> Report {
            Report::gather(
                &self.0.join("proc"),
                &self.0.join("sys"),
                &self.0.join("debug"),
                allowed,
            )
            .unwrap()
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const O: u64 = 1 << 12;
    const E: u64 = 1 << 13;
    const N: u64 = 1 << 18;
    const U: u64 = 1 << 6;

    #[test]
    fn letters_follow_bit_order_and_mark_unknown_bits() {
        assert_eq!(letters_of(O | E | N), "OEN");
        assert_eq!(letters_of(1 | 1 << 40), "P?");
        assert_eq!(letters_of(0), "");
    }

    #[test]
    fn allow_rejects_what_is_not_a_taint_letter() {
        assert_eq!(parse_allowed("OEN").unwrap(), vec!['O', 'E', 'N']);
        assert!(parse_allowed("OZ").is_err());
    }

    #[test]
    fn records_must_carry_the_abi_keys_in_order() {
        let line = "flag=U bit=6 calls=2 time_ns=5 pid=9 comm=sh caller=proc_taint+0x8a/0x110";
        let r = parse_record(line, &abi::TAINT_RECORD_KEYS).unwrap();
        assert_eq!(r["caller"], "proc_taint+0x8a/0x110");
        assert!(parse_record("bit=6 flag=U", &abi::TAINT_BEFORE_AUDIT_KEYS).is_err());
        assert!(parse_record(line, &abi::TAINT_BEFORE_AUDIT_KEYS).is_err());
    }

    #[test]
    fn untainted_kernel_reports_nothing_and_passes_any_allow_list() {
        let t = Tree::new("clean", 0);
        let r = t.report(Some(&[]));
        assert!(r.flags.is_empty());
        assert!(r.disallowed.is_empty());
        assert!(r.to_text().starts_with("The kernel is not tainted."));
    }

    #[test]
    fn without_audit_modules_are_judged_by_letters() {
        let t = Tree::new("letters", O | E);
        t.module("unsigned_oot", "OE");
        t.module("forced", "FOE");
        t.module("clean", "");
        fs::write(t.0.join("sys/module/compression"), "xz\n").unwrap();
        let r = t.report(None);
        assert!(!r.audit_loaded);
        assert!(r.modules.iter().all(|m| m.name != "compression"));
        let by = |n: &str| r.modules.iter().find(|m| m.name == n).unwrap();
        assert_eq!(by("unsigned_oot").signature, "none");
        assert_eq!(by("unsigned_oot").tracepoints, "accepted");
        assert_eq!(by("forced").tracepoints, "refused");
        assert_eq!(by("clean").taints, "");
        assert_eq!(by("clean").signature, "unknown");
        assert!(r.to_text().contains("taint_audit is not loaded"));
    }

    #[test]
    fn audit_records_supply_signature_and_first_cause() {
        let t = Tree::new("audit", O | E | U | N);
        t.module("probe", "O");
        t.audit(
            "# taint_audit records=1 dropped=0 kernel_taint=OEN\n\
             seq=1 time_ns=10 event=load module=probe taints=O signature=verified \
             tracepoints=accepted kernel_taint_before=OEN kernel_taint_after=OEN pid=7 comm=insmod\n",
            "# taint_audit kernel_taint=UOEN before_audit=OEN unknown_flag_calls=0 probe_misses=0\n\
             flag=U bit=6 calls=2 time_ns=1500000000 pid=9 comm=sh caller=proc_taint+0x8a/0x110\n\
             flag=O bit=12 calls=3 origin=before_audit\n",
        );
        let r = t.report(Some(&['O', 'E', 'N']));
        let probe = r.modules.iter().find(|m| m.name == "probe").unwrap();
        assert_eq!(
            (probe.signature, probe.signature_source),
            ("verified", "audit")
        );
        let u = r.flags.iter().find(|f| f.letter == Some('U')).unwrap();
        assert!(
            matches!(&u.first_cause, Some(FirstCause::Attributed { caller, calls: 2, .. })
            if caller == "proc_taint+0x8a/0x110")
        );
        let o = r.flags.iter().find(|f| f.letter == Some('O')).unwrap();
        assert_eq!(o.first_cause, Some(FirstCause::BeforeAudit { calls: 3 }));
        assert_eq!(r.disallowed, vec!["U".to_string()]);
        let text = r.to_text();
        assert!(text.contains("First cause: proc_taint+0x8a/0x110, in sh (pid 9), at 1.500000 s"));
        assert!(text.contains("Not allowed: U."));
        assert!(
            text.contains("     Support: someone deliberately marked this kernel: ask them why.")
        );
    }

    #[test]
    fn unknown_bits_and_letters_are_reported_not_fatal() {
        let t = Tree::new("unknown", O | 1 << 40);
        t.module("future", "OZ");
        let r = t.report(Some(&['O']));
        assert_eq!(r.letters, "O?");
        assert_eq!(r.disallowed, vec!["?40".to_string()]);
        assert!(r.to_text().contains("bit 40: unknown to this tool"));
        assert_eq!(r.modules[0].unknown_letters, "Z");
    }

    #[test]
    fn malformed_audit_records_are_an_error_not_a_guess() {
        let t = Tree::new("malformed", O);
        t.audit("seq=1 event=load\n", "");
        assert!(Report::gather(
            &t.0.join("proc"),
            &t.0.join("sys"),
            &t.0.join("debug"),
            None
        )
        .is_err());
    }
}
