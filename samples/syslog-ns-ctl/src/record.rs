// SPDX-License-Identifier: GPL-2.0

//! The `/dev/kmsg` record format (Documentation/ABI/testing/dev-kmsg) that
//! `/dev/kmsg_ns` and `SYSLOG_NS_IOC_READ_CLEAR` produce, and the three ways
//! `dmesg` shows a record: text, raw (`-r`) and JSON (`-J`).
//!
//! Parsing is strict about what the ABI fixes (the four leading fields, the
//! `;`, the `\xNN` escapes, the final newline), so that a module bug shows up
//! as an error rather than as odd output, and lenient about what the ABI
//! leaves open: unknown prefix fields and continuation lines are skipped.

use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;
use std::io::Write;

/// Why a record was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError(pub &'static str);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed record: {}", self.0)
    }
}

impl std::error::Error for ParseError {}

/// One log record, as `PRIO,SEQ,TS_USEC,FLAGS[,caller=T123|C1];TEXT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `facility << 3 | level`.
    pub prio: u32,
    /// The record's sequence number in its log.
    pub seq: u64,
    /// Microseconds since boot when the record was written.
    pub ts_usec: u64,
    /// The `c` flag: a fragment that a later record continues.
    pub cont: bool,
    /// The `caller=` field, `T<pid>` or `C<cpu>`, when the record has one.
    pub caller: Option<String>,
    /// The text with its `\xNN` escapes undone: any bytes, UTF-8 or not.
    pub text: Vec<u8>,
}

/// A record as `dmesg --json` shows it. Without the `caller` field,
/// `dmesg` leaves the key out, and so does this.
#[derive(Debug, Serialize)]
pub struct JsonRecord<'a> {
    /// `facility << 3 | level`, as `dmesg --json` without `--decode`.
    pub pri: u32,
    /// Seconds since boot.
    pub time: Seconds,
    /// `T<pid>` or `C<cpu>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<&'a str>,
    /// The unescaped text; bytes that are not UTF-8 become U+FFFD.
    pub msg: String,
}

/// A timestamp in microseconds, which JSON shows in seconds as `dmesg`
/// does, `%lu.%06lu`: `0.000001`, where a float would be `1e-6`, and
/// exact at any uptime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub u64);

impl Serialize for Seconds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = format!("{}.{:06}", self.0 / 1_000_000, self.0 % 1_000_000);
        RawValue::from_string(text)
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// The document `dmesg --json` prints: `{"dmesg": [records]}`.
#[derive(Debug, Serialize)]
pub struct JsonLog<'a> {
    /// The records, oldest first.
    pub dmesg: Vec<JsonRecord<'a>>,
}

impl Record {
    /// Parses what one `read()` of the device returns: one record line
    /// ending in `\n`, then any continuation lines (` KEY=value\n`), which
    /// are skipped.
    pub fn parse(buf: &[u8]) -> Result<Self, ParseError> {
        let mut records = parse_records(buf)?;
        match records.len() {
            1 => Ok(records.remove(0)),
            0 => Err(ParseError("no record")),
            _ => Err(ParseError("more than one record in one read")),
        }
    }

