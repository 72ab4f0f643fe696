// SPDX-License-Identifier: GPL-2.0

//! Decoding fs_events messages and tracking each watch's sequence numbers.
//!
//! The event types' names and the attribute table come from the YNL spec,
//! through build.rs.

use crate::uapi;
use anyhow::Result;
use neli::genl::Genlmsghdr;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// One decoded message: its attributes as named JSON values, in the order
/// of [`ATTRS`].
pub struct Event {
    fields: Vec<(&'static str, Value)>,
    kind: u32,
    watch_id: u32,
    seq: u64,
}

/// The spec's name of an event type.
fn type_name(kind: u32) -> &'static str {
    EVENT_TYPE_NAMES
        .iter()
        .find(|(value, _)| *value == kind)
        .map_or("unknown", |(_, name)| name)
}

enum Kind {
    U32,
    U64,
    Str,
    Flag,
    /// A u32 that takes one of these values, printed by name.
    Enum(&'static [(u32, &'static str)]),
}

// The names of each enum's values (EVENT_TYPE_NAMES, ERROR_CLASS_NAMES) and
// ATTRS, which build.rs generates from the YNL spec.
include!(concat!(env!("OUT_DIR"), "/spec_tables.rs"));

fn decode(kind: &Kind, payload: &[u8]) -> Option<Value> {
    Some(match kind {
        Kind::U32 => json!(u32::from_ne_bytes(payload.get(..4)?.try_into().ok()?)),
        Kind::U64 => json!(u64::from_ne_bytes(payload.get(..8)?.try_into().ok()?)),
        Kind::Str => {
            let text = payload.split(|&b| b == 0).next().unwrap_or_default();
            json!(String::from_utf8_lossy(text))
        }
        Kind::Flag => json!(true),
        Kind::Enum(names) => {
            let value = u32::from_ne_bytes(payload.get(..4)?.try_into().ok()?);
            // A value newer than this program: its number.
            match names.iter().find(|(v, _)| *v == value) {
                Some((_, name)) => json!(name),
                None => json!(value),
            }
        }
    })
}

impl Event {
    pub fn parse(genl: &Genlmsghdr<u8, u16>) -> Result<Event> {
        let handle = genl.attrs().get_attr_handle();
        let mut fields = Vec::new();
        for (number, key, kind) in ATTRS {
            let Some(attr) = handle.get_attribute(*number as u16) else {
                continue;
            };
            if let Some(value) = decode(kind, attr.nla_payload().as_ref()) {
                fields.push((*key, value));
            }
        }
        let get = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.as_u64())
        };
        let kind = get("type").unwrap_or(0) as u32;
        let watch_id = get("watch_id").unwrap_or(0) as u32;
        let seq = get("seq").unwrap_or(0);
        for (key, value) in fields.iter_mut() {
            if *key == "type" {
                *value = json!(type_name(kind));
            }
        }
        Ok(Event {
            fields,
            kind,
            watch_id,
            seq,
        })
    }

    pub fn is_state(&self) -> bool {
        self.kind == uapi::FS_EVENTS_EVENT_TYPE_STATE
    }

    pub fn json(&self) -> String {
        let map: Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Value::Object(map).to_string()
    }

    /// `key=value` pairs; strings with spaces are quoted.
    pub fn text(&self) -> String {
        let pairs: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) if s.is_empty() || s.contains(' ') => format!("{k}={s:?}"),
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        pairs.join(" ")
    }
}

/// Sequence numbers missing between two events of one watch.
pub struct Gap {
    watch_id: u32,
    first: u64,
    last: u64,
}

impl Gap {
    pub fn text(&self) -> String {
        format!(
            "gap watch_id={} missing_first_seq={} missing_last_seq={}",
            self.watch_id, self.first, self.last
        )
    }

    pub fn json(&self) -> String {
        json!({"gap": {"watch_id": self.watch_id, "missing_first_seq": self.first, "missing_last_seq": self.last}})
            .to_string()
    }
}

/// The last sequence number seen per watch.
#[derive(Default)]
pub struct GapTracker {
    last: HashMap<u32, u64>,
    pub missing: u64,
    pub lost_reported: u64,
    pub overruns: u64,
}

