// SPDX-License-Identifier: GPL-2.0

//! Generates the monitor's tables from the YNL spec,
//! Documentation/netlink/specs/fs_events.yaml, the one source of the
//! fs_events ABI: the name of each event type and, for each attribute of the
//! `event` set, its output key and how to decode it (an attribute that takes
//! an enum other than the event type prints its values' names). src/event.rs
//! includes the result.
//!
//! The numbers are not taken from the spec but named by the uapi.rs
//! constants that scripts/ynl-gen.sh generates from it (the kernel's naming:
//! `FS_EVENTS_EVENT_TYPE_SPACE_LOW`, `FS_EVENTS_A_EVENT_SEQ`), so a spec
//! changed without regenerating uapi.rs fails to compile.

use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The spec, relative to this crate.
const SPEC: &str = "../../Documentation/netlink/specs/fs_events.yaml";

/// The enum that the `type` attribute takes.
const EVENT_TYPE_ENUM: &str = "event-type";

/// The attribute set of the events and of the state dump's replies.
const ATTRIBUTE_SET: &str = "event";

/// Output keys that are not the attribute's name with `_` for `-`: the
/// spec's name leaves out a unit that the key states. Scripts read these
/// keys (tests/bench/fs_events/delivery.sh reads `timestamp_ns`).
const KEY_RENAMES: &[(&str, &str)] = &[("timestamp", "timestamp_ns")];

/// The attributes that lead each line, in this order: what the event is and
/// which watch it is about. The others follow in the spec's order.
const LEADING: &[&str] = &["seq", "type", "watch-id", "watch", "path"];

/// The parts of a YNL spec (Documentation/netlink/genetlink-c.yaml in the
/// kernel) that the tables need.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Spec {
    name: String,
    definitions: Vec<Definition>,
    attribute_sets: Vec<AttributeSet>,
}

#[derive(Deserialize)]
struct Definition {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    entries: Vec<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct AttributeSet {
    name: String,
    attributes: Vec<Attribute>,
}

#[derive(Deserialize)]
struct Attribute {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    /// The enum whose values the attribute takes.
    #[serde(rename = "enum")]
    values: Option<String>,
}

/// A name as the generated C header spells it: `watch-id` is `WATCH_ID`.
fn c_upper(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

/// The `Kind` in src/event.rs that decodes a spec type; `None` for the
/// padding attribute, which carries nothing. The `type` attribute is a plain
/// number here: src/event.rs names it after reading it.
fn decoder(attr: &Attribute) -> Option<String> {
    match (attr.kind.as_str(), &attr.values) {
        ("u32", Some(values)) if values != EVENT_TYPE_ENUM => {
            Some(format!("Kind::Enum({})", names_table(values)))
        }
        (kind, _) => decoder_of(kind, &attr.name).map(str::to_string),
    }
}

fn decoder_of(kind: &str, name: &str) -> Option<&'static str> {
    match kind {
        "pad" => None,
        "u32" => Some("Kind::U32"),
        "u64" => Some("Kind::U64"),
        "string" => Some("Kind::Str"),
        "flag" => Some("Kind::Flag"),
        other => panic!("{SPEC}: attribute {name}: type {other} has no decoder in src/event.rs"),
    }
}

/// The attribute's key in the text and JSON output.
fn output_key(attr: &str) -> String {
    KEY_RENAMES
        .iter()
        .find(|(name, _)| *name == attr)
        .map_or_else(|| attr.replace('-', "_"), |(_, key)| key.to_string())
}

/// The name of the table of an enum's names: `error-class` is
/// `ERROR_CLASS_NAMES`.
fn names_table(name: &str) -> String {
    format!("{}_NAMES", c_upper(name))
}

/// The tables, as Rust source for src/event.rs to include.
fn generate(spec: &Spec) -> String {
    let family = c_upper(&spec.name);
    let mut out = String::new();

    assert!(
        spec.definitions
            .iter()
            .any(|d| d.name == EVENT_TYPE_ENUM && d.kind == "enum"),
        "{SPEC}: no enum {EVENT_TYPE_ENUM}"
    );
    for values in spec.definitions.iter().filter(|d| d.kind == "enum") {
        let prefix = format!("{family}_{}", c_upper(&values.name));
        writeln!(
            out,
            "/// The spec's name of each value of enum {}.",
            values.name
        )
        .unwrap();
        writeln!(
            out,
            "const {}: &[(u32, &str)] = &[",
            names_table(&values.name)
        )
        .unwrap();
        for entry in &values.entries {
            let constant = format!("{prefix}_{}", c_upper(&entry.name));
            writeln!(out, "    (uapi::{constant}, {:?}),", entry.name).unwrap();
        }
        out.push_str("];\n\n");
    }

    let set = spec
        .attribute_sets
        .iter()
        .find(|s| s.name == ATTRIBUTE_SET)
        .unwrap_or_else(|| panic!("{SPEC}: no attribute set {ATTRIBUTE_SET}"));
    for name in LEADING
        .iter()
        .chain(KEY_RENAMES.iter().map(|(name, _)| name))
    {
        assert!(
            set.attributes.iter().any(|a| a.name == *name),
            "{SPEC}: no attribute {name}: update build.rs"
        );
    }
    let mut attrs: Vec<&Attribute> = set.attributes.iter().collect();
    // A stable sort: the others keep the spec's order.
    attrs.sort_by_key(|a| {
        LEADING
            .iter()
            .position(|name| *name == a.name)
            .unwrap_or(LEADING.len())
    });
    let prefix = format!("{family}_A_{}", c_upper(&set.name));
    out.push_str("/// Every attribute: its number, its key in the output, its type.\n");
    out.push_str("const ATTRS: &[(u32, &str, Kind)] = &[\n");
    for attr in attrs {
        let Some(kind) = decoder(attr) else {
            continue;
        };
        let constant = format!("{prefix}_{}", c_upper(&attr.name));
        let key = output_key(&attr.name);
        writeln!(out, "    (uapi::{constant}, {key:?}, {kind}),").unwrap();
    }
    out.push_str("];\n");
    out
}

fn main() {
    println!("cargo::rerun-if-changed={SPEC}");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let path = dir.join(SPEC);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let spec: Spec =
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
    let out = Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("spec_tables.rs");
    std::fs::write(&out, generate(&spec))
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