    /// Parses one record line, without its newline.
    pub fn parse_line(line: &[u8]) -> Result<Self, ParseError> {
        // The prefix never holds a ';' and the text may: split at the first.
        let semicolon = line
            .iter()
            .position(|&c| c == b';')
            .ok_or(ParseError("no ';' after the prefix"))?;
        let prefix = std::str::from_utf8(&line[..semicolon])
            .map_err(|_| ParseError("the prefix is not ASCII"))?;
        let mut fields = prefix.split(',');
        let prio = number(fields.next(), ParseError("bad priority"))?;
        let seq = number(fields.next(), ParseError("bad sequence number"))?;
        let ts_usec = number(fields.next(), ParseError("bad timestamp"))?;
        let cont = match fields.next() {
            Some("-") => false,
            Some("c") => true,
            _ => return Err(ParseError("flags are not '-' or 'c'")),
        };
        let mut caller = None;
        for field in fields {
            // dev-kmsg: fields may be added before the ';' and readers must
            // ignore those they do not know. `caller=` is the one we show.
            let Some(id) = field.strip_prefix("caller=") else {
                continue;
            };
            if caller.is_some() {
                return Err(ParseError("two caller fields"));
            }
            let digits = id
                .strip_prefix('T')
                .or_else(|| id.strip_prefix('C'))
                .ok_or(ParseError("caller is not T<pid> or C<cpu>"))?;
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(ParseError("caller is not T<pid> or C<cpu>"));
            }
            caller = Some(id.to_owned());
        }
        Ok(Record {
            prio,
            seq,
            ts_usec,
            cont,
            caller,
            text: unescape(&line[semicolon + 1..])?,
        })
    }

    /// The line `dmesg` prints, `[    1.234567] text`, or with `raw` the
    /// one `dmesg -r` prints, `<6>[    1.234567] text`. Lines of a text that
    /// holds newlines are indented under the first, and characters that are
    /// neither printable nor white space are shown as `\xNN`, as `dmesg`
    /// does, so a record cannot send control sequences to the terminal.
    pub fn to_text(&self, raw: bool) -> String {
        let mut line = String::with_capacity(self.text.len() + 24);
        if raw {
            line.push_str(&format!("<{}>", self.prio));
        }
        line.push_str(&format!(
            "[{:5}.{:06}] ",
            self.ts_usec / 1_000_000,
            self.ts_usec % 1_000_000
        ));
        let indent = line.len();
        push_display_text(&mut line, &self.text, indent);
        line
    }

    /// The record as `dmesg --json` shows it.
    pub fn to_json(&self) -> JsonRecord<'_> {
        JsonRecord {
            pri: self.prio,
            time: Seconds(self.ts_usec),
            caller: self.caller.as_deref(),
            msg: String::from_utf8_lossy(&self.text).into_owned(),
        }
    }
}

/// Parses a run of records, each ending in `\n`, as `SYSLOG_NS_IOC_READ_CLEAR`
/// returns them; continuation lines are skipped. An empty buffer holds no
/// records; a buffer that does not end in `\n` is cut, and rejected.
pub fn parse_records(buf: &[u8]) -> Result<Vec<Record>, ParseError> {
    let mut records = Vec::new();
    let mut rest = buf;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&c| c == b'\n')
            .ok_or(ParseError("no newline at the end"))?;
        let line = &rest[..end];
        rest = &rest[end + 1..];
        if line.first() == Some(&b' ') {
            if records.is_empty() {
                return Err(ParseError("a continuation line before any record"));
            }
            continue;
        }
        records.push(Record::parse_line(line)?);
    }
    Ok(records)
}

/// Writes `records` as `dmesg --json` does: one `{"dmesg": [...]}` document,
/// indented by three spaces as util-linux's JSON writer indents. An empty log
/// is `{"dmesg": []}` (util-linux prints nothing), so the output is always
/// JSON.
pub fn write_json_log<W: Write>(out: W, records: &[Record]) -> serde_json::Result<()> {
    let log = JsonLog {
        dmesg: records.iter().map(Record::to_json).collect(),
    };
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"   ");
    let mut ser = serde_json::Serializer::with_formatter(out, formatter);
    log.serialize(&mut ser)
}

/// How many records a reader missed, as [`LossTracker::observe`] tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// None.
    Nothing,
    /// This many.
    Records(u64),
    /// Some, but the reader had seen no record before: `read()` said
    /// `EPIPE` before the first one.
    Unknown,
}

impl Lost {
    /// The note a follower prints on stderr, if any.
    pub fn note(self) -> Option<String> {
        match self {
            Lost::Nothing => None,
            Lost::Records(1) => Some("(1 record lost)".to_owned()),
            Lost::Records(n) => Some(format!("({n} records lost)")),
            Lost::Unknown => Some("(records lost)".to_owned()),
        }
    }
}