impl GapTracker {
    /// Records `event`; returns the gap before it, if any. A state reply
    /// sets the baseline (its seq is the last one used).
    pub fn observe(&mut self, event: &Event) -> Option<Gap> {
        if event.kind == uapi::FS_EVENTS_EVENT_TYPE_LOST {
            let count = event
                .fields
                .iter()
                .find(|(k, _)| *k == "lost_count")
                .and_then(|(_, v)| v.as_u64());
            self.lost_reported += count.unwrap_or(0);
        }
        let previous = self.last.insert(event.watch_id, event.seq);
        if event.is_state() {
            // A state reply may arrive after events it already counts.
            if previous.is_some_and(|p| p > event.seq) {
                self.last.insert(event.watch_id, previous.unwrap_or(0));
            }
            return None;
        }
        let expected = previous.map_or(event.seq, |p| p + 1);
        if event.seq > expected {
            self.missing += event.seq - expected;
            return Some(Gap {
                watch_id: event.watch_id,
                first: expected,
                last: event.seq - 1,
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: u32, watch_id: u32, seq: u64) -> Event {
        Event {
            fields: vec![("seq", json!(seq))],
            kind,
            watch_id,
            seq,
        }
    }

    #[test]
    fn every_attribute_but_the_padding_has_a_key() {
        let mut numbers: Vec<u32> = ATTRS.iter().map(|(number, _, _)| *number).collect();
        numbers.sort_unstable();
        let expected: Vec<u32> =
            (uapi::FS_EVENTS_A_EVENT_PAD + 1..=uapi::FS_EVENTS_A_EVENT_MAX).collect();
        assert_eq!(numbers, expected);
        let keys: Vec<&str> = ATTRS.iter().map(|(_, key, _)| *key).collect();
        // What scripts read, in the order each line has had.
        assert_eq!(
            keys[..6],
            ["seq", "type", "watch_id", "watch", "path", "timestamp_ns"]
        );
        assert!(keys.contains(&"blocks_total") && keys.contains(&"error_count"));
    }

    #[test]
    fn every_event_type_has_its_spec_name() {
        let names: Vec<&str> = (uapi::FS_EVENTS_EVENT_TYPE_SPACE_LOW
            ..=uapi::FS_EVENTS_EVENT_TYPE_SHUTDOWN)
            .map(type_name)
            .collect();
        assert_eq!(names.len(), EVENT_TYPE_NAMES.len());
        assert_eq!(names[0], "space-low");
        assert_eq!(type_name(uapi::FS_EVENTS_EVENT_TYPE_READ_ONLY), "read-only");
        assert_eq!(names.last(), Some(&"shutdown"));
        assert!(!names.contains(&"unknown"));
        assert_eq!(type_name(0), "unknown");
    }

    #[test]
    fn error_classes_print_by_name() {
        let class = ATTRS
            .iter()
            .find(|(number, _, _)| *number == uapi::FS_EVENTS_A_EVENT_ERROR_CLASS)
            .unwrap();
        assert_eq!(class.1, "error_class");
        let shutdown = uapi::FS_EVENTS_ERROR_CLASS_SHUTDOWN.to_ne_bytes();
        assert_eq!(decode(&class.2, &shutdown), Some(json!("shutdown")));
        let corruption = uapi::FS_EVENTS_ERROR_CLASS_CORRUPTION.to_ne_bytes();
        assert_eq!(decode(&class.2, &corruption), Some(json!("corruption")));
        assert_eq!(decode(&class.2, &99u32.to_ne_bytes()), Some(json!(99)));
        assert_eq!(decode(&class.2, &[1, 0]), None);
        let inode = ATTRS
            .iter()
            .find(|(number, _, _)| *number == uapi::FS_EVENTS_A_EVENT_INODE)
            .unwrap();
        assert_eq!(inode.1, "inode");
        assert_eq!(decode(&inode.2, &12u64.to_ne_bytes()), Some(json!(12)));
    }

    #[test]
    fn gaps_are_per_watch() {
        let mut t = GapTracker::default();
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_SPACE_LOW, 1, 1))
            .is_none());
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_ERROR, 2, 1))
            .is_none());
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_SPACE_OK, 1, 2))
            .is_none());
        let gap = t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_LOST, 1, 5))
            .unwrap();
        assert_eq!((gap.first, gap.last), (3, 4));
        assert_eq!(t.missing, 2);
    }

    #[test]
    fn a_state_reply_sets_the_baseline() {
        let mut t = GapTracker::default();
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_STATE, 1, 7))
            .is_none());
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_ERROR, 1, 8))
            .is_none());
        // A late state reply does not move the baseline back.
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_STATE, 1, 7))
            .is_none());
        assert!(t
            .observe(&event(uapi::FS_EVENTS_EVENT_TYPE_ERROR, 1, 9))
            .is_none());
        assert_eq!(t.missing, 0);
    }

    #[test]
    fn text_quotes_strings_with_spaces() {
        let e = Event {
            fields: vec![
                ("type", json!("report")),
                ("message", json!("disk on fire")),
                ("code", json!(7)),
            ],
            kind: uapi::FS_EVENTS_EVENT_TYPE_REPORT,
            watch_id: 1,
            seq: 1,
        };
        assert_eq!(e.text(), "type=report message=\"disk on fire\" code=7");
        assert_eq!(
            e.json(),
            r#"{"code":7,"message":"disk on fire","type":"report"}"#
        );
    }
}
