// SPDX-License-Identifier: GPL-2.0

//! What the program prints: records as text, raw lines, one JSON document or
//! JSON Lines, and the log's state for `--info`.

use crate::cli::Args;
use crate::error::{Op, SysError};
use crate::record::{self, Record};
use serde::Serialize;
use std::io::{self, BufWriter, Write};

/// A failed write of our output.
pub fn stdout_error(err: io::Error) -> SysError {
    SysError::new("writing to stdout", Op::Stdout, err)
}

/// How records are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Raw,
    /// One document at the end.
    Json,
    /// One object per record, as it comes.
    JsonLines,
}

/// Writes records to stdout in the format the options chose.
pub struct Printer {
    out: BufWriter<io::StdoutLock<'static>>,
    format: Format,
    /// The records held back for [`Format::Json`]'s one document.
    held: Vec<Record>,
}

impl Printer {
    pub fn new(args: &Args, follow: bool) -> Self {
        let format = match (args.json, args.raw, follow) {
            (true, _, false) => Format::Json,
            (true, _, true) => Format::JsonLines,
            (false, true, _) => Format::Raw,
            (false, false, _) => Format::Text,
        };
        Self {
            out: BufWriter::new(io::stdout().lock()),
            format,
            held: Vec::new(),
        }
    }

    pub fn print(&mut self, record: Record) -> Result<(), SysError> {
        match self.format {
            Format::Text | Format::Raw => {
                writeln!(self.out, "{}", record.to_text(self.format == Format::Raw))
            }
            Format::JsonLines => serde_json::to_writer(&mut self.out, &record.to_json())
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n")),
            Format::Json => {
                self.held.push(record);
                Ok(())
            }
        }
        .map_err(stdout_error)
    }

    pub fn flush(&mut self) -> Result<(), SysError> {
        self.out.flush().map_err(stdout_error)
    }

    pub fn finish(mut self) -> Result<(), SysError> {
        if self.format == Format::Json {
            record::write_json_log(&mut self.out, &self.held)
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n"))
                .map_err(stdout_error)?;
        }
        self.flush()
    }
}

/// What `--info` prints: SYSLOG_NS_IOC_INFO's fields, in the header's
/// order, and the size of the records after the last clear.
#[derive(Debug, Serialize)]
pub struct Info {
    pub id: u64,
    pub first_seq: u64,
    pub next_seq: u64,
    pub clear_seq: u64,
    pub dropped: u64,
    pub size: u32,
    pub console_level: u32,
    pub readers: u32,
    pub owner: u32,
    /// SYSLOG_NS_IOC_SIZE_UNREAD at `SEEK_DATA`: the bytes `read()` would
    /// return from the last clear on, which a -c buffer needs to take them
    /// in one call. Left out for a caller who may not read the log (EPERM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<u32>,
}

impl Info {
    /// The key=value lines of the text output, keyed as the JSON is.
    fn fields(&self) -> Vec<(&'static str, u64)> {
        let mut fields = vec![
            ("id", self.id),
            ("first_seq", self.first_seq),
            ("next_seq", self.next_seq),
            ("clear_seq", self.clear_seq),
            ("dropped", self.dropped),
            ("size", self.size.into()),
            ("console_level", self.console_level.into()),
            ("readers", self.readers.into()),
            ("owner", self.owner.into()),
        ];
        fields.extend(self.unread.map(|unread| ("unread", unread.into())));
        fields
    }

    /// Prints the state as key=value lines, or as one indented JSON object.
    pub fn print(&self, json: bool) -> Result<(), SysError> {
        let mut out = BufWriter::new(io::stdout().lock());
        if json {
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b"   ");
            let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
            self.serialize(&mut ser)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
                .map_err(stdout_error)?;
        } else {
            for (key, value) in self.fields() {
                writeln!(out, "{key}={value}").map_err(stdout_error)?;
            }
        }
        out.flush().map_err(stdout_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_prints_the_same_keys_as_text_and_json() {
        let info = Info {
            id: 1,
            first_seq: 2,
            next_seq: 3,
            clear_seq: 4,
            dropped: 5,
            size: 6,
            console_level: 7,
            readers: 8,
            owner: 9,
            unread: Some(10),
        };
        let json = serde_json::to_value(&info).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), info.fields().len());
        for (key, value) in info.fields() {
            assert_eq!(object[key], value, "{key}");
        }
    }
}