/// Counts the records a reader missed because writers overwrote them
/// before it read them. `read()` says so with `EPIPE` and moves the cursor to
/// the oldest record; the sequence numbers tell how many were skipped.
#[derive(Debug, Default)]
pub struct LossTracker {
    next: Option<u64>,
    overrun: bool,
}

impl LossTracker {
    /// `read()` failed with `EPIPE`.
    pub fn overrun(&mut self) {
        self.overrun = true;
    }

    /// A record was read: how many were lost just before it.
    pub fn observe(&mut self, seq: u64) -> Lost {
        let lost = match self.next {
            Some(next) if seq > next => Lost::Records(seq - next),
            None if self.overrun => Lost::Unknown,
            _ => Lost::Nothing,
        };
        self.next = Some(seq.saturating_add(1));
        self.overrun = false;
        lost
    }
}

/// A decimal field: ASCII digits only (no sign, no space), fitting in `T`.
fn number<T: std::str::FromStr>(field: Option<&str>, err: ParseError) -> Result<T, ParseError> {
    match field {
        Some(s) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => {
            s.parse().map_err(|_| err)
        }
        _ => Err(err),
    }
}

/// Undoes the kernel's escaping: every `\` starts `\xNN`.
fn unescape(text: &[u8]) -> Result<Vec<u8>, ParseError> {
    const BAD: ParseError = ParseError("a backslash not followed by xNN");
    let hex = |c: u8| char::from(c).to_digit(16).ok_or(BAD);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'\\' {
            out.push(text[i]);
            i += 1;
            continue;
        }
        match text.get(i + 1..i + 4) {
            Some(&[b'x', hi, lo]) => out.push(((hex(hi)? << 4) | hex(lo)?) as u8),
            _ => return Err(BAD),
        }
        i += 4;
    }
    Ok(out)
}

/// Appends `text` for a terminal as util-linux `dmesg` writes it
/// (`safe_fwrite()`): printable characters and white space as they are,
/// other characters and bytes that are not UTF-8 as `\xNN`, and a newline
/// that more text follows as a newline and `indent` spaces.
fn push_display_text(out: &mut String, text: &[u8], indent: usize) {
    let mut pos = 0;
    for chunk in text.utf8_chunks() {
        for c in chunk.valid().chars() {
            pos += c.len_utf8();
            if c == '\n' {
                out.push('\n');
                if pos < text.len() {
                    out.extend(std::iter::repeat_n(' ', indent));
                }
            } else if c.is_control() && !c.is_whitespace() {
                let mut utf8 = [0u8; 4];
                for &b in c.encode_utf8(&mut utf8).as_bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            } else {
                out.push(c);
            }
        }
        for &b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
        pos += chunk.invalid().len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(prio: u32, seq: u64, ts_usec: u64, caller: Option<&str>, text: &[u8]) -> Record {
        Record {
            prio,
            seq,
            ts_usec,
            cont: false,
            caller: caller.map(str::to_owned),
            text: text.to_vec(),
        }
    }

    #[test]
    fn a_record_as_the_module_formats_it() {
        // The examples of the module's own KUnit test (kmsg.rs).
        assert_eq!(
            Record::parse(b"6,339,5140900,-,caller=T42;NET: Registered\n"),
            Ok(record(6, 339, 5_140_900, Some("T42"), b"NET: Registered"))
        );
        let r = Record::parse(b"11,0,5140900,c,caller=C1;x\n").unwrap();
        assert!(r.cont);
        assert_eq!((r.prio, r.seq, r.ts_usec), (11, 0, 5_140_900));
        assert_eq!(r.caller.as_deref(), Some("C1"));
    }

    #[test]
    fn the_caller_field_is_optional_and_unknown_fields_are_skipped() {
        // /dev/kmsg without CONFIG_PRINTK_CALLER.
        let r = Record::parse(b"6,1,0,-;hello\n").unwrap();
        assert_eq!(r, record(6, 1, 0, None, b"hello"));
        let r = Record::parse(b"6,1,0,-,future=1,caller=T7,more;hi\n").unwrap();
        assert_eq!(r.caller.as_deref(), Some("T7"));
        assert_eq!(r.text, b"hi");
    }

    #[test]
    fn escapes_are_undone_and_semicolons_stay_in_the_text() {
        let r = Record::parse(b"6,1,5140900,-,caller=T1;a\\x09b\\x5cc\\x0a\\x7f\\xc3\\xa9;d=e,f\n")
            .unwrap();
        assert_eq!(r.text, b"a\tb\\c\n\x7f\xc3\xa9;d=e,f");
        // Upper-case hex is valid hex, though the kernel writes lower case.
        assert_eq!(Record::parse(b"6,1,0,-;\\x4A\n").unwrap().text, b"J");
        // An empty text is a record, as /dev/kmsg can return one.
        assert_eq!(Record::parse(b"6,2,0,-;\n").unwrap().text, b"");
    }

    #[test]
    fn continuation_lines_are_ignored() {
        let buf = b"3,5,1000,-,caller=T9;usb 1-1: failed\n SUBSYSTEM=usb\n DEVICE=c189:1\n";
        let r = Record::parse(buf).unwrap();
        assert_eq!(r, record(3, 5, 1000, Some("T9"), b"usb 1-1: failed"));
    }

    #[test]
    fn malformed_records_are_rejected() {
        for (bad, why) in [
            (&b""[..], "no record"),
            (b"6,1,0,-;no newline", "no newline at the end"),
            (b"6,1,0,-\n", "no ';' after the prefix"),
            (b"6,1,0;text\n", "flags are not '-' or 'c'"),
            (b"6,1,0,+;text\n", "flags are not '-' or 'c'"),
            (b"6,1,0,--;text\n", "flags are not '-' or 'c'"),
            (b",1,0,-;text\n", "bad priority"),
            (b"x,1,0,-;text\n", "bad priority"),
            (b"+6,1,0,-;text\n", "bad priority"),
            (b"6,-1,0,-;text\n", "bad sequence number"),
            (b"6,18446744073709551616,0,-;text\n", "bad sequence number"),
            (b"6,1, 0,-;text\n", "bad timestamp"),
            (
                b"6,1,0,-,caller=X1;text\n",
                "caller is not T<pid> or C<cpu>",
            ),
            (b"6,1,0,-,caller=T;text\n", "caller is not T<pid> or C<cpu>"),
            (
                b"6,1,0,-,caller=T1x;text\n",
                "caller is not T<pid> or C<cpu>",
            ),
            (b"6,1,0,-,caller=T1,caller=C2;x\n", "two caller fields"),
            (b"6,1,0,-;a\\b\n", "a backslash not followed by xNN"),
            (b"6,1,0,-;a\\x4\n", "a backslash not followed by xNN"),
            (b"6,1,0,-;a\\xg0\n", "a backslash not followed by xNN"),
            (b"6,1,0,-;end\\\n", "a backslash not followed by xNN"),
            (b"6,\xff,0,-;x\n", "the prefix is not ASCII"),
            (b" KEY=value\n", "a continuation line before any record"),
            (
                b"6,1,0,-;a\n6,2,0,-;b\n",
                "more than one record in one read",
            ),
        ] {
            assert_eq!(Record::parse(bad), Err(ParseError(why)), "{bad:?}");
        }
    }

    #[test]
    fn a_read_clear_buffer_is_a_run_of_records() {
        let buf = b"6,10,1000000,-,caller=T1;first\n \
                    KEY=v\n\
                    4,11,2000000,c,caller=C0;sec\\x5cond\n\
                    14,12,3500000,-,caller=T300;third; with a semicolon\n";
        let records = parse_records(buf).unwrap();
        assert_eq!(
            records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [10, 11, 12]
        );
        assert_eq!(records[1].text, b"sec\\ond");
        assert_eq!(records[2].text, b"third; with a semicolon");
        assert_eq!(parse_records(b""), Ok(vec![]));
        // A buffer cut in the middle of a record.
        assert_eq!(
            parse_records(b"6,10,1,-;first\n6,11,2,-;sec"),
            Err(ParseError("no newline at the end"))
        );
    }

    #[test]
    fn text_lines_look_like_dmesg() {
        let r = record(6, 1, 12_345_678, Some("T1"), b"hello");
        assert_eq!(r.to_text(false), "[   12.345678] hello");
        assert_eq!(r.to_text(true), "<6>[   12.345678] hello");
        let r = record(14, 1, 123_456_000_001, None, b"x");
        assert_eq!(r.to_text(false), "[123456.000001] x");
    }

    #[test]
    fn text_output_indents_lines_and_escapes_control_characters() {
        let r = record(6, 1, 0, None, "one\ntwo\tü\x1b[31m\x7f\n".as_bytes());
        assert_eq!(
            r.to_text(false),
            "[    0.000000] one\n               two\tü\\x1b[31m\\x7f\n"
        );
        let r = record(6, 1, 0, None, b"bad \xff\xfe utf-8, C1 \xc2\x9b");
        assert_eq!(
            r.to_text(true),
            "<6>[    0.000000] bad \\xff\\xfe utf-8, C1 \\xc2\\x9b"
        );
    }

    #[test]
    fn json_has_the_shape_of_dmesg_json() {
        let records = [
            record(6, 1, 12_345_678, Some("T1"), b"first"),
            record(14, 2, 0, None, b"quote \" and \xff"),
        ];
        let mut out = Vec::new();
        write_json_log(&mut out, &records).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value,
            json!({"dmesg": [
                {"pri": 6, "time": 12.345678, "caller": "T1", "msg": "first"},
                {"pri": 14, "time": 0.0, "msg": "quote \" and \u{fffd}"},
            ]})
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("{\n   \"dmesg\": [\n      {\n         \"pri\": 6,\n"));
        // Keys in dmesg's order.
        let keys: Vec<usize> = ["\"pri\"", "\"time\"", "\"caller\"", "\"msg\""]
            .iter()
            .map(|k| text.find(k).unwrap())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));

        let mut out = Vec::new();
        write_json_log(&mut out, &[]).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&out).unwrap(),
            json!({"dmesg": []})
        );
    }

    #[test]
    fn json_time_is_the_exact_decimal() {
        for (usec, text) in [
            (1u64, "0.000001"),
            (5_140_900, "5.140900"),
            (86_400_999_999, "86400.999999"),
            (0, "0.000000"),
            (12_300_000, "12.300000"),
            (123_456_789_012_345, "123456789.012345"),
            (u64::MAX, "18446744073709.551615"),
        ] {
            let r = record(6, 1, usec, None, b"x");
            let line = serde_json::to_string(&r.to_json()).unwrap();
            assert!(line.contains(&format!("\"time\":{text},")), "{line}");
        }
    }

    #[test]
    fn losses_are_counted_from_sequence_numbers() {
        let mut t = LossTracker::default();
        assert_eq!(t.observe(5), Lost::Nothing);
        assert_eq!(t.observe(6), Lost::Nothing);
        t.overrun();
        assert_eq!(t.observe(10), Lost::Records(3));
        assert_eq!(t.observe(11), Lost::Nothing);
        assert_eq!(Lost::Records(3).note().as_deref(), Some("(3 records lost)"));

        let mut t = LossTracker::default();
        t.overrun();
        assert_eq!(t.observe(100), Lost::Unknown);
        assert_eq!(t.observe(101), Lost::Nothing);
    }
}
